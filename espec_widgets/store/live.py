"""Live sessions (Part II) in the store: every piece of a session's shared state is a row.

A session is made by an instructor's console from a scenario; it holds the learners' view of the
agenda (never the facilitator notes or the polls' debrief notes), a short join code that expires,
the current stage, and a version that every change bumps. Polls, answers, wall posts and
attendance are rows of their own, so a second server sees what the first wrote and a learner who
reloads, drops out or loses their kernel is given back the current stage and their answers.

Every write is one short transaction that checks the rules it depends on (the session runs, the
learner joined it, the poll is open), bumps the session's version and announces the change on
the change feed (store/feed.py), so kernels waiting on the session re-read it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from . import _check_storable, _insert, tables
from .feed import announce

if TYPE_CHECKING:
    from . import Learner, Store

CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
"""Join codes: capitals and digits that cannot be misread for one another (no 0/O, 1/I/L, 2/Z,
5/S, 8/B), so a code read aloud or from a shared screen is typed right."""
CODE_LENGTH = 6
MAX_POST = 1000
"""Characters in a wall post."""
MAX_OTHER = 300
"""Characters in a poll's own ("other") answer."""
HEARTBEAT_SECONDS = 15.0
"""How often a learner's kernel says it is still in the session."""
DROPPED_AFTER = dt.timedelta(seconds=45)
"""A learner whose kernel has not been heard from for this long has dropped out."""
REJOIN_WITHIN = dt.timedelta(minutes=30)
"""After its code expired, a session is still rejoined by a learner whose page was in it lately."""
CODE_MARGIN = dt.timedelta(hours=1)
"""A join code is valid at least this long past the session's planned end."""
ATTENDED_SHARE = 0.9
"""The share of the planned minutes a learner must be present for to be marked as attended."""
OPEN, CLOSED = "open", "closed"
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
"""scrypt's cost for instructor keys (16 MiB, tens of milliseconds): keys are long and random,
so this only has to make a stolen table useless, not slow a guesser."""


class LiveError(ValueError):
    """An action the session's rules refuse; the message is for the person who tried it."""


def session_key(session_id: int) -> str:
    """What the change feed announces when session_id changes."""
    return f"session:{session_id}"


@dataclass(frozen=True)
class LiveSession:
    id: int
    code: str
    scenario_id: str
    title: str
    agenda: tuple[dict[str, Any], ...]
    planned_minutes: int
    created_by: str
    created_at: dt.datetime
    expires_at: dt.datetime
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    stage: int | None
    stage_started_at: dt.datetime | None
    show_names: bool
    version: int

    @property
    def running(self) -> bool:
        return self.started_at is not None and self.ended_at is None

    @property
    def current_stage(self) -> dict[str, Any] | None:
        return self.agenda[self.stage] if self.stage is not None else None

    def poll(self, poll_id: str) -> dict[str, Any]:
        for stage in self.agenda:
            if (poll := stage.get("poll")) and poll["id"] == poll_id:
                return dict(poll)
        raise LiveError("this session has no such poll")


@dataclass(frozen=True)
class PollState:
    poll_id: str
    state: str  # open | closed
    revealed: bool


@dataclass(frozen=True)
class Answer:
    learner_id: int
    poll_id: str
    choices: tuple[int, ...]
    other: str | None
    updated_at: dt.datetime
    hidden: bool = False  # the own words hidden from learners by the instructor


@dataclass(frozen=True)
class Post:
    id: int
    stage_id: str
    learner_id: int
    author: str | None  # None where names are not shown
    text: str
    hidden: bool
    spotlight: bool
    created_at: dt.datetime


@dataclass(frozen=True)
class Tally:
    """A poll's answers counted: one count per option, and the "other" answers as written."""

    counts: tuple[int, ...]
    others: tuple[str, ...]
    answered: int


@dataclass(frozen=True)
class Presence:
    """One learner's attendance in a session."""

    learner_id: int
    name: str
    first_joined: dt.datetime
    last_seen: dt.datetime
    present: bool
    minutes: float
    attended: bool
    intervals: tuple[tuple[dt.datetime, dt.datetime], ...]


