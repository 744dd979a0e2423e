"""The store: learners, every submitted response, and reflection drafts, through SQLAlchemy."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..storable_text import UnstorableText, why_unstorable
from . import migrations, tables
from .migrations import HEAD, StoreVersionError

if TYPE_CHECKING:
    from .credit import CreditRecords
    from .learner_data import LearnerData
    from .live import LiveRecords
    from .outbox import Outbox

__all__ = [
    "HEAD",
    "CaseProgress",
    "Draft",
    "InvalidToken",
    "Learner",
    "Response",
    "Store",
    "StoreVersionError",
    "UnstorableText",
    "current",
    "default_url",
    "open_store",
    "upgrade",
]

from ..config import URL_ENV as URL_ENV
from ..config import settings

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")
MAX_NAME = 80
SECRET_BYTES = 32
PRIVATE_FOLDER, PRIVATE_FILE = 0o700, 0o600
"""Learners' names and work are readable by the account that serves the workbook, no other."""
POOL = {"pool_size": 1, "max_overflow": 2}
"""Connections per process (a kernel, the server): one kept open, two more at a burst; see
docs/serving.md for the budget this gives a server and a PostgreSQL."""
RECYCLE = 1800
"""Seconds before a PostgreSQL connection is replaced (idle ones are also pinged before use)."""

log = logging.getLogger(__name__)


def default_folder() -> Path:
    """The per-user data folder that holds the default SQLite file."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("espec-workbook", appauthor=False))


def default_url() -> str:
    """$ESPEC_DB_URL, else a SQLite file in the per-user data folder (never the served folder)."""
    if url := settings().db_url:
        return url
    return f"sqlite:///{default_folder() / 'workbook.db'}"


class InvalidToken(ValueError):
    """A resume token that is malformed or belongs to no learner."""


@dataclass(frozen=True)
class Learner:
    id: int
    token: str
    display_name: str
    hub_user: str | None


@dataclass(frozen=True)
class Response:
    case_id: str
    activity_id: str
    payload: Any
    correct: bool | None
    created_at: dt.datetime


@dataclass(frozen=True)
class Draft:
    case_id: str
    activity_id: str
    text: str
    revision: int
    updated_at: dt.datetime


@dataclass(frozen=True)
class CaseProgress:
    """How far a learner is in one case, as its page last reported (see CasePage)."""

    case_id: str
    done: tuple[str, ...]
    total: int
    updated_at: dt.datetime


def _tighten(path: Path, mode: int) -> None:
    """Take away the group's and others' access to path if it has any (and we may)."""
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(mode)
    except FileNotFoundError:
        pass
    except OSError as exc:  # not ours to change: say so, and carry on
        log.warning("the store's %s is open to other users; could not tighten it: %s", path, exc)


def _private_sqlite_file(path: Path) -> None:
    """Create the store's folder 0700 and its file 0600, and tighten ours if they are looser.

    SQLite gives its -wal and -shm files the database file's mode, so creating the file before
    SQLite opens it covers them too. A folder someone named that we did not create (/tmp, say)
    is never changed; the per-user default folder is the workbook's own.
    """
    folder = path.parent
    if not folder.exists():
        folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)  # parents: default modes
        folder.chmod(PRIVATE_FOLDER)  # exactly, whatever the umask
    elif folder.stat().st_mode & 0o077 and folder.resolve() == default_folder().resolve():
        _tighten(folder, PRIVATE_FOLDER)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:  # an existing store, or another kernel created it just now
        for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            _tighten(file, PRIVATE_FILE)


def _sqlite_engine(url: str) -> sa.Engine:
    path = sa.make_url(url).database
    if path and path != ":memory:" and not path.startswith("file:"):
        if os.name == "posix":
            _private_sqlite_file(Path(path))
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30}, hide_parameters=True, **POOL)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a learner's answer, once saved, survives a power cut too (WAL's NORMAL may lose
        # the last commits); each save is one short transaction, so the extra fsync is cheap.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # A write takes the write lock up front (a deferred transaction that later writes can
        # fail with SQLITE_BUSY without waiting for the busy timeout); a read takes no lock,
        # so WAL lets it run while another connection writes.
        write = conn.get_execution_options().get(WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    # hide_parameters: a database error, logged, never quotes a learner's text
    return sa.create_engine(
        url, hide_parameters=True, pool_pre_ping=True, pool_recycle=RECYCLE, **POOL
    )


WRITE = "espec_write"
"""The execution option that marks a write transaction (BEGIN IMMEDIATE on SQLite)."""


def _check_storable(*values: Any) -> None:
    """Refuse text the database cannot keep, anywhere in values (strings, lists, dict keys)."""
    for value in values:
        if isinstance(value, str):
            if (problem := why_unstorable(value)) is not None:
                raise UnstorableText(problem)
        elif isinstance(value, dict):
            _check_storable(*value.keys(), *value.values())
        elif isinstance(value, list | tuple):
            _check_storable(*value)


def _insert(conn: sa.Connection) -> Any:
    """The dialect's INSERT, which has ON CONFLICT (SQLite and PostgreSQL; no other is supported)."""
    dialect = conn.dialect.name
    if dialect not in {"sqlite", "postgresql"}:
        raise NotImplementedError(f"the store runs on SQLite or PostgreSQL, not {dialect}")
    return import_module(f"sqlalchemy.dialects.{dialect}").insert


