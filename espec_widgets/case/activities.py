"""The exercise families a case can use, one model each, joined by `type` in `Activity`."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from .base import Line, ShortText, Slug, Text, _Model
from .vocabulary import INSTRUMENTS, CECategory, Domain, Framework, Skill


class _Activity(_Model):
    id: Slug
    title: ShortText
    prompt: Text
    domains: Annotated[list[Domain], Field(min_length=1)]
    skills: Annotated[list[Skill], Field(min_length=1)]
    framework: ShortText | None = Field(
        default=None, description="The framework as the case's readers would name it (free text)."
    )
    ce_category: CECategory | None = Field(
        default=None,
        description="The CE category this activity's minutes count toward (default: the case's).",
    )
    frameworks: list[Framework] = Field(
        default_factory=list,
        description="The content guide's frameworks this activity practises (controlled tags).",
    )


class Option(_Model):
    text: Text
    correct: bool = False
    feedback: Text = Field(
        description="Why this option is or is not the best; shown after answering."
    )


def _check_answer_key(multiple: bool, options: list[Option]) -> None:
    correct = sum(o.correct for o in options)
    if correct == 0:
        raise ValueError("no option is marked 'correct: true'; mark the best answer")
    if not multiple and correct > 1:
        raise ValueError(
            f"{correct} options are marked correct but 'multiple' is false; "
            "mark one, or set 'multiple: true' for a select-all-that-apply question"
        )


class MultipleChoice(_Activity):
    type: Literal["multiple_choice"]
    multiple: bool = Field(default=False, description="True: select all that apply.")
    options: Annotated[list[Option], Field(min_length=2, max_length=8)]

    @model_validator(mode="after")
    def _answer_key(self) -> MultipleChoice:
        _check_answer_key(self.multiple, self.options)
        return self


class Reflection(_Activity):
    type: Literal["reflection"]
    max_words: Annotated[int, Field(ge=50, le=2000)] = 600


class Category(_Model):
    id: Slug
    label: ShortText


class ClassifyItem(_Model):
    text: Text
    category: Slug = Field(description="The id of the category this item belongs to.")
    feedback: Text = Field(description="Why the item belongs there; shown after answering.")
    hint: Text | None = Field(
        None,
        description="A nudge shown while the item is in a wrong category, without naming the "
        "right one (what to look at in the item).",
    )


class Classify(_Activity):
    """Sort items into categories, e.g. label clinician lines by NURSE element."""

    type: Literal["classify"]
    categories: Annotated[list[Category], Field(min_length=2, max_length=8)]
    items: Annotated[list[ClassifyItem], Field(min_length=2, max_length=12)]


class Step(_Model):
    text: Text
    feedback: Text = Field(description="Why the step comes at this point; shown if misplaced.")


class Sequence(_Activity):
    """Put steps in order (SPIKES, the flow of a family meeting). Write them in the right order."""

    type: Literal["sequence"]
    steps: Annotated[list[Step], Field(min_length=3, max_length=10)]


class ChecklistItem(_Model):
    text: Text
    rationale: Text = Field(description="Why this step matters.")


class Checklist(_Activity):
    """Ungraded steps to tick, each with its rationale (e.g. a family-meeting pre-meeting)."""

    type: Literal["checklist"]
    items: Annotated[list[ChecklistItem], Field(min_length=2, max_length=15)]


DEFAULT_SCALE = [
    "Not at all confident",
    "Slightly confident",
    "Moderately confident",
    "Very confident",
    "Completely confident",
]


class SelfAssessment(_Activity):
    """Likert items of our own (never a licensed instrument's), optionally rated before and now."""

    type: Literal["self_assessment"]
    items: Annotated[list[ShortText], Field(min_length=1, max_length=10)]
    scale: Annotated[list[ShortText], Field(min_length=3, max_length=7)] = Field(
        default_factory=lambda: list(DEFAULT_SCALE)
    )
    retrospective: bool = Field(
        default=True, description="Ask for 'before this case' and 'now' (retrospective pre/post)."
    )


class Rewrite(_Activity):
    """The learner rewrites a weak line, then judges it against a model answer and a checklist."""

    type: Literal["rewrite"]
    weak_line: Text = Field(description="The line to improve, as it was said.")
    speaker: Slug | None = Field(default=None, description="Who said it: a person id.")
    model_answer: Text = Field(description="One good rewrite; shown after the learner writes.")
    checklist: Annotated[list[ShortText], Field(min_length=2, max_length=8)] = Field(
        description="What a good rewrite does, for the learner to judge their own against."
    )
    max_words: Annotated[int, Field(ge=20, le=500)] = 150


SCORE_RANGES = {k: (0, high) for k, (_, high) in INSTRUMENTS.items() if high is not None}


class ScreenItem(_Model):
    label: ShortText = Field(description="Our own wording of the item or problem area.")
    value: ShortText = Field(
        description="The (fictional) answer, e.g. 'Yes' or 'More than half the days'."
    )


class Screen(_Model):
    """A fictional screening result; items are paraphrased, never copied from an instrument."""

    instrument: Literal["distress thermometer", "PHQ-2", "GAD-2", "social needs"]
    score: int | None = None
    items: Annotated[list[ScreenItem], Field(max_length=12)] = Field(default_factory=list)
    note: Text | None = None

    @model_validator(mode="after")
    def _score_in_range(self) -> Screen:
        bounds = SCORE_RANGES.get(self.instrument)
        if bounds is None:
            if self.score is not None:
                raise ValueError("a social-needs screen has no total score; list its items instead")
            if not self.items:
                raise ValueError("a social-needs screen lists its items (housing, food …)")
            return self
        low, high = bounds
        if self.score is None:
            raise ValueError(f"a {self.instrument} result needs a 'score' ({low} to {high})")
        if not low <= self.score <= high:
            raise ValueError(f"a {self.instrument} score is {low} to {high}, not {self.score}")
        return self


class ScreenDecide(_Activity):
    """Interpret a screening result, then choose the next action (feedback per option)."""

    type: Literal["screen_decide"]
    screen: Screen
    multiple: bool = False
    options: Annotated[list[Option], Field(min_length=2, max_length=8)]

    @model_validator(mode="after")
    def _answer_key(self) -> ScreenDecide:
        _check_answer_key(self.multiple, self.options)
        return self


class FindGap(_Activity):
    """A transcript with a missing step: the learner says where it belongs and what it is."""

    type: Literal["find_gap"]
    transcript: Annotated[list[Line], Field(min_length=3, max_length=20)]
    gap_after: int = Field(
        ge=-1,
        description="Index of the line after which the step is missing (-1: before the first).",
    )
    where_feedback: Text = Field(description="Why the missing step belongs at that point.")
    options: Annotated[list[Option], Field(min_length=2, max_length=8)] = Field(
        description="What is missing: exactly one option is correct."
    )

    @model_validator(mode="after")
    def _gap(self) -> FindGap:
        if self.gap_after >= len(self.transcript):
            raise ValueError(
                f"'gap_after' is {self.gap_after}, but the transcript has {len(self.transcript)} "
                f"lines (use -1 to {len(self.transcript) - 1})"
            )
        if sum(o.correct for o in self.options) != 1:
            raise ValueError("exactly one option says what is missing ('correct: true')")
        return self


CONDITION = re.compile(
    r"^\s*(not\s+)?[a-z][a-z0-9_]*(\s*(>=|<=|==|>|<)\s*-?\d+)?"
    r"(\s+and\s+(not\s+)?[a-z][a-z0-9_]*(\s*(>=|<=|==|>|<)\s*-?\d+)?)*\s*$"
)
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]


