"""Part I as the program promises it: eight domains, varied settings and people, every framework,
and in every case what the content guide says a case carries."""

from __future__ import annotations

from collections import Counter

import pytest

from espec_widgets.case import load_library
from espec_widgets.case.schema import Case, Domain, Framework, Part

from .conftest import PROJECT

LIBRARY = load_library(PROJECT / "data")
PART_I = sorted((c for c in LIBRARY.curriculum if c.part is Part.I), key=lambda c: c.id)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_at_least_eight_cases_cover_every_domain_as_a_main_focus() -> None:
    assert len(PART_I) >= 8
    assert {c.main_domain for c in PART_I} == set(Domain)
    assert {d for c in PART_I for d in c.domains} == set(Domain)


def test_settings_and_trajectories_rotate() -> None:
    assert len({c.setting.type for c in PART_I}) >= 6
    assert len({c.trajectory for c in PART_I}) >= 5


def test_every_framework_of_the_content_guide_is_practised() -> None:
    tagged = {f for c in PART_I for a in c.activities for f in a.frameworks}
    assert tagged == set(Framework), f"never practised: {sorted(set(Framework) - tagged)}"


def test_no_two_cases_share_a_person() -> None:
    names = Counter(p.name for c in PART_I for p in c.people)
    assert [n for n, k in names.items() if k > 1] == []


@pytest.mark.parametrize("case", PART_I, ids=[c.id for c in PART_I])
def test_each_case_carries_what_the_content_guide_asks(case: Case) -> None:
    types = {a.type for a in case.activities}  # type: ignore[attr-defined]
    assert len(types) >= 4, f"only {sorted(types)}"
    assert any(scene.transcript for scene in case.scenes), "an encounter: a scripted transcript"
    # Reflections are about the learner's own practice; their box carries the privacy reminder.
    reflections = [a for a in case.activities if a.type == "reflection"]  # type: ignore[attr-defined]
    assert len(reflections) >= 2
    assert case.debrief.strip()
    assert len(case.resources) >= 3
    assert case.guides and set(case.guides) <= set(LIBRARY.guides)
    assert case.content_note, "palliative cases are heavy material: say so up front"
    assert case.review.status == "awaiting review" and not case.review.reviewers
    assert "licensed social worker" in _flat(case.review.note or "")
    for activity in case.activities:
        assert activity.domains and activity.skills


def test_at_least_eight_guides_each_linked_from_a_case() -> None:
    assert len(LIBRARY.guides) >= 8
    unused = [g for g in LIBRARY.guides if not LIBRARY.cases_using(g)]
    assert unused == []
