"""Alembic revisions: frozen, the same tables the hand-written migrations made, old databases kept whole."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from espec_widgets.cli import main
from espec_widgets.store import HEAD, StoreVersionError, current, open_store, upgrade
from espec_widgets.store.migrations import LEGACY, REVISIONS, SCRIPTS
from tests.pg import new_database

from . import legacy

LEGACY_TABLES = ["drafts", "learners", "progress", "responses", "server_secrets"]
"""What the hand-written migrations made (revisions 0001 to 0004 match them)."""
LIVE_TABLES = ["live_answers", "live_attendance", "live_polls", "live_posts", "live_sessions"]
CREDIT_TABLES = ["certificates", "evaluations", "posttest_attempts"]
DATA_TABLES = ["case_visits", "xapi_outbox"]
OURS = sorted([*LEGACY_TABLES, "staff_keys", *LIVE_TABLES, *CREDIT_TABLES, *DATA_TABLES])


@pytest.fixture
def other_url(store_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A second empty database on store_url's engine."""
    if store_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'other.db'}"
    return new_database(request.getfixturevalue("postgres_server"))


def test_the_revision_list_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(SCRIPTS))
    assert script.get_heads() == [HEAD]
    walked = [r.revision for r in script.walk_revisions()]  # newest first
    assert walked[::-1] == list(REVISIONS)


def test_revisions_are_frozen() -> None:
    """A revision that reads today's tables.py changes with it: the first schema change breaks
    every fresh database (issue 10). Each spells out its own columns."""
    for path in sorted((SCRIPTS / "versions").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "espec_widgets" not in text and "tables" not in text.replace("_table", ""), path


def _schema(url: str, only: list[str] | None = None) -> dict[str, Any]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        found = sorted(set(inspector.get_table_names()) - {"alembic_version", "schema_migrations"})
        assert found == OURS if only is None else set(only) <= set(found)
        schema: dict[str, Any] = {}
        for table in only or OURS:
            schema[table] = {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"], c.get("default"))
                    for c in inspector.get_columns(table)
                ],
                "pk": inspector.get_pk_constraint(table)["constrained_columns"],
                "unique": sorted(
                    (u["name"], tuple(u["column_names"]))
                    for u in inspector.get_unique_constraints(table)
                ),
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), i["unique"])
                    for i in inspector.get_indexes(table)
                ),
                "foreign_keys": sorted(
                    (
                        f["name"],
                        tuple(f["constrained_columns"]),
                        f["referred_table"],
                        tuple(f["referred_columns"]),
                    )
                    for f in inspector.get_foreign_keys(table)
                ),
            }
        if conn.dialect.name == "sqlite":  # the very DDL
            schema["sql"] = [
                row
                for row in conn.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE '%alembic%'"
                    " AND name NOT LIKE '%schema_migrations%' AND sql IS NOT NULL ORDER BY name"
                )
                if only is None or any(t in row[0] for t in only)
            ]
    engine.dispose()
    return schema


def _upgrade_to(url: str, revision: str) -> None:
    from alembic import command

    from espec_widgets.store.migrations import _config

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        command.upgrade(_config(conn), revision)
    engine.dispose()


def test_the_revisions_make_what_the_hand_written_migrations_made(
    store_url: str, other_url: str
) -> None:
    legacy.make(store_url, 3).dispose()
    _upgrade_to(other_url, LEGACY[3])  # later revisions change learners (0008: xapi_text)
    old, new = _schema(store_url, LEGACY_TABLES), _schema(other_url, LEGACY_TABLES)
    assert old["responses"]["indexes"] == [
        ("ix_responses_learner_case", ("learner_id", "case_id"), False)
    ]
    assert new == old


