"""The case file format, version 1: typed models an educator's YAML is validated against."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    HttpUrl,
    StringConstraints,
    model_validator,
)

from .activities import (
    Activity,
    Branching,
    Checklist,
    Classify,
    FindGap,
    MultipleChoice,
    Reflection,
    Rewrite,
    ScreenDecide,
    SelfAssessment,
    Sequence,
    _Activity,
)
from .base import Line, ShortText, Slug, Text, _Model
from .vocabulary import (
    CECategory,
    Domain,
    Framework,
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
    "Framework",
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
    {
        "understand",
        "know",
        "appreciate",
        "learn",
        "be",
        "become",
        "realize",
        "realise",
        "examine",
        "reflect",
    }
)


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
    id: Slug | None = Field(
        default=None,
        description="Stable within the case; the post-test's items name it as case-id/objective-id.",
    )
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
