"""Versioned migrations: each step runs once, in order, inside one transaction, recorded by number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa

from . import tables

Step = Callable[[sa.Connection], None]


def _v1_initial(conn: sa.Connection) -> None:
    for table in (tables.learners, tables.responses, tables.drafts):
        table.create(conn, checkfirst=True)


def _v2_progress(conn: sa.Connection) -> None:
    tables.progress.create(conn, checkfirst=True)


def _v3_server_secrets(conn: sa.Connection) -> None:
    tables.server_secrets.create(conn, checkfirst=True)


MIGRATION_LOCK = 0x45535045  # 'ESPE': the advisory lock key that serialises migrators on PostgreSQL

MIGRATIONS: list[tuple[int, str, Step]] = [
    (1, "learners, responses, drafts", _v1_initial),
    (2, "progress per case, for the navigator", _v2_progress),
    (3, "server secrets (the key of the sequence exercises' starting order)", _v3_server_secrets),
]
LATEST = MIGRATIONS[-1][0]


class StoreVersionError(RuntimeError):
    """The database was written by a newer version of the workbook."""


def migrate(engine: sa.Engine) -> int:
    """Bring the database to LATEST; safe when several processes start at once."""
    with engine.begin() as conn:  # BEGIN IMMEDIATE on SQLite: one migrator at a time
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        tables.schema_migrations.create(conn, checkfirst=True)
        done = {row.version for row in conn.execute(sa.select(tables.schema_migrations.c.version))}
        if done and max(done) > LATEST:
            raise StoreVersionError(
                f"the database is at schema {max(done)}, newer than this workbook ({LATEST}); "
                "update espec-widgets"
            )
        for version, name, step in MIGRATIONS:
            if version in done:
                continue
            step(conn)
            conn.execute(
                tables.schema_migrations.insert().values(
                    version=version, name=name, applied_at=dt.datetime.now(dt.UTC)
                )
            )
    return LATEST
