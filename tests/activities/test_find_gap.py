"""Find the gap driven as the browser would drive it: grading, reveal rules, tampering, restore."""

from __future__ import annotations

from typing import Any

import pytest
from traitlets import TraitError

from espec_widgets.activities import widget_for
from espec_widgets.activities.find_gap import (
    CHOOSE_FIRST,
    CLOSED,
    UNRECOGNISED,
    WHERE_HINT,
    FindGapAttempt,
    FindGapExercise,
)
from espec_widgets.case.runtime import FindGapSpec, LineSpec, OptionSpec

SPEC = FindGapSpec(
    id="spikes-gap",
    title="Find the missing SPIKES step",
    prompt="One SPIKES step is missing from this conversation. Where, and which?",
    transcript=(
        LineSpec("Jordan Lee (hospital social worker)", "Is this still a good time to talk?"),
        LineSpec("Sam Alvarez (son)", "Yes, my sister is on the phone too."),
        LineSpec(
            "Jordan Lee (hospital social worker)", "I'm afraid the scan shows the cancer has grown."
        ),
        LineSpec("Ruth Alvarez (patient)", "I knew something was wrong."),
    ),
    gap_after=1,
    where_feedback="Ask what they already understand before sharing the news.",
    options=(
        OptionSpec(
            "Offering a leaflet about hospice", False, "Information comes later, if wanted."
        ),
        OptionSpec("Asking what they already know", True, "Perception comes before knowledge."),
        OptionSpec("Summarising the plan", False, "Strategy and summary close the talk."),
    ),
)
RIGHT, WRONG = 1, 2  # gap positions: after line 2 (index 1) is right
KEY_TEXTS = [
    SPEC.where_feedback,
    "Perception comes before",
    "Information comes later",
    "Strategy and summary",
    "between line 2 and line 3",
]


def _send(widget: FindGapExercise, content: dict[str, Any]) -> None:
    """A message from the page, exactly as the front end sends it."""
    widget._on_message(widget, content, [])


def _submit(widget: FindGapExercise, where: Any, what: Any) -> None:
    _send(widget, {"event": "submit", "value": {"where": where, "what": what}})


def _recording(widget: FindGapExercise) -> list[tuple[dict[str, Any], bool | None]]:
    seen: list[tuple[dict[str, Any], bool | None]] = []
    widget.on_response(lambda payload, correct: seen.append((payload, correct)))
    return seen


def test_registered_for_find_gap() -> None:
    assert isinstance(widget_for(SPEC), FindGapExercise)


def test_state_carries_no_key_before_answering() -> None:
    widget = FindGapExercise(SPEC)
    state = widget.get_state()
    assert state["value"] == {"where": None, "what": None}
    assert state["where_feedback"] == {} and state["what_feedback"] == []
    text = repr(state)
    for secret in KEY_TEXTS:
        assert secret not in text
    assert not any("correct" in name or "gap" in name for name in state), "no key trait"
    assert state["options"] == [o.text for o in SPEC.options]
    assert state["lines"][2] == {
        "speaker": "Jordan Lee (hospital social worker)",
        "text": "I'm afraid the scan shows the cancer has grown.",
    }


def test_places_cover_every_gap_position() -> None:
    places = FindGapExercise(SPEC).places
    assert places == [
        "Before line 1 (“Is this still a good time…”)",
        "Between line 1 and line 2",
        "Between line 2 and line 3",
        "Between line 3 and line 4",
        "After the last line (after line 4)",
    ]


def test_submit_needs_both_answers() -> None:
    widget = FindGapExercise(SPEC)
    seen = _recording(widget)
    _submit(widget, RIGHT, None)
    assert widget.status == CHOOSE_FIRST
    _submit(widget, None, 1)
    assert widget.status == CHOOSE_FIRST
    assert seen == [] and widget.attempts == [] and not widget.done


@pytest.mark.parametrize(
    ("where", "what", "where_right", "what_right"),
    [
        (RIGHT, 1, True, True),
        (RIGHT, 0, True, False),
        (WRONG, 1, False, True),
        (-1, 2, False, False),
    ],
    ids=["both", "where-only", "what-only", "neither"],
)
def test_grading_combinations(where: int, what: int, where_right: bool, what_right: bool) -> None:
    widget = FindGapExercise(SPEC)
    seen = _recording(widget)
    _submit(widget, where, what)
    assert seen == [({"where": where, "what": what}, where_right and what_right)]
    assert widget.attempts == [FindGapAttempt(where, what, where_right, what_right)]
    assert widget.where_feedback["kind"] == ("correct" if where_right else "incorrect")
    assert widget.what_feedback[what]["kind"] == ("correct" if what_right else "incorrect")
    assert widget.done


