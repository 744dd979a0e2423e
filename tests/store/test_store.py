"""The store on a real SQLite file and a real PostgreSQL: identity, append-only history, drafts,
the revision check, concurrency."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import os
import re
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from espec_widgets.store import (
    HEAD,
    InvalidToken,
    Store,
    StoreVersionError,
    UnstorableText,
    _insert_if_missing,
    open_store,
    tables,
)


@pytest.fixture
def url(store_url: str) -> str:
    """Each test that takes url runs on SQLite and on PostgreSQL."""
    return store_url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'nested' / 'workbook.db'}"


def test_file_is_created_in_wal_mode_and_migrated(sqlite_url: str, tmp_path: Path) -> None:
    url = sqlite_url
    store = open_store(url, upgrade=True)
    path = tmp_path / "nested" / "workbook.db"
    assert path.exists()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
    open_store(url)  # a second open checks, migrates nothing and fails on nothing
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_a_kernel_never_migrates_it_says_which_command_to_run(url: str) -> None:
    with pytest.raises(StoreVersionError, match=r"no workbook tables yet: run `espec db upgrade`"):
        open_store(url)
    store = open_store(url, upgrade=True)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0002'")
    with pytest.raises(StoreVersionError) as older:
        open_store(url)
    assert str(older.value) == (
        f"the database is at revision 0002, older than this workbook ({HEAD}): "
        "run `espec db upgrade`"
    )


def test_newer_database_is_refused(url: str) -> None:
    store = open_store(url, upgrade=True)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreVersionError, match=r"newer than this workbook.*update espec-workbook"):
        open_store(url)
    with pytest.raises(StoreVersionError, match="newer than this workbook"):
        open_store(url, upgrade=True)


def test_learners_and_tokens(url: str) -> None:
    store = open_store(url, upgrade=True)
    ana = store.add_learner("  Ana \n  Reyes ")
    assert ana.display_name == "Ana Reyes"
    assert len(ana.token) == 32
    assert store.find_learner(ana.token) == ana
    other = store.add_learner("Ana Reyes")
    assert other.token != ana.token and other.id != ana.id
    with pytest.raises(InvalidToken, match="not valid"):
        store.find_learner(ana.token[:-1])
    with pytest.raises(InvalidToken, match="not valid"):
        store.find_learner("' OR 1=1 --" + "x" * 21)
    with pytest.raises(InvalidToken, match="does not match any learner"):
        store.find_learner("A" * 32)
    with pytest.raises(ValueError, match="display name"):
        store.add_learner("   ")
    assert len(store.add_learner("x" * 500).display_name) == 80


def test_hub_user_maps_to_one_learner(url: str) -> None:
    store = open_store(url, upgrade=True)
    first = store.update_or_create_hub_learner("jdoe", "jdoe")
    assert store.update_or_create_hub_learner("jdoe", "jdoe") == first


def test_responses_are_an_append_only_history(url: str) -> None:
    store = open_store(url, upgrade=True)
    ana, ben = store.add_learner("Ana"), store.add_learner("Ben")
    store.add_response(ana, "case-a", "q1", {"chosen": [1]}, correct=False)
    store.add_response(ana, "case-a", "q1", {"chosen": [0]}, correct=True)
    store.add_response(ana, "case-b", "q1", {"chosen": [2]}, correct=True)
    store.add_response(ben, "case-a", "q1", {"chosen": [3]}, correct=False)
    history = store.find_responses(ana, "case-a")
    assert [(r.payload, r.correct) for r in history] == [
        ({"chosen": [1]}, False),
        ({"chosen": [0]}, True),
    ]
    assert history[0].created_at <= history[1].created_at
    assert [r.payload for r in store.find_responses(ben, "case-a")] == [{"chosen": [3]}]
    # The last graded answer per activity; ungraded work (correct None) is not a result.
    store.add_response(ana, "case-b", "q1", {"chosen": [1]}, correct=False)
    store.add_response(ana, "case-b", "talk", {"path": []}, correct=None)
    assert store.find_latest_results(ana) == {("case-a", "q1"): True, ("case-b", "q1"): False}
    assert store.find_latest_results(ben) == {("case-a", "q1"): False}


def test_drafts_keep_the_latest_text_with_a_revision(url: str) -> None:
    store = open_store(url, upgrade=True)
    ana, ben = store.add_learner("Ana"), store.add_learner("Ben")
    assert store.update_or_create_draft(ana, "c", "r1", "first") == 1
    assert store.update_or_create_draft(ana, "c", "r1", "second") == 2
    store.update_or_create_draft(ben, "c", "r1", "ben's")
    drafts = store.find_drafts(ana, "c")
    assert drafts["r1"].text == "second" and drafts["r1"].revision == 2
    assert store.find_drafts(ben, "c")["r1"].text == "ben's"
    hostile = "'); DROP TABLE drafts; --\t<script>alert(1)</script>\r\n" + "é😀" * 1000
    store.update_or_create_draft(ana, "c", "r2", hostile)
    assert store.find_drafts(ana, "c")["r2"].text == hostile


@pytest.mark.parametrize(
    "bad", ["half an emoji \ud83d", "\udfff", "NUL\x00", "bell\x07", "escape\x1b[31m", "\x0c"]
)
def test_text_the_database_cannot_keep_is_refused_and_nothing_changes(url: str, bad: str) -> None:
    store = open_store(url, upgrade=True)
    ana = store.add_learner("Ana")
    store.update_or_create_draft(ana, "c", "r", "Kept.")
    store.add_response(ana, "c", "q", {"chosen": [0]}, correct=True)
    with pytest.raises(UnstorableText, match="cannot be saved") as refused:
        store.update_or_create_draft(ana, "c", "r", bad)
    assert bad not in str(refused.value), "the message never quotes the text"
    with pytest.raises(UnstorableText):
        store.add_learner(bad)
    with pytest.raises(UnstorableText):
        store.update_or_create_hub_learner(bad, bad)
    with pytest.raises(UnstorableText):
        store.add_response(ana, "c", "q", {"text": [bad]}, correct=None)
    with pytest.raises(UnstorableText):
        store.add_response(ana, "c", "q", {bad: 1}, correct=None)
    with pytest.raises(UnstorableText):
        store.update_or_create_progress(ana, "c", [bad], 1)
    assert store.find_drafts(ana, "c")["r"].text == "Kept."
    assert store.find_drafts(ana, "c")["r"].revision == 1
    assert [r.payload for r in store.find_responses(ana, "c")] == [{"chosen": [0]}]
    assert store.find_progress(ana) == {}
    with store.engine.begin() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM learners").scalar() == 1


WRITERS = 8
PER_WRITER = 25


def _writer(url: str, token: str, n: int, out: Path) -> None:
    """Write PER_WRITER responses and drafts for a learner of one's own and for the shared one."""
    store = open_store(url)
    shared, own = store.find_learner(token), store.add_learner(f"Writer {n}")
    revisions = []
    for i in range(PER_WRITER):
        store.add_response(own, "case", "q", {"chosen": [i]}, correct=None)
        store.add_response(shared, "case", f"q{n}", {"chosen": [i], "writer": n}, correct=None)
        assert store.update_or_create_draft(own, "case", "r", f"revision {i}") == i + 1
        revisions.append(store.update_or_create_draft(shared, "case", "r", f"{n}: {i}"))
    out.write_text(json.dumps({"token": own.token, "revisions": revisions}))


