"""The journal's content, read from the store and the cases: plain data, no widgets.

A reflection or rewrite is its latest saved text (drafts keep one text per activity, saved as the
learner writes); a self-assessment is the latest ratings saved. Part II adds what the learner
wrote on live-session walls. Nothing here is anyone else's: every query is by the learner's id.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ..case.vocabulary import Part
from ..curriculum import PARTS
from ..store import Learner, Store, tables

KINDS = {"reflection": "Reflection", "rewrite": "Rewrite", "self_assessment": "Self-assessment"}


@dataclass(frozen=True)
class Rating:
    statement: str
    before: str | None  # the scale's label, or None when not asked or not rated
    now: str | None


@dataclass(frozen=True)
class Entry:
    kind: str  # Reflection | Rewrite | Self-assessment | Wall post
    title: str
    prompt: str
    when: dt.datetime
    text: str = ""  # reflections, rewrites, posts
    said: str = ""  # a rewrite: the line it rewrites
    ratings: tuple[Rating, ...] = ()


@dataclass
class Section:
    """One case (Part I) or one live session (Part II)."""

    title: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class PartJournal:
    part: str
    title: str
    sections: list[Section] = field(default_factory=list)


@dataclass
class Journal:
    name: str
    made_at: dt.datetime
    parts: list[PartJournal]

    @property
    def count(self) -> int:
        return sum(len(s.entries) for p in self.parts for s in p.sections)


def _plain(markup: str) -> str:
    """Text of the agenda's rendered (sanitised) HTML: tags dropped, entities read."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _label(scale: tuple[str, ...], value: Any) -> str | None:
    return scale[value] if type(value) is int and 0 <= value < len(scale) else None


def _ratings(spec: Any, payload: Any) -> tuple[Rating, ...]:
    if not isinstance(payload, dict):
        return ()
    before, now = payload.get("before"), payload.get("now")
    out = []
    for k, statement in enumerate(spec.items):
        b = before[k] if isinstance(before, list) and k < len(before) else None
        n = now[k] if isinstance(now, list) and k < len(now) else None
        rating = Rating(statement, _label(spec.scale, b), _label(spec.scale, n))
        if rating.before is not None or rating.now is not None:
            out.append(rating)
    return tuple(out)


def _case_section(store: Store, learner: Learner, case: Any) -> Section:
    drafts = store.find_drafts(learner, case.id)
    latest: dict[str, Any] = {}
    for r in store.find_responses(learner, case.id):
        latest[r.activity_id] = r
    section = Section(case.info.title or case.id)
    order = {aid: k for k, aid in enumerate(case.info.order)}
    for spec in sorted(case.activities, key=lambda a: order.get(a.id, len(order))):
        kind = KINDS.get(spec.type)
        if kind is None:
            continue
        prompt = " ".join(spec.prompt.split())
        if spec.type in {"reflection", "rewrite"}:
            draft = drafts.get(spec.id)
            if draft is None or not draft.text.strip():
                continue
            said = " ".join(getattr(spec, "weak_line", "").split())
            section.entries.append(
                Entry(kind, spec.title, prompt, draft.updated_at, text=draft.text, said=said)
            )
        else:
            response = latest.get(spec.id)
            if response is None:
                continue
            ratings = _ratings(spec, response.payload)
            if ratings:
                section.entries.append(
                    Entry(kind, spec.title, prompt, response.created_at, ratings=ratings)
                )
    return section


def _wall_posts(store: Store, learner: Learner) -> list[Section]:
    p, s = tables.live_posts, tables.live_sessions
    query = (
        sa.select(p.c.text, p.c.stage_id, p.c.created_at, s.c.title, s.c.agenda, s.c.id)
        .join(s, s.c.id == p.c.session_id)
        .where(p.c.learner_id == learner.id)
        .order_by(p.c.created_at)
    )
    with store._read() as conn:
        rows = conn.execute(query).all()
    sections: dict[int, Section] = {}
    for row in rows:
        stages = {st.get("id"): st for st in row.agenda if isinstance(st, dict)}
        stage = stages.get(row.stage_id, {})
        wall = stage.get("wall")
        wall = wall if isinstance(wall, dict) else {}
        prompt = _plain(str(wall.get("question", "")))
        section = sections.setdefault(row.id, Section(row.title))
        section.entries.append(
            Entry(
                "Wall post",
                str(stage.get("title", row.stage_id)),
                prompt,
                row.created_at,
                text=row.text,
            )
        )
    return list(sections.values())


def journal(store: Store, learner: Learner, cases: list[Any]) -> Journal:
    """The learner's journal: Part I by case (in program order), Part II by live session."""
    parts: dict[str, PartJournal] = {}
    for case in cases:
        section = _case_section(store, learner, case)
        if not section.entries:
            continue
        part = case.info.part
        parts.setdefault(part, PartJournal(part, PARTS[Part(part)].title)).sections.append(section)
    posts = _wall_posts(store, learner)
    if posts:
        parts.setdefault("II", PartJournal("II", PARTS[Part.II].title)).sections.extend(posts)
    ordered = [parts[k] for k in sorted(parts, key=lambda p: ("I", "II", "III", "IV").index(p))]
    return Journal(learner.display_name, dt.datetime.now(dt.UTC), ordered)


def as_data(j: Journal) -> list[dict[str, Any]]:
    """The journal for the page: parts, sections and entries as JSON-ready dicts."""
    return [
        {
            "part": p.part,
            "title": p.title,
            "sections": [
                {
                    "title": s.title,
                    "entries": [
                        {
                            "kind": e.kind,
                            "title": e.title,
                            "prompt": e.prompt,
                            "when": f"{e.when.day} {e.when:%B %Y}",
                            "text": e.text,
                            "said": e.said,
                            "ratings": [
                                {"statement": r.statement, "before": r.before, "now": r.now}
                                for r in e.ratings
                            ],
                        }
                        for e in s.entries
                    ],
                }
                for s in p.sections
            ],
        }
        for p in j.parts
    ]
