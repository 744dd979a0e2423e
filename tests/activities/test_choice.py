"""Multiple choice driven from Python as the browser would drive it, including tampered values."""

from __future__ import annotations

import pytest

from espec_widgets.activities import Attempt, ChoiceQuestion
from espec_widgets.case import parse_case
from espec_widgets.case.runtime import MultipleChoiceSpec, from_case

from ..conftest import FIXTURES


@pytest.fixture
def activity() -> MultipleChoiceSpec:
    case = parse_case(FIXTURES / "data" / "cases" / "minimal-case.yaml")
    act = from_case(case).activity("who-decides")
    assert isinstance(act, MultipleChoiceSpec)
    return act


def _browser_sets(widget: ChoiceQuestion, value: object) -> None:
    """Apply a state update exactly as a comm message from the front end would."""
    widget.set_state({"value": value})


def test_no_key_or_feedback_before_answering(activity: MultipleChoiceSpec) -> None:
    widget = ChoiceQuestion(activity)
    state = widget.get_state()
    assert state["feedback"] == []
    assert "appointed agent comes first" not in repr(state)
    assert state["options"] == [o.text for o in activity.options]
    assert not any("correct" in name for name in state), "no answer-key trait is synced"


def test_wrong_then_right_keeps_every_attempt(activity: MultipleChoiceSpec) -> None:
    widget = ChoiceQuestion(activity)
    seen = []
    widget.on_response(
        lambda payload, correct: seen.append(Attempt(tuple(payload["chosen"]), correct))
    )
    _browser_sets(widget, [1])
    first = widget.submit()
    assert first is not None and not first.correct
    assert widget.feedback[1]["verdict"] == "Not the best choice"
    assert widget.feedback[0] == {}, "the key is not revealed by a wrong answer"
    assert "Attempt 1: not quite" in widget.status
    _browser_sets(widget, [0])
    widget._on_message(widget, {"event": "submit"}, [])
    assert [a.correct for a in widget.attempts] == [False, True]
    assert seen == widget.attempts
    assert widget.feedback[0]["text"].startswith("An appointed agent comes first")
    assert widget.feedback[1]["kind"] == "incorrect"


@pytest.mark.parametrize(
    "value",
    [[7], [-1], [0, 1], [0, 0], ["0"], "0", None, [10**12]],
    ids=[
        "unknown",
        "negative",
        "two-for-single",
        "repeat",
        "string-item",
        "string",
        "none",
        "huge",
    ],
)
def test_tampered_values_are_refused(activity: MultipleChoiceSpec, value: object) -> None:
    widget = ChoiceQuestion(activity)
    _browser_sets(widget, [1])
    _browser_sets(widget, value)
    assert widget.value == [1]
    assert widget.submit() is not None
    assert widget.attempts[-1].chosen == (1,)


def test_disabled_question_ignores_changes_and_submits(activity: MultipleChoiceSpec) -> None:
    widget = ChoiceQuestion(activity)
    _browser_sets(widget, [1])
    widget.disabled = True
    _browser_sets(widget, [0])
    assert widget.value == [1]
    assert "closed" in widget.status
    assert widget.submit() is None
    assert widget.attempts == []


def test_empty_submission_asks_for_an_answer(activity: MultipleChoiceSpec) -> None:
    widget = ChoiceQuestion(activity)
    assert widget.submit() is None
    assert widget.status == "Choose an answer first."


def test_select_all_is_graded_as_a_set() -> None:
    from espec_widgets.case.runtime import MultipleChoiceSpec, OptionSpec

    spec = MultipleChoiceSpec(
        id="pre-meeting",
        title="What belongs in the pre-meeting?",
        prompt="Select all that apply.",
        multiple=True,
        options=(
            OptionSpec("Agree on the medical facts", True, "Shared facts first."),
            OptionSpec("Identify the legal surrogate", True, "Who decides matters."),
            OptionSpec("Decide the outcome in advance", False, "The family's values lead."),
        ),
    )
    widget = ChoiceQuestion(spec)
    widget.set_state({"value": [1]})
    assert widget.submit() == Attempt(chosen=(1,), correct=False)
    assert widget.feedback[0] == {}, "a partly right answer does not reveal the rest of the key"
    assert widget.verdict == "partial"
    assert widget.status.startswith("Attempt 1: partly there, 1 of the 2 strong answers chosen.")
    widget.set_state({"value": [1, 0]})
    assert widget.value == [0, 1]
    assert widget.submit() == Attempt(chosen=(0, 1), correct=True)
    assert widget.verdict == "correct"
    assert widget.feedback[2]["verdict"] == "Not the best choice"
    widget.set_state({"value": [0, 1, 2]})
    assert widget.submit() == Attempt(chosen=(0, 1, 2), correct=False)
    assert widget.verdict == "partial"
    assert "2 of the 2 strong answers chosen, and 1 that is not" in widget.status
    widget.set_state({"value": [2]})
    widget.submit()
    assert widget.verdict == "incorrect" and "not quite" in widget.status


def test_restore_skips_attempts_that_no_longer_fit(activity: MultipleChoiceSpec) -> None:
    widget = ChoiceQuestion(activity)
    widget.restore([Attempt((0,), True), Attempt((5,), False), Attempt((0, 1), False)])
    assert widget.attempts == [Attempt((0,), True)]
    assert widget.value == [0] and widget.feedback[0]["kind"] == "correct"
    widget.restore([Attempt((9,), True)])
    assert widget.attempts == [] and widget.value == [] and widget.feedback == []


@pytest.mark.parametrize(
    "state",
    [
        {"options": ["x"] * 50},
        {"multiple": True},
        {"disabled": False},
        {"feedback": [{"kind": "correct"}]},
        {"status": "<img src=x onerror=alert(1)>"},
        {"question": "changed"},
    ],
    ids=lambda s: next(iter(s)),
)
def test_browser_cannot_change_kernel_owned_state(
    activity: MultipleChoiceSpec, state: dict
) -> None:
    widget = ChoiceQuestion(activity)
    widget.disabled = True
    before = widget.get_state()
    widget.set_state(state)
    assert widget.get_state() == before


def test_tampered_options_cannot_widen_the_valid_answers(activity: MultipleChoiceSpec) -> None:
    widget = ChoiceQuestion(activity)
    widget.set_state({"options": ["x"] * 50, "multiple": True, "value": [40]})
    assert widget.value == [] and len(widget.options) == 2 and not widget.multiple
    widget.set_state({"value": [0, 1]})
    assert widget.value == []


def test_submit_carries_its_own_selection(activity: MultipleChoiceSpec) -> None:
    """The page sends the selection with the submit, since a state update may lag behind it."""
    widget = ChoiceQuestion(activity)
    widget.set_state({"value": [1]})
    widget._on_message(widget, {"event": "submit", "value": [0]}, [])
    assert widget.attempts == [Attempt((0,), True)]
    widget._on_message(widget, {"event": "submit", "value": [9]}, [])
    assert len(widget.attempts) == 1, "a refused selection is not graded"
    assert widget.status == "That choice was not recognised; please choose again."
    widget._on_message(widget, {"event": "submit", "value": "zero"}, [])
    assert len(widget.attempts) == 1


def test_wrong_type_is_refused_with_a_message(activity: MultipleChoiceSpec) -> None:
    widget = ChoiceQuestion(activity)
    widget.set_state({"value": "0"})
    assert (
        widget.value == []
        and widget.status == "That choice was not recognised; please choose again."
    )