def test_eight_processes_writing_at_once_lose_nothing(url: str, tmp_path: Path) -> None:
    store = open_store(url, upgrade=True)
    shared = store.add_learner("Shared")
    ctx = mp.get_context("spawn")
    outs = [tmp_path / f"writer-{n}.json" for n in range(WRITERS)]
    procs = [
        ctx.Process(target=_writer, args=(url, shared.token, n, outs[n])) for n in range(WRITERS)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=180)
    assert [p.exitcode for p in procs] == [0] * WRITERS
    results = [json.loads(out.read_text()) for out in outs]
    for result in results:
        own = store.find_learner(result["token"])
        assert [r.payload["chosen"][0] for r in store.find_responses(own, "case")] == list(
            range(PER_WRITER)
        )
        assert store.find_drafts(own, "case")["r"].revision == PER_WRITER
    rows = store.find_responses(shared, "case")
    assert len(rows) == WRITERS * PER_WRITER
    for n in range(WRITERS):
        mine = [r.payload["chosen"][0] for r in rows if r.payload["writer"] == n]
        assert mine == list(range(PER_WRITER)), "each writer's history is complete and in order"
    given = sorted(r for result in results for r in result["revisions"])
    assert given == list(range(1, WRITERS * PER_WRITER + 1)), "one revision each, no gap"
    for result in results:
        assert result["revisions"] == sorted(result["revisions"])
    assert store.find_drafts(shared, "case")["r"].revision == WRITERS * PER_WRITER
    if url.startswith("sqlite"):
        with sqlite3.connect(str(sa.make_url(url).database)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_read_does_not_wait_for_a_writer(url: str) -> None:
    """A 2 s write transaction holds the write lock; a read meanwhile answers at once."""
    store = open_store(url, upgrade=True)
    ana = store.add_learner("Ana")
    store.add_response(ana, "c", "q", {"chosen": [0]}, correct=True)
    writing, done = threading.Event(), threading.Event()

    def slow_writer() -> None:
        with store._write() as conn:
            conn.execute(
                tables.responses.insert().values(
                    learner_id=ana.id,
                    case_id="c",
                    activity_id="q",
                    payload={"chosen": [1]},
                    correct=None,
                    created_at=dt.datetime.now(dt.UTC),
                )
            )
            writing.set()
            done.wait(timeout=2)

    writer = threading.Thread(target=slow_writer)
    writer.start()
    assert writing.wait(timeout=10)
    started = time.perf_counter()
    seen = store.find_responses(ana, "c")
    waited = time.perf_counter() - started
    done.set()
    writer.join()
    assert [r.payload for r in seen] == [{"chosen": [0]}], "the uncommitted write is not seen"
    assert waited < 0.5, f"the read waited {waited:.2f} s for the writer"
    assert len(store.find_responses(ana, "c")) == 2


def test_store_takes_any_sqlite_engine(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    from espec_widgets.store.migrations import upgrade

    upgrade(engine)
    store = Store(engine)
    learner = store.add_learner("Ana")
    assert store.find_learner(learner.token).display_name == "Ana"


def test_progress_is_one_row_per_learner_and_case(url: str) -> None:
    store = open_store(url, upgrade=True)
    ana, ben = store.add_learner("Ana"), store.add_learner("Ben")
    store.update_or_create_progress(ana, "c", [], 3)
    first = store.find_progress(ana)["c"]
    store.update_or_create_progress(ana, "c", ["a", "b"], 3)
    row = store.find_progress(ana)["c"]
    assert (row.done, row.total) == (("a", "b"), 3)
    assert row.updated_at >= first.updated_at
    assert store.find_progress(ben) == {}
    with store.engine.begin() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM progress").scalar() == 1


def test_a_server_secret_is_made_once_and_read_once_per_store(url: str, tmp_path: Path) -> None:
    store = open_store(url, upgrade=True)
    statements: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    secret = store.find_or_add_secret("shuffle")
    assert isinstance(secret, bytes) and len(secret) == 32
    made = len(statements)
    assert store.find_or_add_secret("shuffle") == secret
    assert len(statements) == made, "cached: asked again, the store runs no query"
    assert open_store(url, upgrade=True).find_or_add_secret("shuffle") == secret, (
        "the same for every kernel"
    )
    assert store.find_or_add_secret("other") != secret
    elsewhere = open_store(f"sqlite:///{tmp_path / 'elsewhere.db'}", upgrade=True)
    assert elsewhere.find_or_add_secret("shuffle") != secret, "random per deployment"

    reader = open_store(url, upgrade=True)
    statements.clear()
    sa.event.listen(
        reader.engine, "before_cursor_execute", lambda *args: statements.append(args[2])
    )
    reader.find_or_add_secret("shuffle")
    queries = [s.split()[0] for s in statements if not s.startswith("BEGIN")]
    assert queries == ["SELECT"], "an existing secret: one query"


def test_a_secret_added_meanwhile_wins_over_ours(url: str) -> None:
    """The race on PostgreSQL: another kernel inserts between our read and our insert."""
    store = open_store(url, upgrade=True)
    row = {"name": "shuffle", "created_at": dt.datetime.now(dt.UTC)}
    with store.engine.begin() as conn:
        _insert_if_missing(conn, tables.server_secrets, value="ab" * 32, **row)
        _insert_if_missing(conn, tables.server_secrets, value="cd" * 32, **row)  # no error
    assert store.find_or_add_secret("shuffle") == bytes.fromhex("ab" * 32)


def _secret_reader(url: str, barrier: Any, out: Path) -> None:
    store = Store(open_store(url, upgrade=True).engine)
    barrier.wait()
    out.write_text(store.find_or_add_secret("shuffle").hex())


def test_kernels_starting_at_once_agree_on_one_secret(url: str, tmp_path: Path) -> None:
    open_store(url, upgrade=True)  # migrated: the processes race on the secret alone
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(4)
    outs = [tmp_path / f"secret-{n}" for n in range(4)]
    procs = [ctx.Process(target=_secret_reader, args=(url, barrier, out)) for out in outs]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * 4
    secrets = {out.read_text() for out in outs}
    assert len(secrets) == 1
    assert bytes.fromhex(secrets.pop()) == open_store(url, upgrade=True).find_or_add_secret(
        "shuffle"
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The loosest umask: every mode the store ends up with is its own doing."""
    old = os.umask(0)
    yield
    os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.usefixtures("open_umask")
def test_a_new_store_is_private_to_its_user(tmp_path: Path) -> None:
    folder = tmp_path / "made" / "here"
    store = open_store(f"sqlite:///{folder / 'workbook.db'}", upgrade=True)
    store.update_or_create_draft(store.add_learner("Ana"), "c", "r", "Private.")
    assert _mode(folder) == 0o700
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == ["workbook.db", "workbook.db-shm", "workbook.db-wal"]
    assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_an_open_store_file_is_tightened_but_a_named_folder_is_left_alone(
    tmp_path: Path,
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # like /tmp: someone else's folder
    path = shared / "workbook.db"
    ana = open_store(f"sqlite:///{path}", upgrade=True).add_learner("Ana")
    path.chmod(0o644)
    wal = path.with_name("workbook.db-wal")
    wal.touch(mode=0o666)
    wal.chmod(0o666)
    store = open_store(f"sqlite:///{path}", upgrade=True)
    assert _mode(path) == 0o600 and _mode(wal) == 0o600
    assert _mode(shared) == 0o1777
    assert store.find_learner(ana.token) == ana


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_the_default_folder_is_tightened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ESPEC_DB_URL")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    folder = tmp_path / "data" / "espec-workbook"
    folder.mkdir(parents=True)
    folder.chmod(0o755)
    (tmp_path / "data").chmod(0o755)
    open_store(upgrade=True)
    assert _mode(folder) == 0o700
    assert _mode(folder / "workbook.db") == 0o600
    assert _mode(tmp_path / "data") == 0o755, "only the workbook's own folder is changed"


def test_a_database_error_never_quotes_the_learners_text(url: str) -> None:
    """Pages log store failures; SQLAlchemy's errors would otherwise carry the parameters."""
    store = open_store(url, upgrade=True)
    ana = store.add_learner("Ana")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE drafts")
    with pytest.raises(sa.exc.DBAPIError) as failed:
        store.update_or_create_draft(ana, "c", "r", "MARKER my private reflection")
    assert "MARKER" not in str(failed.value)
    assert re.search(r"no such table: drafts|relation \"drafts\" does not exist", str(failed.value))
