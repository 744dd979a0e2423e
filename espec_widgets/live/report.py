"""A live session's report: attendance (with credit), responses per stage, the wall as moderated.

Two forms of the same rows: CSV for a spreadsheet (one table, a `section` column saying what
each row is) and a tagged PDF (PDF/UA-1, made by WeasyPrint as the guides are) to file or print.
Learner-written text is escaped in the PDF and cannot start a formula in the CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from typing import Any

from ..store.live import LiveState, Presence
from .tree import tree_html

CSV_COLUMNS = ("section", "stage", "item", "participant", "value", "detail")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: one that starts like a formula is quoted."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _when(moment: dt.datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def _spans(p: Presence) -> str:
    return "; ".join(f"{_when(a)} to {_when(b)[-5:]}" for a, b in p.intervals)


def rows(state: LiveState, *, share: float) -> list[tuple[Any, ...]]:
    """The report's rows, in CSV_COLUMNS order."""
    s = state.session
    out: list[tuple[Any, ...]] = [
        ("session", "", "title", "", s.title, s.scenario_id),
        ("session", "", "code", "", s.code, ""),
        ("session", "", "instructor", "", s.created_by, ""),
        ("session", "", "started", "", _when(s.started_at), ""),
        ("session", "", "ended", "", _when(s.ended_at), ""),
        ("session", "", "planned minutes", "", s.planned_minutes, ""),
        ("session", "", "attendance rule", "", f"{round(share * 100)}% of the planned minutes", ""),
    ]
    for p in state.roster:
        out.append(
            (
                "attendance",
                "",
                "minutes present",
                p.name,
                p.minutes,
                ("attended" if p.attended else "not attended") + f"; {_spans(p)}",
            )
        )
    names = {p.learner_id: p.name for p in state.roster}
    for stage in s.agenda:
        poll = stage.get("poll")
        if poll:
            tally = state.tallies[poll["id"]]
            for option, count in zip(poll["options"], tally.counts, strict=True):
                share_of = f"{round(100 * count / tally.answered)}%" if tally.answered else "0%"
                out.append(("poll", stage["title"], option, "", count, share_of))
            for answer in state.answers.get(poll["id"], []):
                chosen = "; ".join(poll["options"][i] for i in answer.choices)
                out.append(
                    (
                        "answer",
                        stage["title"],
                        poll["id"],
                        names.get(answer.learner_id, ""),
                        chosen,
                        (answer.other or "") + (" (hidden from learners)" if answer.hidden else ""),
                    )
                )
        for post in state.posts:
            if post.stage_id == stage["id"]:
                moderation = "hidden" if post.hidden else "spotlight" if post.spotlight else "shown"
                out.append(
                    ("wall", stage["title"], "post", post.author or "", post.text, moderation)
                )
    return out


def report_csv(state: LiveState, *, share: float) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows(state, share=share):
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


STYLE = """
@page { size: Letter; margin: 18mm;
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; } }
html { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 9.5pt; line-height: 1.4; color: #111; }
h1 { font-size: 16pt; margin: 0 0 2mm; } h2 { font-size: 12.5pt; margin: 6mm 0 2mm; }
h3 { font-size: 10.5pt; margin: 4mm 0 1mm; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; }
th, td { border: 0.6pt solid #888; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #eee; } tr { break-inside: avoid; }
.bar { display: inline-block; height: 3mm; background: #333; vertical-align: middle; }
.muted { color: #444; }
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def report_html(state: LiveState, *, share: float) -> str:
    s = state.session
    parts = [
        f"<h1>{_e(s.title)}</h1>",
        f"<p class='muted'>Live session report. Code {_e(s.code)}; instructor {_e(s.created_by)};"
        f" started {_e(_when(s.started_at) or 'not started')}; ended"
        f" {_e(_when(s.ended_at) or 'not ended')}; {s.planned_minutes} planned minutes.</p>",
        "<h2>Attendance</h2>",
        f"<p>Marked as attended: present for at least {round(share * 100)}% of the planned"
        f" {s.planned_minutes} minutes.</p>",
        "<table><thead><tr><th scope='col'>Participant</th><th scope='col'>Minutes present</th>"
        "<th scope='col'>Attended</th><th scope='col'>Joined and left</th></tr></thead><tbody>",
    ]
    for p in state.roster:
        parts.append(
            f"<tr><td>{_e(p.name)}</td><td>{p.minutes:g}</td>"
            f"<td>{'Yes' if p.attended else 'No'}</td><td>{_e(_spans(p))}</td></tr>"
        )
    if not state.roster:
        parts.append("<tr><td colspan='4'>Nobody joined.</td></tr>")
    parts.append("</tbody></table><h2>Responses and the wall, stage by stage</h2>")
    for i, stage in enumerate(s.agenda, 1):
        parts.append(f"<h3>Stage {i}: {_e(stage['title'])} ({stage['minutes']} minutes)</h3>")
        if poll := stage.get("poll"):
            tally = state.tallies[poll["id"]]
            parts.append(
                f"<div>Poll: {tree_html(poll['question'])}</div>"
                f"<table><caption>{tally.answered} answers</caption><thead><tr>"
                "<th scope='col'>Option</th><th scope='col'>Answers</th>"
                "<th scope='col'>Share</th></tr></thead><tbody>"
            )
            for option, count in zip(poll["options"], tally.counts, strict=True):
                pct = round(100 * count / tally.answered) if tally.answered else 0
                parts.append(
                    f"<tr><td>{_e(option)}</td><td>{count}</td><td><span class='bar'"
                    f" style='width:{pct * 0.5:.1f}mm'></span> {pct}%</td></tr>"
                )
            parts.append("</tbody></table>")
            if tally.others:
                parts.append("<p>In their own words:</p><ul>")
                parts += [f"<li>{_e(o)}</li>" for o in tally.others]
                parts.append("</ul>")
        posts = [p for p in state.posts if p.stage_id == stage["id"]]
        if posts:
            parts.append("<p>Wall:</p><ul>")
            for post in posts:
                mark = " (hidden)" if post.hidden else " (spotlight)" if post.spotlight else ""
                parts.append(f"<li><strong>{_e(post.author)}</strong>{mark}: {_e(post.text)}</li>")
            parts.append("</ul>")
    body = "\n".join(parts)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_e(s.title)}: session report</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )


def report_pdf(state: LiveState, *, share: float) -> bytes:
    from weasyprint import HTML

    from ..builder.guide_pdf import fetch_nothing

    document = HTML(string=report_html(state, share=share), url_fetcher=fetch_nothing())
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None
    return bytes(pdf)
