"""A widget base whose state belongs to the kernel: the browser may only change its inputs."""

from __future__ import annotations

import base64
import logging
import traceback
from pathlib import Path
from typing import Any, ClassVar

import anywidget
import traitlets as t

from ..storable_text import why_unstorable
from ._assets import STYLESHEET, module_source, served_assets

log = logging.getLogger(__name__)

UNRECOGNISED = "That value was not recognised; nothing was changed."
MALFORMED = "That action could not be completed; nothing was changed."
FAILED = "That action could not be completed. Please try again; your saved work is kept."


def _unstorable(value: Any) -> str | None:
    """Why a browser value holds text that cannot be kept (or sent back), or None."""
    if isinstance(value, str):
        return why_unstorable(value)
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list):
        return next((p for v in value if (p := _unstorable(v)) is not None), None)
    return None


class KernelOwnedWidget(anywidget.AnyWidget):
    """Browser updates to anything but `_browser_inputs` are ignored and the browser is corrected.

    In Voilà the front end can send any trait value, to any widget, disabled or not, and any
    message. Options, answer state, feedback and status are the kernel's; only the learner's
    input comes from the page, and every input is checked on one path, in `set_state`, before
    traitlets sees it: text that cannot be stored, a change to a closed activity
    (`_closed_tell`), then the family's own `_input_problem`. Every refusal goes through
    `_refuse`, and no message from the page can raise into it (ipywidgets would show the
    visitor a traceback). The kernel's own assignments meet the family's `_shape_problem`
    too; one that breaks it is a bug, and raises TraitError.

    The checks run before traitlets on purpose: inside `set_state` traitlets validates only
    after the new value is in place, and not at all when the new value compares equal to the
    old one (so `True` would slip in over `1`).
    """

    _browser_inputs: ClassVar[frozenset[str]] = frozenset()
    _css = STYLESHEET
    _module: ClassVar[Path | None] = None
    """The family's JavaScript module (its `_esm` file), kept for `served_assets`."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        esm = cls.__dict__.get("_esm")
        if isinstance(esm, Path):  # before anywidget would read the file itself
            cls._module = esm
            cls._esm = module_source(esm)  # the shared prelude, then the family's module
        super().__init_subclass__(**kwargs)

    _events: ClassVar[frozenset[str]] = frozenset()
    """The actions the page may send as {"event": name, ...}; each goes to handle_event."""
    _status_trait: ClassVar[str] = "status"
    """The aria-live trait that tells the learner why something was refused (if it exists)."""
    _closed_tell: ClassVar[str | None] = None
    """Told when the page changes an input while the widget is `disabled`; None: no such check."""

    def _shape_problem(self, name: str, value: Any) -> tuple[str, str] | None:
        """Why value is no input `name` of this activity at all (never depending on its state),
        as (reason to log, words for the learner), or None. Each family states its rules here;
        they also hold for the kernel's own assignments, where breaking them raises TraitError.
        """
        return None

    def _input_problem(self, name: str, value: Any) -> tuple[str, str] | None:
        """Why the page may not set input `name` to value now, or None when it may: the shape,
        and in families whose rules depend on their state (an ended conversation), those."""
        return self._shape_problem(name, value)

    _constructed = False

    @t.validate("value")
    def _kernel_side_value(self, proposal: Any) -> Any:
        """The kernel's own assignments keep the shape too (browser ones were checked before)."""
        value = proposal["value"]
        if self._constructed and (problem := self._shape_problem("value", value)) is not None:
            raise t.TraitError(f"{type(self).__name__}.value: {problem[0]}")
        return value

    def _accepted_form(self, name: str, value: Any) -> Any:
        """The form in which an accepted input is kept (a family may sort or copy it)."""
        return value

    def __init__(self, **kwargs: Any) -> None:
        # Set before anywidget reads them: on the workbook's server, a one-line module and no
        # stylesheet (the page has both); see _assets.py.
        for key, value in served_assets(self._module).items():
            setattr(self, key, value)
        super().__init__(**kwargs)
        self._constructed = True
        self.on_msg(self._on_message)

    def send_download(self, name: str, kind: str, data: bytes) -> None:
        """Hand the page a file to save (a report, a certificate): the prelude's saveDownload
        turns this message into a download, so nothing is ever put in an address."""
        self.send(
            {
                "event": "download",
                "name": name,
                "type": kind,
                "data": base64.b64encode(data).decode("ascii"),
            }
        )

    # -- refusals -------------------------------------------------------------------------------
    _refused = False
    """Set by every refusal, so that accept_from_browser can tell."""

    def _refuse(
        self, name: str, reason: str, *, tell: str | None = None, error: Exception | None = None
    ) -> None:
        """The one way a browser value or message is refused: logged for the server, told to
        the learner.

        The log names the class, the trait or event and the reason, never the value (it may be
        the learner's text); an error is logged with its traceback but not its message, which
        may quote the value. `tell` goes to the widget's status when it has one.
        """
        self._refused = True
        who = type(self).__name__
        if error is None:
            log.warning("%s: refused %s: %s", who, name, reason)
        else:
            frames = "".join(traceback.format_tb(error.__traceback__)).rstrip()
            log.error(
                "%s: %s: %s (%s; its message is not logged, as it may quote the page's input)\n"
                "Traceback (most recent call last):\n%s",
                who,
                name,
                reason,
                type(error).__name__,
                frames,
            )
        if tell is not None:
            self._tell(tell)

    def _tell(self, text: str) -> None:
        """Show and announce text in the status, again even if it is already there."""
        if not self.has_trait(self._status_trait):
            return
        if getattr(self, self._status_trait) == text:
            self.set_trait(self._status_trait, "")
        self.set_trait(self._status_trait, text)

    # -- state updates --------------------------------------------------------------------------
    def accept_from_browser(self, name: str, value: Any) -> bool:
        """Apply one input sent with a message; False when it was refused (kernel value kept).

        Widgets send their input along with actions such as submit or save, because the front
        end may still be holding back the last state update when the action message leaves.
        """
        self._refused = False
        self.set_state({name: value})
        return not self._refused

    def set_state(self, sync_data: dict[str, Any]) -> None:
        if not isinstance(sync_data, dict):
            self._refuse("update", "not an object of trait values", tell=MALFORMED)
            return
        accepted = {k: v for k, v in sync_data.items() if k in self._browser_inputs}
        owned = set(sync_data) - set(accepted)
        resend = []
        reshaped = []
        for name in sorted(accepted):
            value = accepted[name]
            why = self._refusal(name, value)
            if why is not None:
                self._refuse(name, why[0], tell=why[1])
                del accepted[name]
                if why[0] != "text that cannot be stored":
                    resend.append(name)  # put the page's control back where the kernel has it
                continue
            accepted[name] = self._accepted_form(name, value)
            if accepted[name] != value or type(accepted[name]) is not type(value):
                reshaped.append(name)
        try:
            if accepted:
                super().set_state(accepted)
                resend += reshaped  # the page shows what the kernel kept
        except t.TraitError:  # a wrong type: keep the kernel's value, and say so
            self._refuse(
                ", ".join(sorted(accepted)), "a value of the wrong type", tell=UNRECOGNISED
            )
            resend += sorted(accepted)
        if owned:
            # Only real names are logged or sent back: the page may send any key at all.
            known = sorted(n for n in owned if n in self.keys)
            unknown = len(owned) - len(known)
            self._refuse(
                ", ".join(known + ([f"{unknown} unknown name(s)"] if unknown else [])),
                "kernel-owned: not writable from the page",
            )
            resend += known
        if resend:
            self.send_state(resend)  # put the page back in step with the kernel

    def _refusal(self, name: str, value: Any) -> tuple[str, str] | None:
        """Why a browser input is refused, as (reason to log, words for the learner), or None."""
        # Text that cannot be stored is refused before ipywidgets echoes it back to the page,
        # which would fail on a lone surrogate. The page keeps what was typed, to be fixed.
        if (problem := _unstorable(value)) is not None:
            return "text that cannot be stored", problem
        tell = self._closed_tell
        if tell is not None and getattr(self, "disabled", False) and value != getattr(self, name):
            return "closed", tell
        return self._input_problem(name, value)

    # -- messages -------------------------------------------------------------------------------
    def _handle_msg(self, msg: Any) -> None:
        """Every message from the page: checked, then handled; nothing it raises reaches the page.

        Replaces ipywidgets' handler, which shows the visitor a traceback for any error.
        """
        try:
            self._dispatch(msg)
        except Exception as error:
            self._refuse("message", "handling it failed", tell=FAILED, error=error)

    def _dispatch(self, msg: Any) -> None:
        content = msg.get("content") if isinstance(msg, dict) else None
        data = content.get("data") if isinstance(content, dict) else None
        method = data.get("method") if isinstance(data, dict) else None
        if method == "update" and isinstance(data, dict):
            state = data.get("state", {})
            if not isinstance(state, dict) or data.get("buffer_paths"):
                # These widgets hold no binary state; buffers are someone else's protocol.
                self._refuse("update", "malformed state or buffers", tell=MALFORMED)
                return
            self.set_state(state)
        elif method == "request_state":
            self.send_state()
        elif method == "custom" and isinstance(data, dict) and "content" in data:
            buffers = msg.get("buffers") if isinstance(msg.get("buffers"), list) else []
            self._handle_custom_msg(data["content"], buffers)
        else:
            self._refuse(
                "message", "not an update, state request or custom message", tell=MALFORMED
            )

    def _handle_custom_msg(self, content: Any, buffers: list[Any]) -> None:
        """Run every on_msg callback; one that raises is logged here, not shown to the visitor."""
        for callback in list(self._msg_callbacks.callbacks):
            try:
                callback(self, content, buffers)
            except Exception as error:
                event = content.get("event") if isinstance(content, dict) else None
                name = (
                    f"event {event!r}"
                    if isinstance(event, str) and event in self._events
                    else "message"
                )
                self._refuse(name, "handling it failed", tell=FAILED, error=error)
                return

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        event = content.get("event") if isinstance(content, dict) else None
        if not isinstance(event, str) or event not in self._events:
            self._refuse("message", "not one of this widget's events", tell=MALFORMED)
            return
        self.handle_event(event, content)

    def handle_event(self, event: str, content: dict[str, Any]) -> None:
        """An action from the page (one of `_events`); content may carry the input it acted on."""
