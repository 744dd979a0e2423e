"""The landing notebook (the navigator and the guides) and a read-only notebook per guide."""

from __future__ import annotations

from collections.abc import Sequence

import nbformat
from nbformat.v4 import new_notebook

from ..case.guides import Guide
from ..case.schema import Case
from ..markup import link, render
from .notebook import GENERATOR, KERNELSPEC, NBFORMAT_MINOR, code_cell, html_cell

# Voilà serves files under notebooks/ at <base>voila/files/; pages are at <base>voila/render/.
PDF_FROM_LANDING = "../files/guides/{id}.pdf"
PDF_FROM_GUIDE = "../../files/guides/{id}.pdf"


def _notebook(cells: list[nbformat.NotebookNode], espec: dict[str, str]) -> nbformat.NotebookNode:
    nb: nbformat.NotebookNode = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": KERNELSPEC,
            "language_info": {"name": "python"},
            "espec": {"generator": GENERATOR, "audience": "learner", **espec},
        },
    )
    nb["nbformat_minor"] = NBFORMAT_MINOR
    nbformat.validate(nb)
    return nb


def landing_notebook(guides: list[Guide], gallery: list[str]) -> nbformat.NotebookNode:
    """The navigator (the curriculum by Part with the learner's status), then the guides.

    The modules are not written into the notebook: the navigator reads them when it runs, so the
    landing page never lists a case its kernel cannot open.
    """
    cells = [
        html_cell(
            "welcome",
            "<h1>ESPEC case workbook</h1>\n<p>Palliative and end-of-life care training for health "
            "social workers. Work through the cases at your own pace; your work is saved as you "
            "go. Every case is fictional.</p>",
        ),
        code_cell(
            "navigator",
            "import espec_widgets.navigator as navigator\n\nworkbook = navigator.open_navigator()",
        ),
    ]
    if guides:
        items = [
            f"<li>{link(f'guides/{g.id}.ipynb', render(g.title, inline=True))} "
            f"({link(PDF_FROM_LANDING.format(id=g.id), 'PDF')})</li>"
            for g in guides
        ]
        lines = [
            "<h2>Best Practice Guides</h2>",
            "<p>Short, practical guides to keep beside the cases. Each can be read here or "
            "downloaded as a PDF.</p>",
            "<ul>",
            *items,
            "</ul>",
        ]
        cells.append(html_cell("guides", "\n".join(lines)))
    if gallery:
        links = "\n".join(f"<li>{link(path, 'Component gallery')}</li>" for path in gallery)
        cells.append(
            html_cell(
                "educators",
                "<h2>For educators</h2>\n<p>Every exercise type with a short example, as learners "
                f"see it.</p>\n<ul>\n{links}\n</ul>",
            )
        )
    # Last, so a preheated kernel has shown everything before it waits for the learner's request.
    cells.append(code_cell("resume", "workbook.resume()"))
    return _notebook(cells, {"kind": "landing"})


def guide_notebook(
    guide: Guide, *, used_in: list[tuple[str, Case]], live: Sequence[str] = ()
) -> nbformat.NotebookNode:
    """A guide as a page: its text, a PDF download, links to the cases that use it, and the
    titles of the Part II live sessions that rest on it (they have no page of their own)."""
    pdf = link(PDF_FROM_GUIDE.format(id=guide.id), "Download this guide as a PDF")
    head = (
        f"<h1>{render(guide.title, inline=True)}</h1>\n"
        f"<p><em>A Best Practice Guide.</em> {pdf} to print or keep.</p>"
    )
    cells = [html_cell("title", head), html_cell("guide", render(guide.body))]
    if used_in:
        items = [
            f"<li>{link(f'../{path}', render(case.title, inline=True))}</li>"
            for path, case in used_in
        ]
        cells.append(
            html_cell(
                "used-in",
                "\n".join(["<h2>Cases that use this guide</h2>", "<ul>", *items, "</ul>"]),
            )
        )
    if live:
        items = [f"<li>{render(title, inline=True)}</li>" for title in live]
        cells.append(
            html_cell(
                "used-in-live",
                "\n".join(
                    [
                        "<h2>Live sessions (Part II) that use this guide</h2>",
                        "<ul>",
                        *items,
                        "</ul>",
                    ]
                ),
            )
        )
    cells.append(html_cell("back", f"<p>{link('../index.ipynb', 'Back to the workbook')}</p>"))
    return _notebook(cells, {"kind": "guide", "guide_id": guide.id, "title": guide.title})
