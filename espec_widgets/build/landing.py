"""The landing notebook (the curriculum by Part) and read-only notebooks for the guides."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

from ..case.schema import Case, Part
from .notebook import GENERATOR, KERNELSPEC, NBFORMAT_MINOR

PARTS: dict[Part, tuple[str, str]] = {
    Part.I: (
        "Self-paced cases",
        "Encounters with patients and families, interactive exercises, reflective questions and "
        "resources, organised by the eight domains of palliative care. 8.0 CE hours.",
    ),
    Part.II: (
        "Live clinical scenarios",
        "Virtual instructor-led scenarios with group discussion and Best Practice Guides. "
        "2.5 CE hours.",
    ),
    Part.III: (
        "Leadership and advocacy",
        "Two 2-hour live sessions on advocacy and leadership in the social work role. 4.0 CE hours.",
    ),
    Part.IV: (
        "Mentorship",
        "Monthly mentorship with an experienced palliative social worker. Opens after Part I "
        "is complete.",
    ),
}


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


def _md(cell_id: str, text: str) -> nbformat.NotebookNode:
    cell = new_markdown_cell(text.rstrip() + "\n")
    cell["id"] = cell_id
    return cell


def landing_notebook(cases: list[Case], gallery: list[str]) -> nbformat.NotebookNode:
    """The curriculum by Part, linking to each case app (relative links work in Voilà and Lab)."""
    cells = [
        _md(
            "welcome",
            "# ESPEC case workbook\n\n"
            "Palliative and end-of-life care training for health social workers. "
            "Work through the cases at your own pace; every case is fictional.",
        )
    ]
    for part, (title, blurb) in PARTS.items():
        lines = [f"## Part {part.value}: {title}", "", blurb, ""]
        in_part = sorted((c for c in cases if c.part is part), key=lambda c: c.id)
        if part is Part.IV:
            lines.append("_Locked until Part I is complete._")
        elif not in_part:
            lines.append("_No modules yet._")
        for case in in_part:
            domains = "; ".join(d.value for d in case.domains)
            lines.append(
                f"- [{case.title}]({part.slug}/{case.id}.ipynb): about {case.estimated_minutes} "
                f"minutes. Domains: {domains}."
            )
        cells.append(_md(part.slug, "\n".join(lines)))
    if gallery:
        links = "\n".join(f"- [Component gallery]({path})" for path in gallery)
        cells.append(
            _md(
                "educators",
                "## For educators\n\nEvery exercise type with a short example, as learners see it."
                "\n\n" + links,
            )
        )
    return _notebook(cells, {"kind": "landing"})


def guide_notebook(guide_id: str, markdown: str) -> nbformat.NotebookNode:
    return _notebook([_md("guide", markdown)], {"kind": "guide", "guide_id": guide_id})
