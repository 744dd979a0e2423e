"""Part II scenario files: read like case files, every problem at file:line, minutes that total
the CE hours."""

from __future__ import annotations

from pathlib import Path

import pytest

from espec_widgets.case import CaseFileError, load_library
from espec_widgets.case.loader import read_scenario
from espec_widgets.ce_audit import PART_II_MINUTES, audit

from ..conftest import FIXTURES

GOOD = FIXTURES / "data" / "live" / "fixture-live.yaml"
GUIDES = ["family-meetings"]


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "fixture-live.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CaseFileError) as info:
        read_scenario(path, known_guides=GUIDES)
    return [str(p) for p in info.value.problems]


def test_a_scenario_is_read_with_its_agenda() -> None:
    scenario = read_scenario(GOOD, known_guides=GUIDES)
    assert [s.id for s in scenario.agenda] == ["opening", "closing"]
    assert scenario.planned_minutes == 30 == round(scenario.ce_hours * 60)
    poll = scenario.stage("opening").poll
    assert poll is not None and poll.options[0].text == "Ask Leo what he is afraid of"
    assert scenario.stage("closing").wall is not None


def test_the_library_holds_scenarios_and_check_counts_them() -> None:
    library = load_library(FIXTURES / "data")
    assert list(library.scenarios) == ["fixture-live"]
    assert all(c.id != "fixture-live" for c in library.cases), "a scenario is not a case"


def test_minutes_that_do_not_total_the_hours_point_at_the_line(tmp_path: Path) -> None:
    text = GOOD.read_text().replace("minutes: 20", "minutes: 15")
    (problem,) = _problems(tmp_path, text)
    assert ":5:1: ce_hours:" in problem
    assert "total 25, but 0.5 CE hours is 30 minutes" in problem


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("guides:\n  - family-meetings", "guides:\n  - no-such-guide"),
            "no guide 'no-such-guide'",
        ),
        (("speaker: leo", "speaker: nobody"), "no person with id 'nobody'"),
        (("id: closing", "id: opening"), "duplicate stage id 'opening'"),
        (
            ("facilitator_notes: |\n      Spotlight", "notes: |\n      Spotlight"),
            "facilitator_notes",
        ),
        (("part: II", "part: I"), "part"),
        (("minutes: 10", "minutes: 0"), "minutes"),
        (
            (
                "        title: In the corridor\n",
                "        title: In the corridor\n        activities: [ask-first]\n",
            ),
            "no activities",
        ),
        (
            ("after_poll: [corridor]", "after_poll: [hallway]"),
            "no scene 'hallway' in this stage",
        ),
        (
            (
                "    facilitator_notes: |\n      Spotlight",
                "    after_poll: [corridor]\n    facilitator_notes: |\n      Spotlight",
            ),
            "this stage has no poll",
        ),
    ],
)
def test_each_mistake_gets_a_clear_message(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    text = GOOD.read_text()
    assert change[0] in text
    problems = _problems(tmp_path, text.replace(change[0], change[1], 1))
    assert any(expected in p for p in problems), problems
    assert all(str(tmp_path) in p and ":" in p for p in problems)


def test_ce_audit_counts_each_scenario_against_part_ii() -> None:
    library = load_library(FIXTURES / "data")
    result = audit(library.curriculum, totals=False, scenarios=library.scenarios.values())
    (total,) = [t for t in result.totals if t.label.startswith("Part II")]
    assert (total.label, total.minutes, total.target) == ("Part II, fixture-live", 30, 150)
    assert not total.ok and PART_II_MINUTES == 150
    assert "Part II, fixture-live: 30 minutes, the program needs 150" in result.problems
