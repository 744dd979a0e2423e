"""Screen and decide driven from Python as the browser would drive it, including tampered values."""

from __future__ import annotations

import inspect
import re
import typing
from pathlib import Path
from typing import Any

import pytest

from espec_widgets.activities import Attempt, ChoiceQuestion, widget_for
from espec_widgets.activities.screen import INSTRUMENTS, ScreenDecideQuestion
from espec_widgets.case import parse_case
from espec_widgets.case.activities import SCORE_RANGES, Screen
from espec_widgets.case.runtime import (
    MultipleChoiceSpec,
    OptionSpec,
    ScreenDecideSpec,
    ScreenItemSpec,
    ScreenSpec,
    _from_json,
    _to_json,
    from_case,
)

OPTIONS = (
    OptionSpec(
        "Ask Ruth which problems she marked and what weighs on her most.",
        True,
        "A score of 4 or more prompts further evaluation: start with what she marked.",
    ),
    OptionSpec(
        "Note the score and move on; some distress is expected.",
        False,
        "A 7 is above the point that prompts further evaluation; it deserves follow-up.",
    ),
    OptionSpec(
        "Diagnose depression and start treatment.",
        False,
        "Diagnosis and treatment are outside the social worker's scope; refer within the team.",
    ),
)
ITEMS = (
    ScreenItemSpec("Worry about paying for medicines", "Yes"),
    ScreenItemSpec("Trouble sleeping", "Yes"),
    ScreenItemSpec("Getting to appointments", "No"),
)
THRESHOLD_WORDS = ("4 or more", "prompts further evaluation", "above the point")


def _spec(screen: ScreenSpec, *, multiple: bool = False, options=OPTIONS) -> ScreenDecideSpec:
    return ScreenDecideSpec(
        id="distress-next",
        title="What next?",
        prompt="Ruth rated her distress this morning. What is your next step?",
        screen=screen,
        multiple=multiple,
        options=options,
    )


THERMOMETER = ScreenSpec("distress thermometer", 7, ITEMS, "Completed with the nurse on day 2.")


@pytest.fixture
def activity() -> ScreenDecideSpec:
    return _spec(THERMOMETER)


def _as_choice(spec: ScreenDecideSpec) -> ChoiceQuestion:
    return ChoiceQuestion(
        MultipleChoiceSpec(spec.id, spec.title, spec.prompt, spec.multiple, spec.options)
    )


def test_the_screening_panel_is_synced(activity: ScreenDecideSpec) -> None:
    state = ScreenDecideQuestion(activity).get_state()
    assert state["screen_title"] == "Distress thermometer (fictional result)"
    assert state["screen_score"] == "7 out of 10"
    assert state["screen_meter"] == [7, 10]
    assert state["screen_caption"] == "Distress thermometer: items and answers"
    assert state["screen_rows"] == [
        ["Worry about paying for medicines", "Yes"],
        ["Trouble sleeping", "Yes"],
        ["Getting to appointments", "No"],
    ]
    assert state["screen_note"] == "Completed with the nurse on day 2."
    assert state["question"] == "What next?"
    assert state["options"] == [o.text for o in OPTIONS]


@pytest.mark.parametrize(
    ("screen", "score", "meter", "title"),
    [
        (THERMOMETER, "7 out of 10", [7, 10], "Distress thermometer (fictional result)"),
        (ScreenSpec("distress thermometer", 0, (), None), "0 out of 10", [0, 10], None),
        (ScreenSpec("PHQ-2", 3, ITEMS[:2], None), "3 out of 6", [], "PHQ-2 (fictional result)"),
        (ScreenSpec("GAD-2", 3, ITEMS[:2], None), "3 out of 6", [], "GAD-2 (fictional result)"),
        (ScreenSpec("GAD-2", 6, (), None), "6 out of 6", [], None),
        (
            ScreenSpec("social needs", None, ITEMS, None),
            "",
            [],
            "Social needs screening (fictional result)",
        ),
    ],
    ids=["thermometer", "thermometer-0", "phq-2", "gad-2", "gad-2-max", "social-needs"],
)
def test_score_in_words_for_each_instrument(
    screen: ScreenSpec, score: str, meter: list[int], title: str | None
) -> None:
    widget = ScreenDecideQuestion(_spec(screen))
    assert widget.screen_score == score
    assert widget.screen_meter == meter
    if title is not None:
        assert widget.screen_title == title
    assert widget.screen_rows == [[i.label, i.value] for i in screen.items]
    assert widget.screen_note == (screen.note or "")


def test_instrument_ranges_agree_with_the_schema() -> None:
    allowed = set(typing.get_args(Screen.model_fields["instrument"].annotation))
    assert set(INSTRUMENTS) == allowed
    for instrument, (_name, high) in INSTRUMENTS.items():
        bounds = SCORE_RANGES.get(instrument)
        assert (bounds[1] if bounds else None) == high, instrument
        assert bounds is None or bounds[0] == 0, "the words say 'out of', counting from 0"


