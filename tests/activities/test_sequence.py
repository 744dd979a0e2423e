"""Put-in-order exercises driven from Python as the browser would drive them, tampering included."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from traitlets import TraitError

from espec_widgets.activities import widget_for
from espec_widgets.activities.sequence import SequenceAttempt, SequenceExercise
from espec_widgets.case.runtime import SequenceSpec, StepSpec
from espec_widgets.store import open_store

SPIKES = SequenceSpec(
    id="spikes-order",
    title="The order of SPIKES",
    prompt="Put the steps of breaking serious news in order.",
    steps=(
        StepSpec("Set up the conversation", "A private room and time come first."),
        StepSpec("Ask what they already know", "Perception before information."),
        StepSpec("Ask how much they want to know", "Invitation: some want every detail."),
        StepSpec("Share the news in plain words", "Knowledge, after a warning shot."),
        StepSpec("Respond to emotion", "Emotions with empathy before any plan."),
        StepSpec("Summarise and plan together", "Strategy once they can take it in."),
    ),
)
N = len(SPIKES.steps)
SECRET = b"a deployment's shuffle secret, 32 bytes or any length"


def _spec(activity_id: str, n: int) -> SequenceSpec:
    steps = tuple(StepSpec(f"Step {i}", f"Why step {i} is here.") for i in range(n))
    return SequenceSpec(id=activity_id, title="Order", prompt="Order them.", steps=steps)


def _arrangement(widget: SequenceExercise, order: list[int]) -> list[int]:
    """What the page would send to put the true steps `order` on the rows, top to bottom.

    Tests may look up the step texts in the spec; the page has only `items`.
    """
    texts = [SPIKES.steps[i].text for i in order]
    return [widget.items.index(text) for text in texts]


def _submit(widget: SequenceExercise, value: object) -> None:
    widget._on_message(widget, {"event": "submit", "value": value}, [])


def _kept(widget: SequenceExercise) -> tuple[Any, ...]:
    """Everything a refused value must leave alone: what the store and the page rely on."""
    return (list(widget.value), list(widget.attempts), list(widget.feedback), list(widget.items))


@pytest.fixture
def widget() -> SequenceExercise:
    return SequenceExercise(SPIKES)


def test_registered_under_sequence() -> None:
    assert isinstance(widget_for(SPIKES), SequenceExercise)


def test_initial_order_is_shuffled_and_the_same_in_every_instance() -> None:
    first, second = SequenceExercise(SPIKES), SequenceExercise(SPIKES)
    correct = [s.text for s in SPIKES.steps]
    assert sorted(first.items) == sorted(correct)
    assert first.items != correct
    assert first.items == second.items and first.value == second.value == list(range(N))
    assert first.question == SPIKES.title and first.prompt == SPIKES.prompt


@pytest.mark.parametrize("n", [2, 3])
def test_initial_order_is_never_the_right_one(n: int) -> None:
    # With three steps a plain shuffle is in order one time in six, so 60 ids would hit it.
    for k in range(60):
        widget = SequenceExercise(_spec(f"activity-{k}", n))
        assert widget.items != [f"Step {i}" for i in range(n)], f"activity-{k}"
        assert widget.submit() == SequenceAttempt(
            order=tuple(int(t.split()[1]) for t in widget.items), correct=False
        )


def test_initial_order_does_not_depend_on_the_process() -> None:
    """The same server secret gives the same order in any kernel, whatever PYTHONHASHSEED is."""
    code = (
        "import json; from tests.activities.test_sequence import SPIKES, SECRET;"
        "from espec_widgets.activities.sequence import SequenceExercise;"
        "print(json.dumps(SequenceExercise(SPIKES, secret=SECRET).items))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == SequenceExercise(SPIKES, secret=SECRET).items


def test_the_page_cannot_work_out_the_order_from_what_it_is_sent() -> None:
    """The order is keyed by a server secret: the activity alone (all the page could replay
    the shuffle from) does not fix it, and no secret gives the right order."""
    right = [s.text for s in SPIKES.steps]
    orders = [tuple(SequenceExercise(SPIKES, secret=bytes([k]) * 32).items) for k in range(40)]
    assert len(set(orders)) > 30, "the order follows the secret, not the activity"
    assert tuple(right) not in orders
    keyless = {tuple(SequenceExercise(SPIKES).items) for _ in range(3)}
    assert len(keyless) == 1, "without a secret: stable within this kernel"


LONG = _spec("long-order", 12)
"""Twelve steps: two random secrets give the same order about once in 479 million."""


def test_each_deployment_has_its_own_order_and_keeps_it(tmp_path: Path) -> None:
    one, other = (f"sqlite:///{tmp_path / name}" for name in ("one.db", "other.db"))
    first = widget_for(LONG, secret_for=open_store(one, upgrade=True).find_or_add_secret)
    again = widget_for(
        LONG, secret_for=open_store(one, upgrade=True).find_or_add_secret
    )  # another kernel
    elsewhere = widget_for(LONG, secret_for=open_store(other, upgrade=True).find_or_add_secret)
    assert first.items == again.items, "the same deployment: the same order on every visit"
    assert first.items != elsewhere.items, "another deployment's secret: another order"
    assert not any(w.items == [s.text for s in LONG.steps] for w in (first, elsewhere))


def test_a_new_secret_changes_the_order_but_never_a_saved_answer() -> None:
    before = SequenceExercise(SPIKES, secret=SECRET)
    stored: list[dict[str, Any]] = []
    before.on_response(lambda payload, correct: stored.append(payload))
    _submit(before, _arrangement(before, [1, 0, 2, 3, 4, 5]))
    assert stored == [{"order": [1, 0, 2, 3, 4, 5]}], "true step indexes, not display rows"

    after = SequenceExercise(SPIKES, secret=b"another deployment secret")
    assert after.items != before.items
    after.restore_state(stored)
    assert after.attempts == before.attempts
    assert after.value == _arrangement(after, [1, 0, 2, 3, 4, 5])
    assert after.feedback == [
        dict(zip(before.items, before.feedback, strict=True))[text] for text in after.items
    ]


def test_the_key_is_not_in_the_synced_state(widget: SequenceExercise) -> None:
    state = widget.get_state()
    assert state["feedback"] == [] and state["value"] == list(range(N))
    assert state["items"] == widget.items != [s.text for s in SPIKES.steps]
    assert not any(s.feedback in repr(state) for s in SPIKES.steps), "no step notes yet"
    assert not any(w in name for name in state for w in ("key", "order", "correct", "answer"))
    # The rows as first shown are a wrong answer, so `value` carries no hint of the key.
    assert widget.submit() == SequenceAttempt(order=widget._display, correct=False)


def test_moves_are_accepted_but_not_recorded(widget: SequenceExercise) -> None:
    seen: list[Any] = []
    widget.on_response(lambda payload, correct: seen.append(payload))
    moved = [1, 0, *range(2, N)]
    widget.set_state({"value": moved})
    assert widget.value == moved
    assert seen == [] and widget.attempts == [] and not widget.done


def test_wrong_then_right_keeps_every_attempt(widget: SequenceExercise) -> None:
    seen: list[tuple[dict[str, Any], bool | None]] = []
    widget.on_response(lambda payload, correct: seen.append((payload, correct)))
    # Steps 0 and 3 swapped, the rest in place.
    _submit(widget, _arrangement(widget, [3, 1, 2, 0, 4, 5]))
    assert seen == [({"order": [3, 1, 2, 0, 4, 5]}, False)]
    assert widget.attempts == [SequenceAttempt((3, 1, 2, 0, 4, 5), False)] and widget.done
    assert widget.status == (
        "Attempt 1: 4 of 6 steps in place. Read why each step marked out of place comes "
        "where it does, and try again."
    )
    assert widget.verdict == "partial"
    by_text = dict(zip(widget.items, widget.feedback, strict=True))
    share = by_text["Share the news in plain words"]
    # Which steps and why, but not where, after one try: the next try is thinking, not copying.
    assert share == {
        "kind": "incorrect",
        "verdict": "Out of place",
        "text": "Knowledge, after a warning shot.",
    }
    assert "position" not in repr(widget.get_state()["feedback"])
    assert widget.offer_positions
    respond = by_text["Respond to emotion"]
    assert respond == {"kind": "correct", "verdict": "In the right place", "text": ""}

    _submit(widget, _arrangement(widget, list(range(N))))
    assert seen[-1] == ({"order": list(range(N))}, True)
    assert [a.correct for a in widget.attempts] == [False, True]
    assert widget.status.startswith("In order. Attempt 2: all 6 steps are in place.")
    by_text = dict(zip(widget.items, widget.feedback, strict=True))
    for step in SPIKES.steps:
        assert by_text[step.text] == {
            "kind": "correct",
            "verdict": "In the right place",
            "text": step.feedback,
        }


def test_submit_without_a_value_grades_the_current_rows(widget: SequenceExercise) -> None:
    widget.set_state({"value": _arrangement(widget, list(range(N)))})
    widget._on_message(widget, {"event": "submit"}, [])
    assert widget.attempts == [SequenceAttempt(tuple(range(N)), True)]
    widget._on_message(widget, {"event": "unknown", "value": [0] * N}, [])
    assert len(widget.attempts) == 1


TAMPERED: dict[str, object] = {
    "repeat": [0, 0, 1, 2, 3, 4],
    "short": [0, 1, 2, 3, 4],
    "long": [0, 1, 2, 3, 4, 5, 6],
    "empty": [],
    "out-of-range": [0, 1, 2, 3, 4, 6],
    "negative": [-1, 0, 1, 2, 3, 4],
    "huge": [0, 1, 2, 3, 4, 10**12],
    "string-items": ["0", "1", "2", "3", "4", "5"],
    "bools": [True, False, 2, 3, 4, 5],
    "floats": [1.0, 0.0, 2.0, 3.0, 4.0, 5.0],
    "string": "1,0,2,3,4,5",
    "none": None,
    "dict": {"0": 1},
}


@pytest.mark.parametrize("value", TAMPERED.values(), ids=TAMPERED.keys())
def test_tampered_values_are_refused(widget: SequenceExercise, value: object) -> None:
    seen: list[Any] = []
    widget.on_response(lambda payload, correct: seen.append(payload))
    widget.set_state({"value": [1, 0, *range(2, N)]})
    kept = _kept(widget)

    widget.set_state({"value": value})
    assert _kept(widget) == kept
    assert widget.status == "That arrangement was not recognised, so the steps were not moved."

    widget.status = ""
    _submit(widget, value)
    assert _kept(widget) == kept, "a refused arrangement is not graded"
    assert seen == []
    assert widget.status == "That arrangement was not recognised, so the steps were not moved."


def test_the_kernel_refuses_a_bad_arrangement_too(widget: SequenceExercise) -> None:
    """The kernel's own code breaking the shape is a bug: it raises, and nothing moves."""
    with pytest.raises(TraitError, match="not a permutation"):
        widget.value = [0, 0, 1, 2, 3, 4]
    assert widget.value == list(range(N))


