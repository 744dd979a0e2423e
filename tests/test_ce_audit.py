"""`espec ce-audit`: minutes estimated from content, and the CE hours they must back up."""

from __future__ import annotations

from pathlib import Path

import pytest

from espec_widgets import ce_audit
from espec_widgets.case import load_library, parse_case
from espec_widgets.case.schema import CECategory, Part

from .conftest import FIXTURES, PROJECT
from .test_cli import espec

MINIMAL = FIXTURES / "data" / "cases" / "minimal-case.yaml"


def _case(workbook: Path, text: str, name: str = "minimal-case") -> object:
    path = workbook / "data" / "cases" / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return parse_case(path, known_guides={"family-meetings"})


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Ray’s daughter—Marisol—said “no”.", 5),
        ("A well-known, time-limited trial", 4),
        ("[Read the guide](../guides/x.ipynb) now", 4),
        ('<img src="data:image/svg+xml;base64,AAAA" alt="Family map"> Table', 1),
        ("**Bold** and _italic_ and `code`", 5),
        ("", 0),
    ],
)
def test_words_are_what_a_reader_reads(text: str, words: int) -> None:
    assert ce_audit.count_words(text) == words


def test_estimate_is_reading_plus_doing() -> None:
    case = parse_case(MINIMAL, known_guides={"family-meetings"})
    e = ce_audit.estimate(case)
    assert e.reading == pytest.approx(e.words / ce_audit.READING_WPM)
    kinds = {a.id: (a.type, a.doing) for a in e.activities}
    assert kinds == {"who-decides": ("multiple_choice", 1.0), "own-reactions": ("reflection", 8.0)}
    assert e.minutes == round(e.reading + e.doing)
    assert e.by_category() == {CECategory.ETHICS: pytest.approx(e.reading + e.doing)}


def test_a_select_all_question_and_per_item_families(workbook: Path, minimal_text: str) -> None:
    text = minimal_text.replace(
        "    type: multiple_choice\n", "    type: multiple_choice\n    multiple: true\n"
    )
    assert ce_audit.estimate(_case(workbook, text)).activities[0].doing == 1.5  # type: ignore[arg-type]
    gallery = load_library(PROJECT / "data", paths=[PROJECT / "data" / "gallery"]).cases[0]
    per = {a.type: a for a in ce_audit.estimate(gallery).activities}
    spec = {a.id: a for a in gallery.activities}
    for kind in ("classify", "sequence", "checklist"):
        unit, _ = ce_audit.DOING_MINUTES[kind]
        items = getattr(spec[per[kind].id], "steps" if kind == "sequence" else "items")
        assert per[kind].doing == pytest.approx(unit * len(items))
    assessment = spec[per["self_assessment"].id]
    ratings = len(assessment.items) * (2 if assessment.retrospective else 1)  # type: ignore[attr-defined]
    assert per["self_assessment"].units == ratings


def test_activity_minutes_can_count_toward_another_category(
    workbook: Path, minimal_text: str
) -> None:
    text = minimal_text.replace(
        "    type: reflection\n", "    type: reflection\n    ce_category: clinical\n"
    )
    split = ce_audit.estimate(_case(workbook, text)).by_category()  # type: ignore[arg-type]
    assert split[CECategory.CLINICAL] == pytest.approx(8.0 + 14 / ce_audit.READING_WPM, abs=0.05)
    assert CECategory.ETHICS in split


BRANCHING = """
  - id: talk
    type: branching
    title: A conversation
    prompt: Choose each line.
    domains: [Social Aspects of Care]
    skills: [responding to emotion]
    start: open
    nodes:
      - id: open
        speaker: sam
        text: one two three
        choices:
          - text: long way
            next: detour
            feedback: four five
          - text: short way
            next: near
            feedback: six
      - id: detour
        speaker: sam
        text: seven
        choices:
          - text: on
            next: near
            feedback: eight
      - id: near
        speaker: sam
        text: nine ten
        choices:
          - text: finish
            next: done
            feedback: eleven
      - id: done
        speaker: sam
        text: twelve
        ending:
          kind: strong
          summary: thirteen fourteen
"""


def test_a_branching_run_is_the_shortest_path_to_a_strong_ending(
    workbook: Path, minimal_text: str
) -> None:
    text = minimal_text.replace("debrief: |", BRANCHING.lstrip("\n") + "debrief: |")
    text = text.replace(
        "activities: [who-decides, own-reactions]", "activities: [who-decides, own-reactions, talk]"
    )
    talk = next(a for a in ce_audit.estimate(_case(workbook, text)).activities if a.id == "talk")  # type: ignore[arg-type]
    # title 2 + prompt 3; open 3 + its choices 4 + "six" 1; near 2 + "finish" 1 + "eleven" 1;
    # done 1 + summary 2: the detour is not on the shortest run.
    assert (talk.words, talk.units, talk.doing) == (20, 2, 1.0)


def test_a_case_that_claims_too_much_fails(workbook: Path, minimal_text: str) -> None:
    case = _case(workbook, minimal_text.replace("estimated_minutes: 10", "estimated_minutes: 13"))
    result = ce_audit.audit([case], totals=False)  # type: ignore[list-item]
    assert result.problems == [
        "minimal-case: declares 13 minutes but its content backs 10 (+30%; at most ±20%): "
        "set estimated_minutes to about 10, or add or cut content"
    ]
    fine = _case(workbook, minimal_text.replace("estimated_minutes: 10", "estimated_minutes: 12"))
    assert ce_audit.audit([fine], totals=False).ok  # type: ignore[list-item]


def test_part_totals_and_the_category_split(workbook: Path, minimal_text: str) -> None:
    case = parse_case(MINIMAL, known_guides={"family-meetings"})
    result = ce_audit.audit([case])
    assert "Part I: 10 minutes, the program needs at least 480" in result.problems
    assert "Part I, clinical: 0 minutes, the program needs at least 195" in result.problems
    assert sum(ce_audit.PART_I_SPLIT.values()) == ce_audit.PART_MINUTES[Part.I] == 480


def test_the_cli_prints_tables_and_fails_on_problems(workbook: Path) -> None:
    result = espec("ce-audit", cwd=workbook)
    assert result.returncode == 1
    assert "minimal-case  I     ethics" in result.stdout
    assert "Part I, pain and symptom management" in result.stdout
    assert "Part I: 10 minutes, the program needs at least 480" in result.stderr
    one = espec("ce-audit", "--format", "markdown", "data/cases/minimal-case.yaml", cwd=workbook)
    assert one.returncode == 0, "a single case is checked against its own estimate only"
    assert one.stdout.startswith("| case | part | CE category |")
    assert "Traceback" not in result.stderr + one.stderr


def test_the_curriculum_backs_its_ce_hours() -> None:
    """The whole library: every case within 20% of its estimate, Part I's totals and split."""
    result = espec("ce-audit", cwd=PROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
    audit = ce_audit.audit(load_library(PROJECT / "data").curriculum)
    assert audit.ok, audit.problems
    part_one = next(t for t in audit.totals if t.label == "Part I")
    assert part_one.minutes >= 480
