"""The family map: the case's people drawn as an ecomap in SVG, with the people table as its text.

Relationships are told apart by line style and words, the legal surrogate by a double ring and a
label, the care team by rectangles: nothing depends on colour. The SVG is built at build time,
so the notebook stays deterministic and the page needs no widget for it.
"""

from __future__ import annotations

import base64
import math
from html import escape

from ..case.schema import Case, Person, PersonKind

WIDTH, HEIGHT = 760, 540  # HEIGHT without the care team; each row of the team adds TEAM_ROW
TEAM_PER_ROW = 3
TEAM_ROW = 70
CENTRE = (WIDTH / 2, 330)
RX, RY = 250, 190
NODE_R = 24

LINE_STYLE = {
    PersonKind.FAMILY: "",
    PersonKind.GUARDIAN: "",
    PersonKind.CHOSEN_FAMILY: ' stroke-dasharray="9 5"',
    PersonKind.FRIEND: ' stroke-dasharray="2 5"',
    PersonKind.OTHER: ' stroke-dasharray="2 5"',
    PersonKind.INTERPRETER: ' stroke-dasharray="2 5"',
}


def _n(x: float) -> str:
    return f"{x:.1f}"


def _text(x: float, y: float, text: str, *, size: int = 13, weight: str = "normal") -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" font-weight="{weight}" '
        f'text-anchor="middle">{escape(text)}</text>'
    )


def _label(p: Person) -> str:
    """The first clause of the relationship ('daughter; lives with him …' -> 'daughter')."""
    return (p.relationship or "the patient").split(";")[0].split(",")[0].strip()


def _initials(name: str) -> str:
    words = [w for w in name.replace('"', " ").split() if w[:1].isalpha()]
    return "".join(w[0] for w in (words[:1] + words[-1:] if len(words) > 1 else words)).upper()


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap(text: str, limit: int, lines: int = 2) -> list[str]:
    """Text in at most `lines` lines of `limit` characters, broken at spaces; the last is cut."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= limit:
            line += " " + words.pop(0)
        out.append(line)
    if words:
        out[-1] = _short(out[-1] + " " + " ".join(words), limit)
    return [_short(line, limit) for line in out]


def ecomap_svg(case: Case) -> str:
    """The SVG source, deterministic for a given case."""
    patient = case.patient
    circle = [p for p in case.people if p.kind not in {PersonKind.PATIENT, PersonKind.TEAM}]
    team = [p for p in case.people if p.kind is PersonKind.TEAM]
    cx, cy = CENTRE
    parts: list[str] = []
    # people in the patient's life on an arc above them; their labels sit above their node,
    # so the lines from the patient never cross text
    k = len(circle)
    span = min(150.0, 45.0 * (k - 1))
    for i, person in enumerate(circle):
        angle = math.radians(90 + span / 2 - (span * i / (k - 1) if k > 1 else 0))
        x, y = cx + RX * math.cos(angle), cy - RY * math.sin(angle)
        style = LINE_STYLE.get(person.kind, "")
        parts.append(
            f'<line x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(x)}" y2="{_n(y)}" stroke="#222" '
            f'stroke-width="2"{style}/>'
        )
        parts.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{NODE_R}" fill="#fff" stroke="#222" stroke-width="2"/>'
        )
        if person.legal_surrogate:
            parts.append(
                f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{NODE_R + 6}" fill="none" stroke="#222" stroke-width="2"/>'
            )
        parts.append(_text(x, y + 5, _initials(person.name), size=13, weight="bold"))
        top = y - NODE_R - (12 if person.legal_surrogate else 6)
        parts.append(_text(x, top - 16, _short(person.name, 26), weight="bold"))
        parts.append(_text(x, top - 2, _short(_label(person), 30), size=12))
        notes = [
            n
            for n, on in (
                ("chosen family", person.kind is PersonKind.CHOSEN_FAMILY),
                ("legal surrogate", person.legal_surrogate),
            )
            if on
        ]
        for j, note in enumerate(notes):
            parts.append(_text(x, top - 32 - 14 * j, note, size=12, weight="bold"))
    # the patient
    parts.append(
        f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{NODE_R + 8}" fill="#fff" stroke="#222" stroke-width="3"/>'
    )
    parts.append(_text(cx, cy + 5, _initials(patient.name), size=14, weight="bold"))
    parts.append(_text(cx, cy + NODE_R + 26, _short(patient.name, 36), weight="bold"))
    parts.append(_text(cx, cy + NODE_R + 41, "the patient", size=12))
    # the care team along the bottom, in rows of boxes wide enough for their words
    rows = math.ceil(len(team) / TEAM_PER_ROW)
    height = HEIGHT + TEAM_ROW * rows - (62 if team else 0)
    if team:
        first = HEIGHT - 62
        parts.append(_text(WIDTH / 2, first - 8, "Care team", size=13, weight="bold"))
        for i, person in enumerate(team):
            row, col = divmod(i, TEAM_PER_ROW)
            in_row = min(TEAM_PER_ROW, len(team) - row * TEAM_PER_ROW)
            width = (WIDTH - 40) / TEAM_PER_ROW
            x = 20 + (WIDTH - 40 - width * in_row) / 2 + width * col
            top = first + TEAM_ROW * row
            parts.append(
                f'<rect x="{_n(x + 4)}" y="{_n(top)}" width="{_n(width - 8)}" height="{TEAM_ROW - 8}" '
                f'rx="4" fill="#fff" stroke="#222" stroke-width="1.5"/>'
            )
            parts.append(_text(x + width / 2, top + 19, _short(person.name, 30), weight="bold"))
            for j, line in enumerate(_wrap(_label(person), 34)):
                parts.append(_text(x + width / 2, top + 36 + 14 * j, line, size=12))
    legend = [
        ("", "family"),
        (' stroke-dasharray="9 5"', "chosen family"),
        (' stroke-dasharray="2 5"', "friend or other"),
    ]
    for i, (style, meaning) in enumerate(legend):
        y = 18 + 18 * i
        parts.append(
            f'<line x1="12" y1="{y - 4}" x2="48" y2="{y - 4}" stroke="#222" stroke-width="2"{style}/>'
        )
        parts.append(f'<text x="56" y="{y}" font-size="12">{escape(meaning)}</text>')
    parts.append('<circle cx="30" cy="73" r="6" fill="none" stroke="#222" stroke-width="1.5"/>')
    parts.append('<circle cx="30" cy="73" r="9" fill="none" stroke="#222" stroke-width="1.5"/>')
    parts.append('<text x="56" y="77" font-size="12">legal surrogate (double ring)</text>')
    title = f"Family map for {patient.name}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" font-family="sans-serif">'
        f"<title>{escape(title)}</title>"
        # Its own white ground: drawn in black, the map stays readable in the dark theme too.
        f'<rect width="{WIDTH}" height="{height}" fill="#fff"/>' + "".join(parts) + "</svg>"
    )


def family_map_html(case: Case) -> str:
    """An <img> of the ecomap whose alt text points to the table that follows it."""
    data = base64.b64encode(ecomap_svg(case).encode("utf-8")).decode("ascii")
    alt = (
        f"Family map: {case.patient.name} in the middle, the people in their life around them "
        "and the care team below. The table after this map lists every relationship."
    )
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{escape(alt)}" width="{WIDTH}">'
