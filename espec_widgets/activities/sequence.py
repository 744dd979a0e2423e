"""Put the steps in order (SPIKES, the flow of a family meeting), graded in the kernel.

The case lists the steps in the right order. The page is sent their texts in a shuffled display
order and the learner's arrangement as positions in that display list, so nothing synced says
which order is right; the mapping from display positions to true steps stays in the kernel.

The shuffle is keyed by a server secret (the deployment's, from the store), so the page cannot
replay it to recover the order; it is the same on every visit to the same deployment. Stored
answers are true step indexes, never display positions, so a new secret changes only the
starting order, never what a saved answer means.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import traitlets as t

from ..case.runtime import SequenceSpec
from ._activity import ActivityWidget

_HERE = Path(__file__).parent

CLOSED = "This exercise is closed; the order was not changed."
POSITIONS_AFTER = 2
"""Tries before each misplaced step also says which position it belongs at."""
UNRECOGNISED = "That arrangement was not recognised, so the steps were not moved."


SECRET_NAME = "sequence-shuffle"
"""The server secret (Store.find_or_add_secret) that keys the starting order."""

_process_secret: bytes | None = None


def _secret_of_this_process() -> bytes:
    """A random key for widgets made without the deployment's (tests, a notebook outside a page).

    The order is then stable in this kernel only, and still cannot be replayed by the page.
    """
    global _process_secret
    if _process_secret is None:
        _process_secret = secrets.token_bytes(32)
    return _process_secret


def display_order(activity: SequenceSpec, *, secret: bytes) -> tuple[int, ...]:
    """The true step indexes in the order the page first shows them: never the right order.

    Seeded with HMAC-SHA256 under the server secret of the activity (its id and steps): the same
    starting order in every kernel of a deployment, whatever PYTHONHASHSEED is, and one the
    page cannot work out from what it is sent.
    """
    n = len(activity.steps)
    message = "\x1f".join([activity.id, *(s.text for s in activity.steps)]).encode("utf-8")
    rng = random.Random(hmac.digest(secret, message, hashlib.sha256))
    order = list(range(n))
    while n > 1 and order == sorted(order):
        rng.shuffle(order)
    return tuple(order)


def is_permutation(value: Any, n: int) -> bool:
    """Whether value is a list holding each of 0 … n-1 exactly once (plain ints, not bools)."""
    return (
        isinstance(value, list)
        and len(value) == n
        and all(type(i) is int for i in value)
        and sorted(value) == list(range(n))
    )


@dataclass(frozen=True)
class SequenceAttempt:
    """One graded submission: the true step indexes in the order the learner put them."""

    order: tuple[int, ...]
    correct: bool

    @property
    def in_place(self) -> int:
        return sum(step == position for position, step in enumerate(self.order))


class SequenceExercise(ActivityWidget):
    """Steps to reorder with Move up / Move down; the right order stays in the kernel."""

    _browser_inputs = frozenset({"value"})
    _events = frozenset({"submit", "show_order"})
    secret_name = SECRET_NAME
    _esm = _HERE / "sequence.js"

    question = t.Unicode(help="The group's accessible name (its legend).").tag(sync=True)
    prompt = t.Unicode(help="The instruction.").tag(sync=True)
    items = t.List(t.Unicode(), help="Step texts in the shuffled display order.").tag(sync=True)
    value = t.List(t.Int(), help="The learner's order, row by row, as positions in `items`.").tag(
        sync=True
    )
    feedback = t.List(
        t.Dict(), help="Feedback per entry of `items`, filled only after an answer."
    ).tag(sync=True)
    offer_positions = t.Bool(
        False, help="After a wrong try, before positions are told: offer to show them."
    ).tag(sync=True)

    def __init__(
        self, activity: SequenceSpec, *, secret: bytes | None = None, **kwargs: Any
    ) -> None:
        """secret: the deployment's SECRET_NAME; without one, a key of this process only."""
        n = len(activity.steps)
        self._display = display_order(
            activity, secret=secret if secret is not None else _secret_of_this_process()
        )
        super().__init__(
            question=activity.title,
            prompt=activity.prompt.strip(),
            items=[activity.steps[i].text.strip() for i in self._display],
            value=list(range(n)),
            **kwargs,
        )
        self._activity = activity
        self.attempts: list[SequenceAttempt] = []
        self._asked_for_order = False

    def _shape_problem(self, name: str, value: Any) -> tuple[str, str] | None:
        if not is_permutation(value, len(self.items)):
            return "not a permutation of the rows", UNRECOGNISED
        return None

    def _input_problem(self, name: str, value: Any) -> tuple[str, str] | None:
        if self.disabled:  # a closed exercise takes no moves at all, not even a repeat
            return "closed", CLOSED
        return super()._input_problem(name, value)

    def submit(self) -> SequenceAttempt | None:
        """Grade the current arrangement, reveal its feedback and keep the attempt."""
        if self.disabled:
            self._refuse("submit", "closed", tell="This exercise is closed.")
            return None
        attempt = self._grade(tuple(self._display[p] for p in self.value))
        self.attempts.append(attempt)
        self._reveal(attempt)
        self._emit({"order": list(attempt.order)}, attempt.correct)
        return attempt

    def _grade(self, order: tuple[int, ...]) -> SequenceAttempt:
        return SequenceAttempt(order=order, correct=order == tuple(range(len(order))))

    def restore_state(self, payloads: list[dict[str, Any]]) -> None:
        """Attempts are regraded against the current steps, never trusted from storage.

        Payloads that no longer fit (the steps were edited since) stay in the store but are
        not shown.
        """
        n = len(self._activity.steps)
        self.attempts = [
            self._grade(tuple(p["order"]))
            for p in payloads
            if isinstance(p, dict) and is_permutation(p.get("order"), n)
        ]
        if self.attempts:
            last = self.attempts[-1]
            self.value = [self._display.index(step) for step in last.order]
            self._reveal(last)
        else:
            self.value, self.feedback, self.verdict = list(range(n)), [], ""
            self.offer_positions = False

    @property
    def done(self) -> bool:
        return bool(self.attempts)

    def _reveal(self, attempt: SequenceAttempt) -> None:
        n = len(attempt.order)
        placed_at = {step: position for position, step in enumerate(attempt.order)}
        feedback: list[dict[str, str]] = []
        for step in self._display:
            text = self._activity.steps[step].feedback.strip()
            if placed_at[step] == step:
                feedback.append(
                    {
                        "kind": "correct",
                        "verdict": "In the right place",
                        "text": text if attempt.correct else "",
                    }
                )
            elif self.positions_shown:
                verdict = (
                    f"Out of place: it belongs at position {step + 1} (in attempt "
                    f"{len(self.attempts)} it was at position {placed_at[step] + 1})"
                )
                feedback.append({"kind": "incorrect", "verdict": verdict, "text": text})
            else:  # which steps, and why, but not where: the next try is thinking, not copying
                feedback.append({"kind": "incorrect", "verdict": "Out of place", "text": text})
        self.feedback = feedback
        tries = len(self.attempts)
        self.offer_positions = not attempt.correct and not self.positions_shown
        if attempt.correct:
            self.verdict = "correct"
            self.status = (
                f"In order. Attempt {tries}: all {n} steps are in place. "
                "The note on each step explains why it comes there."
            )
            return
        self.verdict = "partial" if attempt.in_place else "incorrect"
        then = (
            "The right position of each step is shown."
            if self.positions_shown
            else "Read why each step marked out of place comes where it does, and try again."
        )
        self.status = f"Attempt {tries}: {attempt.in_place} of {n} steps in place. {then}"

    @property
    def positions_shown(self) -> bool:
        """Where each step belongs is told after two tries, or when the learner asks."""
        return self._asked_for_order or len(self.attempts) >= POSITIONS_AFTER

    def show_order(self) -> bool:
        """The learner asks to see where each step belongs (after a wrong try); False if not now."""
        if self.disabled or not self.attempts or self.attempts[-1].correct:
            self._refuse(
                "show_order",
                "no wrong attempt to explain",
                tell="The positions are shown after a try that is not yet in order.",
            )
            return False
        self._asked_for_order = True
        self._reveal(self.attempts[-1])
        return True

    def handle_event(self, event: str, content: dict[str, Any]) -> None:
        if event == "show_order":
            self.show_order()
        else:
            super().handle_event(event, content)
