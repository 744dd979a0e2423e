"""The store's schema version: Alembic revisions, run by `espec db upgrade`, only checked by kernels.

Kernels never migrate: `check` reads one row and imports no Alembic, so a learner's page that opens
the store stays light; `upgrade` (the server before it serves, or `espec db upgrade`) runs the
frozen revisions in espec_widgets/store/alembic/versions/ in one transaction, one migrator at a time.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPTS = Path(__file__).with_name("alembic")
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008")
"""Every revision in order, oldest first; a test holds this to the scripts in SCRIPTS."""
HEAD = REVISIONS[-1]
LEGACY = {1: "0001", 2: "0002", 3: "0003"}
"""The hand-written migrations' last version (schema_migrations) -> the revision that matches it."""
MIGRATION_LOCK = 0x45535045  # 'ESPE': the advisory lock key that serialises migrators on PostgreSQL
UPGRADE = "run `espec db upgrade`"


class StoreVersionError(RuntimeError):
    """The database's schema is not the one this workbook was written for."""


def _legacy_version(conn: sa.Connection) -> int | None:
    """The last hand-written migration a database made before Alembic ran, if it is one."""
    if not sa.inspect(conn).has_table("schema_migrations"):
        return None
    return conn.execute(sa.text("SELECT max(version) FROM schema_migrations")).scalar()


def revision_of(conn: sa.Connection) -> str | None:
    """The database's revision: Alembic's, else the one matching its hand-written migrations."""
    inspector = sa.inspect(conn)
    if inspector.has_table("alembic_version"):
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    legacy = _legacy_version(conn)
    if legacy is None:
        return None
    return LEGACY.get(legacy, f"legacy schema {legacy}")


def check(conn: sa.Connection) -> str:
    """The database's revision if it is HEAD; else StoreVersionError saying what to run."""
    current = revision_of(conn)
    if current == HEAD:
        return current
    if current is None:
        raise StoreVersionError(f"the database has no workbook tables yet: {UPGRADE}")
    if current in REVISIONS:
        raise StoreVersionError(
            f"the database is at revision {current}, older than this workbook ({HEAD}): {UPGRADE}"
        )
    raise StoreVersionError(
        f"the database is at revision {current}, newer than this workbook ({HEAD}): "
        "update espec-workbook"
    )


def _config(conn: sa.Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = conn
    return config


def upgrade(engine: sa.Engine) -> tuple[str | None, str]:
    """Bring the database to HEAD in one transaction; (revision before, after).

    A database made by the hand-written migrations is stamped at the revision that matches it
    first. Safe when several servers start at once: the write lock (SQLite) or an advisory lock
    (PostgreSQL) lets one migrator in at a time, and the next finds nothing to do.
    """
    from alembic import command

    with engine.connect() as conn:
        conn.execution_options(espec_write=True)  # BEGIN IMMEDIATE on SQLite
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # A revision that rebuilds a table others refer to (0008: learners) needs SQLite's
            # foreign keys off, which only works outside a transaction; each such revision
            # runs `PRAGMA foreign_key_check` before it ends, so nothing dangles.
            _raw(conn).execute("PRAGMA foreign_keys=OFF")
        try:
            return _upgrade(conn, command)
        finally:
            if sqlite:
                _raw(conn).execute("PRAGMA foreign_keys=ON")


def _raw(conn: sa.Connection) -> Any:
    """The DBAPI connection under conn, without beginning a transaction."""
    return conn.connection.dbapi_connection


def _upgrade(conn: sa.Connection, command: Any) -> tuple[str | None, str]:
    with conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        before = revision_of(conn)
        if before is not None and before not in REVISIONS:
            check(conn)  # newer than us: say so, change nothing
        config = _config(conn)
        if before is not None and not sa.inspect(conn).has_table("alembic_version"):
            command.stamp(config, before)
        command.upgrade(config, "head")
        after = check(conn)
    return before, after
