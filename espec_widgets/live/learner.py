"""A learner's page in a live session: join with a code, follow the stage, answer, post.

Everything on the page comes from the kernel, and the kernel from the store: the stage the
instructor opened, the poll's state, the learner's own answer, the wall's visible posts and,
once revealed, the result. The page only sends actions (join, answer, post), each checked here
and again by the store, which keeps the rules (joined, running, poll open). After a reload, a
dropped connection or a culled kernel the new kernel finds the session the learner joined and
shows the current stage with their answers: nothing lives only in a kernel.
"""

from __future__ import annotations

import atexit
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import traitlets as t

from ..activities._kernel_owned import KernelOwnedWidget
from ..privacy import REMINDER, warning_for
from ..storable_text import UnstorableText
from ..store import Learner, Store
from ..store.live import (
    HEARTBEAT_SECONDS,
    MAX_OTHER,
    MAX_POST,
    LearnerView,
    LiveError,
    LiveSession,
    session_key,
)
from .follow import Follower, kernel_loop_call

_HERE = Path(__file__).parent
log = logging.getLogger(__name__)

BEFORE_LEARNER = "Enter your name at the top of the page, or open your resume link, to join."
ANONYMOUS, YOU = "A participant", "You"
MAX_CHOICES = 8
FREE_TRIES = 5
"""Wrong join codes a page may try at once; after that each try waits TRY_PAUSE seconds."""
TRY_PAUSE = 2.0
MAX_TRIES = 30
TOO_MANY_CODES = "Too many codes that did not work. Reload the page to try again."


def stage_view(view: LearnerView) -> dict[str, Any]:
    """The current stage as the learner's page shows it ({} before the first stage)."""
    session = view.session
    stage = session.current_stage
    if stage is None:
        return {}
    shown: dict[str, Any] = {
        "index": session.stage,
        "count": len(session.agenda),
        "id": stage["id"],
        "title": stage["title"],
        "minutes": stage["minutes"],
        "narrative": stage.get("narrative") or [],
        "scenes": stage.get("scenes") or [],
        "held": 0,
        "wall": stage.get("wall"),
        "poll": None,
    }
    if poll := stage.get("poll"):
        state = view.polls.get(poll["id"])
        result = view.tallies.get(poll["id"])
        shown["poll"] = {
            **poll,
            "state": state.state if state is not None else "waiting",
            "revealed": result is not None,
            "tally": {
                "counts": list(result.counts),
                "others": list(result.others),
                "answered": result.answered,
            }
            if result is not None
            else None,
        }
        # Scenes that would give the poll's answer away stay in the kernel until it is revealed.
        held = set(stage.get("after_poll") or ())
        if held and result is None:
            shown["scenes"] = [x for x in shown["scenes"] if x.get("id") not in held]
            shown["held"] = len(stage["scenes"]) - len(shown["scenes"])
    return shown


