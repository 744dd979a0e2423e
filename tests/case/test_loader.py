"""The loader accepts good case files and explains every problem in bad ones at file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from espec_widgets.case import CaseFileError, Domain, load_library, parse_case
from espec_widgets.case.schema import MultipleChoice, Reflection

from ..conftest import PROJECT


def _write(root: Path, text: str, name: str = "minimal-case.yaml") -> Path:
    path = root / "data" / "cases" / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path, guides: set[str] | None = None) -> list:
    with pytest.raises(CaseFileError) as info:
        parse_case(path, known_guides=guides if guides is not None else {"family-meetings"})
    return info.value.problems


def test_fixture_case_loads(workbook: Path) -> None:
    library = load_library(workbook / "data")
    (case,) = library.cases
    assert case.id == "minimal-case"
    assert case.main_domain is Domain.SOCIAL
    assert case.patient.name == "Ruth Alvarez"
    assert [a.id for a in case.ordered_activities] == ["who-decides", "own-reactions"]
    assert isinstance(case.activity("who-decides"), MultipleChoice)
    assert isinstance(case.activity("own-reactions"), Reflection)
    assert library.guides.keys() == {"family-meetings"}


def test_project_library_loads() -> None:
    library = load_library(PROJECT / "data")
    assert library.cases, "the project ships at least one case"
    for case in library.cases:
        assert case.review.status in {"awaiting review", "reviewed"}


# (description, old text, new text, expected line, expected words in the message or hint)
MALFORMED = [
    (
        "unknown top-level key (typo)",
        "debrief: |",
        "debreif: |",
        65,
        ["unknown field 'debreif'", "did you mean 'debrief'"],
    ),
    (
        "misspelt domain",
        "main_domain: Social Aspects of Care",
        "main_domain: Social Aspect of Care",
        5,
        [
            "'Social Aspect of Care' is not an allowed value",
            "did you mean 'Social Aspects of Care'",
        ],
    ),
    ("unknown part", "part: I\n", "part: V\n", 4, ["'V' is not an allowed value"]),
    (
        "unknown CE category",
        "ce_category: ethics",
        "ce_category: law",
        9,
        ["'law' is not an allowed value"],
    ),
    (
        "missing required title",
        "title: A minimal case for tests\n",
        "",
        1,
        ["required field 'title' is missing"],
    ),
    (
        "id is not a slug",
        "id: minimal-case",
        "id: Minimal Case",
        2,
        ["'Minimal Case' is not a valid id"],
    ),
    (
        "estimated minutes not a number",
        "estimated_minutes: 10",
        "estimated_minutes: ten",
        34,
        ["expected a whole number"],
    ),
    (
        "person kind typo",
        "    kind: family\n",
        "    kind: famly\n",
        27,
        ["'famly' is not an allowed value", "did you mean 'family'"],
    ),
    (
        "unknown speaker",
        "      - speaker: sam",
        "      - speaker: samuel",
        41,
        ["unknown speaker 'samuel'", "ruth, sam, sw"],
    ),
    (
        "reference to unknown activity",
        "activities: [who-decides, own-reactions]",
        "activities: [who-decides, own-reaction]",
        45,
        ["unknown activity 'own-reaction'"],
    ),
    (
        "unknown guide",
        "guides: [family-meetings]",
        "guides: [family-meeting]",
        70,
        ["unknown guide 'family-meeting'"],
    ),
    (
        "unknown activity type",
        "    type: reflection",
        "    type: essay",
        60,
        ["unknown activity type 'essay'", "multiple_choice"],
    ),
    (
        "no correct option",
        "        correct: true\n",
        "",
        47,
        ["no option is marked 'correct: true'"],
    ),
    (
        "duplicate key",
        "estimated_minutes: 10\n",
        "estimated_minutes: 10\nestimated_minutes: 12\n",
        35,
        ["'estimated_minutes' appears twice"],
    ),
    (
        "malformed YAML (bad indentation)",
        "  type: hospital\n",
        "  type: hospital\n   description: oops\n",
        19,
        ["not valid YAML"],
    ),
    (
        "vague objective verb",
        "Identify the legal surrogate",
        "Understand the legal surrogate",
        14,
        ["starts with 'understand'"],
    ),
    (
        "team member as legal surrogate",
        "    relationship: hospital social worker",
        "    relationship: hospital social worker\n    legal_surrogate: true",
        34,
        ["a person of kind 'team' cannot be the legal surrogate"],
    ),
    (
        "too-new schema version",
        "schema_version: 1",
        "schema_version: 7",
        1,
        ["schema version 7", "too new"],
    ),
    (
        "resource URL is not a URL",
        "url: https://www.nationalcoalitionhpc.org/",
        "url: nationalcoalitionhpc",
        69,
        ["resources[0].url", "not a web address"],
    ),
    (
        "activity placed nowhere",
        "activities: [who-decides, own-reactions]",
        "activities: [who-decides]",
        59,
        ["'own-reactions' is not placed in any scene"],
    ),
    (
        "reviewed without reviewers",
        "  status: awaiting review",
        "  status: reviewed",
        71,
        ["names its reviewers"],
    ),
    (
        "vague verb with 'to'",
        "Identify the legal surrogate",
        "To understand the legal surrogate",
        14,
        ["starts with 'understand'"],
    ),
    (
        "minutes out of range",
        "estimated_minutes: 10",
        "estimated_minutes: 0",
        34,
        ["out of range", "at least 1"],
    ),
    (
        "objective domain not in case",
        "    domain: Ethical and Legal Aspects of Care\n    skill: advance",
        "    domain: Cultural Aspects of Care\n    skill: advance",
        15,
        ["'Cultural Aspects of Care' is not among the case's domains"],
    ),
    (
        "unknown key inside an activity",
        "    type: reflection\n",
        "    type: reflection\n    max_word: 100\n",
        61,
        ["activities[1].max_word: unknown field 'max_word'", "did you mean 'max_words'"],
    ),
    (
        "list expected",
        "skills: [family meetings]",
        "skills: family meetings",
        10,
        ["expected a list"],
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [m[1:] for m in MALFORMED],
    ids=[m[0] for m in MALFORMED],
)
def test_malformed_case_is_explained(
    workbook: Path, minimal_text: str, old: str, new: str, line: int, words: list[str]
) -> None:
    assert old in minimal_text, "the mutation must apply to the fixture"
    path = _write(workbook, minimal_text.replace(old, new, 1))
    problems = _problems(path)
    rendered = "\n".join(str(p) for p in problems)
    for word in words:
        assert word in rendered, rendered
    assert any(p.line == line for p in problems), rendered
    assert all(str(p).startswith(f"{path}:") for p in problems)
    assert "Traceback" not in rendered


def test_every_problem_in_a_file_is_reported(workbook: Path, minimal_text: str) -> None:
    text = (
        minimal_text.replace("part: I\n", "part: V\n")
        .replace("ce_category: ethics", "ce_category: law")
        .replace("debrief: |", "debreif: |")
    )
    problems = _problems(_write(workbook, text))
    assert len(problems) >= 3
    assert [p.line for p in problems] == sorted(p.line for p in problems)


def test_duplicate_case_ids_across_files(workbook: Path, minimal_text: str) -> None:
    sub = workbook / "data" / "cases" / "copy"
    sub.mkdir()
    (sub / "minimal-case.yaml").write_text(minimal_text, encoding="utf-8")
    with pytest.raises(CaseFileError) as info:
        load_library(workbook / "data")
    assert "duplicate case id 'minimal-case'" in str(info.value)


def test_file_name_must_match_id(workbook: Path, minimal_text: str) -> None:
    problems = _problems(_write(workbook, minimal_text, "renamed.yaml"))
    assert "does not match the file name 'renamed.yaml'" in str(problems[0])


def test_not_a_mapping_and_not_utf8(workbook: Path) -> None:
    assert "a mapping of fields" in str(_problems(_write(workbook, "- just\n- a list\n"))[0])
    path = workbook / "data" / "cases" / "minimal-case.yaml"
    path.write_bytes(b"title: caf\xe9\n")
    assert "not UTF-8" in str(_problems(path)[0])
