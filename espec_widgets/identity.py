"""Who is working on a page: a JupyterHub user, a learner from a resume link, or a new learner."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import traitlets as t

from .activities._kernel_owned import KernelOwnedWidget
from .request import query_parameter, wait_for_request
from .storable_text import UnstorableText, why_unstorable
from .store import InvalidToken, Learner, Store

_HERE = Path(__file__).parent
_TOKEN_IN_LINK = re.compile(r"(?:[?&]learner=|^)([A-Za-z0-9_-]{32})(?:[&#]|$)")
log = logging.getLogger(__name__)
TOKEN_PARAMETER = "learner"
NO_NAME = "Please enter a name to start."
NAME_TAKEN = (
    "Someone has already started a workbook here under the name {name}. If that was you, open "
    "your resume link (your bookmark), or paste it under “I have a resume link”. If you are "
    "someone else with the same name, choose “Start as someone new”."
)
NO_LINK = (
    "That is not a resume link from this workbook: it should end in ?learner= and 32 letters "
    "and digits. Check that you copied all of it."
)
ROTATED = (
    "Your new resume link is above, and the address of this page is updated: bookmark it again. "
    "The old link no longer opens your work."
)


class LearnerBar(KernelOwnedWidget):
    """Asks a first-time visitor for a name, then shows the resume link."""

    _events = frozenset({"start", "resume", "link", "rotate"})
    _status_trait = "message"  # the form's alert: refusals are told there
    _esm = _HERE / "identity.js"

    token = t.Unicode(help="The learner's resume token (shown only to that learner).").tag(
        sync=True
    )
    display_name = t.Unicode().tag(sync=True)
    hub = t.Bool(False, help="Signed in through JupyterHub: no form and no link.").tag(sync=True)
    forget = t.Bool(False, help="The tab's remembered token was refused: forget it.").tag(sync=True)
    message = t.Unicode(help="Why the page could not resume, or what to fix.").tag(sync=True)
    name_taken = t.Bool(
        False, help="The name typed is in use: offer to resume, or to start as someone new."
    ).tag(sync=True)
    notice = t.Unicode(help="Announced to a signed-in learner (a new link was made).").tag(
        sync=True
    )
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
        self.forget = False
        self.display_name = learner.display_name
        self.token = learner.token
        self.message = ""
        self.name_taken = False
        for handler in self._handlers:
            handler(learner)

    def sign_out(self) -> None:
        """The learner is gone (they deleted their data): the browser forgets their token and
        the page's address drops the resume link; the page asks for a name again."""
        self.learner = None
        self.token = ""
        self.display_name = ""
        self.progress = ""
        self.forget = True

    def handle_event(self, event: str, content: dict[str, Any]) -> None:
        if event == "start":
            self.start(content.get("name"), new=content.get("new") is True)
        elif event == "resume":
            self.resume_session(content.get("token"))
        elif event == "link":
            self.resume_from_link(content.get("link"))
        elif event == "rotate":
            self.rotate()

    def resume_from_link(self, link: Any) -> None:
        """Open the work of a resume link pasted into the form (the whole link or its token)."""
        if self.learner is not None or self.hub:
            return
        if not isinstance(link, str) or len(link) > 2000:
            self._refuse("link", "not a link", tell=NO_LINK)
            return
        match = _TOKEN_IN_LINK.search(link.strip())
        if match is None:
            self._refuse("link", "no token in it", tell=NO_LINK)
            return
        try:
            learner = self._store.find_learner(match.group(1))
        except InvalidToken as exc:
            self._refuse("link", "no learner has this token", tell=f"We could not open it: {exc}.")
            return
        self._set(learner)

    def rotate(self) -> None:
        """A new resume token for this learner; every copy of the old link stops working."""
        if self.learner is None or self.hub:
            self._refuse("rotate", "no learner with a link on this page")
            return
        try:
            learner = self._store.update_learner_token(self.learner)
        except InvalidToken:
            self._refuse("rotate", "the learner is gone", tell="Your work is no longer here.")
            return
        self.learner = learner
        self.token = learner.token
        if self.notice == ROTATED:
            self.notice = ""
        self.notice = ROTATED

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

    def start(self, name: Any, *, new: bool = False) -> None:
        """Create a new learner from the name typed on the page.

        A name already in use is not forked silently: the learner is asked whether they meant
        to resume, and starts as someone new only when they say so (`new`).
        """
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
            if not new and self._store.find_name_taken(name):
                self.name_taken = True
                self._refuse(
                    "start",
                    "the name is in use: asked to resume or confirm",
                    tell=NAME_TAKEN.format(name=f"“{' '.join(name.split())}”"),
                )
                return
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