def _condition(text: str) -> str:
    if not CONDITION.match(text):
        raise ValueError(
            f"'{text}' is not a condition; write a flag ('trust'), 'not trust', a counter test "
            "('rapport >= 2'), or several joined by 'and'"
        )
    return text


class BranchChoice(_Model):
    text: Text = Field(description="What the learner says.")
    next: Slug = Field(description="The node this choice leads to.")
    feedback: Text = Field(description="Why this line helps or not; shown after choosing.")
    when: Annotated[str, AfterValidator(_condition)] | None = Field(
        default=None, description="Offer this choice only when the condition holds."
    )
    set: list[Name] = Field(default_factory=list, description="Flags this choice turns on.")
    clear: list[Name] = Field(default_factory=list, description="Flags this choice turns off.")
    add: dict[Name, int] = Field(default_factory=dict, description="Counters to change.")


class Ending(_Model):
    kind: Literal["strong", "mixed", "missed"]
    summary: Text = Field(description="What this ending shows; the debrief of this path.")


class BranchNode(_Model):
    id: Slug
    speaker: Slug = Field(description="Who speaks at this point: a person id.")
    text: Text
    choices: list[BranchChoice] = Field(default_factory=list)
    ending: Ending | None = None


class Branching(_Activity):
    """The encounter as a graph: each choice leads to the patient's or family's response."""

    type: Literal["branching"]
    start: Slug
    flags: list[Name] = Field(default_factory=list, description="Declared flags; all start off.")
    counters: list[Name] = Field(
        default_factory=list, description="Declared counters; all start at 0."
    )
    nodes: Annotated[list[BranchNode], Field(min_length=2, max_length=60)]


Activity = Annotated[
    Branching
    | MultipleChoice
    | Reflection
    | Classify
    | Sequence
    | Checklist
    | SelfAssessment
    | Rewrite
    | ScreenDecide
    | FindGap,
    Field(discriminator="type"),
]
