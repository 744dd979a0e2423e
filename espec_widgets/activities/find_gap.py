"""Find the missing step in a transcript: where it belongs and what it is, graded in the kernel.

The learner's answer (`value`, the only input the page may write) has this JSON shape::

    {"where": 1, "what": 0}        # both chosen
    {"where": null, "what": null}  # nothing chosen yet

`where` is a gap position in the transcript, stored as in the case's `gap_after`: -1 means
before the first line, i means after line i (0-based), up to len(transcript) - 1 (after the
last line). The page shows the positions in that order as `places`, so `places[k]` is the
label of `where = k - 1`. `what` is the index of an option in `options`. Each check is stored
as one graded response with the same two integers, `{"where": 1, "what": 0}`, correct only
when both are right.

What is revealed, and when (nothing of the key is synced before the first check):

- where: a wrong first attempt gets a generic hint that does not give the position away.
  Once "where" has been right in any attempt, or from the second attempt on, the feedback
  names the right position and shows the case's `where_feedback`.
- what: like multiple choice, the chosen option's feedback; once "what" has been right in any
  attempt, every option's feedback.

Revealed feedback stays revealed on later attempts (the learner has already seen it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import traitlets as t

from ..case.runtime import FindGapSpec
from ._activity import ActivityWidget

_HERE = Path(__file__).parent

BEFORE_FIRST = -1
REVEAL_WHERE_AFTER = 2
"""From this attempt on, the right position is shown even if the learner has not found it."""

CLOSED = "This exercise is closed; your answer was not changed."
UNRECOGNISED = "That answer was not recognised, so nothing was changed. Please choose again."
CHOOSE_FIRST = "Choose where and what first."
WHERE_HINT = (
    "Read the conversation again, line by line, around your choice: is this where it moves on "
    "before something it needed has happened?"
)


def _first_words(text: str, n: int = 6) -> str:
    words = text.split()
    return " ".join(words[:n]) + ("…" if len(words) > n else "")


def place_phrase(where: int, lines: int) -> str:
    """A gap position in words, lower case: 'before line 1', 'between line 2 and line 3' …"""
    if where == BEFORE_FIRST:
        return "before line 1"
    if where == lines - 1:
        return "after the last line"
    return f"between line {where + 1} and line {where + 2}"


def place_labels(activity: FindGapSpec) -> list[str]:
    """The radio labels for every gap position, -1 … len(transcript) - 1 in order."""
    n = len(activity.transcript)
    labels = []
    for where in range(BEFORE_FIRST, n):
        label = place_phrase(where, n)
        label = label[0].upper() + label[1:]
        if where == BEFORE_FIRST:
            label += f" (“{_first_words(activity.transcript[0].text)}”)"
        elif where == n - 1:
            label += f" (after line {n})"
        labels.append(label)
    return labels


@dataclass(frozen=True)
class FindGapAttempt:
    """One graded submission."""

    where: int
    what: int
    where_right: bool
    what_right: bool

    @property
    def correct(self) -> bool:
        return self.where_right and self.what_right


def _blank() -> dict[str, int | None]:
    return {"where": None, "what": None}


class FindGapExercise(ActivityWidget):
    """A transcript with one step missing; the position and the option are checked separately."""

    _browser_inputs = frozenset({"value"})
    _esm = _HERE / "find_gap.js"

    question = t.Unicode(help="The exercise's accessible name (its legend).").tag(sync=True)
    prompt = t.Unicode(help="The instruction.").tag(sync=True)
    lines = t.List(t.Dict(), help='The transcript: [{"speaker": name, "text": …}, …].').tag(
        sync=True
    )
    places = t.List(
        t.Unicode(), help="Labels of the gap positions; places[k] is where = k - 1."
    ).tag(sync=True)
    options = t.List(t.Unicode(), help="What might be missing: option texts, in order.").tag(
        sync=True
    )
    # Any, not Dict: every malformed value then reaches the validator, which says why it refused.
    value = t.Any(help='{"where": -1 … len(lines) - 1 or null, "what": option index or null}').tag(
        sync=True
    )
    where_feedback = t.Dict(
        help="Feedback on the position ({kind, verdict, text, place}: place is the chosen "
        "position it answers), filled only after an answer."
    ).tag(sync=True)
    what_feedback = t.List(
        t.Dict(), help="Per-option feedback ({kind, verdict, text}), filled only after an answer."
    ).tag(sync=True)

    def __init__(self, activity: FindGapSpec, **kwargs: Any) -> None:
        super().__init__(
            question=activity.title,
            prompt=activity.prompt.strip(),
            lines=[
                {"speaker": line.speaker, "text": line.text.strip()} for line in activity.transcript
            ],
            places=place_labels(activity),
            options=[o.text.strip() for o in activity.options],
            value=_blank(),
            **kwargs,
        )
        self._activity = activity
        self._what_key = next((i for i, o in enumerate(activity.options) if o.correct), None)
        self.attempts: list[FindGapAttempt] = []

    def _problem(self, value: Any) -> str | None:
        """Why value is not an answer for this exercise, or None when it is."""
        if not isinstance(value, dict) or set(value) != {"where", "what"}:
            return "not an object with exactly 'where' and 'what'"
        where, what = value["where"], value["what"]
        n, m = len(self._activity.transcript), len(self._activity.options)
        if where is not None and not (type(where) is int and BEFORE_FIRST <= where < n):
            return f"'where' is not null or an integer from -1 to {n - 1}"
        if what is not None and not (type(what) is int and 0 <= what < m):
            return f"'what' is not null or an integer from 0 to {m - 1}"
        return None

    _closed_tell = CLOSED

    def _shape_problem(self, name: str, value: Any) -> tuple[str, str] | None:
        problem = self._problem(value)
        return None if problem is None else (problem, UNRECOGNISED)

    def _accepted_form(self, name: str, value: Any) -> dict[str, int | None]:
        return {"where": value["where"], "what": value["what"]}

    def _grade(self, where: int, what: int) -> FindGapAttempt:
        return FindGapAttempt(
            where=where,
            what=what,
            where_right=where == self._activity.gap_after,
            what_right=what == self._what_key,
        )

    def submit(self) -> FindGapAttempt | None:
        """Grade the current answer, reveal what the rules allow and keep the attempt."""
        if self.disabled:
            self._refuse("submit", "closed", tell="This exercise is closed.")
            return None
        where, what = self.value["where"], self.value["what"]
        if where is None or what is None:
            self.status = CHOOSE_FIRST
            return None
        attempt = self._grade(where, what)
        self.attempts.append(attempt)
        self._reveal()
        self._emit({"where": where, "what": what}, attempt.correct)
        return attempt

    def restore_state(self, payloads: list[dict[str, Any]]) -> None:
        """Attempts are re-checked and regraded against the current case, never trusted.

        Payloads that no longer fit (the transcript or options were edited since) stay in the
        store but are not shown.
        """
        self.attempts = []
        for payload in payloads:
            if not isinstance(payload, dict):
                continue
            answer = {"where": payload.get("where"), "what": payload.get("what")}
            if self._problem(answer) is None and None not in answer.values():
                self.attempts.append(self._grade(payload["where"], payload["what"]))
        if self.attempts:
            last = self.attempts[-1]
            self.value = {"where": last.where, "what": last.what}
            self._reveal()
        else:
            self.value = _blank()
            self.where_feedback, self.what_feedback = {}, []

    @property
    def done(self) -> bool:
        return bool(self.attempts)

    def _reveal(self) -> None:
        """Feedback for the last attempt, by the rules in the module docstring."""
        last, tries = self.attempts[-1], len(self.attempts)
        activity = self._activity
        place = place_phrase(activity.gap_after, len(activity.transcript))
        where_shown = tries >= REVEAL_WHERE_AFTER or any(a.where_right for a in self.attempts)
        if last.where_right:
            self.where_feedback = {
                "kind": "correct",
                "verdict": "The right place",
                "text": f"The missing step belongs {place}. {activity.where_feedback.strip()}",
            }
        elif where_shown:
            self.where_feedback = {
                "kind": "incorrect",
                "verdict": "Not there",
                "text": f"The missing step belongs {place}. {activity.where_feedback.strip()}",
            }
        else:
            self.where_feedback = {"kind": "incorrect", "verdict": "Not there", "text": WHERE_HINT}
        # The place it answers: the page shows it under that option.
        self.where_feedback = {**self.where_feedback, "place": last.where}

        show = (
            range(len(activity.options))
            if any(a.what_right for a in self.attempts)
            else (last.what,)
        )
        feedback: list[dict[str, str]] = [{} for _ in activity.options]
        for i in show:
            option = activity.options[i]
            feedback[i] = {
                "kind": "correct" if option.correct else "incorrect",
                "verdict": "The missing step" if option.correct else "Not the missing step",
                "text": option.feedback.strip(),
            }
        self.what_feedback = feedback

        self.verdict = (
            "correct"
            if last.correct
            else "partial"
            if last.where_right or last.what_right
            else "incorrect"
        )
        if last.correct:
            self.status = (
                f"Well spotted. Attempt {tries}: the right place and the right step. "
                "The explanations are shown."
            )
            return
        if last.where_right:
            status = f"Attempt {tries}: the right place, but not the missing step."
        elif last.what_right:
            status = f"Attempt {tries}: the right step, but not the right place."
        else:
            status = f"Attempt {tries}: neither the place nor the step is right yet."
        if where_shown and not last.where_right:
            status += " The right place is now shown under “Where is the step missing?”."
        self.status = status + " Read the feedback and try again."
