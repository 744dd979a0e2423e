"""Sort items into categories (NURSE elements, the eight domains …), graded item by item."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import traitlets as t

from ..case.runtime import ClassifySpec
from ._activity import ActivityWidget

GENERIC_HINT = "Look again at what the item asks for, and whose work that is; then choose again."

_HERE = Path(__file__).parent
UNPLACED = -1


class ClassifyExercise(ActivityWidget):
    """Each item gets a category; explanations appear as items are placed correctly."""

    _browser_inputs = frozenset({"value"})
    _esm = _HERE / "classify.js"

    question = t.Unicode(help="The group's accessible name (its legend).").tag(sync=True)
    prompt = t.Unicode().tag(sync=True)
    items = t.List(t.Unicode(), help="Item texts, in order.").tag(sync=True)
    categories = t.List(t.Unicode(), help="Category labels, in order.").tag(sync=True)
    value = t.List(t.Int(), help="For each item, the chosen category index or -1.").tag(sync=True)
    feedback = t.List(t.Dict(), help="Per-item feedback, filled only after an answer.").tag(
        sync=True
    )

    def __init__(self, activity: ClassifySpec, **kwargs: Any) -> None:
        super().__init__(
            question=activity.title,
            prompt=activity.prompt.strip(),
            items=[i.text.strip() for i in activity.items],
            categories=[c.label for c in activity.categories],
            value=[UNPLACED] * len(activity.items),
            **kwargs,
        )
        self._activity = activity
        ids = [c.id for c in activity.categories]
        self._key = tuple(ids.index(i.category) for i in activity.items)
        self.attempts: list[tuple[tuple[int, ...], bool]] = []

    _closed_tell = "This activity is closed; nothing was changed."

    def _shape_problem(self, name: str, value: Any) -> tuple[str, str] | None:
        n, m = len(self.items), len(self.categories)
        if (
            not isinstance(value, list)
            or len(value) != n
            or not all(type(c) is int and UNPLACED <= c < m for c in value)
        ):
            return (
                "not a category index per item",
                "That choice was not recognised; please choose again.",
            )
        return None

    def submit(self) -> bool | None:
        """Grade the placements; None when closed or when an item is still unplaced."""
        if self.disabled:
            self._refuse("submit", "closed", tell="This activity is closed.")
            return None
        left = sum(c == UNPLACED for c in self.value)
        if left:
            self.status = f"Choose a category for every item first ({left} left)."
            return None
        placements = tuple(self.value)
        correct = placements == self._key
        self.attempts.append((placements, correct))
        self._reveal(placements)
        self._emit({"placements": list(placements)}, correct)
        return correct

    def _reveal(self, placements: tuple[int, ...]) -> None:
        right = [p == k for p, k in zip(placements, self._key, strict=True)]
        feedback = []
        for ok, item, placement in zip(right, self._activity.items, placements, strict=True):
            if ok:
                feedback.append(
                    {
                        "kind": "correct",
                        "verdict": "In the right category",
                        "text": item.feedback.strip(),
                    }
                )
            else:
                feedback.append(
                    {
                        "kind": "incorrect",
                        "verdict": f"Not yet: not “{self.categories[placement]}”",
                        "text": (item.hint or GENERIC_HINT).strip(),
                    }
                )
        self.feedback = feedback
        n = len(self.attempts)
        if all(right):
            self.verdict = "correct"
            self.status = (
                f"All sorted. Attempt {n}: all {len(right)} in the right category; the "
                "explanation for every item is shown."
            )
        else:
            self.verdict = "partial" if any(right) else "incorrect"
            self.status = (
                f"Attempt {n}: {sum(right)} of {len(right)} in the right category. "
                "Each of the others has a hint: move them and check again."
            )

    def restore_state(self, payloads: list[dict[str, Any]]) -> None:
        """Attempts are re-checked and regraded against the current key."""
        n, m = len(self.items), len(self.categories)
        self.attempts = []
        for payload in payloads:
            p = payload.get("placements")
            if (
                isinstance(p, list)
                and len(p) == n
                and all(type(c) is int and 0 <= c < m for c in p)
            ):
                self.attempts.append((tuple(p), tuple(p) == self._key))
        if self.attempts:
            placements = self.attempts[-1][0]
            self.value = list(placements)
            self._reveal(placements)

    @property
    def done(self) -> bool:
        return bool(self.attempts)
