"""Who is working on a page: a JupyterHub user, a learner from a resume link, or a new learner."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import traitlets as t

from .activities._kernel_owned import KernelOwnedWidget
from .request import query_parameter, wait_for_request
from .storable_text import UnstorableText, why_unstorable
from .store import InvalidToken, Learner, Store

_HERE = Path(__file__).parent
log = logging.getLogger(__name__)
TOKEN_PARAMETER = "learner"
NO_NAME = "Please enter a name to start."


class LearnerBar(KernelOwnedWidget):
    """Asks a first-time visitor for a name, then shows the resume link."""

    _events = frozenset({"start", "resume"})
    _status_trait = "message"  # the form's alert: refusals are told there
    _esm = _HERE / "identity.js"

    token = t.Unicode(help="The learner's resume token (shown only to that learner).").tag(
        sync=True
    )
    display_name = t.Unicode().tag(sync=True)
    hub = t.Bool(False, help="Signed in through JupyterHub: no form and no link.").tag(sync=True)
    forget = t.Bool(False, help="The tab's remembered token was refused: forget it.").tag(sync=True)
    message = t.Unicode(help="Why the page could not resume, or what to fix.").tag(sync=True)
    progress = t.Unicode(help="How many activities are done, and which are left.").tag(sync=True)
    home = t.Unicode(
        help="The navigator's address relative to this page ('' on the navigator)."
    ).tag(sync=True)

    def __init__(self, store: Store, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._store = store
        self.learner: Learner | None = None
        self._handlers: list[Callable[[Learner], None]] = []

    def on_learner(self, callback: Callable[[Learner], None]) -> None:
        """Call callback(learner) once the learner is known."""
        self._handlers.append(callback)
        if self.learner is not None:
            callback(self.learner)

    def _set(self, learner: Learner, *, hub: bool = False) -> None:
        self.learner = learner
        self.hub = hub
        self.display_name = learner.display_name
        self.token = learner.token
        self.message = ""
        for handler in self._handlers:
            handler(learner)

    def handle_event(self, event: str, content: dict[str, Any]) -> None:
        if event == "start":
            self.start(content.get("name"))
        elif event == "resume":
            self.resume_session(content.get("token"))

    def resume_session(self, token: Any) -> None:
        """Resume from the token this browser tab kept (sessionStorage) while moving between
        pages: the same check as a resume link, but a stale token is forgotten silently."""
        if self.learner is not None or self.hub:
            return
        if not isinstance(token, str):
            self._refuse("resume", "the token is not text")
            return
        try:
            learner = self._store.find_learner(token)
        except InvalidToken:
            self._refuse("resume", "no learner has this token: the tab forgets it")
            self.forget = True
            return
        self._set(learner)

    def start(self, name: Any) -> None:
        """Create a new learner from the name typed on the page."""
        if self.learner is not None:
            return
        if not isinstance(name, str) or not name.strip():
            self._refuse("start", "no name", tell=NO_NAME)
            return
        if len(name) > 200:
            self._refuse(
                "start", "name too long", tell="Please use a shorter name (up to 80 characters)."
            )
            return
        if (problem := why_unstorable(name, name=True)) is not None:
            self._refuse("start", "a name that cannot be stored", tell=problem)
            return
        try:
            learner = self._store.add_learner(name)
        except UnstorableText as exc:  # the store's own check, should the two ever differ
            self._refuse("start", "a name that cannot be stored", tell=str(exc))
            return
        self._set(learner)

    def resolve(self) -> None:
        """Identify the learner from JupyterHub or the page's resume link (after the request)."""
        try:
            wait_for_request()
        except (OSError, TimeoutError):
            log.exception("could not read the page request from Voila")
            self.message = "We could not read this page's address. Please reload the page."
            return
        if hub_user := os.environ.get("JUPYTERHUB_USER"):
            try:
                learner = self._store.update_or_create_hub_learner(hub_user, hub_user)
            except UnstorableText:
                log.error("the JupyterHub user name has characters the store cannot keep")
                self.message = (
                    "Your JupyterHub user name cannot be used here; please tell your course team."
                )
                return
            self._set(learner, hub=True)
            return
        token = query_parameter(TOKEN_PARAMETER)
        if token is None:
            return
        try:
            self._set(self._store.find_learner(token))
        except InvalidToken as exc:
            self.message = (
                f"We could not open your saved work: {exc}. Check that you copied the whole link, "
                "or start again with your name below (your saved work stays where it is)."
            )
