"""The journal as Markdown and as a Word document (python-docx, imported only when asked for).

Both have the same outline: the journal's title, a heading per Part (level 1), per case or
session (level 2) and per entry (level 3), then the prompt, the date and the learner's words.
The learner's text is theirs, as they wrote it: Markdown escapes it so that it reads as written;
the Word document puts it in plain paragraphs.
"""

from __future__ import annotations

import io
import re

from .entries import Entry, Journal

TITLE = "My journal"
PRIVATE = (
    "Your own reflections from the ESPEC case workbook. The cases are fictional; keep this "
    "document private if what you wrote is personal."
)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def _md(text: str) -> str:
    """Learner text as Markdown that shows exactly what was written (no markup of its own)."""
    lines = []
    for line in text.splitlines():
        line = _MD_SPECIAL.sub(r"\\\1", line)
        line = re.sub(r"^(\s*)([-=])", r"\1\\\2", line)  # a list item or a setext heading
        line = re.sub(r"^(\s*\d+)\.", r"\1\\.", line)  # a numbered list
        lines.append(line)
    return "\n".join(lines)


def _date(entry: Entry) -> str:
    return f"{entry.when.day} {entry.when:%B %Y}"


def _rating_lines(entry: Entry) -> list[str]:
    out = []
    for r in entry.ratings:
        parts = []
        if r.before is not None:
            parts.append(f"before the case: {r.before}")
        if r.now is not None:
            parts.append(f"now: {r.now}")
        out.append(f"{r.statement}: " + "; ".join(parts))
    return out


def markdown(j: Journal) -> str:
    out = [
        f"# {TITLE}: {_md(j.name)}",
        "",
        PRIVATE,
        "",
        f"Made on {j.made_at.day} {j.made_at:%B %Y}.",
        "",
    ]
    if not j.parts:
        out += ["Nothing written yet.", ""]
    for part in j.parts:
        out += [f"## Part {part.part}: {part.title}", ""]
        for section in part.sections:
            out += [f"### {_md(section.title)}", ""]
            for e in section.entries:
                out += [f"#### {e.kind}: {_md(e.title)}", ""]
                if e.prompt:
                    out += [f"*Prompt:* {_md(e.prompt)}", ""]
                if e.said:
                    out += [f"*The line you rewrote:* {_md(e.said)}", ""]
                out += [f"*Written:* {_date(e)}", ""]
                if e.text:
                    out += [_md(e.text.strip()), ""]
                out += [f"- {_md(line)}" for line in _rating_lines(e)]
                if e.ratings:
                    out.append("")
    return "\n".join(out).rstrip() + "\n"


def docx(j: Journal) -> bytes:
    """The journal as a .docx: Word's own Title, Heading 1-3 and Quote styles, so that its
    navigation pane and a screen reader see the outline."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    props = doc.core_properties
    props.title = f"{TITLE}: {j.name}"
    props.author = j.name
    props.subject = "ESPEC case workbook reflections"
    props.language = "en-US"
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    doc.add_heading(f"{TITLE}: {j.name}", level=0)
    doc.add_paragraph(PRIVATE)
    doc.add_paragraph(f"Made on {j.made_at.day} {j.made_at:%B %Y}.")
    if not j.parts:
        doc.add_paragraph("Nothing written yet.")
    for part in j.parts:
        doc.add_heading(f"Part {part.part}: {part.title}", level=1)
        for section in part.sections:
            doc.add_heading(section.title, level=2)
            for e in section.entries:
                doc.add_heading(f"{e.kind}: {e.title}", level=3)
                if e.prompt:
                    p = doc.add_paragraph()
                    p.add_run("Prompt: ").bold = True
                    p.add_run(e.prompt)
                if e.said:
                    p = doc.add_paragraph()
                    p.add_run("The line you rewrote: ").bold = True
                    p.add_run(e.said)
                p = doc.add_paragraph()
                p.add_run("Written: ").bold = True
                p.add_run(_date(e))
                for block in [b for b in re.split(r"\n\s*\n", e.text.strip()) if b]:
                    doc.add_paragraph(block.strip(), style="Quote")
                for line in _rating_lines(e):
                    doc.add_paragraph(line, style="List Bullet")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
