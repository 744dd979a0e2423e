"""The store: learners, every submitted response, and reflection drafts, through SQLAlchemy."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import secrets
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..storable_text import UnstorableText, why_unstorable
from . import tables
from .migrations import LATEST, StoreVersionError, migrate

__all__ = [
    "LATEST",
    "CaseProgress",
    "Draft",
    "InvalidToken",
    "Learner",
    "Response",
    "Store",
    "StoreVersionError",
    "UnstorableText",
    "default_url",
    "open_store",
]

URL_ENV = "ESPEC_DB_URL"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")
MAX_NAME = 80
SECRET_BYTES = 32
PRIVATE_FOLDER, PRIVATE_FILE = 0o700, 0o600
"""Learners' names and work are readable by the account that serves the workbook, no other."""

log = logging.getLogger(__name__)


def default_folder() -> Path:
    """The per-user data folder that holds the default SQLite file."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("espec-workbook", appauthor=False))


def default_url() -> str:
    """$ESPEC_DB_URL, else a SQLite file in the per-user data folder (never the served folder)."""
    if url := os.environ.get(URL_ENV):
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
    engine = sa.create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # Take the write lock up front: a deferred transaction that later writes can fail with
        # SQLITE_BUSY without waiting for the busy timeout.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


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
        self._secrets: dict[str, bytes] = {}

    @staticmethod
    def _now() -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    # learners
    def add_learner(self, display_name: str, *, hub_user: str | None = None) -> Learner:
        _check_storable(display_name, hub_user)
        name = " ".join(display_name.split())[:MAX_NAME]
        if not name:
            raise ValueError("a display name is needed")
        token = secrets.token_urlsafe(24)  # 32 characters, 192 bits
        with self.engine.begin() as conn:
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
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(tables.learners).where(tables.learners.c.token == token)
            ).first()
        if row is None:
            raise InvalidToken("this resume link does not match any learner on this server")
        return Learner(row.id, row.token, row.display_name, row.hub_user)

    def update_or_create_hub_learner(self, hub_user: str, display_name: str) -> Learner:
        _check_storable(hub_user, display_name)
        for _ in range(2):  # a concurrent first visit may create the row between our steps
            with self.engine.begin() as conn:
                row = conn.execute(
                    sa.select(tables.learners).where(tables.learners.c.hub_user == hub_user)
                ).first()
            if row is not None:
                return Learner(row.id, row.token, row.display_name, row.hub_user)
            try:
                return self.add_learner(display_name, hub_user=hub_user)
            except sa.exc.IntegrityError:
                continue
        raise RuntimeError(f"could not create or find the hub learner {hub_user!r}")

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
        with self.engine.begin() as conn:
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
        with self.engine.begin() as conn:
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
        """Save a reflection draft; returns its new revision number."""
        _check_storable(case_id, activity_id, text)
        for attempt in range(2):
            try:
                return self._write_draft(learner, case_id, activity_id, text)
            except sa.exc.IntegrityError:
                # Another connection created the same draft first (possible on PostgreSQL,
                # where transactions do not take the write lock up front): update it instead.
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _write_draft(self, learner: Learner, case_id: str, activity_id: str, text: str) -> int:
        d = tables.drafts
        key = (
            (d.c.learner_id == learner.id)
            & (d.c.case_id == case_id)
            & (d.c.activity_id == activity_id)
        )
        with self.engine.begin() as conn:
            current = conn.execute(sa.select(d.c.revision).where(key).with_for_update()).scalar()
            if current is None:
                conn.execute(
                    d.insert().values(
                        learner_id=learner.id,
                        case_id=case_id,
                        activity_id=activity_id,
                        text=text,
                        revision=1,
                        updated_at=self._now(),
                    )
                )
                return 1
            conn.execute(
                d.update()
                .where(key)
                .values(text=text, revision=current + 1, updated_at=self._now())
            )
            return int(current) + 1

    def find_drafts(self, learner: Learner, case_id: str) -> dict[str, Draft]:
        d = tables.drafts
        with self.engine.begin() as conn:
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
        key = (p.c.learner_id == learner.id) & (p.c.case_id == case_id)
        values = {"done": list(done), "total": total, "updated_at": self._now()}
        for attempt in range(2):
            try:
                with self.engine.begin() as conn:
                    found = conn.execute(sa.select(p.c.case_id).where(key).with_for_update())
                    if found.first() is None:
                        conn.execute(
                            p.insert().values(learner_id=learner.id, case_id=case_id, **values)
                        )
                    else:
                        conn.execute(p.update().where(key).values(**values))
                return
            except sa.exc.IntegrityError:  # a concurrent first write won (PostgreSQL)
                if attempt:
                    raise

    def find_progress(self, learner: Learner) -> dict[str, CaseProgress]:
        """Every case the learner has opened, with what the page last reported."""
        p = tables.progress
        with self.engine.begin() as conn:
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

    def find_cases_with_work(self, learner: Learner) -> set[str]:
        """Cases where the learner has any response or draft (work from before progress rows)."""
        r, d = tables.responses, tables.drafts
        query = sa.union(
            sa.select(r.c.case_id).where(r.c.learner_id == learner.id),
            sa.select(d.c.case_id).where(d.c.learner_id == learner.id),
        )
        with self.engine.begin() as conn:
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
        with self.engine.begin() as conn:
            value = conn.execute(query).scalar()
            if value is None:
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


def open_store(url: str | None = None) -> Store:
    """Connect (creating and migrating the database if needed). Nothing happens on import."""
    url = url or default_url()
    if url.startswith("sqlite"):
        engine = _sqlite_engine(url)
    else:  # hide_parameters: a database error, logged, never quotes a learner's text
        engine = sa.create_engine(url, hide_parameters=True)
    migrate(engine)
    return Store(engine)