@pytest.mark.parametrize(
    "state",
    [
        {"items": [s.text for s in SPIKES.steps]},
        {"items": ["x"] * 7},
        {"feedback": [{"kind": "correct"}] * N},
        {"disabled": True},
        {"status": "<img src=x onerror=alert(1)>"},
        {"question": "changed"},
        {"prompt": "changed"},
    ],
    ids=lambda s: next(iter(s)),
)
def test_browser_cannot_change_kernel_owned_state(
    widget: SequenceExercise, state: dict[str, Any]
) -> None:
    before = widget.get_state()
    widget.set_state(state)
    assert widget.get_state() == before


def test_tampered_items_cannot_widen_the_valid_arrangements(widget: SequenceExercise) -> None:
    widget.set_state({"items": ["x"] * 7, "value": list(range(7))})
    assert len(widget.items) == N and widget.value == list(range(N))


def test_a_closed_exercise_refuses_moves_and_submits(widget: SequenceExercise) -> None:
    seen: list[Any] = []
    widget.on_response(lambda payload, correct: seen.append(payload))
    widget.disabled = True
    right = _arrangement(widget, list(range(N)))
    widget.set_state({"value": right})
    assert widget.value == list(range(N))
    assert widget.status == "This exercise is closed; the order was not changed."
    widget.status = ""
    _submit(widget, right)
    assert widget.status == "This exercise is closed; the order was not changed."
    assert widget.submit() is None and widget.status == "This exercise is closed."
    assert widget.attempts == [] and seen == [] and widget.feedback == []


