"""Rewrite a weak line: the learner's own version first, then a model answer to compare it with.

Ungraded. The learner's text is a draft, checked and saved in the kernel exactly like a
reflection (word and character limits, identifier warning, autosave and Save). The model answer
and its checklist stay in the kernel until the learner asks to compare (event "reveal") and the
kernel has saved a rewrite of at least MIN_WORDS words; only then are they synced to the page.

Nothing but the draft text is stored, so the reveal is derived from it: on resume a saved
draft of at least MIN_WORDS words shows the model answer again (the learner could only have
saved such a draft and asked to compare, or could ask again at once). The checklist ticks are
the learner's own judgement and stay in the page; they are not stored.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import traitlets as t

from ..case.runtime import RewriteSpec
from ..privacy import REMINDER, warning_for
from ._activity import ActivityWidget
from .reflection import MAX_CHARS, Saver, count_words

_HERE = Path(__file__).parent
log = logging.getLogger(__name__)

MIN_WORDS = 5
"""Words a saved rewrite needs before the model answer is shown, and for the activity to count."""

CLOSED = "This exercise is closed; your text was not changed."
NOT_SAVED = "Not saved: the workbook could not store your text. It is still here; try Save again."
NO_NAME = "Enter your name at the top of the page so your work can be saved."


class RewriteExercise(ActivityWidget):
    """A weak line to rewrite; only `value` (the learner's rewrite) comes from the page."""

    uses_draft = True
    _browser_inputs = frozenset({"value"})
    _esm = _HERE / "rewrite.js"
    _css = _HERE / "controls.css"

    question = t.Unicode(help="The text box's accessible name (its label): the title.").tag(
        sync=True
    )
    prompt = t.Unicode(help="The instruction.").tag(sync=True)
    weak_line = t.Unicode(help="The line to improve, as it was said.").tag(sync=True)
    speaker = t.Unicode(help="Who said it (display name), or ''.").tag(sync=True)
    reminder = t.Unicode(REMINDER).tag(sync=True)
    value = t.Unicode(help="The learner's rewrite.").tag(sync=True)
    max_words = t.Int(150).tag(sync=True)
    max_chars = t.Int(MAX_CHARS).tag(sync=True)
    min_words = t.Int(MIN_WORDS, help="Words needed before comparing.").tag(sync=True)
    words = t.Int(0, read_only=True).tag(sync=True)
    warning = t.Unicode(help="Shown when the text looks like it identifies someone.").tag(sync=True)
    revealed = t.Bool(False, help="True once the model answer is shown.").tag(sync=True)
    model_answer = t.Unicode(help="'' until revealed.").tag(sync=True)
    checklist = t.List(t.Unicode(), help="What a good rewrite does; [] until revealed.").tag(
        sync=True
    )

    def __init__(self, activity: RewriteSpec, **kwargs: Any) -> None:
        super().__init__(
            question=activity.title,
            prompt=activity.prompt.strip(),
            weak_line=activity.weak_line.strip(),
            speaker=(activity.speaker or "").strip(),
            max_words=activity.max_words,
            **kwargs,
        )
        self._activity = activity
        self._saver: Saver | None = None
        self._saved_handlers: list[Callable[[], None]] = []
        self._saved = ""
        self._restoring = False

    # Inside set_state, traitlets validates after the new value is already in place, so the
    # last accepted text is kept here rather than read back from self.value.
    _accepted: str = ""

    def _refuse(self, message: str) -> str:
        self.status = message
        self._refused = True
        return self._accepted

    @t.validate("value")
    def _valid_value(self, proposal: dict[str, Any]) -> str:
        value = proposal["value"].replace("\x00", "")
        if self.disabled and not self._restoring and value != self._accepted:
            return self._refuse(CLOSED)
        too_many = count_words(value) > self.max_words
        # A restored draft may be over a word limit lowered since (the case was edited): it is
        # shown, and the learner is asked to shorten it.
        if len(value) > MAX_CHARS or (too_many and not self._restoring):
            return self._refuse(
                f"Not saved: that is over the limit of {self.max_words} words. Your earlier "
                "text is kept; please shorten it."
            )
        self._accepted = value
        return value

    @t.observe("value")
    def _on_value(self, change: dict[str, Any]) -> None:
        self.set_trait("words", count_words(change["new"]))
        self.warning = warning_for(change["new"])
        # A refused value comes back as the old one: nothing to save, keep the refusal message.
        if not self._restoring and change["old"] != change["new"]:
            self.save()

    def handle_event(self, event: str, content: dict[str, Any]) -> None:
        if event not in {"save", "reveal"}:
            return
        if self.disabled:
            self.status = CLOSED
            return
        if "value" in content and not self.accept_from_browser("value", content["value"]):
            return  # refused: the status says why, the saved text is untouched, nothing shown
        if not self.save(explicit=True):
            return  # the status says why; the model answer waits for a saved rewrite
        if event == "reveal":
            self.reveal()

    def reveal(self) -> bool:
        """Show the model answer and checklist if the saved rewrite is long enough."""
        n = count_words(self._saved)
        if n < MIN_WORDS:
            self.status = (
                f"Write at least {MIN_WORDS} words of your own rewrite first (so far: {n}); "
                "then compare it with the model answer."
            )
            return False
        self._show()
        self.status = (
            "Your rewrite is saved. The model answer and a checklist are shown below it; tick "
            "what your rewrite does."
        )
        return True

    def _show(self) -> None:
        self.model_answer = self._activity.model_answer.strip()
        self.checklist = [c.strip() for c in self._activity.checklist]
        self.revealed = True

    def _hide(self) -> None:
        self.revealed = False
        self.model_answer = ""
        self.checklist = []

    @property
    def done(self) -> bool:
        return count_words(self._saved) >= MIN_WORDS

    def on_saved(self, callback: Callable[[], None]) -> None:
        """Call callback() after each successful save."""
        self._saved_handlers.append(callback)

    def set_saver(self, saver: Saver) -> None:
        """Persist every accepted change through saver (the page wires this to the store)."""
        self._saver = saver

    def restore(self, text: str) -> None:
        """Show text saved earlier, without saving it again; a long enough rewrite is revealed."""
        self._restoring = True
        try:
            self.value = text
        finally:
            self._restoring = False
        self._saved = self.value
        if self.done:
            self._show()
        else:
            self._hide()
        if count_words(self.value) > self.max_words:
            self.status = (
                f"Your saved text is restored, but it is over the limit of {self.max_words} "
                "words; please shorten it before saving again."
            )
        elif self.done:
            self.status = (
                "Your saved rewrite is restored, with the model answer to compare it with."
            )
        elif self.value:
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
        except Exception:
            log.exception("could not save a rewrite draft")
            self.status = NOT_SAVED
            return False
        self._saved = self.value
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        self.status = f"Saved at {stamp} (version {revision})."
        for handler in self._saved_handlers:
            handler()
        return True