def test_where_is_hinted_first_then_revealed_on_the_second_attempt() -> None:
    widget = FindGapExercise(SPEC)
    _submit(widget, WRONG, 0)
    assert widget.where_feedback == {
        "kind": "incorrect",
        "verdict": "Not there",
        "text": WHERE_HINT,
        "place": WRONG,
    }
    assert SPEC.where_feedback not in repr(widget.get_state())
    assert "between line 2 and line 3" not in repr(widget.get_state())
    assert widget.status.startswith("Attempt 1: neither")
    assert widget.verdict == "incorrect"
    _submit(widget, -1, 0)
    assert widget.where_feedback["kind"] == "incorrect"
    assert widget.where_feedback["text"] == (
        "The missing step belongs between line 2 and line 3. " + SPEC.where_feedback
    )
    assert "The right place is now shown" in widget.status


def test_where_is_revealed_as_soon_as_it_is_right() -> None:
    widget = FindGapExercise(SPEC)
    _submit(widget, RIGHT, 0)
    assert widget.where_feedback["verdict"] == "The right place"
    assert SPEC.where_feedback in widget.where_feedback["text"]
    assert widget.status.startswith("Attempt 1: the right place, but not the missing step")
    assert widget.verdict == "partial"


def test_what_shows_the_chosen_feedback_then_all_once_right() -> None:
    widget = FindGapExercise(SPEC)
    _submit(widget, WRONG, 0)
    assert widget.what_feedback[0] == {
        "kind": "incorrect",
        "verdict": "Not the missing step",
        "text": "Information comes later, if wanted.",
    }
    assert widget.what_feedback[1] == {} and widget.what_feedback[2] == {}
    _submit(widget, WRONG, 1)
    assert widget.status.startswith("Attempt 2: the right step, but not the right place")
    assert [f["kind"] for f in widget.what_feedback] == ["incorrect", "correct", "incorrect"]
    _submit(widget, RIGHT, 1)
    assert widget.status.startswith("Well spotted. Attempt 3")
    assert widget.verdict == "correct"
    assert [a.correct for a in widget.attempts] == [False, False, True]


def test_revealed_feedback_stays_revealed() -> None:
    widget = FindGapExercise(SPEC)
    _submit(widget, RIGHT, 1)
    _submit(widget, -1, 2)  # the learner tries something else after getting it right
    assert SPEC.where_feedback in widget.where_feedback["text"]
    assert widget.where_feedback["kind"] == "incorrect"
    assert all(widget.what_feedback), "every option's feedback is still shown"
    assert widget.what_feedback[2]["kind"] == "incorrect"


@pytest.mark.parametrize(
    "value",
    [
        {"where": 4, "what": 1},
        {"where": -2, "what": 1},
        {"where": 1, "what": 3},
        {"where": 1, "what": -1},
        {"where": "1", "what": 1},
        {"where": 1, "what": 1.0},
        {"where": True, "what": 1},
        {"where": 1, "what": [1]},
        {"where": 1},
        {"where": 1, "what": 1, "extra": 0},
        [1, 1],
        "1,1",
        None,
        {"where": 10**12, "what": 1},
    ],
    ids=[
        "where-past-end",
        "where-before-start",
        "what-past-end",
        "what-negative",
        "where-string",
        "what-float",
        "where-bool",
        "what-list",
        "missing-key",
        "extra-key",
        "list",
        "string",
        "none",
        "huge",
    ],
)
def test_tampered_values_are_refused(value: object) -> None:
    widget = FindGapExercise(SPEC)
    seen = _recording(widget)
    widget.set_state({"value": {"where": WRONG, "what": 0}})
    resent: list[Any] = []
    widget.send_state = lambda key=None: resent.append(key)  # type: ignore[method-assign]
    widget.set_state({"value": value})
    assert widget.value == {"where": WRONG, "what": 0}
    assert widget.status == UNRECOGNISED
    assert ["value"] in resent, "the page's radios are put back where the kernel has them"
    _send(widget, {"event": "submit", "value": value})
    assert seen == [] and widget.attempts == [], "a refused answer is not graded"
    assert widget.status == UNRECOGNISED


def test_browser_selection_is_kept_for_a_later_submit() -> None:
    widget = FindGapExercise(SPEC)
    seen = _recording(widget)
    widget.set_state({"value": {"where": RIGHT, "what": None}})
    widget.set_state({"value": {"where": RIGHT, "what": 1}})
    _send(widget, {"event": "submit"})
    assert seen == [({"where": RIGHT, "what": 1}, True)]


@pytest.mark.parametrize(
    "state",
    [
        {"lines": [{"speaker": "x", "text": "y"}]},
        {"places": ["Here"]},
        {"options": ["x"] * 50},
        {"where_feedback": {"kind": "correct", "verdict": "Yes", "text": "x"}},
        {"what_feedback": [{"kind": "correct"}]},
        {"disabled": False},
        {"status": "<img src=x onerror=alert(1)>"},
        {"question": "changed"},
        {"prompt": "changed"},
    ],
    ids=lambda s: next(iter(s)),
)
def test_browser_cannot_change_kernel_owned_state(state: dict[str, Any]) -> None:
    widget = FindGapExercise(SPEC)
    widget.disabled = True
    before = widget.get_state()
    widget.set_state(state)
    assert widget.get_state() == before


