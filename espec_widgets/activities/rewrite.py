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

from pathlib import Path
from typing import Any

import traitlets as t

from ..case.runtime import RewriteSpec
from .reflection import ReflectionBox, count_words

_HERE = Path(__file__).parent

MIN_WORDS = 5
"""Words a saved rewrite needs before the model answer is shown, and for the activity to count."""

CLOSED = "This exercise is closed; your text was not changed."


class RewriteExercise(ReflectionBox):
    """A reflection box around a weak line, with a model answer revealed by the kernel.

    Text limits, autosave, the saver and the privacy warning are the reflection's; this adds the
    line to rewrite and the reveal, and lets a restored draft exceed a limit lowered since.
    """

    _events = frozenset({"save", "reveal", "recover"})
    _esm = _HERE / "rewrite.js"

    weak_line = t.Unicode(help="The line to improve, as it was said.").tag(sync=True)
    speaker = t.Unicode(help="Who said it (display name), or ''.").tag(sync=True)
    min_words = t.Int(MIN_WORDS, help="Words needed before comparing.").tag(sync=True)
    revealed = t.Bool(False, help="True once the model answer is shown.").tag(sync=True)
    model_answer = t.Unicode(help="'' until revealed.").tag(sync=True)
    checklist = t.List(t.Unicode(), help="What a good rewrite does; [] until revealed.").tag(
        sync=True
    )

    def __init__(self, activity: RewriteSpec, **kwargs: Any) -> None:
        super().__init__(
            activity,  # type: ignore[arg-type]  # title, prompt and max_words, as a reflection
            weak_line=activity.weak_line.strip(),
            speaker=(activity.speaker or "").strip(),
            **kwargs,
        )
        self._activity = activity

    _closed_tell = CLOSED

    def handle_event(self, event: str, content: dict[str, Any]) -> None:
        if event == "recover":
            self.recover(content.get("value"))
            return
        if event not in {"save", "reveal"}:
            return
        if self.disabled:
            self._refuse(event, "closed", tell=CLOSED)
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

    def restore(self, text: str) -> None:
        """Show text saved earlier, without saving it again; a long enough rewrite is revealed."""
        super().restore(text)
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
