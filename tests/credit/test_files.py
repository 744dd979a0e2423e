"""The course record and item banks are read and checked like case files: every problem at its
line, with what to do; a bank is held to the curriculum's objectives and NASW's rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from espec_widgets.case import load_library
from espec_widgets.case.errors import CaseFileError
from espec_widgets.cli import main

BANK = "data/posttest/part-1.yaml"


def _problems(root: Path) -> list[str]:
    with pytest.raises(CaseFileError) as caught:
        load_library(root / "data")
    return [str(p) for p in caught.value.problems]


def _edit(root: Path, rel: str, old: str, new: str, count: int = 1) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_the_fixture_files_check_clean(
    credit_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(credit_workbook), "check"]) == 0
    out = capsys.readouterr().out
    assert "the course record, the Part I post-test (8 items)" in out
    library = load_library(credit_workbook / "data")
    assert library.course is not None and library.course.part("I").hours == 0.1
    assert len(library.banks["I"].items) == 8


def test_an_item_naming_an_objective_that_does_not_exist_points_at_its_line(
    credit_workbook: Path,
) -> None:
    _edit(credit_workbook, BANK, "minimal-case/identify-surrogate", "minimal-case/who-is-that")
    found = _problems(credit_workbook)
    assert any(
        f"{BANK}:7:" in p
        and "has no objective with id 'who-is-that'" in p
        and "identify-surrogate" in p
        for p in found
    ), found


def test_an_objective_no_item_tests_is_reported(credit_workbook: Path) -> None:
    _edit(
        credit_workbook,
        "data/cases/minimal-case.yaml",
        "    skill: advance care planning\n",
        "    skill: advance care planning\n  - id: second-one\n    text: Plan a family "
        "meeting.\n    domain: Social Aspects of Care\n    skill: family meetings\n",
    )
    found = _problems(credit_workbook)
    assert any(
        "no item tests objective 2 of case 'minimal-case' ('second-one')" in p for p in found
    )


def test_too_many_true_false_items_repeated_stems_and_two_right_answers(
    credit_workbook: Path,
) -> None:
    path = credit_workbook / BANK
    text = path.read_text(encoding="utf-8")
    text += (
        "  - id: tf-one\n    objective: minimal-case/identify-surrogate\n    kind: true_false\n"
        "    stem: A son is always the surrogate.\n    answer: false\n    rationale: No.\n"
    )
    text = text.replace("Fixture question 2,", "Fixture question 1,")
    path.write_text(text, encoding="utf-8")
    found = "\n".join(_problems(credit_workbook))
    assert "1 true/false items could fill more than 10% of a 5-question test" in found
    assert "this question repeats item 1 ('surrogate-1')" in found
    _edit(
        credit_workbook,
        BANK,
        "      - text: Wrong answer 3a\n",
        "      - text: Wrong answer 3a\n        correct: true\n",
    )
    found = "\n".join(_problems(credit_workbook))
    assert f"{BANK}:26:5: items[2]: exactly one choice is marked 'correct: true'" in found


def test_a_test_shorter_than_ten_questions_per_hour_is_refused(credit_workbook: Path) -> None:
    _edit(
        credit_workbook,
        "data/course.yaml",
        "    hours: 0.1\n    categories:\n      ethics: 0.1",
        "    hours: 1.0\n    categories:\n      ethics: 1.0",
    )
    found = "\n".join(_problems(credit_workbook))
    assert "a 5-question test is short of the 10 that 1 CE hours need" in found


def test_a_pass_mark_under_eighty_percent_and_vague_part_objectives_are_refused(
    credit_workbook: Path,
) -> None:
    _edit(credit_workbook, BANK, "test_length: 5", "test_length: 5\npass_mark: 0.7")
    _edit(
        credit_workbook,
        "data/course.yaml",
        "      - Identify the legal surrogate",
        "      - Understand the legal surrogate",
    )
    found = "\n".join(_problems(credit_workbook))
    assert f"{BANK}:5:" in found and "pass_mark" in found
    assert "objective starts with 'understand', which cannot be measured" in found


def test_categories_must_total_the_part_s_hours(credit_workbook: Path) -> None:
    _edit(credit_workbook, "data/course.yaml", "      ethics: 0.1", "      ethics: 0.2")
    found = "\n".join(_problems(credit_workbook))
    assert "the categories total 0.2 hours, not the Part's 0.1" in found


def test_the_program_s_bank_covers_every_objective_with_few_true_false_items() -> None:
    from espec_widgets.ce_audit import bank_report

    from ..conftest import PROJECT

    library = load_library(PROJECT / "data")
    bank = library.banks["I"]
    assert len(bank.items) >= 100
    assert bank.test_length >= 80
    assert sum(i.kind == "true_false" for i in bank.items) <= 0.1 * bank.test_length
    report = bank_report(bank, library.curriculum)
    tested = report.splitlines()[1]
    n = sum(len(c.objectives) for c in library.curriculum if c.part.value == "I")
    assert tested.strip() == f"objectives tested: {n} of {n}"