def test_disabled_exercise_refuses_answers_and_checks() -> None:
    widget = FindGapExercise(SPEC)
    seen = _recording(widget)
    widget.set_state({"value": {"where": RIGHT, "what": 0}})
    widget.disabled = True
    widget.set_state({"value": {"where": RIGHT, "what": 1}})
    assert widget.value == {"where": RIGHT, "what": 0}
    assert widget.status == CLOSED
    _submit(widget, RIGHT, 1)
    assert widget.status == CLOSED and seen == []
    _send(widget, {"event": "submit", "value": {"where": RIGHT, "what": 0}})
    assert widget.status == "This exercise is closed." and seen == [] and not widget.done


def test_other_events_do_nothing() -> None:
    widget = FindGapExercise(SPEC)
    seen = _recording(widget)
    _send(widget, {"event": "save", "value": {"where": RIGHT, "what": 1}})
    _send(widget, {"value": {"where": RIGHT, "what": 1}})
    assert seen == [] and widget.attempts == []


def test_restore_regrades_and_skips_payloads_that_no_longer_fit() -> None:
    widget = FindGapExercise(SPEC)
    seen = _recording(widget)
    widget.restore_state(
        [
            {"where": WRONG, "what": 0},
            {"where": 9, "what": 0},  # the transcript has since been shortened
            {"where": RIGHT, "what": 7},  # an option has since been removed
            {"where": "1", "what": 1},
            {"where": RIGHT},
            {"chosen": [1]},
            {"where": RIGHT, "what": 1},
        ]
    )
    assert seen == [], "restoring reports nothing"
    assert widget.attempts == [
        FindGapAttempt(WRONG, 0, False, False),
        FindGapAttempt(RIGHT, 1, True, True),
    ]
    assert widget.value == {"where": RIGHT, "what": 1}
    assert widget.where_feedback["kind"] == "correct" and all(widget.what_feedback)
    assert widget.done


def test_restore_grades_against_the_current_case() -> None:
    moved = FindGapSpec(**{**SPEC.__dict__, "gap_after": 2})
    widget = FindGapExercise(moved)
    widget.restore_state([{"where": RIGHT, "what": 1}])  # right when it was stored
    assert widget.attempts == [FindGapAttempt(RIGHT, 1, False, True)]
    assert widget.where_feedback == {
        "kind": "incorrect",
        "verdict": "Not there",
        "text": WHERE_HINT,
        "place": RIGHT,
    }


def test_restore_reapplies_the_reveal_rules() -> None:
    widget = FindGapExercise(SPEC)
    widget.restore_state([{"where": WRONG, "what": 0}])
    assert widget.where_feedback["text"] == WHERE_HINT
    widget.restore_state([{"where": WRONG, "what": 0}, {"where": -1, "what": 0}])
    assert SPEC.where_feedback in widget.where_feedback["text"]


def test_restore_with_nothing_fitting_clears_the_widget() -> None:
    widget = FindGapExercise(SPEC)
    _submit(widget, RIGHT, 1)
    widget.restore_state([{"where": 5, "what": 1}])
    assert widget.attempts == [] and not widget.done
    assert widget.value == {"where": None, "what": None}
    assert widget.where_feedback == {} and widget.what_feedback == []


def test_restore_while_closed_still_shows_the_answer() -> None:
    widget = FindGapExercise(SPEC)
    widget.disabled = True
    widget.restore_state([{"where": RIGHT, "what": 0}])
    assert widget.value == {"where": RIGHT, "what": 0}
    widget.set_state({"value": {"where": RIGHT, "what": 1}})
    assert widget.value == {"where": RIGHT, "what": 0}, "still closed to the browser"


def test_a_found_place_stays_revealed_whatever_the_threshold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("espec_widgets.activities.find_gap.REVEAL_WHERE_AFTER", 5)
    widget = FindGapExercise(SPEC)
    _submit(widget, WRONG, 0)
    _submit(widget, WRONG, 0)
    assert widget.where_feedback["text"] == WHERE_HINT, "not yet shown below the threshold"
    _submit(widget, RIGHT, 0)
    _submit(widget, WRONG, 0)
    assert SPEC.where_feedback in widget.where_feedback["text"]


@pytest.mark.parametrize(
    "value",
    [{"where": True, "what": 1}, {"where": 1, "what": 1.0}, {"where": 1.0, "what": True}],
    ids=["bool", "float", "both"],
)
def test_lookalikes_of_the_current_answer_are_refused(value: dict[str, Any]) -> None:
    """Equal under == to the accepted answer, so traitlets alone would not validate them."""
    widget = FindGapExercise(SPEC)
    seen = _recording(widget)
    widget.set_state({"value": {"where": 1, "what": 1}})
    _send(widget, {"event": "submit", "value": value})
    assert widget.status == UNRECOGNISED and seen == []
    assert all(type(v) is int for v in widget.value.values())


def test_kernel_side_assignments_are_checked_too() -> None:
    widget = FindGapExercise(SPEC)
    with pytest.raises(TraitError):
        widget.value = {"where": 4, "what": 0}
    assert widget.value == {"where": None, "what": None}
