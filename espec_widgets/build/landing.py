"""The landing notebook (the navigator and the guides) and a read-only notebook per guide."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_notebook

from ..case.guides import Guide
from ..case.schema import Case
from .notebook import GENERATOR, KERNELSPEC, NBFORMAT_MINOR, code_cell, markdown_cell

# Voilà serves files under notebooks/ at <base>voila/files/; pages are at <base>voila/render/.
PDF_FROM_LANDING = "../files/guides/{id}.pdf"
PDF_FROM_GUIDE = "../../files/guides/{id}.pdf"


def _notebook(cells: list[nbformat.NotebookNode], espec: dict[str, str]) -> nbformat.NotebookNode:
    nb = new_notebook(
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
        markdown_cell(
            "welcome",
            "# ESPEC case workbook\n\n"
            "Palliative and end-of-life care training for health social workers. Work through "
            "the cases at your own pace; your work is saved as you go. Every case is fictional.",
        ),
        code_cell(
            "navigator",
            "import espec_widgets.navigator as navigator\n\nworkbook = navigator.open_navigator()",
        ),
    ]
    if guides:
        lines = [
            "## Best Practice Guides",
            "",
            "Short, practical guides to keep beside the cases. Each can be read here or "
            "downloaded as a PDF.",
            "",
        ]
        for g in guides:
            pdf = PDF_FROM_LANDING.format(id=g.id)
            lines.append(f"- [{g.title}](guides/{g.id}.ipynb) ([PDF]({pdf}))")
        cells.append(markdown_cell("guides", "\n".join(lines)))
    if gallery:
        links = "\n".join(f"- [Component gallery]({path})" for path in gallery)
        cells.append(
            markdown_cell(
                "educators",
                "## For educators\n\nEvery exercise type with a short example, as learners see it."
                "\n\n" + links,
            )
        )
    # Last, so a preheated kernel has shown everything before it waits for the learner's request.
    cells.append(code_cell("resume", "workbook.resume()"))
    return _notebook(cells, {"kind": "landing"})


def guide_notebook(guide: Guide, *, used_in: list[tuple[str, Case]]) -> nbformat.NotebookNode:
    """A guide as a page: its text, a PDF download, and links to the cases that use it."""
    pdf = PDF_FROM_GUIDE.format(id=guide.id)
    head = (
        f"# {guide.title}\n\n"
        f"_A Best Practice Guide._ [Download this guide as a PDF]({pdf}) to print or keep."
    )
    cells = [markdown_cell("title", head), markdown_cell("guide", guide.body)]
    if used_in:
        lines = ["## Cases that use this guide", ""]
        lines += [f"- [{case.title}](../{path})" for path, case in used_in]
        cells.append(markdown_cell("used-in", "\n".join(lines)))
    cells.append(markdown_cell("back", "[Back to the workbook](../index.ipynb)"))
    return _notebook(cells, {"kind": "guide", "guide_id": guide.id})