class LiveLearner(KernelOwnedWidget):
    """The learner's live-session page; every trait is the kernel's, the page sends actions."""

    _esm = _HERE / "learner.js"
    _events = frozenset({"join", "answer", "post", "leave"})

    phase = t.Unicode(
        "unknown", help="unknown (no learner yet), join, waiting, stage or ended."
    ).tag(sync=True)
    status = t.Unicode(BEFORE_LEARNER, help="Refusals and confirmations (announced).").tag(
        sync=True
    )
    announce = t.Unicode(help="Announced when the group moves on, a poll opens or closes.").tag(
        sync=True
    )
    title = t.Unicode().tag(sync=True)
    code = t.Unicode().tag(sync=True)
    stage = t.Dict().tag(sync=True)
    answer = t.Dict(help="The learner's own answer to the stage's poll.").tag(sync=True)
    posts = t.List(t.Dict(), help="The stage's wall, as moderated.").tag(sync=True)
    names_shown = t.Bool(False).tag(sync=True)
    post_warning = t.Unicode(help="What looked identifying in the post just sent.").tag(sync=True)
    reminder = t.Unicode(REMINDER).tag(sync=True)
    limits = t.Dict({"post": MAX_POST, "other": MAX_OTHER}).tag(sync=True)
    alive = t.Int(0, help="Counts the heartbeats: see _heartbeat.").tag(sync=True)

    def __init__(self, store: Store, url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._store = store
        self._url = url
        self.learner: Learner | None = None
        self.session: LiveSession | None = None
        self._attendance: int | None = None
        self._follower: Follower | None = None
        self._call = kernel_loop_call()
        self._tries = 0
        self._warned_other: str | None = None
        atexit.register(self.leave)

    # the learner and the session
    def start(self, learner: Learner) -> None:
        """The learner is known: back into the session they were in, else the join form."""
        self.learner = learner
        self.status = ""
        try:
            session = self._store.live.find_rejoinable(learner)
        except LiveError:
            session = None
        if session is None:
            self.phase = "join"
            return
        try:
            self._enter(session)
        except LiveError:
            self.phase = "join"

    def join(self, code: Any) -> None:
        if self.learner is None:
            self._refuse("join", "no learner yet", tell=BEFORE_LEARNER)
            return
        if not isinstance(code, str) or len(code) > 40:
            self._refuse("join", "not a code", tell="Please type the session code.")
            return
        if self._tries >= MAX_TRIES:
            self._refuse("join", "too many wrong codes", tell=TOO_MANY_CODES)
            return
        if self._tries >= FREE_TRIES:
            time.sleep(TRY_PAUSE)  # codes are short: guessing them one page at a time is slow
        try:
            session = self._store.live.find_joinable(code)
        except LiveError as exc:
            self._tries += 1
            self._refuse("join", "refused by the session's rules", tell=_sentence(exc))
            return
        if self.session is not None:
            if session.id == self.session.id:
                return
            self.leave_session()  # from an old session into the one the instructor just opened
        try:
            self._enter(session)
        except LiveError as exc:  # it ended, or the code expired, a moment ago
            self.session = None
            self.phase = "join"
            self._refuse("join", "refused by the session's rules", tell=_sentence(exc))
            return
        self.status = f"You have joined {session.title}."

    def leave_session(self) -> None:
        """The learner leaves the session (to join another): back to the join form."""
        if self.session is None:
            self._refuse("leave", "not in a session")
            return
        self.leave()
        self.session = None
        with self.hold_sync():
            self.phase = "join"
            self.stage, self.posts, self.answer = {}, [], {}
            self.title = self.code = ""
        self.status = "You have left the session. Type a code to join one."

    def _enter(self, session: LiveSession) -> None:
        assert self.learner is not None
        self._attendance = self._store.live.join(session.id, self.learner)
        self.session = session
        self.code = session.code
        self.title = session.title
        learner = self.learner
        self._follower = Follower(
            self._url,
            session_key(session.id),
            read=lambda: self._store.live.find_learner_view(session.id, learner),
            show=self.show,
            tick=self._heartbeat,
            tick_seconds=HEARTBEAT_SECONDS,
            version=lambda: self._store.live.find_version(session.id),
        )
        self.show(self._store.live.find_learner_view(session.id, learner))
        self._follower.start()

    def _heartbeat(self) -> None:
        """In the follower's thread: the store hears the page is here, and the page hears from
        its kernel. A stage can run for an hour with nothing new to show, and the server culls
        a kernel that has sent nothing for that long (cull_idle_timeout): the beat keeps it."""
        if self._attendance is not None:
            self._store.live.heartbeat(self._attendance)
            self._call(self._beat)

    def _beat(self) -> None:
        self.alive += 1

    def leave(self) -> None:
        """The page's kernel is going (a closed tab, a server stop), or the learner leaves: the
        learner left now."""
        if self._follower is not None:
            self._follower.stop()
            self._follower = None
        if self._attendance is not None:
            try:
                self._store.live.leave(self._attendance)
            except Exception:  # the store is gone too: the heartbeat's last beat stands
                log.warning("live session: could not record leaving")
            self._attendance = None

    # what the page shows
    def show(self, view: LearnerView) -> None:
        """Bring the page to the state read from the store."""
        session = view.session
        if self.session is None or session.id != self.session.id:
            return  # a read from a session the learner has left
        if session.version < self.session.version:
            return  # older than what is shown (a queued read after a fresher one)
        with self.hold_sync():  # one message: a new poll never shows the last poll's answer
            self._show(view)

    def _show(self, view: LearnerView) -> None:
        session = view.session
        before = dict(self.stage)
        self.session = session
        self.names_shown = session.show_names
        stage = stage_view(view)
        if session.ended_at is not None:
            self.phase = "ended"
            if self._follower is not None:
                self._follower.stop(wait=False)  # on the kernel's loop: never wait here
        else:
            self.phase = "stage" if stage else "waiting"
        self.stage = stage
        poll = stage.get("poll") or {}
        mine = view.answers.get(poll.get("id", ""))
        self.answer = (
            {"choices": list(mine.choices), "other": mine.other or ""}
            if mine is not None
            else {"choices": [], "other": ""}
        )
        assert self.learner is not None
        self.posts = [
            {
                "id": p.id,
                "text": p.text,
                "author": YOU if p.learner_id == self.learner.id else (p.author or ANONYMOUS),
                "mine": p.learner_id == self.learner.id,
                "spotlight": p.spotlight,
            }
            for p in view.posts
            if p.stage_id == stage.get("id")
        ]
        self._announce(before, stage, session)

    def _announce(self, before: dict[str, Any], now: dict[str, Any], session: LiveSession) -> None:
        words = ""
        if session.ended_at is not None:
            words = "The session has ended. Thank you for taking part."
        elif now and before.get("index") != now.get("index"):
            words = f"Stage {now['index'] + 1} of {now['count']}: {now['title']}."
        elif now.get("poll") and before.get("poll"):
            old, new = before["poll"], now["poll"]
            if old["state"] != new["state"]:
                words = "The poll is open." if new["state"] == "open" else "The poll is closed."
            elif new["revealed"] and not old["revealed"]:
                words = "The group's answers are shown."
        if words and words != self.announce:
            self.announce = words

    # actions from the page
    def handle_event(self, event: str, content: dict[str, Any]) -> None:
        if event == "join":
            self.join(content.get("code"))
        elif event == "answer":
            self.answer_poll(content.get("poll"), content.get("choices"), content.get("other"))
        elif event == "post":
            self.post(content.get("text"), confirmed=content.get("confirmed") is True)
        elif event == "leave":
            self.leave_session()

    def _act(self, name: str, action: Callable[[int, Learner], Any]) -> bool:
        """Run action(session id, learner) on the store; a refusal is told; True when done."""
        if self.session is None or self.learner is None:
            self._refuse(name, "not in a session", tell="Join a session first.")
            return False
        try:
            action(self.session.id, self.learner)
        except (LiveError, UnstorableText) as exc:
            self._refuse(name, "refused by the session's rules", tell=_sentence(exc))
            return False
        self._refresh()
        return True

    def _refresh(self) -> None:
        assert self.session is not None and self.learner is not None
        self.show(self._store.live.find_learner_view(self.session.id, self.learner))

    def answer_poll(self, poll_id: Any, choices: Any, other: Any) -> None:
        poll = (self.stage or {}).get("poll")
        if not poll or poll_id != poll["id"]:
            self._refuse(
                "answer",
                "not the current stage's poll",
                tell="The group has moved on: this poll is closed.",
            )
            return
        if (
            not isinstance(choices, list)
            or len(choices) > MAX_CHOICES
            or any(type(c) is not int for c in choices)
        ):
            self._refuse(
                "answer",
                "choices are not a list of option numbers",
                tell="That answer was not recognised.",
            )
            return
        if other is not None and (not isinstance(other, str) or len(other) > 4 * MAX_OTHER):
            self._refuse(
                "answer",
                "other is not short text",
                tell=f"Please keep your own answer to {MAX_OTHER} characters.",
            )
            return
        if (
            isinstance(other, str)
            and (warning := warning_for(other))
            and other != self._warned_other
        ):
            self._warned_other = other  # told once: the same text saved again is kept
            self._tell(
                f"{warning} When results are shown, the group reads your own words (without "
                "your name). Change them, or save again to keep them."
            )
            return
        if self._act(
            "answer",
            lambda sid, learner: self._store.live.update_or_create_answer(
                sid, learner, poll_id, choices, other or None
            ),
        ):
            self.status = ""
            self.status = "Your answer is saved. You can change it while the poll is open."

    def post(self, text: Any, *, confirmed: bool = False) -> None:
        if not isinstance(text, str) or len(text) > 4 * MAX_POST:
            self._refuse(
                "post", "not short text", tell=f"Please keep a post to {MAX_POST} characters."
            )
            return
        if not confirmed and (warning := warning_for(text)):
            self.post_warning = ""
            self.post_warning = f"{warning} Edit your post, or choose “Post anyway”."
            return
        stage_id = (self.stage or {}).get("id")
        if self._act(
            "post",
            lambda sid, learner: self._store.live.add_post(sid, learner, text, stage_id=stage_id),
        ):
            self.send({"event": "posted"})  # the page empties the box for the next post
            self.post_warning = ""
            self.status = ""
            self.status = "Posted to the wall."


def _sentence(exc: Exception) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


class LivePage:
    """The live-session page in one kernel: the learner bar and the session, wired together."""

    def __init__(self, store: Store, url: str) -> None:
        from ..identity import LearnerBar

        self.identity = LearnerBar(store, home="index.ipynb")
        self.live = LiveLearner(store, url)
        self.identity.on_learner(self.live.start)

    def resume(self) -> None:
        self.identity.resolve()


def open_live_page() -> Any:
    """The live page's kernel: the learner bar and the session widget, shown."""
    from IPython.display import display

    from ..kernel_log import route_to_server_log
    from ..navigator import UnavailablePage
    from ..page import _message, open_page_store
    from ..store import default_url

    route_to_server_log()
    store, problem = open_page_store()
    if store is None:
        display(_message(problem))
        return UnavailablePage(problem)
    page = LivePage(store, default_url())
    display(page.identity)
    display(page.live)
    return page
