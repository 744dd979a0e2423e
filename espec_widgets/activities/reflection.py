"""Reflective prompts: free text about the learner's own practice, checked and saved in the kernel."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import traitlets as t

from ..case.runtime import ReflectionSpec
from ..privacy import REMINDER, warning_for
from ..storable_text import UnstorableText
from ._activity import ActivityWidget

_HERE = Path(__file__).parent
log = logging.getLogger(__name__)

MAX_CHARS = 20_000
"""A hard ceiling on stored text whatever the word limit: about 3,000 words of prose."""

NO_NAME = "Enter your name at the top of the page so your work can be saved."
NOT_SAVED = "Not saved: the workbook could not store your text. It is still here; try Save again."
RECOVERED = "The text you typed before the page was reloaded is back. "

Saver = Callable[[str], int]
"""Saves the text and returns its revision number; raises if it could not."""


def count_words(text: str) -> int:
    return len(text.split())


def over_the_limit(max_words: int) -> str:
    return (
        f"Not saved: that is over the limit of {max_words} words. Your earlier text is kept; "
        "please shorten it."
    )


class ReflectionBox(ActivityWidget):
    """A reflection box; text over the limits is refused and the previous text is kept."""

    uses_draft = True
    _browser_inputs = frozenset({"value"})
    _events = frozenset({"save", "recover"})
    _esm = _HERE / "reflection.js"

    question = t.Unicode(help="The box's accessible name (its label).").tag(sync=True)
    prompt = t.Unicode().tag(sync=True)
    reminder = t.Unicode(REMINDER).tag(sync=True)
    value = t.Unicode(help="The reflection text.").tag(sync=True)
    max_words = t.Int(600).tag(sync=True)
    max_chars = t.Int(MAX_CHARS).tag(sync=True)
    words = t.Int(0, read_only=True).tag(sync=True)
    warning = t.Unicode(help="Shown when the text looks like it identifies someone.").tag(sync=True)

    def __init__(self, activity: ReflectionSpec, **kwargs: Any) -> None:
        super().__init__(
            question=activity.title,
            prompt=activity.prompt.strip(),
            max_words=activity.max_words,
            **kwargs,
        )
        self._saver: Saver | None = None
        self._saved_handlers: list[Callable[[], None]] = []
        self._saved = ""
        self._restoring = False

    _closed_tell = "This reflection is closed; your text was not changed."

    def _input_problem(self, name: str, value: Any) -> tuple[str, str] | None:
        if not isinstance(value, str):
            return None  # traitlets refuses it as a value of the wrong type
        if len(value) > MAX_CHARS or count_words(value) > self.max_words:
            return "over the limits", over_the_limit(self.max_words)
        return None

    @t.observe("value")
    def _on_value(self, change: dict[str, Any]) -> None:
        self.set_trait("words", count_words(change["new"]))
        self.warning = warning_for(change["new"])
        # A refused value comes back as the old one: nothing to save, keep the refusal message.
        if not self._restoring and change["old"] != change["new"]:
            self.save()

    def handle_event(self, event: str, content: dict[str, Any]) -> None:
        if event == "recover":
            self.recover(content.get("value"))
            return
        if event != "save":
            return
        if "value" in content and not self.accept_from_browser("value", content["value"]):
            return  # refused: the status says why, and the saved text is untouched
        self.save(explicit=True)

    def recover(self, text: Any) -> bool:
        """Text the page kept through a reload (this tab only, not yet confirmed saved): saved
        when it differs from what the store holds and passes every check an input meets. The
        page is told either way ({"event": "recovered", "ok": ...}): it drops its copy once the
        store has the text, and otherwise shows it to the learner with the reason."""
        ok = self._recover(text)
        self.send({"event": "recovered", "ok": ok})
        return ok

    def _recover(self, text: Any) -> bool:
        if self.disabled or self._saver is None or not isinstance(text, str):
            return False
        if text == self._saved:
            return True
        if not self.accept_from_browser("value", text) or self.value != self._saved:
            return False  # refused (the status says why) or not stored
        self.status = RECOVERED + self.status
        return True

    @property
    def done(self) -> bool:
        return bool(self._saved.strip())

    def on_saved(self, callback: Callable[[], None]) -> None:
        """Call callback() after each successful save."""
        self._saved_handlers.append(callback)

    def set_saver(self, saver: Saver) -> None:
        """Persist every accepted change through saver (the page wires this to the store)."""
        self._saver = saver

    def restore(self, text: str) -> None:
        """Show text saved earlier, without saving it again."""
        self._restoring = True
        try:
            self.value = text
        finally:
            self._restoring = False
        self._saved = self.value
        if text:
            self.status = "Your saved text is restored."

    def save(self, *, explicit: bool = False) -> bool:
        """Save the current text if it changed; True when everything is saved."""
        if self._saver is None:
            self.status = NO_NAME
            return False
        if self.value == self._saved:
            if explicit:
                self.status = "Saved. No changes since the last save."
            return True
        try:
            revision = self._saver(self.value)
        except UnstorableText as exc:  # the store's check: say what to fix, not "try again"
            self._refuse("save", "the store refused the text", tell=str(exc))
            return False
        except Exception:
            log.exception("could not save a reflection draft")
            self.status = NOT_SAVED
            return False
        self._saved = self.value
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        self.status = f"Saved at {stamp} (version {revision})."
        for handler in self._saved_handlers:
            handler()
        return True