@pytest.mark.parametrize("version", [1, 2, 3])
def test_an_old_database_is_upgraded_with_every_row_intact(store_url: str, version: int) -> None:
    engine = legacy.make(store_url, version)
    rows = legacy.fill(engine, version)
    engine.dispose()
    with pytest.raises(StoreVersionError, match=f"at revision {LEGACY[version]}, older"):
        open_store(store_url)
    assert current(store_url) == LEGACY[version]
    assert upgrade(store_url) == (LEGACY[version], HEAD)
    assert upgrade(store_url) == (HEAD, HEAD), "a second upgrade does nothing"
    store = open_store(store_url)
    with store.engine.connect() as conn:
        assert not sa.inspect(conn).has_table("schema_migrations")
    for learner in rows["learners"]:
        found = store.find_learner(learner["token"])
        assert (found.id, found.display_name, found.hub_user) == (
            learner["id"],
            learner["display_name"],
            learner["hub_user"],
        )
        for case in ("case-0", "case-1"):
            expected = [
                r for r in rows["responses"] if r["learner_id"] == found.id and r["case_id"] == case
            ]
            got = store.find_responses(found, case)
            assert [(r.activity_id, r.payload, r.correct, r.created_at) for r in got] == [
                (r["activity_id"], r["payload"], r["correct"], r["created_at"]) for r in expected
            ]
            assert all(r.created_at.tzinfo is not None for r in got)
        (draft,) = [d for d in rows["drafts"] if d["learner_id"] == found.id]
        kept = store.find_drafts(found, "case-0")["r1"]
        assert (kept.text, kept.revision, kept.updated_at) == (
            draft["text"],
            draft["revision"],
            draft["updated_at"],
        )
        assert store.update_or_create_draft(found, "case-0", "r1", "after") == draft["revision"] + 1
        progress = store.find_progress(found)
        if version >= 2:
            (done,) = [p for p in rows["progress"] if p["learner_id"] == found.id]
            assert progress["case-0"].done == tuple(done["done"])
            assert progress["case-0"].updated_at == done["updated_at"]
        else:
            assert progress == {}
    if version >= 3:
        assert store.find_or_add_secret("shuffle") == bytes.fromhex("ab" * 32)
    else:
        assert len(store.find_or_add_secret("shuffle")) == 32
    bob = store.update_or_create_hub_learner("bokafor", "someone else")
    assert bob.id == 2 and bob.display_name == "Ben Okafor"
    # A new learner gets a fresh number (PostgreSQL's sequence advanced past the old rows; an
    # ON CONFLICT upsert may use up a number, so "after the old ones" is all that is promised).
    assert store.add_learner("New").id > max(learner["id"] for learner in rows["learners"])


def _upgrader(url: str) -> None:
    upgrade(url)


def test_servers_upgrading_at_once_agree(store_url: str) -> None:
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_upgrader, args=(store_url,)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * 4
    assert current(store_url) == HEAD


def test_espec_db_upgrade_and_current(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    legacy.fill(legacy.make(url, 2), 2)
    assert main(["db", "current", "--url", url]) == 1
    assert capsys.readouterr().out == f"0002 (this workbook: {HEAD})\n"
    assert main(["db", "upgrade", "--url", url]) == 0
    assert capsys.readouterr().out == f"the database was at 0002; it is at {HEAD}\n"
    assert main(["db", "upgrade", "--url", url]) == 0
    assert "ok: the database is at" in capsys.readouterr().out
    assert main(["db", "current", "--url", url]) == 0
    with sqlite3.connect(tmp_path / "old.db") as conn:
        assert conn.execute("SELECT count(*) FROM responses").fetchone() == (9,)
    with sqlite3.connect(tmp_path / "newer.db") as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES ('9999')")
    assert main(["db", "upgrade", "--url", f"sqlite:///{tmp_path / 'newer.db'}"]) == 1
    err = capsys.readouterr().err
    assert "newer than this workbook" in err and "update espec-workbook" in err


def test_the_code_s_tables_are_what_the_revisions_make(store_url: str, other_url: str) -> None:
    """tables.py (what the code reads and writes) and the frozen revisions agree, column by
    column: a column added to one and not the other fails here, not on a learner's page."""
    from espec_widgets.store import tables

    upgrade(store_url)
    engine = sa.create_engine(other_url)
    tables.metadata.create_all(engine)
    engine.dispose()
    made, declared = _schema(store_url), _schema(other_url)
    for table in OURS:
        for part in ("columns", "pk", "indexes", "foreign_keys"):
            got = made[table][part]
            want = declared[table][part]
            if part == "foreign_keys":  # constraint names differ by engine; the links must not
                got, want = [f[1:] for f in got], [f[1:] for f in want]
            assert got == want, (table, part)
