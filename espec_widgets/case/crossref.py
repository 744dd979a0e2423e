"""Checks across a case's parts that a schema alone cannot express: ids, references, coherence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from .branching import check_branching
from .schema import Case, PersonKind

Found = tuple[tuple[str | int, ...], str, str]
"""(field path, message, hint)"""


def _duplicates(items: Iterable[str]) -> set[str]:
    return {k for k, n in Counter(items).items() if n > 1}


def check_references(case: Case, *, known_guides: Iterable[str] | None = None) -> Iterator[Found]:
    """Yield every broken reference or inconsistency in a case that passed the schema."""
    person_ids = [p.id for p in case.people]
    for i, person in enumerate(case.people):
        if person.id in _duplicates(person_ids):
            yield (
                ("people", i, "id"),
                f"duplicate person id '{person.id}'",
                "give each person a unique id",
            )
    patients = [i for i, p in enumerate(case.people) if p.kind is PersonKind.PATIENT]
    if len(patients) != 1:
        yield (
            ("people",),
            f"a case has exactly one person of kind 'patient' (found {len(patients)})",
            "set 'kind: patient' on the person the case is about",
        )
    surrogates = [i for i, p in enumerate(case.people) if p.legal_surrogate]
    for i in surrogates[1:]:
        yield (
            ("people", i, "legal_surrogate"),
            "more than one person is marked as the legal surrogate",
            "only one person holds the decision-making role at a time; describe the others' roles",
        )
    for i in surrogates:
        if case.people[i].kind in {PersonKind.PATIENT, PersonKind.TEAM, PersonKind.INTERPRETER}:
            yield (
                ("people", i, "legal_surrogate"),
                f"a person of kind '{case.people[i].kind.value}' cannot be the legal surrogate",
                "the surrogate is a family member, chosen family, a friend or a guardian",
            )
    if case.main_domain not in case.domains:
        yield (("main_domain",), "the main domain must also be listed in 'domains'", "")
    objective_ids = [o.id for o in case.objectives if o.id]
    for i, objective in enumerate(case.objectives):
        if objective.id and objective.id in _duplicates(objective_ids):
            yield (("objectives", i, "id"), f"duplicate objective id '{objective.id}'", "")
        if objective.domain not in case.domains:
            yield (
                ("objectives", i, "domain"),
                f"'{objective.domain.value}' is not among the case's domains",
                "add it to the case's 'domains', or tie the objective to one of them",
            )

    activity_ids = [a.id for a in case.activities]
    for i, activity in enumerate(case.activities):
        if activity.id in _duplicates(activity_ids):
            yield (("activities", i, "id"), f"duplicate activity id '{activity.id}'", "")
        for j, domain in enumerate(activity.domains):
            if domain not in case.domains:
                yield (
                    ("activities", i, "domains", j),
                    f"'{domain.value}' is not among the case's domains",
                    "add it to the case's 'domains', or tag the activity with one of them",
                )

    for i, activity in enumerate(case.activities):
        yield from _check_activity(i, activity, person_ids)

    scene_ids = [s.id for s in case.scenes]
    placed: Counter[str] = Counter()
    for i, scene in enumerate(case.scenes):
        if scene.id in _duplicates(scene_ids):
            yield (("scenes", i, "id"), f"duplicate scene id '{scene.id}'", "")
        if scene.narrative is None and not scene.transcript and scene.media is None:
            yield (
                ("scenes", i),
                "this scene is empty",
                "give it a narrative, a transcript or media",
            )
        for j, line in enumerate(scene.transcript):
            if line.speaker not in person_ids:
                yield (
                    ("scenes", i, "transcript", j, "speaker"),
                    f"unknown speaker '{line.speaker}'",
                    "speakers are ids from 'people': " + ", ".join(person_ids),
                )
        for j, ref in enumerate(scene.activities):
            placed[ref] += 1
            if ref not in activity_ids:
                yield (
                    ("scenes", i, "activities", j),
                    f"unknown activity '{ref}'",
                    "activity ids: " + (", ".join(activity_ids) or "(none declared)"),
                )
            elif placed[ref] == 2:
                yield (("scenes", i, "activities", j), f"activity '{ref}' is placed twice", "")
    for i, activity in enumerate(case.activities):
        if activity.id not in placed:
            yield (
                ("activities", i, "id"),
                f"activity '{activity.id}' is not placed in any scene",
                "list its id under a scene's 'activities'",
            )

    if known_guides is not None:
        guides = set(known_guides)
        for i, guide in enumerate(case.guides):
            if guide not in guides:
                yield (
                    ("guides", i),
                    f"unknown guide '{guide}'",
                    f"guides are the files in data/guides/: {', '.join(sorted(guides)) or '(none)'}",
                )


def _check_activity(i: int, activity: Any, person_ids: list[str]) -> Iterator[Found]:
    """Rules inside one activity: ids its parts refer to, and duplicates a learner cannot tell apart."""
    where = ("activities", i)
    if activity.type == "classify":
        ids = [c.id for c in activity.categories]
        for dup in sorted(_duplicates(ids)):
            yield (*where, "categories"), f"duplicate category id '{dup}'", ""
        for j, item in enumerate(activity.items):
            if item.category not in ids:
                yield (
                    (*where, "items", j, "category"),
                    f"unknown category '{item.category}'",
                    "categories here: " + ", ".join(ids),
                )
        used = {item.category for item in activity.items}
        if len(used) < 2:
            yield (*where, "items"), "every item is in the same category", "use at least two"
    for part in ("options", "items", "steps"):
        texts = [getattr(x, "text", x) for x in getattr(activity, part, [])]
        for j, text in enumerate(texts):
            if texts.index(text) != j:
                yield (*where, part, j), "the same text appears twice in this activity", ""
    if activity.type == "rewrite" and activity.speaker and activity.speaker not in person_ids:
        yield (
            (*where, "speaker"),
            f"unknown speaker '{activity.speaker}'",
            "use an id from 'people'",
        )
    if activity.type == "find_gap":
        for j, line in enumerate(activity.transcript):
            if line.speaker not in person_ids:
                yield (
                    (*where, "transcript", j, "speaker"),
                    f"unknown speaker '{line.speaker}'",
                    ("speakers are ids from 'people': " + ", ".join(person_ids)),
                )
    if activity.type == "branching":
        yield from check_branching(where, activity, person_ids)
    if activity.type == "self_assessment":
        for j, label in enumerate(activity.scale):
            if activity.scale.index(label) != j:
                yield (*where, "scale", j), f"the scale repeats '{label}'", ""
