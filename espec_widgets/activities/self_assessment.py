"""Ungraded self-assessment: confidence ratings, optionally 'before this case' and 'now'.

The learner's ratings (`value`, the only input the page may write) have this JSON shape::

    {"before": [2, -1, 0], "now": [3, 1, 0]}   # retrospective: true
    {"now": [3, 1, 0]}                          # retrospective: false

one entry per item, in the case's order: the index of the chosen scale label (0 = the first
label, the lowest) or -1 while the item is not rated. Each save that changed something is
stored as one ungraded response with the same lists plus `points`, the number of labels the
scale had (so ratings are not reread against a scale that has since grown or shrunk)::

    {"before": [2, -1, 0], "now": [3, 1, 0], "points": 5}

The page saves by itself about 800 ms after the learner's last change (debounced in the
browser), when the tab is hidden or closed, and when Save is pressed; a save that changes
nothing stores nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import traitlets as t

from ..case.runtime import SelfAssessmentSpec
from ._activity import ActivityWidget

_HERE = Path(__file__).parent

UNRATED = -1
BEFORE, NOW = "before", "now"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class SelfAssessmentScale(ActivityWidget):
    """Likert-style ratings of the learner's own confidence; ungraded, for self-reflection."""

    _browser_inputs = frozenset({"value"})
    _events = frozenset({"save"})
    _esm = _HERE / "self_assessment.js"

    question = t.Unicode(help="The activity's accessible name (its legend).").tag(sync=True)
    prompt = t.Unicode().tag(sync=True)
    items = t.List(t.Unicode(), help="The statements to rate, in order.").tag(sync=True)
    scale = t.List(t.Unicode(), help="The rating labels, lowest first.").tag(sync=True)
    retrospective = t.Bool(True, help="Rate 'before this case' as well as 'now'.").tag(sync=True)
    # Any, not Dict: every malformed value then reaches the validator, which says why it refused.
    value = t.Any(help='{"now": [index or -1 per item], "before": [...] if retrospective}').tag(
        sync=True
    )
    summary = t.List(
        t.Unicode(), help="Per item, the saved 'before' and 'now' ratings in words (retrospective)."
    ).tag(sync=True)

    def __init__(self, activity: SelfAssessmentSpec, **kwargs: Any) -> None:
        super().__init__(
            question=activity.title,
            prompt=activity.prompt.strip(),
            items=[item.strip() for item in activity.items],
            scale=[label.strip() for label in activity.scale],
            retrospective=activity.retrospective,
            value=self._blank_for(len(activity.items), activity.retrospective),
            **kwargs,
        )
        self._activity = activity
        self._saved: dict[str, list[int]] = self._blank()

    _closed_tell = "This self-assessment is closed; your ratings were not changed."

    @property
    def _rating_keys(self) -> tuple[str, ...]:
        """The ratings asked for each item, in the order they are shown."""
        return (BEFORE, NOW) if self.retrospective else (NOW,)

    @staticmethod
    def _blank_for(n: int, retrospective: bool) -> dict[str, list[int]]:
        keys = (BEFORE, NOW) if retrospective else (NOW,)
        return {key: [UNRATED] * n for key in keys}

    def _blank(self) -> dict[str, list[int]]:
        return self._blank_for(len(self.items), self.retrospective)

    def _problem(self, value: Any) -> str | None:
        """Why value is not a set of ratings for this activity, or None when it is."""
        if not isinstance(value, dict):
            return f"not an object: {type(value).__name__}"
        if set(value) != set(self._rating_keys):
            return f"{len(value)} keys, expected exactly {sorted(self._rating_keys)}"
        n, m = len(self.items), len(self.scale)
        for key in self._rating_keys:
            ratings = value[key]
            if not isinstance(ratings, list) or len(ratings) != n:
                return f"'{key}' is not a list of {n} ratings"
            if not all(type(r) is int and UNRATED <= r < m for r in ratings):
                return f"'{key}' holds a rating outside -1..{m - 1}"
        return None

    def _copy(self, value: dict[str, list[int]]) -> dict[str, list[int]]:
        return {key: list(value[key]) for key in self._rating_keys}

    def _shape_problem(self, name: str, value: Any) -> tuple[str, str] | None:
        problem = self._problem(value)
        if problem is None:
            return None
        return (
            problem,
            "Those ratings were not recognised, so nothing was changed. Please rate again.",
        )

    def _accepted_form(self, name: str, value: Any) -> dict[str, list[int]]:
        return self._copy(value)

    def handle_event(self, event: str, content: dict[str, Any]) -> None:
        if event != "save":
            return
        if "value" in content and not self.accept_from_browser("value", content["value"]):
            return  # refused: the status says why, nothing is saved
        self.save()

    def save(self) -> bool:
        """Keep the current ratings as one ungraded response if they changed; True if kept."""
        if self.disabled:
            self._refuse(
                "save",
                "closed",
                tell="This self-assessment is closed; your ratings were not saved.",
            )
            return False
        current = self._copy(self.value)
        if current == self._saved:
            if self._counts(current) == (0, 0):
                self._tell("Choose a rating for at least one statement first; nothing was saved.")
            else:
                self._tell("Saved. No changes since the last save.")
            return False
        previous, summary = self._saved, self.summary
        self._saved = current  # before _emit: the page reads `done` while recording
        self.summary = self._summary(current)
        self._tell("Saved: " + self._progress(current))
        if not self._emit({**self._copy(current), "points": len(self.scale)}, None):
            # Not stored: the ratings still count as unsaved, so that trying again stores them.
            self._saved, self.summary = previous, summary
            return False
        return True

    def restore_state(self, payloads: list[dict[str, Any]]) -> None:
        """Show the last stored ratings that still fit the activity; skip any that do not.

        A payload fits when its lists match the current items and its `points` the current
        scale. If the case has since turned `retrospective` on, stored 'now' ratings are kept
        with 'before' unrated; if it turned it off, stored 'before' ratings are not shown.
        """
        restored = None
        for payload in reversed(payloads):
            ratings = self._fitting(payload)
            if ratings is not None:
                restored = ratings
                break
        ratings = restored if restored is not None else self._blank()
        self.value = self._copy(ratings)  # even while closed
        self._saved = self._copy(ratings)
        self.summary = self._summary(ratings) if restored is not None else []
        if restored is not None:
            self._tell("Your saved ratings are restored: " + self._progress(ratings))

    def _fitting(self, payload: Any) -> dict[str, list[int]] | None:
        if not isinstance(payload, dict):
            return None
        points = payload.get("points")
        if type(points) is not int or points != len(self.scale):
            return None  # the scale has changed since: old indexes would mean other labels
        ratings = {key: payload[key] for key in (BEFORE, NOW) if key in payload}
        if self.retrospective and BEFORE not in ratings:
            ratings[BEFORE] = [UNRATED] * len(self.items)
        if not self.retrospective:
            ratings.pop(BEFORE, None)
        return None if self._problem(ratings) is not None else self._copy(ratings)

    @property
    def done(self) -> bool:
        """Every statement has every rating asked for, in the last save."""
        return all(r != UNRATED for key in self._rating_keys for r in self._saved[key])

    def _counts(self, ratings: dict[str, list[int]]) -> tuple[int, int]:
        """(statements fully rated, statements rated in part)."""
        full = part = 0
        for i in range(len(self.items)):
            given = sum(ratings[key][i] != UNRATED for key in self._rating_keys)
            if given == len(self._rating_keys):
                full += 1
            elif given:
                part += 1
        return full, part

    def _progress(self, ratings: dict[str, list[int]]) -> str:
        full, part = self._counts(ratings)
        text = f"{full} of {_plural(len(self.items), 'item')} rated"
        if part:
            text += f" ({part} more rated only in part)"
        return text + "."

    def _summary(self, ratings: dict[str, list[int]]) -> list[str]:
        """Plain words per item: what was chosen before and now, and how far it moved."""
        if not self.retrospective:
            return []
        lines = []
        for i, item in enumerate(self.items):
            before, now = ratings[BEFORE][i], ratings[NOW][i]
            if before == UNRATED and now == UNRATED:
                lines.append(f"{item} — not rated yet.")
            elif before == UNRATED:
                lines.append(f"{item} — now '{self.scale[now]}' (no 'before' rating yet).")
            elif now == UNRATED:
                lines.append(f"{item} — before '{self.scale[before]}' (no 'now' rating yet).")
            else:
                step = now - before
                moved = "no change" if step == 0 else f"up {step}" if step > 0 else f"down {-step}"
                lines.append(
                    f"{item} — before '{self.scale[before]}', now '{self.scale[now]}' ({moved})."
                )
        return lines
