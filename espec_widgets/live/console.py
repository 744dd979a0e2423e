"""The instructor's console for live sessions (staff/console.ipynb, served by `espec serve
--staff` only).

Nothing of any session is in the page until an instructor key is given: the key is typed into
the page and sent to this kernel in a widget message (never in a URL), checked against the
hashed keys in the store, and forgotten. Then the instructor creates a session from a scenario
(and gets its join code), or opens one that is running, and paces it: stages, the poll (open,
close, reveal), the wall (hide, show, spotlight, names), the timer against the planned minutes,
the facilitator notes, the roster, the end and the report.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import traitlets as t

from ..activities._kernel_owned import KernelOwnedWidget
from ..config import settings
from ..store import Store
from ..store.live import LiveError, LiveSession, LiveState, session_key
from .follow import Follower

_HERE = Path(__file__).parent
log = logging.getLogger(__name__)

WRONG_KEY = "That key is not one of this workbook's instructor keys."
TOO_MANY = "Too many wrong keys on this page. Reload it to try again."
KEY_REMOVED = "Your instructor key has been removed. Ask your workbook's operator for a new one."
MAX_TRIES = 5
TRY_PAUSE = 1.0
"""Seconds a wrong key waits before it is told (keys are long and random; this is politeness
towards the log, not the defence)."""
ENDED_LISTED = 20
"""Ended sessions listed (newest first) so that their reports can still be downloaded."""
NOT_ON_STAFF_SERVER = (
    "The instructor console runs on the staff server only (espec serve --staff), not on the "
    "learners' server."
)


def _iso(moment: Any) -> str:
    return moment.isoformat() if moment is not None else ""


def _progress(session: LiveSession) -> str:
    if session.ended_at is not None:
        return "ended"
    if session.stage is None:
        return "not started"
    return f"stage {session.stage + 1} of {len(session.agenda)}"


def _local(moment: Any) -> str:
    return moment.astimezone().strftime("%H:%M") if moment is not None else ""


class InstructorConsole(KernelOwnedWidget):
    """The console's page; every trait is the kernel's, the page sends actions."""

    _esm = _HERE / "console.js"
    _events = frozenset(
        {
            "unlock",
            "create",
            "open",
            "close",
            "stage",
            "poll",
            "post",
            "answer",
            "names",
            "end",
            "report",
        }
    )

    phase = t.Unicode("locked", help="locked, sessions (list and create) or run.").tag(sync=True)
    status = t.Unicode().tag(sync=True)
    staff_name = t.Unicode().tag(sync=True)
    scenarios = t.List(t.Dict()).tag(sync=True)
    sessions = t.List(t.Dict()).tag(sync=True)
    session = t.Dict().tag(sync=True)
    stage = t.Dict(help="The open stage as learners see it, with the instructor's notes.").tag(
        sync=True
    )
    poll = t.Dict(help="The open stage's poll: state, revealed and the live tally.").tag(sync=True)
    roster = t.List(t.Dict()).tag(sync=True)
    posts = t.List(t.Dict(), help="The open stage's wall, every post, with its author.").tag(
        sync=True
    )

    def __init__(self, store: Store, url: str, root: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._store = store
        self._url = url
        self._root = root
        self._tries = 0
        self._follower: Follower | None = None
        self._notes: dict[str, dict[str, Any]] = {}
        self._following: int | None = None
        self.state: LiveState | None = None

    # the key
    def unlock(self, key: Any) -> None:
        if self.staff_name:
            return
        if self._tries >= MAX_TRIES:
            self._refuse("unlock", "too many wrong keys", tell=TOO_MANY)
            return
        name = self._store.live.find_staff_name(key) if isinstance(key, str) else None
        if name is None:
            self._tries += 1
            time.sleep(TRY_PAUSE)
            self._refuse("unlock", "a wrong key", tell=WRONG_KEY)
            return
        log.info("instructor console unlocked by key %r", name)
        self.staff_name = name
        self.status = ""
        self._list()

    def _list(self) -> None:
        from ..case import CaseFileError
        from ..case.loader import LIVE, read_scenario
        from ..paths import data_dir

        found = []
        for path in sorted((data_dir(self._root) / LIVE).glob("*.yaml")):
            try:
                s = read_scenario(path)
            except CaseFileError:
                log.error("console: scenario %s has problems; run espec check", path.name)
                continue
            found.append(
                {
                    "id": s.id,
                    "title": s.title,
                    "minutes": s.planned_minutes,
                    "stages": len(s.agenda),
                    "ce_hours": s.ce_hours,
                    "summary": s.summary.split("\n\n")[0],
                }
            )
        self.scenarios = found
        everything = self._store.live.find_sessions(ended=True)
        running = [x for x in everything if x.ended_at is None]
        ended = [x for x in everything if x.ended_at is not None][:ENDED_LISTED]
        self.sessions = [
            {
                "id": x.id,
                "code": x.code,
                "title": x.title,
                "created": _local(x.created_at),
                "by": x.created_by,
                "ended": x.ended_at is not None,
                "stage": _progress(x),
            }
            for x in running + ended
        ]
        self.phase = "sessions"

    def _scenario(self, scenario_id: str) -> Any:
        from ..case.loader import LIVE, read_scenario
        from ..paths import data_dir

        path = data_dir(self._root) / LIVE / f"{scenario_id}.yaml"
        return read_scenario(path)

    # sessions
    def create(self, scenario_id: Any) -> None:
        from .agenda import instructor_notes, learner_agenda

        known = {s["id"] for s in self.scenarios}
        if scenario_id not in known:
            self._refuse(
                "create", "not a scenario of this workbook", tell="Choose a scenario from the list."
            )
            return
        scenario = self._scenario(scenario_id)
        session = self._store.live.add_session(
            learner_agenda(scenario),
            scenario_id=scenario.id,
            title=scenario.title,
            planned_minutes=scenario.planned_minutes,
            created_by=self.staff_name,
        )
        self._notes = {n["id"]: n for n in instructor_notes(scenario)}
        self._run(session)

    def open_session(self, session_id: Any) -> None:
        if type(session_id) is not int or session_id not in {s["id"] for s in self.sessions}:
            self._refuse("open", "not a running session", tell="Choose a session from the list.")
            return
        session = self._store.live.find_session(session_id)
        from .agenda import instructor_notes

        try:
            self._notes = {
                n["id"]: n for n in instructor_notes(self._scenario(session.scenario_id))
            }
        except Exception:  # the scenario file is gone or broken: run without the notes
            log.error("console: the notes of scenario %s cannot be read", session.scenario_id)
            self._notes = {}
        self._run(session)

    def _run(self, session: LiveSession) -> None:
        share = settings().attendance_share
        sid = session.id
        if self._follower is not None:  # never two sessions followed by one console
            self._follower.stop(wait=False)
        self._following = sid
        self._follower = Follower(
            self._url,
            session_key(sid),
            read=lambda: self._store.live.find_state(sid, share=share),
            show=self.show,
        )
        self.phase = "run"
        self.show(self._store.live.find_state(sid, share=share))
        self._follower.start()

    def close_session_view(self) -> None:
        if self._follower is not None:
            self._follower.stop(wait=False)
            self._follower = None
        self._following = None
        self.state = None
        self.session, self.stage, self.poll, self.roster, self.posts = {}, {}, {}, [], []
        self._list()

    def show(self, state: LiveState) -> None:
        if state.session.id != self._following or not self.staff_name:
            return  # a read that arrived after the instructor left that session
        if self.state is not None and state.session.version < self.state.session.version:
            return  # older than what is shown
        with self.hold_sync():
            self._show(state)

    def _show(self, state: LiveState) -> None:
        self.state = state
        s = state.session
        self.session = {
            "id": s.id,
            "code": s.code,
            "title": s.title,
            "expires": s.expires_at.astimezone().strftime("%H:%M on %d %b"),
            "started": _iso(s.started_at),
            "ended": _iso(s.ended_at),
            "stage": s.stage,
            "stage_started": _iso(s.stage_started_at),
            "show_names": s.show_names,
            "planned": s.planned_minutes,
            "agenda": [
                {"id": x["id"], "title": x["title"], "minutes": x["minutes"]} for x in s.agenda
            ],
        }
        current = s.current_stage
        if current is None:
            self.stage, self.poll, self.posts = {}, {}, []
        else:
            notes = self._notes.get(current["id"], {})
            self.stage = {**current, "index": s.stage, "count": len(s.agenda), **notes}
            poll = current.get("poll")
            if poll:
                st = state.polls.get(poll["id"])
                tally = state.tallies[poll["id"]]
                self.poll = {
                    "id": poll["id"],
                    "state": st.state if st else "waiting",
                    "revealed": bool(st and st.revealed),
                    "tally": {
                        "counts": list(tally.counts),
                        "others": list(tally.others),
                        "answered": tally.answered,
                    },
                    "own_words": [  # every answer in a learner's own words, to moderate
                        {"id": x.learner_id, "text": x.other, "hidden": x.hidden}
                        for x in state.answers.get(poll["id"], [])
                        if x.other
                    ],
                }
            else:
                self.poll = {}
            self.posts = [
                {
                    "id": p.id,
                    "author": p.author or "",
                    "text": p.text,
                    "hidden": p.hidden,
                    "spotlight": p.spotlight,
                }
                for p in state.posts
                if p.stage_id == current["id"]
            ]
        self.roster = [
            {
                "name": p.name,
                "present": p.present,
                "minutes": p.minutes,
                "attended": p.attended,
                "joined": _local(p.first_joined),
                "rejoined": len(p.intervals) - 1,
            }
            for p in state.roster
        ]

    # pacing
    def _sid(self) -> int:
        if not self.session:
            raise LiveError("open a session first")
        return int(self.session["id"])

    def _do(self, name: str, action: Any) -> None:
        try:
            action()
        except LiveError as exc:
            text = str(exc)
            self._refuse(
                name, "refused by the session's rules", tell=text[:1].upper() + text[1:] + "."
            )
            return
        share = settings().attendance_share
        self.show(self._store.live.find_state(self._sid(), share=share))

    def move(self, index: Any) -> None:
        self._do("stage", lambda: self._store.live.update_stage(self._sid(), index))

    def poll_action(self, action: Any) -> None:
        if not self.poll or action not in {"open", "close", "reveal", "hide"}:
            self._refuse("poll", "not a poll action", tell="That poll action was not recognised.")
            return
        poll_id = self.poll["id"]
        table: dict[str, dict[str, Any]] = {
            "open": {"state": "open"},
            "close": {"state": "closed"},
            "reveal": {"revealed": True},
            "hide": {"revealed": False},
        }
        changes = table[action]
        self._do("poll", lambda: self._store.live.update_poll(self._sid(), poll_id, **changes))

    def moderate(self, post_id: Any, action: Any) -> None:
        changes: dict[str, Any] | None = {
            "hide": {"hidden": True},
            "show": {"hidden": False},
            "spotlight": {"spotlight": True},
            "unspotlight": {"spotlight": False},
        }.get(action if isinstance(action, str) else "")
        if type(post_id) is not int or changes is None:
            self._refuse("post", "not a moderation action", tell="That action was not recognised.")
            return
        self._do("post", lambda: self._store.live.update_post(self._sid(), post_id, **changes))

    def moderate_answer(self, learner_id: Any, action: Any) -> None:
        if type(learner_id) is not int or action not in {"hide", "show"} or not self.poll:
            self._refuse(
                "answer", "not a moderation action", tell="That action was not recognised."
            )
            return
        poll_id = self.poll["id"]
        self._do(
            "answer",
            lambda: self._store.live.update_answer(
                self._sid(), poll_id, learner_id, hidden=action == "hide"
            ),
        )

    def names(self, show: Any) -> None:
        if type(show) is not bool:
            self._refuse("names", "not true or false")
            return
        self._do("names", lambda: self._store.live.update_show_names(self._sid(), show))

    def end(self) -> None:
        self._do("end", lambda: self._store.live.end_session(self._sid()))

    def report(self, form: Any) -> None:
        from .report import report_csv, report_pdf

        if form not in {"csv", "pdf"} or self.state is None:
            self._refuse("report", "not a report format", tell="Choose CSV or PDF.")
            return
        share = settings().attendance_share
        state = self._store.live.find_state(self._sid(), share=share)
        name = f"session-{state.session.code}-report.{form}"
        if form == "csv":
            data, kind = report_csv(state, share=share).encode("utf-8"), "text/csv"
        else:
            data, kind = report_pdf(state, share=share), "application/pdf"
        self.send_download(name, kind, data)

    def handle_event(self, event: str, content: dict[str, Any]) -> None:
        if event == "unlock":
            self.unlock(content.get("key"))
            return
        if not self.staff_name:
            self._refuse(event, "the console is locked", tell="Give your instructor key first.")
            return
        if self.staff_name not in {name for name, _ in self._store.live.find_staff_keys()}:
            self.close_session_view()
            self.staff_name = ""
            self.phase = "locked"
            self.scenarios, self.sessions = [], []
            self._refuse(event, "the key was removed", tell=KEY_REMOVED)
            return
        if event in {"create", "open"} and self.phase != "sessions":
            self._refuse(
                event,
                "a session is already open here",
                tell="Go back to the list of sessions first.",
            )
            return
        if event == "create":
            self.create(content.get("scenario"))
        elif event == "open":
            self.open_session(content.get("session"))
        elif event == "close":
            self.close_session_view()
        elif self.phase != "run":
            self._refuse(event, "no session is open", tell="Open a session first.")
        elif event == "stage":
            self.move(content.get("index"))
        elif event == "poll":
            self.poll_action(content.get("action"))
        elif event == "post":
            self.moderate(content.get("id"), content.get("action"))
        elif event == "answer":
            self.moderate_answer(content.get("id"), content.get("action"))
        elif event == "names":
            self.names(content.get("show"))
        elif event == "end":
            self.end()
        elif event == "report":
            self.report(content.get("format"))


def open_console() -> Any:
    """The console page's kernel: the console, locked until an instructor key is given."""
    from IPython.display import display

    from ..kernel_log import route_to_server_log
    from ..navigator import UnavailablePage
    from ..page import _message, open_page_store
    from ..paths import project_root
    from ..store import default_url

    route_to_server_log()
    if not settings().staff:
        display(_message(NOT_ON_STAFF_SERVER))
        return UnavailablePage(NOT_ON_STAFF_SERVER)
    store, problem = open_page_store()
    if store is None:
        display(_message(problem))
        return UnavailablePage(problem)
    console = InstructorConsole(store, default_url(), project_root())
    display(console)
    return console