def test_restore_skips_payloads_that_no_longer_fit_and_regrades(
    widget: SequenceExercise,
) -> None:
    payloads: list[Any] = [
        {"order": [5, 4, 3, 2, 1, 0], "correct": True},  # stored correctness is not trusted
        {"order": [0, 1, 2, 3, 4]},  # from before a step was added
        {"order": [0, 0, 1, 2, 3, 4]},
        {"order": [0, 1, 2, 3, 4, 6]},
        {"order": [True, False, 2, 3, 4, 5]},
        {"order": "0,1,2,3,4,5"},
        {"chosen": [0]},
        "not a dict",
        {"order": [1, 0, 2, 3, 4, 5]},
    ]
    widget.restore_state(payloads)
    assert widget.attempts == [
        SequenceAttempt((5, 4, 3, 2, 1, 0), False),
        SequenceAttempt((1, 0, 2, 3, 4, 5), False),
    ]
    assert widget.value == _arrangement(widget, [1, 0, 2, 3, 4, 5])
    assert widget.status == (
        "Attempt 2: 4 of 6 steps in place. The right position of each step is shown."
    )
    by_text = dict(zip(widget.items, widget.feedback, strict=True))
    assert by_text["Set up the conversation"]["verdict"] == (
        "Out of place: it belongs at position 1 (in attempt 2 it was at position 2)"
    )
    assert not widget.offer_positions

    widget.restore_state([*payloads, {"order": list(range(N))}])
    assert widget.attempts[-1] == SequenceAttempt(tuple(range(N)), True) and widget.done
    assert all(f["text"] for f in widget.feedback)


