"""The files behind CE credit: the course record (data/course.yaml) and post-test item banks
(data/posttest/*.yaml).

Read like case files (same YAML loader, same file:line messages, same `espec check`). The
course record is what a CE provider files for each Part: title, hours and their category split,
format, level, measurable objectives, the people who wrote and planned it with their
credentials, the conflict-of-interest and commercial-support statements and dated references.
A bank holds a Part's post-test items; each item names the case objective it tests
(`case-id/objective-id`), so the bank can be checked against the curriculum: every objective
covered, few true/false items, no repeated question.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from .base import ShortText, Slug, Text, _Model
from .crossref import Found
from .schema import Case, _measurable
from .vocabulary import CECategory, Domain, Part

ITEMS_PER_HOUR = 10
"""NASW's rule for distance learning: at least 10 multiple-choice questions per credit hour."""
MAX_TRUE_FALSE = 0.10
"""NASW: no more than 10% of a post-test's questions may be true/false."""
MIN_PASS_MARK = 0.80
"""NASW: the pass mark is at least 80%."""
MIN_OBJECTIVES = 3

Format = Literal["self-paced online", "live interactive webinar", "mentorship"]
Level = Literal["introductory", "intermediate", "advanced"]


class Contributor(_Model):
    name: ShortText
    credentials: ShortText = Field(description="e.g. 'LCSW, APHSW-C'; 'none' if there are none")
    role: Literal["author", "planner", "reviewer", "instructor"]
    disclosure: ShortText = Field(
        default="No relevant financial relationships.",
        description="Relevant financial relationships with ineligible companies, or none.",
    )


class Reference(_Model):
    citation: Text
    year: Annotated[int, Field(ge=1950, le=2100)]


class PartRecord(_Model):
    part: Part
    title: ShortText
    hours: Annotated[float, Field(ge=0, le=40)]
    categories: dict[CECategory, Annotated[float, Field(gt=0)]] = Field(
        default_factory=dict, description="The hours' split by CE category; totals the hours."
    )
    format: Format
    level: Level
    objectives: list[Annotated[Text, AfterValidator(_measurable)]]
    instructor_led: bool = Field(
        default=False, description="Led by an instructor, who is named on the certificate."
    )
    requirements: Text = Field(description="What a learner must do to earn the certificate.")

    @model_validator(mode="after")
    def _consistent(self) -> PartRecord:
        if self.hours > 0 and len(self.objectives) < MIN_OBJECTIVES:
            raise ValueError(
                f"a Part that carries CE hours lists at least {MIN_OBJECTIVES} "
                "measurable objectives"
            )
        if self.categories and abs(sum(self.categories.values()) - self.hours) > 1e-6:
            raise ValueError(
                f"the categories total {sum(self.categories.values()):g} hours, "
                f"not the Part's {self.hours:g}"
            )
        return self


class Course(_Model):
    schema_version: Literal[1]
    title: ShortText
    short_title: ShortText
    version: ShortText = Field(description="The content's edition, e.g. '2026.12'.")
    target_audience: Text
    conflict_of_interest: Text
    commercial_support: Text
    contributors: Annotated[list[Contributor], Field(min_length=1)]
    references: Annotated[list[Reference], Field(min_length=1)]
    parts: Annotated[list[PartRecord], Field(min_length=1)]

    def part(self, part: Part | str) -> PartRecord | None:
        return next((p for p in self.parts if p.part == Part(part)), None)

    @model_validator(mode="after")
    def _each_part_once(self) -> Course:
        seen = Counter(p.part for p in self.parts)
        if twice := [p.value for p, n in seen.items() if n > 1]:
            raise ValueError(f"Part {twice[0]} is described twice")
        return self


class Choice(_Model):
    text: ShortText
    correct: bool = False


ObjectiveRef = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$",
        description="The objective the item tests, as case-id/objective-id.",
    ),
]


class Item(_Model):
    id: Slug
    objective: ObjectiveRef
    kind: Literal["single", "true_false"] = "single"
    stem: Text
    choices: list[Choice] = Field(default_factory=list)
    answer: bool | None = Field(default=None, description="A true/false item's answer.")
    rationale: Text = Field(description="Shown after the test: why the answer is right.")

    @model_validator(mode="after")
    def _shape(self) -> Item:
        if self.kind == "true_false":
            if self.answer is None or self.choices:
                raise ValueError(
                    "a true_false item has 'answer: true' or 'answer: false' and no choices"
                )
            return self
        if self.answer is not None:
            raise ValueError(
                "'answer' is for true_false items; mark the right choice with 'correct: true'"
            )
        if not 3 <= len(self.choices) <= 5:
            raise ValueError("a single-answer item has 3 to 5 choices")
        if sum(c.correct for c in self.choices) != 1:
            raise ValueError("exactly one choice is marked 'correct: true'")
        texts = [c.text.casefold() for c in self.choices]
        if len(set(texts)) != len(texts):
            raise ValueError("two choices have the same text")
        return self

    @property
    def options(self) -> list[str]:
        return ["True", "False"] if self.kind == "true_false" else [c.text for c in self.choices]

    @property
    def key(self) -> int:
        """The index of the right option."""
        if self.kind == "true_false":
            return 0 if self.answer else 1
        return next(i for i, c in enumerate(self.choices) if c.correct)


