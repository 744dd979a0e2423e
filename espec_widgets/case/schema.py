"""The case file format, version 1: typed models an educator's YAML is validated against."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    model_validator,
)

from .runtime import INSTRUMENTS
from .vocabulary import (
    CECategory,
    Domain,
    NASWStandard,
    Part,
    PersonKind,
    SettingType,
    Skill,
    Trajectory,
)

__all__ = [
    "SCHEMA_VERSION",
    "Branching",
    "CECategory",
    "Case",
    "Checklist",
    "Classify",
    "Domain",
    "FindGap",
    "MultipleChoice",
    "NASWStandard",
    "Part",
    "PersonKind",
    "Reflection",
    "Rewrite",
    "ScreenDecide",
    "SelfAssessment",
    "Sequence",
    "SettingType",
    "Skill",
    "Trajectory",
]

SCHEMA_VERSION = 1
"""The version this code writes and reads natively; older files are upgraded in memory."""


# Measurable verbs for objectives (Bloom-style). Vague verbs get a specific hint instead.
VAGUE_VERBS = frozenset(
    {"understand", "know", "appreciate", "learn", "be", "become", "realize", "realise"}
)

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=2, max_length=60),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class _Model(BaseModel):
    """Strict base: unknown keys are errors, so typos are caught."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


def _measurable(text: str) -> str:
    words = re.findall(r"[a-z]+", text.lower())  # ignores Markdown such as **bold**
    first = words[1] if words[:1] == ["to"] and len(words) > 1 else (words or [""])[0]
    if any(first == v or (first.startswith(v) and v not in {"be", "know"}) for v in VAGUE_VERBS):
        raise ValueError(
            f"objective starts with '{first}', which cannot be measured; "
            "start with a verb a learner can be observed doing (identify, apply, plan, demonstrate …)"
        )
    return text


class Objective(_Model):
    text: Annotated[Text, AfterValidator(_measurable)]
    domain: Domain
    skill: Skill


class Setting(_Model):
    type: SettingType
    description: Text


class Jurisdiction(_Model):
    name: ShortText
    fictional: bool = True
    rules: Text = Field(description="The rules of this jurisdiction that the case relies on.")


class Person(_Model):
    id: Slug
    name: ShortText
    kind: PersonKind
    relationship: ShortText | None = Field(
        default=None, description="Relationship to the patient, or the team role."
    )
    age: Annotated[int, Field(ge=0, le=120)] | None = None
    pronouns: ShortText | None = None
    description: Text | None = None
    legal_surrogate: bool = False

    @model_validator(mode="after")
    def _relationship_for_non_patients(self) -> Person:
        if self.kind is not PersonKind.PATIENT and self.relationship is None:
            raise ValueError(
                "'relationship' is required for everyone but the patient "
                "(for example 'daughter', 'partner', 'ICU attending physician')"
            )
        return self


class Line(_Model):
    speaker: Slug = Field(description="The id of a person in 'people'.")
    text: Text
    direction: ShortText | None = Field(
        default=None, description="A stage direction, e.g. 'quietly'."
    )


MediaPath = Annotated[
    str,
    StringConstraints(
        pattern=r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$", max_length=200
    ),
]


class Media(_Model):
    kind: Literal["video", "audio"]
    src: MediaPath = Field(description="A file in data/media/, e.g. 'icu/meeting.mp4'.")
    captions: MediaPath = Field(description="Its WebVTT captions file in data/media/ (required).")
    title: ShortText


class Scene(_Model):
    id: Slug
    title: ShortText
    narrative: Text | None = None
    transcript: list[Line] = Field(default_factory=list)
    media: Media | None = None
    activities: list[Slug] = Field(
        default_factory=list, description="Ids of activities that follow this scene, in order."
    )


class _Activity(_Model):
    id: Slug
    title: ShortText
    prompt: Text
    domains: Annotated[list[Domain], Field(min_length=1)]
    skills: Annotated[list[Skill], Field(min_length=1)]
    framework: ShortText | None = None


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


def _https(url: HttpUrl) -> HttpUrl:
    if url.scheme != "https":
        raise ValueError("resource links use https:// (learners should not be sent to plain http)")
    return url


class Resource(_Model):
    title: ShortText
    url: Annotated[HttpUrl, AfterValidator(_https)]
    note: ShortText | None = None


class Reviewer(_Model):
    name: ShortText
    credential: ShortText = Field(description="e.g. LCSW, APHSW-C")


class Review(_Model):
    status: Literal["awaiting review", "reviewed"]
    reviewers: list[Reviewer] = Field(default_factory=list)
    date: dt.date | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _truthful(self) -> Review:
        if self.status == "reviewed" and (not self.reviewers or self.date is None):
            raise ValueError(
                "a 'reviewed' case names its reviewers (name, credential) and the date"
            )
        if self.status == "awaiting review" and self.reviewers:
            raise ValueError("a case 'awaiting review' lists no reviewers yet")
        return self


class Case(_Model):
    schema_version: Literal[1]
    id: Slug
    title: ShortText
    part: Part
    main_domain: Domain
    domains: Annotated[list[Domain], Field(min_length=1)]
    ce_category: CECategory
    skills: Annotated[list[Skill], Field(min_length=1)]
    nasw_standards: list[NASWStandard] = Field(default_factory=list)
    trajectory: Trajectory
    summary: Text
    objectives: Annotated[list[Objective], Field(min_length=1)]
    setting: Setting
    jurisdiction: Jurisdiction | None = None
    people: Annotated[list[Person], Field(min_length=1)]
    content_note: Text | None = None
    estimated_minutes: Annotated[int, Field(ge=1, le=600)]
    scenes: Annotated[list[Scene], Field(min_length=1)]
    activities: list[Activity] = Field(default_factory=list)
    debrief: Text
    resources: list[Resource] = Field(default_factory=list)
    guides: list[Slug] = Field(default_factory=list)
    review: Review

    def activity(self, activity_id: str) -> _Activity:
        for activity in self.activities:
            if activity.id == activity_id:
                return activity
        raise KeyError(f"case '{self.id}' has no activity '{activity_id}'")

    def person(self, person_id: str) -> Person:
        for person in self.people:
            if person.id == person_id:
                return person
        raise KeyError(f"case '{self.id}' has no person '{person_id}'")

    @property
    def patient(self) -> Person:
        return next(p for p in self.people if p.kind is PersonKind.PATIENT)

    @property
    def ordered_activities(self) -> list[_Activity]:
        """Activities in the order the learner meets them, scene by scene."""
        return [self.activity(a) for scene in self.scenes for a in scene.activities]