def _insert_if_missing(conn: sa.Connection, table: sa.Table, **values: Any) -> None:
    """INSERT ... ON CONFLICT DO NOTHING, for the primary key: the first writer wins."""
    dialect = conn.dialect.name
    if dialect in {"sqlite", "postgresql"}:
        insert = import_module(f"sqlalchemy.dialects.{dialect}").insert
        conn.execute(insert(table).values(**values).on_conflict_do_nothing())
        return
    try:  # other databases: the same in a savepoint
        with conn.begin_nested():
            conn.execute(table.insert().values(**values))
    except sa.exc.IntegrityError:
        pass


class Store:
    """A facade with consistent verbs: add_, find_, update_or_create_.

    The add and update methods refuse text the database cannot keep (a lone surrogate, NUL and
    other control characters) with UnstorableText, whose message is for the learner.
    """

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(**{WRITE: True})
        self._secrets: dict[str, bytes] = {}
        self._live: LiveRecords | None = None
        self._credit: CreditRecords | None = None
        self._data: LearnerData | None = None
        self._outbox: Outbox | None = None

    @property
    def live(self) -> LiveRecords:
        """Live sessions (Part II): sessions, polls, answers, wall posts and attendance."""
        if self._live is None:
            from .live import LiveRecords

            self._live = LiveRecords(self)
        return self._live

    @property
    def credit(self) -> CreditRecords:
        """Credit: post-test attempts, evaluations and certificates."""
        if self._credit is None:
            from .credit import CreditRecords

            self._credit = CreditRecords(self)
        return self._credit

    @property
    def data(self) -> LearnerData:
        """The learner's own data: case visits, the whole record, its deletion."""
        if self._data is None:
            from .learner_data import LearnerData

            self._data = LearnerData(self)
        return self._data

    @property
    def outbox(self) -> Outbox:
        """xAPI statements waiting for, or delivered to, the Learning Record Store."""
        if self._outbox is None:
            from .outbox import Outbox

            self._outbox = Outbox(self)
        return self._outbox

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        """A read: no write lock, rolled back at the end (it changed nothing)."""
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        """One short write transaction, committed at the end."""
        with self._writer.begin() as conn:
            yield conn

    @staticmethod
    def _now() -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    # learners
    @staticmethod
    def _name(display_name: str) -> str:
        name = " ".join(display_name.split())[:MAX_NAME]
        if not name:
            raise ValueError("a display name is needed")
        return name

    def add_learner(self, display_name: str, *, hub_user: str | None = None) -> Learner:
        _check_storable(display_name, hub_user)
        name = self._name(display_name)
        token = secrets.token_urlsafe(24)  # 32 characters, 192 bits
        with self._write() as conn:
            result = conn.execute(
                tables.learners.insert().values(
                    token=token, display_name=name, hub_user=hub_user, created_at=self._now()
                )
            )
            learner_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        return Learner(learner_id, token, name, hub_user)

    def find_learner(self, token: str) -> Learner:
        """The learner a resume token belongs to; InvalidToken says whether it was malformed."""
        if not isinstance(token, str) or not TOKEN_PATTERN.match(token):
            raise InvalidToken("this resume link is not valid (it looks cut short or altered)")
        with self._read() as conn:
            row = conn.execute(
                sa.select(tables.learners).where(tables.learners.c.token == token)
            ).first()
        if row is None:
            raise InvalidToken("this resume link does not match any learner on this server")
        return Learner(row.id, row.token, row.display_name, row.hub_user)

    def find_name_taken(self, display_name: str) -> bool:
        """Whether a learner (not a JupyterHub user) already goes by this name, ignoring case and
        spacing: a second "Ana Reyes" is asked whether she meant to resume instead.

        A scan of one column, once per new learner; a class of thousands costs milliseconds.
        """
        _check_storable(display_name)
        name = self._name(display_name).casefold()
        t = tables.learners
        with self._read() as conn:
            names = conn.execute(sa.select(t.c.display_name).where(t.c.hub_user.is_(None)))
            return any(n.casefold() == name for n in names.scalars())

    def update_learner_token(self, learner: Learner) -> Learner:
        """Give the learner a new resume token: the old link stops working at once."""
        token = secrets.token_urlsafe(24)
        t = tables.learners
        with self._write() as conn:
            done = conn.execute(t.update().where(t.c.id == learner.id).values(token=token))
            if done.rowcount != 1:
                raise InvalidToken("this learner is no longer on this server")
        return Learner(learner.id, token, learner.display_name, learner.hub_user)

    def update_or_create_hub_learner(self, hub_user: str, display_name: str) -> Learner:
        """The hub user's learner, made on the first visit: one statement, so concurrent first
        visits agree on one row (the first name given stays)."""
        _check_storable(hub_user, display_name)
        t = tables.learners
        with self._write() as conn:
            insert = _insert(conn)(t).values(
                token=secrets.token_urlsafe(24),
                display_name=self._name(display_name),
                hub_user=hub_user,
                created_at=self._now(),
            )
            row = conn.execute(
                insert.on_conflict_do_update(
                    index_elements=[t.c.hub_user], set_={"hub_user": insert.excluded.hub_user}
                ).returning(t.c.id, t.c.token, t.c.display_name, t.c.hub_user)
            ).one()
        return Learner(row.id, row.token, row.display_name, row.hub_user)

    # responses: append-only
    def add_response(
        self,
        learner: Learner,
        case_id: str,
        activity_id: str,
        payload: Any,
        *,
        correct: bool | None,
    ) -> None:
        _check_storable(case_id, activity_id, payload)
        with self._write() as conn:
            conn.execute(
                tables.responses.insert().values(
                    learner_id=learner.id,
                    case_id=case_id,
                    activity_id=activity_id,
                    payload=payload,
                    correct=correct,
                    created_at=self._now(),
                )
            )

    def find_responses(self, learner: Learner, case_id: str) -> list[Response]:
        r = tables.responses
        with self._read() as conn:
            rows = conn.execute(
                sa.select(r)
                .where(r.c.learner_id == learner.id, r.c.case_id == case_id)
                .order_by(r.c.id)
            ).all()
        return [
            Response(x.case_id, x.activity_id, x.payload, x.correct, x.created_at) for x in rows
        ]

    # drafts
    def update_or_create_draft(
        self, learner: Learner, case_id: str, activity_id: str, text: str
    ) -> int:
        """Save a reflection draft; returns its new revision number.

        One INSERT ... ON CONFLICT DO UPDATE: concurrent saves of one draft each get their own
        revision, with no gap, on both engines.
        """
        _check_storable(case_id, activity_id, text)
        d = tables.drafts
        with self._write() as conn:
            insert = _insert(conn)(d).values(
                learner_id=learner.id,
                case_id=case_id,
                activity_id=activity_id,
                text=text,
                revision=1,
                updated_at=self._now(),
            )
            revision = conn.execute(
                insert.on_conflict_do_update(
                    index_elements=[d.c.learner_id, d.c.case_id, d.c.activity_id],
                    set_={
                        "text": insert.excluded.text,
                        "revision": d.c.revision + 1,
                        "updated_at": insert.excluded.updated_at,
                    },
                ).returning(d.c.revision)
            ).scalar_one()
        return int(revision)

    def find_drafts(self, learner: Learner, case_id: str) -> dict[str, Draft]:
        d = tables.drafts
        with self._read() as conn:
            rows = conn.execute(
                sa.select(d).where(d.c.learner_id == learner.id, d.c.case_id == case_id)
            ).all()
        return {
            x.activity_id: Draft(x.case_id, x.activity_id, x.text, x.revision, x.updated_at)
            for x in rows
        }

    # progress: one row per learner and case, written by the case page
    def update_or_create_progress(
        self, learner: Learner, case_id: str, done: list[str], total: int
    ) -> None:
        """Record which activities of a case are done (and that the learner opened it)."""
        _check_storable(case_id, done)
        p = tables.progress
        with self._write() as conn:
            now = self._now()
            insert = _insert(conn)(p).values(
                learner_id=learner.id,
                case_id=case_id,
                done=list(done),
                total=total,
                updated_at=now,
                completed_at=now if total and len(set(done)) >= total else None,
            )
            conn.execute(
                insert.on_conflict_do_update(
                    index_elements=[p.c.learner_id, p.c.case_id],
                    set_={
                        **{c: insert.excluded[c] for c in ("done", "total", "updated_at")},
                        # the first completion stays: reopening a finished case is not finishing it
                        "completed_at": sa.func.coalesce(
                            p.c.completed_at, insert.excluded.completed_at
                        ),
                    },
                )
            )

    def find_progress(self, learner: Learner) -> dict[str, CaseProgress]:
        """Every case the learner has opened, with what the page last reported."""
        p = tables.progress
        with self._read() as conn:
            rows = conn.execute(sa.select(p).where(p.c.learner_id == learner.id)).all()
        return {
            x.case_id: CaseProgress(
                x.case_id,
                tuple(str(i) for i in x.done) if isinstance(x.done, list) else (),
                x.total,
                x.updated_at,
            )
            for x in rows
        }

    def find_latest_results(self, learner: Learner) -> dict[tuple[str, str], bool]:
        """(case, activity) -> whether the learner's last graded answer there was right."""
        r = tables.responses
        query = (
            sa.select(r.c.case_id, r.c.activity_id, r.c.correct)
            .where(r.c.learner_id == learner.id, r.c.correct.is_not(None))
            .order_by(r.c.id)
        )
        with self._read() as conn:
            return {
                (row.case_id, row.activity_id): bool(row.correct) for row in conn.execute(query)
            }

    def find_cases_with_work(self, learner: Learner) -> set[str]:
        """Cases where the learner has any response or draft (work from before progress rows)."""
        r, d = tables.responses, tables.drafts
        query = sa.union(
            sa.select(r.c.case_id).where(r.c.learner_id == learner.id),
            sa.select(d.c.case_id).where(d.c.learner_id == learner.id),
        )
        with self._read() as conn:
            return {row[0] for row in conn.execute(query)}

    # server secrets: one random value per name and deployment, never shown to a browser
    def find_or_add_secret(self, name: str) -> bytes:
        """The deployment's secret `name`, made on first use; read once per Store (per kernel).

        Kernels that start at once may all find it missing: each inserts its own candidate, the
        first insert wins and every kernel reads the winner.
        """
        if (cached := self._secrets.get(name)) is not None:
            return cached
        s = tables.server_secrets
        query = sa.select(s.c.value).where(s.c.name == name)
        with self._read() as conn:
            value = conn.execute(query).scalar()
        if value is None:
            with self._write() as conn:
                _insert_if_missing(
                    conn,
                    s,
                    name=name,
                    value=secrets.token_hex(SECRET_BYTES),
                    created_at=self._now(),
                )
                value = conn.execute(query).scalar_one()
        self._secrets[name] = secret = bytes.fromhex(value)
        return secret


def open_store(url: str | None = None, *, upgrade: bool = False) -> Store:
    """Connect to the store; nothing happens on import.

    A kernel only checks that the database is at this workbook's revision (StoreVersionError
    says which command to run if not); upgrade=True, for the server and `espec db upgrade`,
    creates or upgrades it first.
    """
    engine = _engine(url or default_url())
    try:
        if upgrade:
            migrations.upgrade(engine)
        else:
            with engine.connect() as conn:
                migrations.check(conn)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)


def upgrade(url: str | None = None) -> tuple[str | None, str]:
    """Create or upgrade the database to this workbook's revision: (revision before, after)."""
    engine = _engine(url or default_url())
    try:
        return migrations.upgrade(engine)
    finally:
        engine.dispose()


def current(url: str | None = None) -> str | None:
    """The database's revision (None: no workbook tables yet); changes nothing."""
    engine = _engine(url or default_url())
    try:
        with engine.connect() as conn:
            return migrations.revision_of(conn)
    finally:
        engine.dispose()