class Bank(_Model):
    schema_version: Literal[1]
    part: Part
    title: ShortText
    test_length: Annotated[int, Field(ge=1, le=500)] = Field(
        description="Questions drawn for each attempt (NASW: at least 10 per CE hour)."
    )
    pass_mark: Annotated[float, Field(ge=MIN_PASS_MARK, le=1.0)] = Field(
        default=MIN_PASS_MARK, description="The share of right answers that passes (at least 0.8)."
    )
    items: Annotated[list[Item], Field(min_length=1)]


_NORMAL = re.compile(r"[^a-z0-9]+")


def _normal(text: str) -> str:
    return _NORMAL.sub(" ", text.casefold()).strip()


def check_bank(bank: Bank, cases: Iterable[Case], *, hours: float) -> Iterator[Found]:
    """What is wrong with a bank against the curriculum's cases: (field path, message, hint)."""
    in_part = {c.id: c for c in cases if c.part == bank.part}
    counts = Counter(i.id for i in bank.items)
    stems: dict[str, int] = {}
    covered: set[str] = set()
    for n, item in enumerate(bank.items):
        if counts[item.id] > 1:
            yield (("items", n, "id"), f"duplicate item id '{item.id}'", "")
        stem = _normal(item.stem)
        if stem in stems:
            yield (
                ("items", n, "stem"),
                f"this question repeats item {stems[stem] + 1} ('{bank.items[stems[stem]].id}')",
                "remove one, or ask something different",
            )
        stems.setdefault(stem, n)
        case_id, objective_id = item.objective.split("/")
        case = in_part.get(case_id)
        if case is None:
            yield (
                ("items", n, "objective"),
                f"there is no Part {bank.part.value} case '{case_id}'",
                "name the objective as case-id/objective-id",
            )
            continue
        if objective_id not in {o.id for o in case.objectives if o.id}:
            known = ", ".join(o.id for o in case.objectives if o.id) or "none have ids"
            yield (
                ("items", n, "objective"),
                f"case '{case_id}' has no objective with id '{objective_id}'",
                f"its objectives are: {known}",
            )
            continue
        covered.add(item.objective)
    for case in in_part.values():
        for i, objective in enumerate(case.objectives):
            ref = f"{case.id}/{objective.id}"
            if objective.id is None or ref not in covered:
                yield (
                    ("items",),
                    f"no item tests objective {i + 1} of case '{case.id}'"
                    + (f" ('{objective.id}')" if objective.id else " (it has no id)"),
                    "every objective of the Part is tested by at least one item",
                )
    test_length = bank.test_length
    true_false = sum(i.kind == "true_false" for i in bank.items)
    if true_false > MAX_TRUE_FALSE * test_length:
        yield (
            ("items",),
            f"{true_false} true/false items could fill more than "
            f"{MAX_TRUE_FALSE:.0%} of a {test_length}-question test",
            f"keep at most {int(MAX_TRUE_FALSE * test_length)}",
        )
    needed = round(ITEMS_PER_HOUR * hours)
    if test_length < needed:
        yield (
            ("items",),
            f"a {test_length}-question test is short of the {needed} that {hours:g} CE hours "
            f"need ({ITEMS_PER_HOUR} per hour)",
            "set a longer test length",
        )
    if len(bank.items) < test_length:
        yield (
            ("items",),
            f"the bank has {len(bank.items)} items, fewer than the {test_length} a test draws",
            "write more items",
        )


def domains_of(bank: Bank, cases: Iterable[Case]) -> dict[str, Domain]:
    """Each item's domain: the domain of the objective it tests."""
    objectives = {f"{c.id}/{o.id}": o.domain for c in cases for o in c.objectives if o.id}
    return {i.id: objectives[i.objective] for i in bank.items if i.objective in objectives}


def check_course(course: Course, cases: Iterable[Case]) -> Iterator[Found]:
    """The course record against the curriculum: a Part with cases is described."""
    parts = {c.part for c in cases}
    for part in sorted(parts, key=list(Part).index):
        if course.part(part) is None:
            yield (("parts",), f"Part {part.value} has cases but no course record", "")
