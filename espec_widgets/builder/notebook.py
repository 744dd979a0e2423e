"""Turn one case into a thin notebook: its text as sanitised HTML, one short call per activity."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import cast

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ..anchors import activity_anchor, scene_anchor, section_anchor
from ..case.schema import Case, Scene
from ..markup import cell_source, escape, link, render
from .family_map import family_map_html

GENERATOR = "espec build"
EARLIER_GENERATORS = frozenset({"espec-widgets build"})
"""What notebooks built before the package took its name (espec-workbook) say they came from."""
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


def html_cell(cell_id: str, fragment: str) -> nbformat.NotebookNode:
    """A Markdown cell holding sanitised HTML (markup.cell_source), with a stable id: cell ids
    derive from case ids, so rebuilds are identical."""
    cell = cast(nbformat.NotebookNode, new_markdown_cell(cell_source(fragment)))
    cell["id"] = cell_id
    return cell


def code_cell(cell_id: str, source: str) -> nbformat.NotebookNode:
    cell = cast(nbformat.NotebookNode, new_code_cell(source))
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
    facts = (
        f"<strong>Part {escape(case.part.value)}</strong> · {escape(case.setting.type.value)} · "
        f"about {case.estimated_minutes} minutes · {escape(_ce_categories(case))}"
    )
    parts = [
        f"<h1>{render(case.title, inline=True)}</h1>",
        f"<p>{facts}</p>",
        f"<p><strong>Domains:</strong> {escape(domains)} "
        f"(main focus: {escape(case.main_domain.value)})</p>",
        render(case.summary),
    ]
    if case.content_note:
        note = render(f"**Content note.** {case.content_note.strip()}")
        parts.append(f"<blockquote>\n{note}\n</blockquote>")
    parts += [
        f'<h2 id="{section_anchor("objectives")}">Learning objectives</h2>',
        "<p>By the end of this case you will be able to:</p>",
        _list(render(o.text, inline=True) for o in case.objectives),
    ]
    return "\n".join(parts)


def _list(items: Iterable[str]) -> str:
    """A bulleted list of items that are already safe HTML."""
    return "\n".join(["<ul>", *(f"<li>{item}</li>" for item in items), "</ul>"])


def _row(cells: Iterable[str], tag: str = "td") -> str:
    return "<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>"


def _people(case: Case) -> str:
    head = ("Name", "Who they are", "In the map", "Legal surrogate")
    rows = []
    for p in case.people:
        role = render(p.relationship or "the patient", inline=True)
        if p.age is not None:
            role += f", {p.age}"
        surrogate = "yes" if p.legal_surrogate else ""
        rows.append(_row([render(p.name, inline=True), role, escape(p.kind.value), surrogate]))
    parts = [
        f'<h2 id="{section_anchor("people")}">People in this case</h2>',
        family_map_html(case),
        "<table>",
        f"<thead>\n{_row(head, 'th')}\n</thead>",
        "<tbody>",
        *rows,
        "</tbody>",
        "</table>",
    ]
    described = [(p, p.description) for p in case.people if p.description]
    if described:
        parts.append("<h3>Who's who</h3>")
    for p, description in described:
        about = ", ".join(x for x in (p.relationship or "the patient", p.pronouns) if x)
        parts.append(
            f"<p><strong>{render(p.name, inline=True)}</strong> ({render(about, inline=True)}). "
            f"{render(' '.join(description.split()), inline=True)}</p>"
        )
    if case.jurisdiction:
        j = case.jurisdiction
        kind = "a fictional jurisdiction" if j.fictional else "the jurisdiction"
        where = j.name if "fictional" in j.name.lower() else f"{j.name}, {kind}"
        parts.append(render(f"**Where:** {where}. {j.rules.strip()}"))
    parts.append(render(f"**Setting:** {case.setting.description.strip()}"))
    parts.append("<p><em>All people in this case are fictional.</em></p>")
    return "\n".join(parts)


def _scene(scene: Scene) -> str:
    """The scene's narrative; its transcript and recording are in the encounter player below."""
    parts = [f'<h2 id="{scene_anchor(scene.id)}">{render(scene.title, inline=True)}</h2>']
    if scene.narrative:
        parts.append(render(scene.narrative))
    return "\n".join(parts)


