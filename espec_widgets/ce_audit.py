"""CE hours that content backs up: learner minutes estimated from what a case shows and asks.

A case's minutes are the words a learner reads on its page (at `READING_WPM`) plus the time each
activity takes beyond reading it (`DOING_MINUTES`, per activity or per item). The rules are
documented for educators in docs/ce-audit.md; the numbers live only here.
"""

from __future__ import annotations

import html
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .case.credit import MAX_TRUE_FALSE, Bank, Course
from .case.scenario import Scenario
from .case.schema import Case, CECategory, Part

READING_WPM = 200
"""Reading speed for case text, as the content guide asks (about 200 words a minute)."""

DOING_MINUTES: dict[str, tuple[float, str]] = {
    "multiple_choice": (1.0, "question"),
    "screen_decide": (2.0, "screen"),
    "find_gap": (2.0, "transcript"),
    "classify": (0.4, "item"),
    "sequence": (0.4, "step"),
    "checklist": (0.2, "item"),
    "self_assessment": (0.15, "rating"),
    "reflection": (8.0, "reflection"),
    "rewrite": (5.0, "rewrite"),
    "branching": (0.5, "decision"),
}
"""Minutes of thinking, choosing or writing, beyond reading the activity's text, and what they
are counted per. A select-all question counts half as much again as a single choice."""

CASE_TOLERANCE = 0.20
"""A case's declared minutes may differ from the estimate by at most this share of it."""

PART_II_MINUTES = 150
"""A Part II session: 2.5 CE hours of live, instructor-led time, counted by its planned agenda."""

PART_MINUTES = {Part.I: 480}
"""Minutes each self-paced Part must total (8.0 CE hours). Parts II-III are live sessions,
counted by the length of the session, not by content; Part IV carries no CE hours."""

PART_I_SPLIT = {
    CECategory.CLINICAL: 195,
    CECategory.PAIN_SYMPTOM: 135,
    CECategory.CROSS_CULTURAL: 90,
    CECategory.ETHICS: 60,
}
"""Part I's split of its 8.0 hours when there is no course record (data/course.yaml states the
program's): 3.25, 2.25, 1.5 and 1.0 hours."""
# Each category's claimed hours must be backed by at least as many minutes of content in that
# category (more is fine: a claim may be conservative, never inflated).

