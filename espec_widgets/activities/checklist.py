"""Ungraded checklists: steps to tick, each with its rationale, saved in the kernel as they change.

A checklist has no answer key. The rationale under each step is teaching content, always shown.
Each accepted change of the ticks is saved as one payload ``{"checked": [indexes]}`` (a snapshot:
the last one is the learner's checklist), and never twice in a row for the same ticks.

The activity counts as done once the learner's saved checklist has at least one step ticked: a
save with nothing ticked shows no engagement, and unticking every step undoes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import traitlets as t

from ..case.runtime import ChecklistSpec
from ._activity import ActivityWidget

_HERE = Path(__file__).parent

CLOSED = "This checklist is closed; your ticks were not changed."
NOT_RECOGNISED = "Not saved: that change was not recognised. Your earlier ticks are kept."


def _checked(value: Any, n: int) -> tuple[int, ...] | None:
    """value as sorted item indexes if it is a list of distinct ints in range(n), else None."""
    if not isinstance(value, list) or len(value) > n:
        return None
    if not all(type(i) is int and 0 <= i < n for i in value) or len(set(value)) != len(value):
        return None
    return tuple(sorted(value))


class ChecklistExercise(ActivityWidget):
    """Steps with their rationales; only `value` (the ticked indexes) comes from the page."""

    _browser_inputs = frozenset({"value"})
    _events = frozenset({"save"})
    _esm = _HERE / "checklist.js"

    question = t.Unicode(help="The group's accessible name (its legend): the activity title.").tag(
        sync=True
    )
    prompt = t.Unicode(help="The instruction.").tag(sync=True)
    items = t.List(t.Unicode(), help="Step texts, in order.").tag(sync=True)
    rationales = t.List(t.Unicode(), help="Why each step matters, always shown.").tag(sync=True)
    value = t.List(t.Int(), help="Sorted indexes of the ticked steps.").tag(sync=True)

    def __init__(self, activity: ChecklistSpec, **kwargs: Any) -> None:
        super().__init__(
            question=activity.title,
            prompt=activity.prompt.strip(),
            items=[item.text.strip() for item in activity.items],
            rationales=[item.rationale.strip() for item in activity.items],
            **kwargs,
        )
        self._activity = activity
        self._saved: tuple[int, ...] | None = None
        """The ticks last saved (or restored); None while nothing is stored."""
        self._saves = 0
        self._restoring = False

    _closed_tell = CLOSED

    def _shape_problem(self, name: str, value: Any) -> tuple[str, str] | None:
        if _checked(value, len(self.items)) is None:
            return "not distinct step indexes", NOT_RECOGNISED
        return None

    def _accepted_form(self, name: str, value: Any) -> list[int]:
        return list(_checked(value, len(self.items)) or ())

    @t.observe("value")
    def _on_value(self, change: dict[str, Any]) -> None:
        # A refused value comes back as the old one: nothing to save, keep the refusal message.
        if not self._restoring and change["old"] != change["new"]:
            self.save()

    def handle_event(self, event: str, content: dict[str, Any]) -> None:
        if event != "save":
            return
        saves = self._saves
        if "value" in content and not self.accept_from_browser("value", content["value"]):
            return  # refused: the status says why, and the saved ticks are untouched
        if self._saves == saves:  # the ticks it carried were not new: confirm what is saved
            self.save(explicit=True)

    def save(self, *, explicit: bool = False) -> bool:
        """Save the current ticks if they changed since the last save; True when all is saved."""
        if self.disabled:
            self._refuse("save", "closed", tell="This checklist is closed.")
            return False
        checked = tuple(self.value)
        if checked == (self._saved or ()):
            if explicit and self._saved is not None:
                self.status = f"Already saved: {self._count(checked)}."
            elif explicit:
                self.status = "Nothing to save yet: tick the steps first."
            return True
        self._saved = checked
        self._saves += 1
        # The status is set before the page stores the payload, so that a storage failure the
        # page appends to it is not overwritten.
        self.status = f"Saved: {self._count(checked)}." + (
            "" if checked else " Tick at least one step to count this activity as done."
        )
        self._emit({"checked": list(checked)}, None)
        return True

    def _count(self, checked: tuple[int, ...]) -> str:
        return f"{len(checked)} of {len(self.items)} steps ticked"

    def restore_state(self, payloads: list[dict[str, Any]]) -> None:
        """The last payload that still fits the current steps wins; the rest are not trusted."""
        last: tuple[int, ...] | None = None
        for payload in payloads:
            if isinstance(payload, dict):
                checked = _checked(payload.get("checked"), len(self.items))
                if checked is not None:
                    last = checked
        self._restoring = True
        try:
            self.value = list(last or ())
        finally:
            self._restoring = False
        self._saved = last
        if last is not None:
            self.status = f"Your saved checklist is restored: {self._count(last)}."

    @property
    def done(self) -> bool:
        return bool(self._saved)
