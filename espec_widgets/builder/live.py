"""The live-session notebooks: the learners' page (notebooks/live.ipynb) and the instructor's
console (staff/console.ipynb, which the learners' server never serves)."""

from __future__ import annotations

import nbformat

from .landing import _notebook
from .notebook import code_cell, html_cell

LIVE_PAGE = "live.ipynb"
CREDIT_PAGE = "credit.ipynb"
JOURNAL_PAGE = "journal.ipynb"
CONSOLE_PAGE = "console.ipynb"


def live_notebook() -> nbformat.NotebookNode:
    cells = [
        html_cell(
            "live-intro",
            "<h1>Join a live session</h1>\n<p>Part II of the program is live: your instructor "
            "leads the group through a clinical scenario, with polls, a group wall and "
            "discussion. Type the code your instructor shows, and this page follows the "
            "session as it moves from stage to stage.</p>",
        ),
        code_cell(
            "live", "import espec_widgets.live.learner as live\n\npage = live.open_live_page()"
        ),
        code_cell("resume", "page.resume()"),
    ]
    return _notebook(cells, {"kind": "live", "part": "II", "title": "Live session"})


def console_notebook() -> nbformat.NotebookNode:
    cells = [
        code_cell(
            "console",
            "import espec_widgets.live.console as console\n\napp = console.open_console()",
        ),
    ]
    nb = _notebook(cells, {"kind": "console", "title": "Instructor console"})
    nb.metadata["espec"]["audience"] = "staff"
    return nb


def credit_notebook() -> nbformat.NotebookNode:
    cells = [
        html_cell(
            "credit-intro",
            "<h1>Credit and certificates</h1>\n<p>What each Part asks of you for its CE "
            "certificate, and how far you are: the Part I post-test, the evaluations, and your "
            "certificates to download. Anyone can check a certificate on the workbook's "
            "verification page with its ID.</p>",
        ),
        code_cell(
            "credit",
            "import espec_widgets.credit.page as credit\n\npage = credit.open_credit_page()",
        ),
        code_cell("resume", "page.resume()"),
    ]
    return _notebook(cells, {"kind": "credit", "title": "Credit and certificates"})


def journal_notebook() -> nbformat.NotebookNode:
    cells = [
        html_cell(
            "journal-intro",
            "<h1>My journal and my data</h1>\n<p>Your reflections, rewrites and "
            "self-assessments from every case, with the prompt each answers, to read here or "
            "take away as a Word document or Markdown. Below them: everything the workbook keeps "
            "about you, to download, and the way to delete it.</p>",
        ),
        code_cell(
            "journal",
            "import espec_widgets.journal.page as journal\n\npage = journal.open_journal_page()",
        ),
        code_cell("resume", "page.resume()"),
    ]
    return _notebook(cells, {"kind": "journal", "title": "My journal"})
