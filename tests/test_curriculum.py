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
    in_scenarios = {g for s in LIBRARY.scenarios.values() for g in s.guides}
    unused = [g for g in LIBRARY.guides if not LIBRARY.cases_using(g) and g not in in_scenarios]
    assert unused == [], "every guide is linked from a case or a live scenario"


PART_II = sorted(LIBRARY.scenarios.values(), key=lambda s: s.id)


def test_part_ii_offers_the_three_live_scenarios_the_program_promises() -> None:
    assert [s.id for s in PART_II] == [
        "family-conflict-meeting",
        "interpreter-serious-illness-conversation",
        "request-to-hasten-death",
    ]
    for scenario in PART_II:
        assert scenario.planned_minutes == 150 and scenario.ce_hours == 2.5, scenario.id
        stages = scenario.agenda
        assert len(stages) >= 6, scenario.id
        # Every stage briefs the instructor and gives the group something to discuss.
        assert all(s.facilitator_notes.strip() and s.discussion for s in stages), scenario.id
        assert sum(s.poll is not None for s in stages) >= len(stages) // 2, scenario.id
        assert sum(s.wall is not None for s in stages) >= 2, scenario.id
        for stage in stages:
            if stage.poll is not None:
                assert all(o.debrief.strip() for o in stage.poll.options), (scenario.id, stage.id)
        assert scenario.review.status == "awaiting review" and scenario.review.note


def test_the_hastened_death_scenario_rests_on_ardells_rule() -> None:
    scenario = LIBRARY.scenarios["request-to-hasten-death"]
    assert scenario.jurisdiction is not None
    assert "not lawful" in _flat(scenario.jurisdiction.rules)
    ardell = _flat((PROJECT / "docs" / "ardell.md").read_text(encoding="utf-8"))
    assert "Medical aid in dying, and what remains lawful." in ardell
    part_e = ardell[ardell.index("Part E. Not settled for Ardell") :]
    assert "Whether Ardell permits medical aid in dying" not in part_e
