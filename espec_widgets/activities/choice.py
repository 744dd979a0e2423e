"""Multiple-choice questions (single answer or select-all), graded in the kernel."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import traitlets as t

from ..case.runtime import MultipleChoiceSpec
from ._activity import ActivityWidget

_HERE = Path(__file__).parent


@dataclass(frozen=True)
class Attempt:
    """One graded submission."""

    chosen: tuple[int, ...]
    correct: bool


class ChoiceQuestion(ActivityWidget):
    """A question whose answer key and feedback stay in the kernel until the learner answers."""

    _browser_inputs = frozenset({"value"})
    _esm = _HERE / "choice.js"

    question = t.Unicode(help="The group's accessible name (its legend).").tag(sync=True)
    prompt = t.Unicode(help="The question text.").tag(sync=True)
    options = t.List(t.Unicode(), help="Option texts, in order.").tag(sync=True)
    multiple = t.Bool(False, help="Select all that apply.").tag(sync=True)
    value = t.List(t.Int(), help="Indexes of the selected options.").tag(sync=True)
    feedback = t.List(t.Dict(), help="Per-option feedback, filled only after an answer.").tag(
        sync=True
    )

    def __init__(self, activity: MultipleChoiceSpec, **kwargs: Any) -> None:
        super().__init__(
            question=activity.title,
            prompt=activity.prompt.strip(),
            options=[o.text.strip() for o in activity.options],
            multiple=activity.multiple,
            **kwargs,
        )
        self._activity = activity
        self._key = tuple(i for i, o in enumerate(activity.options) if o.correct)
        self.attempts: list[Attempt] = []

    _closed_tell = "This question is closed; your answer was not changed."

    def _shape_problem(self, name: str, value: Any) -> tuple[str, str] | None:
        if (
            not isinstance(value, list)
            or not all(type(i) is int and 0 <= i < len(self.options) for i in value)
            or len(set(value)) != len(value)
        ):
            return (
                "not distinct option indexes",
                "That choice was not recognised; please choose again.",
            )
        if not self.multiple and len(value) > 1:
            return "several options for a single answer", "Choose one answer only."
        return None

    def _accepted_form(self, name: str, value: Any) -> list[int]:
        return sorted(value)

    def submit(self) -> Attempt | None:
        """Grade the current selection, reveal its feedback and keep the attempt."""
        if self.disabled:
            self._refuse("submit", "closed", tell="This question is closed.")
            return None
        if not self.value:
            self.status = "Choose an answer first."
            return None
        chosen = tuple(int(i) for i in self.value)  # a browser's true equals 1: store 1
        correct = set(chosen) == set(self._key)
        attempt = Attempt(chosen=chosen, correct=correct)
        self.attempts.append(attempt)
        self._reveal(attempt)
        self._emit({"chosen": list(chosen)}, correct)
        return attempt

    def restore_state(self, payloads: list[dict[str, Any]]) -> None:
        """Attempts are regraded against the current key, never trusted from storage."""
        attempts = []
        for payload in payloads:
            chosen = payload.get("chosen")
            if isinstance(chosen, list) and all(type(i) is int for i in chosen):
                attempts.append(Attempt(tuple(chosen), set(chosen) == set(self._key)))
        self.restore(attempts)

    @property
    def done(self) -> bool:
        return bool(self.attempts)

    def restore(self, attempts: list[Attempt]) -> None:
        """Show earlier attempts as they were left (used on resume).

        Attempts that no longer fit the question (the case was edited since) stay in the store
        but are not shown.
        """
        n = len(self.options)
        fitting = [
            a
            for a in attempts
            if a.chosen
            and all(0 <= i < n for i in a.chosen)
            and (self.multiple or len(a.chosen) == 1)
        ]
        self.attempts = fitting
        if fitting:
            self.value = list(fitting[-1].chosen)
            self._reveal(fitting[-1])
        else:
            self.value, self.feedback, self.verdict = [], [], ""

    def _reveal(self, attempt: Attempt) -> None:
        show = range(len(self.options)) if attempt.correct else attempt.chosen
        feedback: list[dict[str, str]] = [{} for _ in self.options]
        for i in show:
            option = self._activity.options[i]
            kind = "correct" if option.correct else "incorrect"
            verdict = "A strong choice" if option.correct else "Not the best choice"
            feedback[i] = {"kind": kind, "verdict": verdict, "text": option.feedback.strip()}
        self.feedback = feedback
        n = len(self.attempts)
        if attempt.correct:
            self.verdict = "correct"
            self.status = f"Well reasoned. Attempt {n}: the explanation for every option is shown."
            return
        right = set(attempt.chosen) & set(self._key)
        if self.multiple and right:
            wrong = len(set(attempt.chosen) - right)
            self.verdict = "partial"
            score = f"{len(right)} of the {len(self._key)} strong answers chosen"
            if wrong:
                score += f", and {wrong} that {'is' if wrong == 1 else 'are'} not"
            self.status = (
                f"Attempt {n}: partly there, {score}. Read the feedback on your choices and "
                "try again."
            )
        else:
            self.verdict = "incorrect"
            self.status = f"Attempt {n}: not quite. Read the feedback on your choice and try again."
