"""Part II scenario files (data/live/*.yaml): a live, instructor-led session's agenda.

Read like case files (same YAML loader, same file:line messages, same `espec check`): a title, the
CE hours, the Best Practice Guides it rests on, and an agenda of stages with planned minutes. A
stage holds narrative and encounter scenes (the case files' Scene, without activities), a poll
whose options carry debrief notes for the instructor, an open question for the wall, discussion
prompts, and facilitator notes (instructor only). The planned minutes total the CE hours.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from .base import ShortText, Slug, Text, _Model
from .crossref import Found, _duplicates
from .schema import Jurisdiction, Person, Review, Scene, _measurable
from .vocabulary import Domain

MAX_STAGE_MINUTES = 90


class PollOption(_Model):
    text: ShortText
    debrief: Text = Field(
        description="For the instructor only: what this answer tells you, and where to take it."
    )


class Poll(_Model):
    id: Slug
    question: Text
    multiple: bool = Field(default=False, description="More than one option may be chosen.")
    options: Annotated[list[PollOption], Field(min_length=2, max_length=8)]
    other: bool = Field(default=False, description="Learners may also write their own answer.")


class Wall(_Model):
    question: Text = Field(description="The open question learners answer on the group wall.")


class Stage(_Model):
    id: Slug
    title: ShortText
    minutes: Annotated[int, Field(ge=1, le=MAX_STAGE_MINUTES)]
    narrative: Text | None = None
    scenes: list[Scene] = Field(default_factory=list)
    poll: Poll | None = None
    wall: Wall | None = None
    after_poll: list[Slug] = Field(
        default_factory=list,
        description="Ids of this stage's scenes that learners see only once the poll's results "
        "are revealed (a scene that would give the answer away).",
    )
    discussion: list[Text] = Field(default_factory=list, description="Prompts for the group.")
    facilitator_notes: Text = Field(description="For the instructor only; never on a learner page.")

    @model_validator(mode="after")
    def _scenes_have_no_activities(self) -> Stage:
        if any(s.activities for s in self.scenes):
            raise ValueError(
                "a live stage's scenes have no activities: use the stage's poll and wall instead"
            )
        return self


class Scenario(_Model):
    schema_version: Literal[1]
    id: Slug
    title: ShortText
    part: Literal["II"] = Field(description="Part II: live clinical scenarios.")
    ce_hours: Annotated[float, Field(gt=0, le=8)]
    main_domain: Domain
    domains: Annotated[list[Domain], Field(min_length=1)]
    summary: Text
    objectives: Annotated[list[Annotated[Text, AfterValidator(_measurable)]], Field(min_length=1)]
    guides: Annotated[list[Slug], Field(min_length=1)]
    people: list[Person] = Field(default_factory=list)
    jurisdiction: Jurisdiction | None = None
    content_note: Text | None = None
    agenda: Annotated[list[Stage], Field(min_length=1)]
    review: Review

    @property
    def planned_minutes(self) -> int:
        return sum(s.minutes for s in self.agenda)

    def stage(self, stage_id: str) -> Stage:
        for s in self.agenda:
            if s.id == stage_id:
                return s
        raise KeyError(f"scenario '{self.id}' has no stage '{stage_id}'")


def check_scenario(
    scenario: Scenario, *, known_guides: Iterable[str] | None = None
) -> Iterator[Found]:
    """Yield every broken reference or inconsistency in a scenario that passed the schema."""
    stage_ids = [s.id for s in scenario.agenda]
    for i, stage in enumerate(scenario.agenda):
        if stage.id in _duplicates(stage_ids):
            yield (
                ("agenda", i, "id"),
                f"duplicate stage id '{stage.id}'",
                "give each stage its own id",
            )
    polls = [(i, s.poll.id) for i, s in enumerate(scenario.agenda) if s.poll is not None]
    twice = _duplicates(p for _, p in polls)
    for i, poll_id in polls:
        if poll_id in twice:
            yield (
                ("agenda", i, "poll", "id"),
                f"duplicate poll id '{poll_id}'",
                "give each poll its own id (answers are stored by it)",
            )
    person_ids = {p.id for p in scenario.people}
    for i, stage in enumerate(scenario.agenda):
        for j, scene in enumerate(stage.scenes):
            for k, line in enumerate(scene.transcript):
                if line.speaker not in person_ids:
                    yield (
                        ("agenda", i, "scenes", j, "transcript", k, "speaker"),
                        f"no person with id '{line.speaker}' in 'people'",
                        "add them to 'people' or use the id of someone listed there",
                    )
    for i, stage in enumerate(scenario.agenda):
        scene_ids = {scene.id for scene in stage.scenes}
        for j, held in enumerate(stage.after_poll):
            if stage.poll is None:
                yield (
                    ("agenda", i, "after_poll"),
                    "'after_poll' holds scenes back until the poll is revealed, but this stage "
                    "has no poll",
                    "add a poll to the stage, or remove 'after_poll'",
                )
                break
            if held not in scene_ids:
                yield (
                    ("agenda", i, "after_poll", j),
                    f"no scene '{held}' in this stage",
                    "use the id of one of this stage's scenes",
                )
    if scenario.main_domain not in scenario.domains:
        yield (
            ("main_domain",),
            f"the main domain '{scenario.main_domain.value}' is not one of 'domains'",
            "add it to 'domains'",
        )
    if known_guides is not None:
        known = set(known_guides)
        for i, guide in enumerate(scenario.guides):
            if guide not in known:
                yield (
                    ("guides", i),
                    f"no guide '{guide}' in data/guides/",
                    "write the guide, or use the id (file name) of one that exists",
                )
    planned, hours = scenario.planned_minutes, scenario.ce_hours
    if planned != round(hours * 60):
        yield (
            ("ce_hours",),
            f"the stages' planned minutes total {planned}, but {hours:g} CE hours is "
            f"{round(hours * 60)} minutes",
            "change a stage's 'minutes' or the 'ce_hours' so that they agree",
        )
