"""A change feed over the store: how a kernel learns, cheaply, that shared state has changed.

Live sessions keep every piece of shared state in the store, so that a second server sees what
the first wrote. A kernel waiting for "the instructor moved to the next stage" must not re-read
the tables in a loop; it waits on a feed, then re-reads. One interface, two engines:

- PostgreSQL: `LISTEN` on a dedicated autocommit connection (psycopg 3); writers call `announce`
  inside their transaction (`pg_notify`), so a notification is delivered only if, and only after,
  the change commits. The payload says what changed (a session id, for instance).
- SQLite: no notifications exist, so the feed polls `PRAGMA data_version` on its own connection,
  at most `POLL_HZ` times a second. The value changes when any other connection commits; the feed
  cannot tell what changed, so it reports `ANY`.

Either way a notification can be missed (a dropped connection, a reconnect), so readers also
re-read the full state on (re)connect and every few seconds: a missed notification costs seconds,
never correctness. An idle feed sleeps in `select` (PostgreSQL) or in short sleeps between one
cheap pragma (SQLite), so an idle kernel stays near 0% CPU.
"""

from __future__ import annotations

import select
import sqlite3
import time
from typing import Protocol

import sqlalchemy as sa

CHANNEL = "espec_live"
ANY = "*"
"""What an SQLite feed reports: something in the database changed (it cannot say what)."""
POLL_HZ = 2.0
MAX_PAYLOAD = 200
"""PostgreSQL allows 8000 bytes; we send ids only."""


class ChangeFeed(Protocol):
    def wait(self, timeout: float) -> set[str]:
        """Block up to timeout seconds; what changed since the last call (empty: nothing)."""

    def close(self) -> None: ...


class SQLiteFeed:
    """Polls `PRAGMA data_version` on a connection of its own (the value is per connection)."""

    def __init__(self, path: str) -> None:
        self._conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self._version = self._read()

    def _read(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, timeout: float) -> set[str]:
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            now = self._read()
            if now != self._version:
                self._version = now
                return {ANY}
            left = deadline - time.monotonic()
            if left <= 0:
                return set()
            time.sleep(min(1.0 / POLL_HZ, left))

    def close(self) -> None:
        self._conn.close()


class PostgresFeed:
    """`LISTEN` on a dedicated autocommit connection; `wait` sleeps in `select` on its socket.

    Notifications are read from libpq's own queue (psycopg's `pgconn`), so several that arrive
    together are all returned by one `wait` (psycopg's `notifies()` generator drops what it has
    read past its `stop_after`).
    """

    def __init__(self, dsn: str, channel: str = CHANNEL) -> None:
        import psycopg

        self._conn = psycopg.connect(dsn, autocommit=True)
        self._conn.execute(f"LISTEN {channel}")  # a fixed identifier, never user input

    def _drain(self) -> set[str]:
        pg = self._conn.pgconn
        pg.consume_input()
        found = set()
        while (note := pg.notifies()) is not None:
            found.add(note.extra.decode("utf-8", "replace"))
        return found

    def wait(self, timeout: float) -> set[str]:
        found = self._drain()
        deadline = time.monotonic() + max(timeout, 0.0)
        while not found:
            left = deadline - time.monotonic()
            if left <= 0:
                return found
            ready, _, _ = select.select([self._conn.fileno()], [], [], left)
            if ready:
                found = self._drain()
        time.sleep(0.02)  # others sent in the same breath come with it
        return found | self._drain()

    def close(self) -> None:
        self._conn.close()


def open_feed(url: str, channel: str = CHANNEL) -> ChangeFeed:
    """The feed for the store at url (the same URL the store opens)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise ValueError("a change feed needs an SQLite file, not an in-memory database")
        return SQLiteFeed(parsed.database)
    if parsed.get_backend_name() == "postgresql":
        dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        return PostgresFeed(dsn, channel)
    raise ValueError(f"no change feed for {parsed.get_backend_name()} databases")


def announce(conn: sa.Connection, key: str, channel: str = CHANNEL) -> None:
    """Within a writer's transaction: tell the feeds that `key` changed, once it commits.

    On SQLite the commit itself is the announcement (`data_version`), so this does nothing.
    """
    if conn.dialect.name != "postgresql":
        return
    if not key or len(key) > MAX_PAYLOAD:
        raise ValueError("a change is announced by a short id")
    conn.execute(sa.text("SELECT pg_notify(:channel, :key)"), {"channel": channel, "key": key})
