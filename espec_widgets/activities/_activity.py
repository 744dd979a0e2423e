"""What every activity widget offers the page: responses out, saved state back in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Protocol, runtime_checkable

import traitlets as t

from ._kernel_owned import KernelOwnedWidget

ResponseHandler = Callable[[dict[str, Any], "bool | None"], "bool | None"]
"""Called with (payload, correct) for each response to keep (correct is None if ungraded);
returns False when the response could not be kept."""


@runtime_checkable
class DraftWidget(Protocol):
    """What the page needs, besides ActivityWidget, from a family that saves as the learner
    types (uses_draft): the draft restored, a saver bound to the store, a callback once saved."""

    def restore(self, text: str) -> None: ...

    def set_saver(self, saver: Callable[[str], Any]) -> None: ...

    def on_saved(self, callback: Callable[[], None]) -> None: ...


class ActivityWidget(KernelOwnedWidget):
    """Base of the exercise widgets.

    Graded and ungraded exercises report each submission with `_emit`; the page stores it in the
    append-only history and, on resume, hands every stored payload back to `restore_state`, which
    rebuilds the widget from them (checking each against the current activity, since a case may
    have been edited since). Text widgets set `uses_draft` and are restored from drafts instead.
    """

    uses_draft: ClassVar[bool] = False
    secret_name: ClassVar[str | None] = None
    """The server secret this family keys something with that the page must not predict (the
    sequence's starting order); its constructor then takes `secret=` (see widget_for)."""

    disabled = t.Bool(False, help="True until the learner is known, or when closed.").tag(sync=True)
    status = t.Unicode(help="Announced to screen readers (aria-live).").tag(sync=True)
    verdict = t.Enum(
        ("", "correct", "partial", "incorrect"),
        "",
        help="The last answer at a glance, drawn as an icon, a colour and a word ('' for none).",
    ).tag(sync=True)

    _events: ClassVar[frozenset[str]] = frozenset({"submit"})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._response_handlers: list[ResponseHandler] = []

    def on_response(self, callback: ResponseHandler) -> None:
        """Call callback(payload, correct) for every response the learner makes."""
        self._response_handlers.append(callback)

    def _emit(self, payload: dict[str, Any], correct: bool | None) -> bool:
        """Report a response; False if a handler (the page's store) could not keep it."""
        results = [handler(payload, correct) for handler in self._response_handlers]
        return all(r is not False for r in results)

    def handle_event(self, event: str, content: dict[str, Any]) -> None:
        """An action from the page; content may carry the input it acted on.

        The default serves the graded families: 'submit' applies the carried input through the
        same validation as any browser update, then grades. Families with other actions override.
        """
        if event != "submit":
            return
        if "value" in content and not self.accept_from_browser("value", content["value"]):
            return  # refused: the status says why, nothing is graded
        self.submit()

    def submit(self) -> Any:
        """Grade the current input (graded families implement this)."""
        return None

    def restore_state(self, payloads: list[dict[str, Any]]) -> None:
        """Rebuild the widget from the learner's stored payloads, oldest first."""

    @property
    def done(self) -> bool:
        """Whether the learner has completed this activity (for progress)."""
        return False