_WORD = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ]+(?:['’\-][0-9A-Za-zÀ-ÖØ-öø-ÿ]+)*")
_TAG = re.compile(r"<[^>]*>")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


def count_words(text: str | None) -> int:
    """Words a reader reads: Markdown link targets and HTML tags (the family map) are not."""
    if not text:
        return 0
    text = _LINK_TARGET.sub("]", _TAG.sub(" ", text))
    return len(_WORD.findall(html.unescape(text)))


@dataclass(frozen=True)
class ActivityEstimate:
    id: str
    type: str
    ce_category: CECategory
    words: int
    units: int
    doing: float

    @property
    def minutes(self) -> float:
        return self.words / READING_WPM + self.doing


@dataclass(frozen=True)
class Estimate:
    """One case: what its page makes a learner read and do, in minutes."""

    case_id: str
    part: Part
    ce_category: CECategory
    declared: int
    page_words: int
    activities: tuple[ActivityEstimate, ...]

    @property
    def words(self) -> int:
        return self.page_words + sum(a.words for a in self.activities)

    @property
    def reading(self) -> float:
        return self.words / READING_WPM

    @property
    def doing(self) -> float:
        return sum(a.doing for a in self.activities)

    @property
    def minutes(self) -> int:
        return max(1, round(self.reading + self.doing))

    def by_category(self) -> dict[CECategory, float]:
        """Minutes per CE category: the page counts toward the case's, each activity its own."""
        split = {self.ce_category: self.page_words / READING_WPM}
        for a in self.activities:
            split[a.ce_category] = split.get(a.ce_category, 0.0) + a.minutes
        return split

    @property
    def deviation(self) -> float:
        """Declared minus estimated, as a share of the estimate."""
        return (self.declared - self.minutes) / self.minutes

    @property
    def within_tolerance(self) -> bool:
        return abs(self.deviation) <= CASE_TOLERANCE + 1e-9


def _texts(*parts: Any) -> int:
    return sum(count_words(p) for p in parts)


def _branch_path(activity: Any) -> list[tuple[Any, Any]]:
    """(node, choice taken) along the shortest run from the start to a strong ending.

    Falls back to the shortest run to any ending; conditions are ignored (a learner meets some
    of the choices they guard, and this is an estimate of one run, not a proof of one).
    """
    nodes = {n.id: n for n in activity.nodes}
    for wanted in ("strong", None):
        seen = {activity.start: [(nodes[activity.start], None)]}
        queue = deque([activity.start])
        while queue:
            node_id = queue.popleft()
            node = nodes[node_id]
            path = seen[node_id]
            if node.ending is not None and wanted in (None, node.ending.kind):
                return path
            for choice in node.choices:
                if choice.next in nodes and choice.next not in seen:
                    seen[choice.next] = [*path[:-1], (node, choice), (nodes[choice.next], None)]
                    queue.append(choice.next)
    return [(nodes[activity.start], None)]


def _activity_words(activity: Any) -> tuple[int, int]:
    """(words read, units of doing) for one activity, by family."""
    head = _texts(activity.title, activity.prompt)
    kind = activity.type
    if kind in {"multiple_choice", "screen_decide"}:
        words = head + sum(_texts(o.text, o.feedback) for o in activity.options)
        if kind == "screen_decide":
            s = activity.screen
            words += _texts(s.note, *(f"{i.label} {i.value}" for i in s.items))
        return words, 1
    if kind == "reflection":
        return head, 1
    if kind == "classify":
        words = head + sum(_texts(c.label) for c in activity.categories)
        return words + sum(_texts(i.text, i.feedback) for i in activity.items), len(activity.items)
    if kind == "sequence":
        return head + sum(_texts(s.text, s.feedback) for s in activity.steps), len(activity.steps)
    if kind == "checklist":
        return head + sum(_texts(i.text, i.rationale) for i in activity.items), len(activity.items)
    if kind == "self_assessment":
        ratings = len(activity.items) * (2 if activity.retrospective else 1)
        return head + _texts(*activity.items, *activity.scale), ratings
    if kind == "rewrite":
        return head + _texts(activity.weak_line, activity.model_answer, *activity.checklist), 1
    if kind == "find_gap":
        words = head + _texts(activity.where_feedback, *(line.text for line in activity.transcript))
        return words + sum(_texts(o.text, o.feedback) for o in activity.options), 1
    if kind == "branching":
        words, decisions = head, 0
        for node, choice in _branch_path(activity):
            words += _texts(node.text, *(c.text for c in node.choices))
            if node.ending is not None:
                words += _texts(node.ending.summary)
            if choice is not None:
                words += _texts(choice.feedback)
                decisions += 1
        return words, decisions
    raise ValueError(f"no estimate for activity type '{kind}'")


def _page_words(case: Case) -> int:
    """Words of the page around the activities: narrative, people, transcripts, debrief …"""
    from .builder.notebook import case_notebook

    notebook = case_notebook(case, source="")
    words = sum(count_words(c.source) for c in notebook.cells if c.cell_type == "markdown")
    for scene in case.scenes:  # transcripts are shown by the encounter player, not in Markdown
        words += sum(_texts(line.text) for line in scene.transcript)
    return words


def estimate(case: Case) -> Estimate:
    activities = []
    for activity in case.ordered_activities:
        kind: str = activity.type  # type: ignore[attr-defined]
        words, units = _activity_words(activity)
        per_unit, _ = DOING_MINUTES[kind]
        if kind == "multiple_choice" and activity.multiple:  # type: ignore[attr-defined]
            per_unit *= 1.5
        category = activity.ce_category or case.ce_category
        activities.append(
            ActivityEstimate(activity.id, kind, category, words, units, units * per_unit)
        )
    return Estimate(
        case.id,
        case.part,
        case.ce_category,
        case.estimated_minutes,
        _page_words(case),
        tuple(activities),
    )


@dataclass(frozen=True)
class Total:
    label: str
    minutes: int
    target: int | None = None
    at_least: bool = False
    exact: bool = False

    @property
    def ok(self) -> bool:
        if self.target is None:
            return True
        if self.at_least:
            return self.minutes >= self.target
        return self.minutes == self.target

    @property
    def wanted(self) -> str:
        if self.target is None:
            return "-"
        if self.at_least:
            return f"at least {self.target}"
        return str(self.target)


@dataclass
class Audit:
    estimates: list[Estimate]
    totals: list[Total] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        found = []
        for e in self.estimates:
            if not e.within_tolerance:
                found.append(
                    f"{e.case_id}: declares {e.declared} minutes but its content backs "
                    f"{e.minutes} ({e.deviation:+.0%}; at most ±{CASE_TOLERANCE:.0%}): set "
                    f"estimated_minutes to about {e.minutes}, or add or cut content"
                )
        for t in self.totals:
            if not t.ok:
                found.append(f"{t.label}: {t.minutes} minutes, the program needs {t.wanted}")
        return found

    @property
    def ok(self) -> bool:
        return not self.problems


def part_targets(course: Course | None) -> tuple[int | None, dict[CECategory, int]]:
    """Part I's minutes and category split: as the course record states them, else the
    program's defaults."""
    record = course.part(Part.I) if course is not None else None
    if record is None or not record.categories:
        return PART_MINUTES[Part.I], dict(PART_I_SPLIT)
    return round(record.hours * 60), {c: round(h * 60) for c, h in record.categories.items()}


def audit(
    cases: Iterable[Case],
    *,
    totals: bool = True,
    scenarios: Iterable[Scenario] = (),
    course: Course | None = None,
) -> Audit:
    """Estimate every case; with totals, also check each Part and Part I's CE categories.

    Part II scenarios (live sessions) are counted by their planned agenda: each must plan
    exactly PART_II_MINUTES, the Part's 2.5 CE hours (and agree with its own ce_hours, which
    `espec check` holds it to).
    """
    estimates = sorted((estimate(c) for c in cases), key=lambda e: (e.part.slug, e.case_id))
    result = Audit(estimates)
    for scenario in sorted(scenarios, key=lambda s: s.id):
        result.totals.append(
            Total(f"Part II, {scenario.id}", scenario.planned_minutes, PART_II_MINUTES, exact=True)
        )
    if not totals:
        return result
    part_i, part_i_split = part_targets(course)
    for part in Part:
        minutes = sum(e.minutes for e in estimates if e.part is part)
        target = part_i if part is Part.I else PART_MINUTES.get(part)
        if target is not None or minutes:
            result.totals.append(Total(f"Part {part.value}", minutes, target, at_least=True))
    split = [e.by_category() for e in estimates if e.part is Part.I]
    for category, target in part_i_split.items():
        minutes = round(sum(s.get(category, 0.0) for s in split))
        result.totals.append(Total(f"Part I, {category.value}", minutes, target, at_least=True))
    return result


# presentation
def _rows(result: Audit) -> Iterator[list[str]]:
    yield ["case", "part", "CE category", "words", "reading", "activities", "estimate", "declared",
           "diff"]  # fmt: skip
    for e in result.estimates:
        yield [
            e.case_id,
            e.part.value,
            e.ce_category.value,
            f"{e.words:,}",
            f"{e.reading:.1f}",
            f"{e.doing:.1f}",
            str(e.minutes),
            str(e.declared),
            f"{e.deviation:+.0%}" + ("" if e.within_tolerance else " !"),
        ]


def _total_rows(result: Audit) -> Iterator[list[str]]:
    yield ["total", "estimate", "target", "status"]
    for t in result.totals:
        yield [
            t.label,
            str(t.minutes),
            t.wanted,
            "ok" if t.ok else "SHORT" if t.at_least else "OFF",
        ]


def _detail_rows(result: Audit) -> Iterator[list[str]]:
    yield ["case", "activity", "type", "CE category", "words", "units", "minutes"]
    for e in result.estimates:
        page = f"{e.page_words / READING_WPM:.1f}"
        yield [e.case_id, "(page)", "", e.ce_category.value, f"{e.page_words:,}", "", page]
        for a in e.activities:
            yield [
                e.case_id,
                a.id,
                a.type,
                a.ce_category.value,
                f"{a.words:,}",
                str(a.units),
                f"{a.minutes:.1f}",
            ]


def _text_table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    numeric = [
        all(re.fullmatch(r"[-+0-9.,% !]*", r[i]) for r in rows[1:]) for i in range(len(rows[0]))
    ]
    out = []
    for n, row in enumerate(rows):
        cells = [
            c.rjust(w) if num and n else c.ljust(w)
            for c, w, num in zip(row, widths, numeric, strict=True)
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def _markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def render(result: Audit, *, markdown: bool = False, detail: bool = False) -> str:
    """The audit as tables: cases, then (if any) the totals, then (with detail) each activity."""
    table = _markdown_table if markdown else _text_table
    parts = [table(list(_rows(result)))]
    if result.totals:
        parts.append(table(list(_total_rows(result))))
    if detail:
        parts.append(table(list(_detail_rows(result))))
    return "\n\n".join(parts) + "\n"


def bank_report(bank: Bank, cases: Iterable[Case]) -> str:
    """One post-test bank in a few lines: its size, true/false share, the test drawn from it,
    and how many of the Part's objectives its items test."""
    in_part = [c for c in cases if c.part == bank.part]
    objectives = {f"{c.id}/{o.id}" for c in in_part for o in c.objectives}
    tested = {i.objective for i in bank.items} & objectives
    true_false = sum(i.kind == "true_false" for i in bank.items)
    per_case = {c.id: sum(i.objective.startswith(c.id + "/") for i in bank.items) for c in in_part}
    lines = [
        f"Part {bank.part.value} post-test: {len(bank.items)} items in the bank, "
        f"{true_false} true/false ({true_false / len(bank.items):.0%}; "
        f"at most {MAX_TRUE_FALSE:.0%} of a test), "
        f"{bank.test_length} drawn per attempt, pass mark {bank.pass_mark:.0%}",
        f"  objectives tested: {len(tested)} of {len(objectives)}",
    ]
    lines += [f"  {case_id}: {n} items" for case_id, n in sorted(per_case.items())]
    return "\n".join(lines) + "\n"