@dataclass(frozen=True)
class LearnerView:
    """What one learner's page may show: never another learner's name unless names are shown,
    never a tally before it is revealed, never a hidden post."""

    session: LiveSession
    polls: dict[str, PollState]
    answers: dict[str, Answer]  # the learner's own, by poll
    tallies: dict[str, Tally]  # revealed polls only
    posts: list[Post]


@dataclass(frozen=True)
class LiveState:
    """Everything about a session, for its instructor's console and its report."""

    session: LiveSession
    polls: dict[str, PollState]
    answers: dict[str, list[Answer]]
    tallies: dict[str, Tally]
    posts: list[Post]
    roster: list[Presence] = field(default_factory=list)


def tally(poll: dict[str, Any], answers: Sequence[Answer]) -> Tally:
    counts = [0] * len(poll["options"])
    others = []
    for answer in answers:
        for i in answer.choices:
            if 0 <= i < len(counts):
                counts[i] += 1
        if answer.other and not answer.hidden:
            others.append(answer.other)
    return Tally(tuple(counts), tuple(others), len(answers))


def _merged(spans: list[tuple[dt.datetime, dt.datetime]]) -> list[tuple[dt.datetime, dt.datetime]]:
    """Overlapping spans joined (two tabs open at once count once)."""
    out: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def hash_key(key: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(key.encode("utf-8"), salt=salt, dklen=32, **SCRYPT)
    n, r, p = SCRYPT["n"], SCRYPT["r"], SCRYPT["p"]
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def key_matches(key: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        found = hashlib.scrypt(
            key.encode("utf-8"), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=int(r), p=int(p)
        )
    except (ValueError, UnicodeEncodeError):
        return False
    return hmac.compare_digest(found.hex(), digest)


def end_of_day(now: dt.datetime) -> dt.datetime:
    """The default expiry of a join code: the end of the server's local day."""
    local = now.astimezone()
    end = dt.datetime.combine(local.date(), dt.time(23, 59, 59), tzinfo=local.tzinfo)
    return end.astimezone(dt.UTC)


class LiveRecords:
    """The store's live-session verbs (`store.live`), with the store's own connections."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @staticmethod
    def _now(now: dt.datetime | None) -> dt.datetime:
        return now if now is not None else dt.datetime.now(dt.UTC)

    # instructors' keys
    def add_staff_key(self, name: str) -> str:
        """Make an instructor key called name; returns the key, which is kept only hashed."""
        name = " ".join(name.split())
        if not name or len(name) > 60:
            raise LiveError("a key's name is 1 to 60 characters (a person or a team)")
        key = secrets.token_urlsafe(24)
        s = tables.staff_keys
        with self._store._write() as conn:
            if conn.execute(sa.select(s.c.name).where(s.c.name == name)).first():
                raise LiveError(f"there is already a key called {name!r}: remove it first")
            conn.execute(
                s.insert().values(name=name, hash=hash_key(key), created_at=self._now(None))
            )
        return key

    def find_staff_keys(self) -> list[tuple[str, dt.datetime]]:
        s = tables.staff_keys
        with self._store._read() as conn:
            return [(r.name, r.created_at) for r in conn.execute(sa.select(s).order_by(s.c.name))]

    def remove_staff_key(self, name: str) -> bool:
        name = " ".join(name.split())
        s = tables.staff_keys
        with self._store._write() as conn:
            return bool(conn.execute(s.delete().where(s.c.name == name)).rowcount)

    def find_staff_name(self, key: str) -> str | None:
        """The name of the instructor key `key`, or None: no key matches."""
        if not isinstance(key, str) or not 16 <= len(key) <= 200:
            return None
        s = tables.staff_keys
        with self._store._read() as conn:
            rows = conn.execute(sa.select(s.c.name, s.c.hash)).all()
        for row in rows:
            if key_matches(key, row.hash):
                return str(row.name)
        return None

    # sessions
    @contextmanager
    def _change(self, session_id: int) -> Iterator[tuple[sa.Connection, LiveSession]]:
        """A write to a session: its row, locked; the version is bumped and the change announced."""
        s = tables.live_sessions
        with self._store._write() as conn:
            row = conn.execute(
                s.update()
                .where(s.c.id == session_id)
                .values(version=s.c.version + 1)
                .returning(*s.c)
            ).first()
            if row is None:
                raise LiveError("there is no such session")
            yield conn, _session(row)
            announce(conn, session_key(session_id))

    def add_session(
        self,
        agenda: Sequence[dict[str, Any]],
        *,
        scenario_id: str,
        title: str,
        planned_minutes: int,
        created_by: str,
        expires_at: dt.datetime | None = None,
        now: dt.datetime | None = None,
    ) -> LiveSession:
        """A new session, not started, with a join code that expires (default: the end of the
        server's day, and never before an hour past the session's planned end)."""
        now = self._now(now)
        s = tables.live_sessions
        for _ in range(20):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            try:
                with self._store._write() as conn:
                    row = conn.execute(
                        s.insert()
                        .values(
                            code=code,
                            scenario_id=scenario_id,
                            title=title,
                            agenda=list(agenda),
                            planned_minutes=planned_minutes,
                            created_by=created_by,
                            created_at=now,
                            expires_at=expires_at
                            or max(
                                end_of_day(now),
                                now + dt.timedelta(minutes=planned_minutes) + CODE_MARGIN,
                            ),
                            show_names=False,
                            version=1,
                        )
                        .returning(*s.c)
                    ).one()
                return _session(row)
            except sa.exc.IntegrityError:  # the code is taken (1 in 244 million): another
                continue
        raise RuntimeError("could not find a free join code")

    def find_session(self, session_id: int) -> LiveSession:
        s = tables.live_sessions
        with self._store._read() as conn:
            row = conn.execute(sa.select(s).where(s.c.id == session_id)).first()
        if row is None:
            raise LiveError("there is no such session")
        return _session(row)

    def find_version(self, session_id: int) -> int | None:
        s = tables.live_sessions
        with self._store._read() as conn:
            return conn.execute(sa.select(s.c.version).where(s.c.id == session_id)).scalar()

    def find_sessions(self, *, ended: bool = False) -> list[LiveSession]:
        """Sessions not yet ended (with ended=True: every session), newest first."""
        s = tables.live_sessions
        query = sa.select(s).order_by(s.c.id.desc())
        if not ended:
            query = query.where(s.c.ended_at.is_(None))
        with self._store._read() as conn:
            return [_session(r) for r in conn.execute(query)]

    def find_joinable(self, code: Any, now: dt.datetime | None = None) -> LiveSession:
        """The session a join code opens; LiveError says why not (unknown, expired, ended)."""
        now = self._now(now)
        if not isinstance(code, str):
            raise LiveError("please type the session code your instructor gave you")
        code = "".join(code.split()).upper().replace("-", "")
        if not code:
            raise LiveError("please type the session code your instructor gave you")
        if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
            raise LiveError(
                f"a session code is {CODE_LENGTH} letters and digits, as your instructor shows "
                "it; check it and try again"
            )
        s = tables.live_sessions
        with self._store._read() as conn:
            row = conn.execute(sa.select(s).where(s.c.code == code)).first()
        if row is None:
            raise LiveError("no session has this code; check it with your instructor")
        session = _session(row)
        if session.ended_at is not None:
            raise LiveError("this session has ended")
        if session.expires_at <= now:
            raise LiveError("this code has expired; ask your instructor for a new one")
        return session

    def find_rejoinable(
        self, learner: Learner, now: dt.datetime | None = None
    ) -> LiveSession | None:
        """The session the learner joined most recently, to go back to after a reload: one not
        ended whose code is still valid, or that the learner's page was in lately (a session
        running past its code's expiry). An old session an instructor never ended is not one.
        """
        now = self._now(now)
        s, a = tables.live_sessions, tables.live_attendance
        query = (
            sa.select(s, a.c.last_seen_at)
            .join(a, a.c.session_id == s.c.id)
            .where(a.c.learner_id == learner.id, s.c.ended_at.is_(None))
            .order_by(a.c.id.desc())
            .limit(1)
        )
        with self._store._read() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        if row.expires_at > now or now - row.last_seen_at <= REJOIN_WITHIN:
            return _session(row)
        return None

    def update_stage(self, session_id: int, index: int, now: dt.datetime | None = None) -> None:
        """Move the group to stage `index` (the first move starts the session)."""
        now = self._now(now)
        s = tables.live_sessions
        with self._change(session_id) as (conn, session):
            if session.ended_at is not None:
                raise LiveError("this session has ended")
            if type(index) is not int or not 0 <= index < len(session.agenda):
                raise LiveError("there is no such stage")
            if index == session.stage:
                return
            p = tables.live_polls
            conn.execute(  # a poll left open when the group moves on closes
                p.update()
                .where(p.c.session_id == session_id, p.c.state == OPEN)
                .values(state=CLOSED, updated_at=now)
            )
            conn.execute(
                s.update()
                .where(s.c.id == session_id)
                .values(
                    stage=index,
                    stage_started_at=now,
                    started_at=session.started_at or now,
                )
            )

    def update_show_names(self, session_id: int, show: bool) -> None:
        s = tables.live_sessions
        with self._change(session_id) as (conn, _):
            conn.execute(s.update().where(s.c.id == session_id).values(show_names=bool(show)))

    def end_session(self, session_id: int, now: dt.datetime | None = None) -> None:
        """End the session: polls close, everyone present leaves now, nothing more is accepted."""
        now = self._now(now)
        s, p, a = tables.live_sessions, tables.live_polls, tables.live_attendance
        with self._change(session_id) as (conn, session):
            if session.ended_at is not None:
                return
            conn.execute(s.update().where(s.c.id == session_id).values(ended_at=now))
            conn.execute(
                p.update()
                .where(p.c.session_id == session_id, p.c.state == OPEN)
                .values(state=CLOSED, updated_at=now)
            )
            open_spans = conn.execute(
                sa.select(a.c.id, a.c.last_seen_at).where(
                    a.c.session_id == session_id, a.c.left_at.is_(None)
                )
            ).all()
            for span in open_spans:  # a page not heard from lately left when it was last seen
                left = now if now - span.last_seen_at <= DROPPED_AFTER else span.last_seen_at
                conn.execute(a.update().where(a.c.id == span.id).values(left_at=left))

    def update_poll(
        self,
        session_id: int,
        poll_id: str,
        *,
        state: str | None = None,
        revealed: bool | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        """Open or close a poll, or reveal or hide its result to the learners."""
        now = self._now(now)
        p = tables.live_polls
        with self._change(session_id) as (conn, session):
            session.poll(poll_id)  # LiveError if the session has no such poll
            if not session.running:
                raise LiveError("polls open while the session runs")
            if state not in {None, OPEN, CLOSED}:
                raise LiveError("a poll is open or closed")
            row = conn.execute(
                sa.select(p).where(p.c.session_id == session_id, p.c.poll_id == poll_id)
            ).first()
            values = {
                "state": state or (row.state if row else CLOSED),
                "revealed": bool(revealed) if revealed is not None else bool(row and row.revealed),
                "updated_at": now,
            }
            insert = _insert(conn)(p).values(session_id=session_id, poll_id=poll_id, **values)
            conn.execute(
                insert.on_conflict_do_update(
                    index_elements=[p.c.session_id, p.c.poll_id], set_=values
                )
            )

    def update_post(
        self,
        session_id: int,
        post_id: int,
        *,
        hidden: bool | None = None,
        spotlight: bool | None = None,
    ) -> None:
        """Moderate a wall post: hide or show it, or spotlight it (one post at a time)."""
        w = tables.live_posts
        with self._change(session_id) as (conn, _):
            mine = w.c.session_id == session_id
            if not conn.execute(sa.select(w.c.id).where(mine, w.c.id == post_id)).first():
                raise LiveError("there is no such post in this session")
            values: dict[str, bool] = {}
            if hidden is not None:
                values["hidden"] = bool(hidden)
                if hidden:
                    values["spotlight"] = False
            if spotlight:
                conn.execute(w.update().where(mine, w.c.spotlight).values(spotlight=False))
                values.update(spotlight=True, hidden=False)
            elif spotlight is not None:
                values["spotlight"] = False
            if values:
                conn.execute(w.update().where(mine, w.c.id == post_id).values(**values))

    def update_answer(
        self, session_id: int, poll_id: str, learner_id: int, *, hidden: bool
    ) -> None:
        """Hide (or show again) one answer's own words in the results learners see; its choice
        still counts. A learner who edits hidden words does not unhide them."""
        x = tables.live_answers
        with self._change(session_id) as (conn, _):
            done = conn.execute(
                x.update()
                .where(
                    x.c.session_id == session_id,
                    x.c.poll_id == poll_id,
                    x.c.learner_id == learner_id,
                    x.c.other.is_not(None),
                )
                .values(hidden=bool(hidden))
            )
            if done.rowcount != 1:
                raise LiveError("there is no such answer in this session")

    # learners
    def join(self, session_id: int, learner: Learner, now: dt.datetime | None = None) -> int:
        """Record that the learner's page is in the session; returns its attendance interval.

        A learner who joined before may come back after the code expired (a reload, a culled
        kernel): the code only keeps out people who were never in the session.
        """
        now = self._now(now)
        a = tables.live_attendance
        with self._change(session_id) as (conn, session):
            if session.ended_at is not None:
                raise LiveError("this session has ended")
            was_in = conn.execute(
                sa.select(a.c.id).where(a.c.session_id == session_id, a.c.learner_id == learner.id)
            ).first()
            if was_in is None and session.expires_at <= now:
                raise LiveError("this code has expired; ask your instructor for a new one")
            result = conn.execute(
                a.insert().values(
                    session_id=session_id, learner_id=learner.id, joined_at=now, last_seen_at=now
                )
            )
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def heartbeat(self, attendance_id: int, now: dt.datetime | None = None) -> None:
        """The learner's page is still there (no version bump: a roster re-reads on its own)."""
        a = tables.live_attendance
        with self._store._write() as conn:
            conn.execute(
                a.update()
                .where(a.c.id == attendance_id, a.c.left_at.is_(None))
                .values(last_seen_at=self._now(now))
            )

    def leave(self, attendance_id: int, now: dt.datetime | None = None) -> None:
        now = self._now(now)
        a = tables.live_attendance
        with self._store._read() as conn:
            session_id = conn.execute(
                sa.select(a.c.session_id).where(a.c.id == attendance_id)
            ).scalar()
        if session_id is None:
            return
        with self._change(session_id) as (conn, _):
            conn.execute(
                a.update()
                .where(a.c.id == attendance_id, a.c.left_at.is_(None))
                .values(left_at=now, last_seen_at=now)
            )

    def _check_member(self, conn: sa.Connection, session: LiveSession, learner: Learner) -> None:
        a = tables.live_attendance
        if session.ended_at is not None:
            raise LiveError("this session has ended")
        if not session.running:
            raise LiveError("the session has not started yet")
        joined = conn.execute(
            sa.select(a.c.id).where(a.c.session_id == session.id, a.c.learner_id == learner.id)
        ).first()
        if joined is None:
            raise LiveError("join the session first")

    def update_or_create_answer(
        self,
        session_id: int,
        learner: Learner,
        poll_id: str,
        choices: Sequence[int],
        other: str | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        """The learner's answer to an open poll; answering again replaces it."""
        now = self._now(now)
        p, x = tables.live_polls, tables.live_answers
        with self._change(session_id) as (conn, session):
            self._check_member(conn, session, learner)
            poll = session.poll(poll_id)
            state = conn.execute(
                sa.select(p.c.state).where(p.c.session_id == session_id, p.c.poll_id == poll_id)
            ).scalar()
            if state != OPEN:
                raise LiveError("this poll is closed")
            picked = sorted(set(choices))
            if any(
                not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < len(poll["options"])
                for i in picked
            ):
                raise LiveError("that is not one of the poll's options")
            if len(picked) > 1 and not poll["multiple"]:
                raise LiveError("this poll takes one answer")
            other = " ".join(other.split()) if isinstance(other, str) else None
            if other and not poll.get("other"):
                raise LiveError("this poll takes no answer of your own")
            if other and len(other) > MAX_OTHER:
                raise LiveError(f"please keep your own answer to {MAX_OTHER} characters")
            if not picked and not other:
                raise LiveError("choose an answer first")
            _check_storable(other)
            values = {"choices": picked, "other": other or None, "updated_at": now}
            insert = _insert(conn)(x).values(
                session_id=session_id, poll_id=poll_id, learner_id=learner.id, **values
            )
            conn.execute(
                insert.on_conflict_do_update(
                    index_elements=[x.c.session_id, x.c.poll_id, x.c.learner_id], set_=values
                )
            )

    def add_post(
        self,
        session_id: int,
        learner: Learner,
        text: str,
        now: dt.datetime | None = None,
        *,
        stage_id: str | None = None,
    ) -> int:
        """A post to the current stage's wall; with stage_id, only if that stage is still the
        current one (the learner wrote to the wall they saw)."""
        now = self._now(now)
        w = tables.live_posts
        if not isinstance(text, str) or not text.strip():
            raise LiveError("write something first")
        text = text.strip()
        if len(text) > MAX_POST:
            raise LiveError(f"please keep a post to {MAX_POST} characters")
        _check_storable(text)
        with self._change(session_id) as (conn, session):
            self._check_member(conn, session, learner)
            stage = session.current_stage
            if stage is not None and stage_id is not None and stage["id"] != stage_id:
                raise LiveError(
                    "the group has moved on to another stage, so your post was not sent; "
                    "it is still in the box"
                )
            if stage is None or not stage.get("wall"):
                raise LiveError("this stage has no wall")
            result = conn.execute(
                w.insert().values(
                    session_id=session_id,
                    stage_id=stage["id"],
                    learner_id=learner.id,
                    text=text,
                    hidden=False,
                    spotlight=False,
                    created_at=now,
                )
            )
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    # reads
    def _polls(self, conn: sa.Connection, session_id: int) -> dict[str, PollState]:
        p = tables.live_polls
        rows = conn.execute(sa.select(p).where(p.c.session_id == session_id))
        return {r.poll_id: PollState(r.poll_id, r.state, bool(r.revealed)) for r in rows}

    def _answers(self, conn: sa.Connection, where: Any) -> list[Answer]:
        x = tables.live_answers
        rows = conn.execute(sa.select(x).where(where).order_by(x.c.updated_at))
        return [
            Answer(
                r.learner_id,
                r.poll_id,
                tuple(int(i) for i in r.choices),
                r.other,
                r.updated_at,
                bool(r.hidden),
            )
            for r in rows
        ]

    def _posts(
        self, conn: sa.Connection, session_id: int, *, names: bool, visible_only: bool
    ) -> list[Post]:
        w, lr = tables.live_posts, tables.learners
        query = (
            sa.select(w, lr.c.display_name)
            .join(lr, lr.c.id == w.c.learner_id)
            .where(w.c.session_id == session_id)
            .order_by(w.c.id)
        )
        if visible_only:
            query = query.where(w.c.hidden.is_(False))
        return [
            Post(
                r.id,
                r.stage_id,
                r.learner_id,
                r.display_name if names else None,
                r.text,
                bool(r.hidden),
                bool(r.spotlight),
                r.created_at,
            )
            for r in conn.execute(query)
        ]

    def find_learner_view(self, session_id: int, learner: Learner) -> LearnerView:
        s, x = tables.live_sessions, tables.live_answers
        with self._store._read() as conn:
            row = conn.execute(sa.select(s).where(s.c.id == session_id)).first()
            if row is None:
                raise LiveError("there is no such session")
            session = _session(row)
            polls = self._polls(conn, session_id)
            mine = self._answers(
                conn, sa.and_(x.c.session_id == session_id, x.c.learner_id == learner.id)
            )
            revealed = [p for p, st in polls.items() if st.revealed]
            shown = (
                self._answers(
                    conn, sa.and_(x.c.session_id == session_id, x.c.poll_id.in_(revealed))
                )
                if revealed
                else []
            )
            posts = self._posts(conn, session_id, names=session.show_names, visible_only=True)
        return LearnerView(
            session,
            polls,
            {a.poll_id: a for a in mine},
            {p: tally(session.poll(p), [a for a in shown if a.poll_id == p]) for p in revealed},
            posts,
        )

    def find_state(
        self, session_id: int, now: dt.datetime | None = None, *, share: float = ATTENDED_SHARE
    ) -> LiveState:
        """The whole session, as its instructor sees it."""
        now = self._now(now)
        s, x = tables.live_sessions, tables.live_answers
        with self._store._read() as conn:
            row = conn.execute(sa.select(s).where(s.c.id == session_id)).first()
            if row is None:
                raise LiveError("there is no such session")
            session = _session(row)
            polls = self._polls(conn, session_id)
            answers: dict[str, list[Answer]] = {}
            for answer in self._answers(conn, x.c.session_id == session_id):
                answers.setdefault(answer.poll_id, []).append(answer)
            posts = self._posts(conn, session_id, names=True, visible_only=False)
            roster = self._roster(conn, session, now, share)
        tallies = {
            st["poll"]["id"]: tally(st["poll"], answers.get(st["poll"]["id"], []))
            for st in session.agenda
            if st.get("poll")
        }
        return LiveState(session, polls, answers, tallies, posts, roster)

    def find_attended(
        self, learner: Learner, *, share: float = ATTENDED_SHARE
    ) -> list[tuple[LiveSession, Presence]]:
        """The ended sessions a learner attended (present for at least share of the planned
        minutes), oldest first: what a Part II certificate rests on."""
        s, a = tables.live_sessions, tables.live_attendance
        now = self._now(None)
        found = []
        with self._store._read() as conn:
            rows = conn.execute(
                sa.select(s)
                .where(
                    s.c.ended_at.is_not(None),
                    s.c.id.in_(sa.select(a.c.session_id).where(a.c.learner_id == learner.id)),
                )
                .order_by(s.c.ended_at)
            ).all()
            for row in rows:
                session = _session(row)
                mine = [
                    p for p in self._roster(conn, session, now, share) if p.learner_id == learner.id
                ]
                if mine and mine[0].attended:
                    found.append((session, mine[0]))
        return found

    def _roster(
        self, conn: sa.Connection, session: LiveSession, now: dt.datetime, share: float
    ) -> list[Presence]:
        a, lr = tables.live_attendance, tables.learners
        rows = conn.execute(
            sa.select(a, lr.c.display_name)
            .join(lr, lr.c.id == a.c.learner_id)
            .where(a.c.session_id == session.id)
            .order_by(a.c.id)
        ).all()
        end = session.ended_at or now
        by_learner: dict[int, list[Any]] = {}
        for r in rows:
            by_learner.setdefault(r.learner_id, []).append(r)
        roster = []
        for learner_id, spans in by_learner.items():
            present = False
            intervals = []
            for r in spans:
                if r.left_at is not None:
                    stop = r.left_at
                elif now - r.last_seen_at > DROPPED_AFTER:
                    stop = r.last_seen_at
                else:
                    stop, present = end, session.ended_at is None
                intervals.append((r.joined_at, max(r.joined_at, min(stop, end))))
            merged = _merged(intervals)
            minutes = 0.0
            if session.started_at is not None:
                for start, stop in merged:
                    start = max(start, session.started_at)
                    if stop > start:
                        minutes += (stop - start).total_seconds() / 60
            roster.append(
                Presence(
                    learner_id,
                    spans[0].display_name,
                    spans[0].joined_at,
                    max(r.last_seen_at for r in spans),
                    present,
                    round(minutes, 1),
                    minutes >= share * session.planned_minutes,
                    tuple(merged),
                )
            )
        roster.sort(key=lambda p: (p.name.casefold(), p.learner_id))
        return roster


def _session(row: Any) -> LiveSession:
    return LiveSession(
        id=row.id,
        code=row.code,
        scenario_id=row.scenario_id,
        title=row.title,
        agenda=tuple(row.agenda),
        planned_minutes=row.planned_minutes,
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        started_at=row.started_at,
        ended_at=row.ended_at,
        stage=row.stage,
        stage_started_at=row.stage_started_at,
        show_names=bool(row.show_names),
        version=row.version,
    )