def test_restore_with_nothing_that_fits_starts_afresh(widget: SequenceExercise) -> None:
    _submit(widget, _arrangement(widget, list(range(N))))
    widget.restore_state([{"order": [0, 1, 2]}, {}])
    assert widget.attempts == [] and not widget.done
    assert widget.value == list(range(N)) and widget.feedback == []


def test_positions_are_told_after_two_tries(widget: SequenceExercise) -> None:
    swapped = _arrangement(widget, [3, 1, 2, 0, 4, 5])
    _submit(widget, swapped)
    _submit(widget, swapped)
    by_text = dict(zip(widget.items, widget.feedback, strict=True))
    assert by_text["Share the news in plain words"]["verdict"] == (
        "Out of place: it belongs at position 4 (in attempt 2 it was at position 1)"
    )
    assert widget.status.endswith("The right position of each step is shown.")
    assert not widget.offer_positions


def test_the_learner_can_ask_for_the_positions_after_a_wrong_try(
    widget: SequenceExercise,
) -> None:
    widget._on_message(widget, {"event": "show_order"}, [])
    assert widget.feedback == [] and widget.status, "nothing to show before a try"
    _submit(widget, _arrangement(widget, [3, 1, 2, 0, 4, 5]))
    assert widget.offer_positions
    widget._on_message(widget, {"event": "show_order"}, [])
    by_text = dict(zip(widget.items, widget.feedback, strict=True))
    assert by_text["Set up the conversation"]["verdict"] == (
        "Out of place: it belongs at position 1 (in attempt 1 it was at position 4)"
    )
    assert len(widget.attempts) == 1, "asking is not an attempt"
    assert not widget.offer_positions

    _submit(widget, _arrangement(widget, list(range(N))))
    assert widget.verdict == "correct" and not widget.offer_positions
    widget._on_message(widget, {"event": "show_order"}, [])
    assert widget.verdict == "correct", "a right answer has nothing to show"