def test_no_key_feedback_or_interpretation_before_answering(activity: ScreenDecideSpec) -> None:
    state = ScreenDecideQuestion(activity).get_state()
    assert state["feedback"] == []
    assert not any("correct" in name for name in state), "no answer-key trait is synced"
    text = repr(state)
    for option in OPTIONS:
        assert option.feedback not in text
    for words in THRESHOLD_WORDS:
        assert words not in text, "the panel does not interpret the score before an answer"


def _drive(widget: ChoiceQuestion, seen: list[Any]) -> list[Any]:
    """One learner's session, as the page sends it; returns what the learner sees after each step."""
    widget.on_response(lambda payload, correct: seen.append((payload, correct)))
    shown = []
    steps: list[dict[str, Any]] = [
        {"event": "submit", "value": []},
        {"event": "submit", "value": [1]},
        {"event": "submit", "value": [9]},
        {"event": "submit", "value": [2]},
        {"event": "submit", "value": [0]},
        {"event": "submit", "value": [0, 1]},
    ]
    for step in steps:
        widget._on_message(widget, step, [])
        shown.append((list(widget.value), list(widget.feedback), widget.status))
    return shown


@pytest.mark.parametrize("multiple", [False, True], ids=["single", "select-all"])
def test_grading_and_feedback_are_those_of_a_choice_question(multiple: bool) -> None:
    options = OPTIONS
    if multiple:
        options = (OPTIONS[0], OptionSpec("Offer a follow-up visit.", True, "Yes."), *OPTIONS[1:])
    spec = _spec(THERMOMETER, multiple=multiple, options=options)
    screen_seen: list[Any] = []
    choice_seen: list[Any] = []
    widget = ScreenDecideQuestion(spec)
    screen_shown = _drive(widget, screen_seen)
    choice_shown = _drive(_as_choice(spec), choice_seen)
    assert screen_shown == choice_shown
    assert screen_seen == choice_seen
    assert widget.multiple is multiple
    assert [c for _, c in screen_seen] == (
        [False, False, False, True] if multiple else [False, False, True]
    )
    assert widget.feedback[0]["text"] == options[0].feedback
    if not multiple:
        assert widget.status == "Choose one answer only."
        assert widget.feedback[1]["verdict"] == "Not the best choice"
        assert screen_shown[-2][2].startswith("Well reasoned. Attempt 3")


def test_wrong_answer_shows_only_its_own_feedback(activity: ScreenDecideSpec) -> None:
    widget = ScreenDecideQuestion(activity)
    widget._on_message(widget, {"event": "submit", "value": [1]}, [])
    assert widget.attempts == [Attempt((1,), False)]
    assert widget.feedback[1] == {
        "kind": "incorrect",
        "verdict": "Not the best choice",
        "text": OPTIONS[1].feedback,
    }
    assert widget.feedback[0] == {} and widget.feedback[2] == {}, "the key stays hidden"
    widget._on_message(widget, {"event": "submit", "value": [0]}, [])
    assert [a.correct for a in widget.attempts] == [False, True]
    assert all(widget.feedback), "a right answer explains every option"


@pytest.mark.parametrize(
    "state",
    [
        {"screen_title": "PHQ-2 (fictional result)"},
        {"screen_score": "2 out of 10"},
        {"screen_meter": [2, 10]},
        {"screen_caption": "changed"},
        {"screen_rows": [["<img src=x onerror=alert(1)>", "Yes"]]},
        {"screen_note": "A score of 4 or more prompts further evaluation."},
        {"options": ["x"] * 50},
        {"multiple": True},
        {"feedback": [{"kind": "correct", "verdict": "A strong choice", "text": "x"}]},
        {"status": "<img src=x onerror=alert(1)>"},
        {"question": "changed"},
        {"disabled": False},
    ],
    ids=lambda s: next(iter(s)),
)
def test_browser_cannot_change_kernel_owned_state(
    activity: ScreenDecideSpec, state: dict[str, Any]
) -> None:
    widget = ScreenDecideQuestion(activity)
    widget.disabled = True
    before = widget.get_state()
    widget.set_state(state)
    assert widget.get_state() == before


@pytest.mark.parametrize(
    "value",
    [[7], [-1], [0, 1], [0, 0], ["0"], "0", None, [10**12], [False]],
    ids=[
        "unknown",
        "negative",
        "two-for-single",
        "repeat",
        "string-item",
        "string",
        "none",
        "huge",
        "bool",
    ],
)
def test_tampered_values_are_refused(activity: ScreenDecideSpec, value: object) -> None:
    widget = ScreenDecideQuestion(activity)
    widget.set_state({"value": [1]})
    widget.set_state({"value": value})
    assert widget.value == [1]
    widget._on_message(widget, {"event": "submit", "value": value}, [])
    assert widget.attempts == [], "a refused selection is not graded"
    widget._on_message(widget, {"event": "submit"}, [])
    assert widget.attempts == [Attempt((1,), False)]


