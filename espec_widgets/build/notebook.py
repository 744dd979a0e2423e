"""Turn one case into a thin notebook: narrative as Markdown, one short call per activity."""

from __future__ import annotations

from collections.abc import Mapping

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ..case.schema import Case, Scene
from .family_map import family_map_markdown

GENERATOR = "espec-widgets build"
NBFORMAT_MINOR = 5

KIND_LABELS = {
    "multiple_choice": "a question",
    "reflection": "a reflection",
    "classify": "sort into categories",
    "sequence": "put in order",
    "checklist": "a checklist",
    "self_assessment": "a self-assessment",
    "rewrite": "rewrite a line",
    "screen_decide": "screen and decide",
    "find_gap": "find the gap",
    "branching": "a branching conversation",
}

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def markdown_cell(cell_id: str, text: str) -> nbformat.NotebookNode:
    """A Markdown cell with a stable id (cell ids derive from case ids: rebuilds are identical)."""
    cell = new_markdown_cell(text.rstrip() + "\n")
    cell["id"] = cell_id
    return cell


def code_cell(cell_id: str, source: str) -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    cell["id"] = cell_id
    return cell


def _ce_categories(case: Case) -> str:
    """The case's CE category, and any other that some of its activities count toward."""
    others = sorted(
        {a.ce_category.value for a in case.activities if a.ce_category} - {case.ce_category.value}
    )
    if not others:
        return f"CE category: {case.ce_category.value}"
    return f"CE category: {case.ce_category.value}, with activities counted as {', '.join(others)}"


def _header(case: Case) -> str:
    domains = ", ".join(d.value for d in case.domains)
    lines = [
        f"# {case.title}",
        "",
        f"**Part {case.part.value}** · {case.setting.type.value} · about {case.estimated_minutes} "
        f"minutes · {_ce_categories(case)}",
        "",
        f"**Domains:** {domains} (main focus: {case.main_domain.value})",
        "",
        case.summary.strip(),
    ]
    if case.content_note:
        lines += ["", f"> **Content note.** {case.content_note.strip()}"]
    lines += ["", "## Learning objectives", "", "By the end of this case you will be able to:", ""]
    lines += [f"- {o.text.strip()}" for o in case.objectives]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _people(case: Case) -> str:
    lines = [
        "## People in this case",
        "",
        family_map_markdown(case),
        "",
        "| Name | Who they are | In the map | Legal surrogate |",
        "| --- | --- | --- | --- |",
    ]
    for p in case.people:
        role = p.relationship or "the patient"
        if p.age is not None:
            role += f", {p.age}"
        surrogate = "yes" if p.legal_surrogate else ""
        lines.append(f"| {_cell(p.name)} | {_cell(role)} | {p.kind.value} | {surrogate} |")
    described = [(p, p.description) for p in case.people if p.description]
    if described:
        lines += ["", "### Who's who"]
    for p, description in described:
        about = ", ".join(x for x in (p.relationship or "the patient", p.pronouns) if x)
        lines += ["", f"**{p.name}** ({about}). {' '.join(description.split())}"]
    if case.jurisdiction:
        j = case.jurisdiction
        kind = "a fictional jurisdiction" if j.fictional else "the jurisdiction"
        where = j.name if "fictional" in j.name.lower() else f"{j.name}, {kind}"
        lines += ["", f"**Where:** {where}. {j.rules.strip()}"]
    lines += ["", f"**Setting:** {case.setting.description.strip()}"]
    lines += ["", "_All people in this case are fictional._"]
    return "\n".join(lines)


def _scene(scene: Scene) -> str:
    """The scene's narrative; its transcript and recording are in the encounter player below."""
    parts = [f"## {scene.title}"]
    if scene.narrative:
        parts.append(scene.narrative.strip())
    return "\n\n".join(parts)


def _closing(case: Case, guide_titles: Mapping[str, str]) -> str:
    lines = ["## Debrief", "", case.debrief.strip()]
    if case.resources:
        lines += ["", "## Resources", ""]
        for r in case.resources:
            note = f": {r.note}" if r.note else ""
            lines.append(f"- [{r.title}]({r.url}){note}")
    if case.guides:
        lines += ["", "## Best Practice Guides", ""]
        lines += [f"- [{guide_titles.get(g, g)}](../guides/{g}.ipynb)" for g in case.guides]
    review = case.review
    lines += ["", "## Review record", ""]
    if review.status == "reviewed":
        who = "; ".join(f"{r.name}, {r.credential}" for r in review.reviewers)
        lines.append(f"Reviewed by {who} on {review.date}.")
    else:
        lines.append("This case has not yet been reviewed by a licensed social worker.")
    if review.note:
        lines += ["", review.note.strip()]
    return "\n".join(lines)


def case_notebook(
    case: Case, *, source: str, guide_titles: Mapping[str, str] | None = None
) -> nbformat.NotebookNode:
    """The notebook for one case; cell ids derive from case ids, so rebuilds are byte-identical."""
    cells = [
        markdown_cell("header", _header(case)),
        code_cell(
            "setup", f"import espec_widgets.page as page\n\ncase = page.open_case({case.id!r})"
        ),
        markdown_cell("people", _people(case)),
    ]
    total = len(case.ordered_activities)
    number = 0
    for scene in case.scenes:
        cells.append(markdown_cell(f"scene-{scene.id}", _scene(scene)))
        if scene.transcript or scene.media:
            cells.append(code_cell(f"play-{scene.id}", f"case.play({scene.id!r})"))
        for activity_id in scene.activities:
            number += 1
            kind = KIND_LABELS[case.activity(activity_id).type]  # type: ignore[attr-defined]
            cells.append(
                markdown_cell(f"heading-{activity_id}", f"### Activity {number} of {total}: {kind}")
            )
            cells.append(code_cell(f"activity-{activity_id}", f"case.show({activity_id!r})"))
    cells.append(markdown_cell("closing", _closing(case, guide_titles or {})))
    # Last, so a preheated kernel has shown everything before it waits for the learner's request.
    cells.append(code_cell("resume", "case.resume()"))
    nb = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": KERNELSPEC,
            "language_info": {"name": "python"},
            "espec": {
                "generator": GENERATOR,
                "audience": "learner",
                "case_id": case.id,
                "part": case.part.value,
                "source": source,
                "schema_version": case.schema_version,
            },
        },
    )
    nb["nbformat_minor"] = NBFORMAT_MINOR
    nbformat.validate(nb)
    return nb


def dumps(nb: nbformat.NotebookNode) -> str:
    """Serialise exactly as nbformat does, with a final newline."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"