def _closing(case: Case, guide_titles: Mapping[str, str]) -> str:
    parts = []
    if case.resources:
        parts.append(f'<h2 id="{section_anchor("resources")}">Resources</h2>')
        parts.append(
            _list(
                link(str(r.url), render(r.title, inline=True))
                + (f": {render(r.note, inline=True)}" if r.note else "")
                for r in case.resources
            )
        )
    if case.guides:
        parts.append(f'<h2 id="{section_anchor("guides")}">Best Practice Guides</h2>')
        parts.append(
            _list(
                link(f"../guides/{g}.ipynb", render(guide_titles.get(g, g), inline=True))
                for g in case.guides
            )
        )
    review = case.review
    parts.append("<h2>Review record</h2>")
    if review.status == "reviewed":
        who = "; ".join(
            f"{render(r.name, inline=True)}, {render(r.credential, inline=True)}"
            for r in review.reviewers
        )
        parts.append(f"<p>Reviewed by {who} on {escape(review.date)}.</p>")
    else:
        parts.append("<p>This case has not yet been reviewed by a licensed social worker.</p>")
    if review.note:
        parts.append(render(review.note))
    return "\n".join(parts)


def case_notebook(
    case: Case,
    *,
    source: str,
    guide_titles: Mapping[str, str] | None = None,
    next_case: Mapping[str, str] | None = None,
) -> nbformat.NotebookNode:
    """The notebook for one case; cell ids derive from case ids, so rebuilds are byte-identical.

    next_case: the next module in the curriculum (href from this page, title), offered at the end.
    """
    cells = [
        html_cell("header", _header(case)),
        code_cell(
            "setup", f"import espec_widgets.page as page\n\ncase = page.open_case({case.id!r})"
        ),
        html_cell("people", _people(case)),
    ]
    total = len(case.ordered_activities)
    number = 0
    for scene in case.scenes:
        cells.append(html_cell(f"scene-{scene.id}", _scene(scene)))
        if scene.transcript or scene.media:
            cells.append(code_cell(f"play-{scene.id}", f"case.play({scene.id!r})"))
        for activity_id in scene.activities:
            number += 1
            kind = KIND_LABELS[case.activity(activity_id).type]  # type: ignore[attr-defined]
            anchor = activity_anchor(activity_id)
            heading = f'<h3 id="{anchor}">Activity {number} of {total}: {escape(kind)}</h3>'
            cells.append(html_cell(f"heading-{activity_id}", heading))
            cells.append(code_cell(f"activity-{activity_id}", f"case.show({activity_id!r})"))
    # The debrief discusses the answers: the kernel keeps it and shows it when the learner asks.
    cells.append(html_cell("debrief", f'<h2 id="{section_anchor("debrief")}">Debrief</h2>'))
    cells.append(code_cell("show-debrief", "case.debrief()"))
    cells.append(html_cell("closing", _closing(case, guide_titles or {})))
    where_next = f"next_case={dict(next_case)!r}" if next_case else ""
    cells.append(code_cell("end", f"case.end({where_next})"))
    # Last, so a preheated kernel has shown everything before it waits for the learner's request.
    cells.append(code_cell("resume", "case.resume()"))
    nb: nbformat.NotebookNode = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": KERNELSPEC,
            "language_info": {"name": "python"},
            "espec": {
                "generator": GENERATOR,
                "audience": "learner",
                "case_id": case.id,
                "title": case.title,
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
    text = cast(str, nbformat.writes(nb))
    return text if text.endswith("\n") else text + "\n"
