"""Reflective prompts: free text about the learner's own practice, checked in the kernel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets as t

from ..case.schema import Reflection
from ..privacy import REMINDER, warning_for

_HERE = Path(__file__).parent

MAX_CHARS = 20_000
"""A hard ceiling on stored text whatever the word limit: about 3,000 words of prose."""


def count_words(text: str) -> int:
    return len(text.split())


class ReflectionBox(anywidget.AnyWidget):
    """A reflection box; text over the limits is refused and the previous text is kept."""

    _esm = _HERE / "reflection.js"
    _css = _HERE / "controls.css"

    question = t.Unicode(help="The box's accessible name (its label).").tag(sync=True)
    prompt = t.Unicode().tag(sync=True)
    reminder = t.Unicode(REMINDER).tag(sync=True)
    value = t.Unicode(help="The reflection text.").tag(sync=True)
    max_words = t.Int(600).tag(sync=True)
    words = t.Int(0, read_only=True).tag(sync=True)
    warning = t.Unicode(help="Shown when the text looks like it identifies someone.").tag(sync=True)
    status = t.Unicode().tag(sync=True)
    disabled = t.Bool(False).tag(sync=True)

    def __init__(self, activity: Reflection, **kwargs: Any) -> None:
        super().__init__(
            question=activity.title,
            prompt=activity.prompt.strip(),
            max_words=activity.max_words,
            **kwargs,
        )

    # Inside set_state, traitlets validates after the new value is already in place, so the
    # last accepted text is kept here rather than read back from self.value.
    _accepted: str = ""

    @t.validate("value")
    def _valid_value(self, proposal: dict[str, Any]) -> str:
        value = proposal["value"]
        if self.disabled:
            self.status = "This reflection is closed; your text was not changed."
            return self._accepted
        value = value.replace("\x00", "")
        if len(value) > MAX_CHARS or count_words(value) > self.max_words:
            self.status = (
                f"That is over the limit of {self.max_words} words; your earlier text is kept. "
                "Please shorten it."
            )
            return self._accepted
        self._accepted = value
        return value

    @t.observe("value")
    def _on_value(self, change: dict[str, Any]) -> None:
        self.set_trait("words", count_words(change["new"]))
        self.warning = warning_for(change["new"])
