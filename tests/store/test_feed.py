"""The store's change feed on both engines: a commit elsewhere wakes a waiting reader, a quiet
store lets it sleep, and on PostgreSQL only committed announcements arrive."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from espec_widgets.store import open_store
from espec_widgets.store.feed import ANY, announce, open_feed
from tests.pg import new_database


def _write(url: str, key: str) -> None:
    """A change as another kernel would make it: a row, and its announcement, in one commit."""
    store = open_store(url)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE server_secrets SET name = name"))  # any write
        announce(conn, key)
    store.add_learner("Somebody")  # a commit SQLite's feed can see
    store.engine.dispose()


def test_a_quiet_store_lets_the_reader_sleep(store_url: str) -> None:
    open_store(store_url, upgrade=True).engine.dispose()
    feed = open_feed(store_url)
    try:
        assert feed.wait(0.3) == set()
    finally:
        feed.close()


def test_a_commit_elsewhere_wakes_the_reader(store_url: str) -> None:
    open_store(store_url, upgrade=True).engine.dispose()
    feed = open_feed(store_url)
    try:
        writer = threading.Timer(0.2, _write, args=(store_url, "session-7"))
        writer.start()
        seen = feed.wait(10)
        writer.join()
        expected = {ANY} if store_url.startswith("sqlite") else {"session-7"}
        assert seen == expected
        assert feed.wait(0.3) == set(), "each change is told once"
    finally:
        feed.close()


def test_postgresql_tells_only_what_committed(postgres_server: str) -> None:
    store_url = new_database(postgres_server)
    store = open_store(store_url, upgrade=True)
    feed = open_feed(store_url)
    try:
        with store.engine.connect() as conn, conn.begin() as tx:
            announce(conn, "rolled-back")
            tx.rollback()
        assert feed.wait(0.5) == set()
        with store.engine.begin() as conn:
            announce(conn, "a")
            announce(conn, "b")
        assert feed.wait(5) == {"a", "b"}
        with store.engine.begin() as conn, pytest.raises(ValueError):
            announce(conn, "x" * 500)
    finally:
        feed.close()
        store.engine.dispose()


def test_a_feed_needs_a_file_or_a_server() -> None:
    with pytest.raises(ValueError, match="SQLite file"):
        open_feed("sqlite://")