def test_tampered_options_cannot_widen_the_valid_answers(activity: ScreenDecideSpec) -> None:
    widget = ScreenDecideQuestion(activity)
    widget.set_state({"options": ["x"] * 50, "multiple": True, "value": [40]})
    assert widget.value == [] and len(widget.options) == 3 and not widget.multiple
    widget.set_state({"value": [0, 1]})
    assert widget.value == []


def test_submit_carries_its_own_selection(activity: ScreenDecideSpec) -> None:
    widget = ScreenDecideQuestion(activity)
    widget.set_state({"value": [1]})
    widget._on_message(widget, {"event": "submit", "value": [0]}, [])
    assert widget.attempts == [Attempt((0,), True)]


def test_closed_question_grades_nothing(activity: ScreenDecideSpec) -> None:
    widget = ScreenDecideQuestion(activity)
    widget.disabled = True
    widget._on_message(widget, {"event": "submit", "value": [0]}, [])
    assert widget.attempts == [] and widget.feedback == []
    assert "closed" in widget.status


def test_restore_regrades_stored_payloads(activity: ScreenDecideSpec) -> None:
    widget = ScreenDecideQuestion(activity)
    stored: list[dict[str, Any]] = [
        {"chosen": [1], "correct": True},  # a stored verdict is never trusted
        {"chosen": ["0"]},
        {"chosen": [7]},
        {"other": 1},
        {"chosen": [0]},
    ]
    widget.restore_state(stored)
    assert widget.attempts == [Attempt((1,), False), Attempt((0,), True)]
    assert widget.value == [0] and widget.feedback[2]["kind"] == "incorrect"
    assert widget.done

    changed = ScreenDecideQuestion(
        _spec(THERMOMETER, options=(OPTIONS[1], OPTIONS[0], OPTIONS[2]))
    )  # the case was edited: the key moved to option 1
    changed.restore_state([{"chosen": [1]}])
    assert changed.attempts == [Attempt((1,), True)]
    assert changed.status.startswith("Well reasoned")

    fresh = ScreenDecideQuestion(activity)
    fresh.restore_state([])
    assert fresh.attempts == [] and fresh.feedback == [] and not fresh.done


def test_a_case_file_reaches_the_widget(workbook: Path, minimal_text: str) -> None:
    block = """  - id: distress-next
    type: screen_decide
    title: What next?
    prompt: Ruth rated her distress this morning.
    domains: [Social Aspects of Care]
    skills: [screening]
    screen:
      instrument: distress thermometer
      score: 7
      items:
        - label: Worry about paying for medicines
          value: "Yes"
      note: Completed with the nurse.
    options:
      - text: Explore the problems she marked.
        correct: true
        feedback: A score of 4 or more prompts further evaluation.
      - text: Nothing; it is normal.
        feedback: A high score deserves follow-up.
"""
    text = minimal_text.replace("debrief: |", block + "debrief: |", 1).replace(
        "activities: [who-decides, own-reactions]",
        "activities: [who-decides, own-reactions, distress-next]",
    )
    path = workbook / "data" / "cases" / "minimal-case.yaml"
    path.write_text(text, encoding="utf-8")
    runtime = from_case(parse_case(path))
    for case in (runtime, _from_json(_to_json(runtime))):  # as validated, and from the cache
        widget = widget_for(case.activity("distress-next"))
        assert isinstance(widget, ScreenDecideQuestion)
        assert widget.screen_score == "7 out of 10"
        assert widget.screen_rows == [["Worry about paying for medicines", "Yes"]]
        assert widget.screen_note == "Completed with the nurse."
        widget._on_message(widget, {"event": "submit", "value": [0]}, [])
        assert widget.attempts == [Attempt((0,), True)]


def test_the_front_end_is_the_multiple_choice_module_with_its_panel() -> None:
    """One ES module (anywidget imports nothing else) renders both question kinds."""
    assert "_esm" not in ScreenDecideQuestion.__dict__, "it inherits the question's module"
    text = Path(inspect.getfile(ChoiceQuestion)).with_name("choice.js").read_text(encoding="utf-8")
    assert not re.search(r"^\s*import\b|\bimport\s*\(", text, re.MULTILINE)
    assert 'if (model.get("screen_title")) host.append(panel(model, uid));' in text


def test_a_bool_equal_to_the_selection_is_refused_not_stored(activity: ScreenDecideSpec) -> None:
    """[true] equals [1] in Python, so traitlets would let it in unvalidated; our check comes first."""
    widget = ScreenDecideQuestion(activity)
    widget.set_state({"value": [1]})
    widget._on_message(widget, {"event": "submit", "value": [True]}, [])
    assert (
        widget.attempts == []
        and widget.status == "That choice was not recognised; please choose again."
    )
    widget._on_message(widget, {"event": "submit"}, [])
    assert [type(i) for a in widget.attempts for i in a.chosen] == [int]
