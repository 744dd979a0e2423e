"""Forwarding to a real Learning Record Store: Ralph's own LRS on loopback (its file backend),
taken down in the middle of the stream and brought back. Every statement arrives exactly once.

The LRS is a separate process, started and stopped by the test; the workbook's forwarder talks
to it over HTTP with Basic credentials, as it would to any LRS.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from espec_widgets.store import Store, open_store, tables
from espec_widgets.xapi.forward import Forwarder, start_in_thread

from ..data.conftest import learner_with_everything
from ..pg import _free_port

USER, PASSWORD = "espec-forwarder", "not-a-real-secret-3141"
LAUNCH = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend

# Ralph's file backend (its development backend) creates its one file on the first write and
# refuses every later one (operation CREATE); an LRS on it must append.
FSDataBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""
URL = "https://espec.example.org/"


class RalphLRS:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/xAPI/"
        self.env = {
            **os.environ,
            "RALPH_APP_DIR": str(folder / "app"),
            "RALPH_AUTH_FILE": str(folder / "auth.json"),
            "RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT": "1000",
            "RALPH_RUNSERVER_BACKEND": "fs",  # Ralph reads it even to write credentials
        }
        folder.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen[bytes] | None = None
        self.log = folder / "lrs.log"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "ralph",
                "auth",
                "-u",
                USER,
                "-p",
                PASSWORD,
                "-s",
                "all",
                "-A",
                "lrs-admin",
                "https://lrs.example.org/",
                "-w",
            ],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        env = {
            **self.env,
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.folder / "data"),
        }
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", LAUNCH, str(self.port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text(errors="replace")[-2000:]
            try:
                if (
                    httpx.get(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=2).status_code
                    == 200
                ):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(
            "Ralph's LRS did not start: " + self.log.read_text(errors="replace")[-2000:]
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # down hard, as a crash or a network cut would be
            self.process.wait(timeout=30)
        self.process = None

    def statements(self) -> list[dict[str, Any]]:
        """Every statement the LRS returns, following its `more` links."""
        found: list[dict[str, Any]] = []
        url = self.url + "statements?limit=500"
        while url:
            answer = httpx.get(
                url,
                auth=(USER, PASSWORD),
                timeout=30,
                headers={"X-Experience-API-Version": "1.0.3"},
            )
            assert answer.status_code == 200, answer.text
            body = answer.json()
            found += body["statements"]
            more = body.get("more")
            url = f"http://127.0.0.1:{self.port}{more}" if more else ""
        return found

    def stored_lines(self) -> list[dict[str, Any]]:
        """What the LRS wrote to its file: duplicates would show here even if a query hid them."""
        return [
            json.loads(line)
            for p in sorted((self.folder / "data").glob("*.jsonl"))
            for line in p.read_text().splitlines()
            if line.strip()
        ]


@pytest.fixture
def lrs(tmp_path: Path) -> Iterator[RalphLRS]:
    server = RalphLRS(tmp_path / "lrs")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def store(store_url: str) -> Store:
    """The outbox on each engine: the forwarder and the pages share it."""
    return open_store(store_url, upgrade=True)


def _forwarder(store: Store, root: Path, lrs: RalphLRS, **kwargs: Any) -> Forwarder:
    return Forwarder(
        store,
        root,
        public_url=URL,
        lrs={"url": lrs.url, "username": USER, "password": PASSWORD},
        **kwargs,
    )


def _outbox(store: Store) -> list[Any]:
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(tables.xapi_outbox)).all())


def test_every_statement_arrives_once_across_an_outage(
    store: Store,
    lrs: RalphLRS,
    workbook: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("ESPEC_CACHE_DIR", str(tmp_path / "cache"))
    for k in range(4):
        learner_with_everything(store, f"Learner {k}")
    forwarder = _forwarder(store, workbook, lrs, batch=5, first_backoff=0.3, cap=1.0)
    queued = forwarder.sync()
    assert queued == 4 * 10  # ten statements each (the helper's own queued rows are there)
    store.outbox.update_delivered(  # the helper's placeholder rows are not statements
        [r.id for r in _outbox(store) if r.statement == {"id": "queued"}],
        now=dt.datetime.now(dt.UTC),
    )
    total = 40

    # Two batches reach the LRS; then it goes down in the middle of the stream.
    assert forwarder.deliver_batch() is not None and forwarder.deliver_batch() is not None
    assert store.outbox.find_counts()["delivered"] == 4 + 10
    lrs.stop()
    failed = forwarder.deliver_batch()
    assert failed is not None and failed.failed == 5 and "unreachable" in failed.error
    assert forwarder.deliver_batch() is None  # backing off: nothing is sent meanwhile
    rows = {r.id: r for r in _outbox(store)}
    waiting = [r for r in rows.values() if r.last_error]
    assert len(waiting) == 5 and all(r.attempts == 1 and r.delivered_at is None for r in waiting)
    # Learning goes on while the LRS is down: new events are queued, nothing is lost.
    late = store.add_learner("Learner late")
    store.data.add_visit(late, "minimal-case")
    store.add_response(late, "minimal-case", "who-decides", {"chosen": [0]}, correct=False)
    store.update_or_create_draft(late, "minimal-case", "own-reactions", "Words of my own here.")
    store.update_or_create_progress(late, "minimal-case", ["who-decides", "own-reactions"], 2)
    # launched, initialized, the answer, completed (the reflection waits until it has rested)
    assert forwarder.sync() == 4
    total += 4
    time.sleep(0.4)
    again = forwarder.deliver_batch()
    assert again is not None and again.failed == 5  # still down: the wait grows
    assert max(r.attempts for r in _outbox(store)) == 2

    # Back up: the forwarder's own loop, in a thread, delivers the rest.
    lrs.start()
    stop = threading.Event()
    worker = threading.Thread(
        target=forwarder.run, args=(stop,), kwargs={"every": 0.2, "sync_every": 0.5}
    )
    worker.start()
    try:
        deadline = time.monotonic() + 60
        while store.outbox.find_counts()["queued"] and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        stop.set()
        worker.join(timeout=30)
    assert store.outbox.find_counts() == {"queued": 0, "delivered": total + 4, "failing": 0}

    # An answer lost on the way back: the forwarder sends a batch again, and the LRS keeps one.
    resent = [r.id for r in _outbox(store) if r.statement != {"id": "queued"}][:5]
    with store.engine.begin() as conn:
        o = tables.xapi_outbox
        conn.execute(o.update().where(o.c.id.in_(resent)).values(delivered_at=None))
    forwarder.paused_until = None
    assert forwarder.deliver().sent == 5

    ours = [r.id for r in _outbox(store) if r.statement != {"id": "queued"}]
    assert len(ours) == total
    got = Counter(s["id"] for s in lrs.statements())
    assert got == Counter(ours), "every statement exactly once"
    assert Counter(s["id"] for s in lrs.stored_lines()) == Counter(ours)
    stored = {s["id"]: s for s in lrs.statements()}
    sample = next(r for r in _outbox(store) if r.id == ours[0])
    assert stored[sample.id]["verb"] == sample.statement["verb"]
    assert stored[sample.id]["actor"] == sample.statement["actor"]
    # The log says what happened without the credentials or anyone's words.
    text = caplog.text
    assert "statements wait" in text and PASSWORD not in text and "Learner" not in text


def test_the_server_forwards_only_when_an_lrs_is_configured(
    store: Store, lrs: RalphLRS, workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESPEC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ESPEC_DB_URL", store.engine.url.render_as_string(hide_password=False))
    monkeypatch.delenv("ESPEC_LRS_URL", raising=False)
    assert start_in_thread(workbook) is None
    learner_with_everything(store)
    monkeypatch.setenv("ESPEC_LRS_URL", lrs.url)
    monkeypatch.setenv("ESPEC_LRS_USERNAME", USER)
    monkeypatch.setenv("ESPEC_LRS_PASSWORD", PASSWORD)
    monkeypatch.setenv("ESPEC_PUBLIC_URL", URL)
    stop = start_in_thread(workbook)
    assert stop is not None
    try:
        deadline = time.monotonic() + 60
        while len(lrs.statements()) < 10 and time.monotonic() < deadline:
            time.sleep(0.3)
    finally:
        stop.set()
    assert len(lrs.statements()) == 10
    # The helper's placeholder row is no statement: the LRS refused it alone, and it waits with
    # its error without holding up the others.
    (refused,) = [r for r in _outbox(store) if r.delivered_at is None]
    assert refused.statement == {"id": "queued"} and refused.last_error.startswith("LRS refused")


def test_the_command_line_forwards_and_counts(
    store: Store,
    lrs: RalphLRS,
    workbook: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from espec_widgets.cli import main

    monkeypatch.setenv("ESPEC_CACHE_DIR", str(tmp_path / "cache"))
    url = store.engine.url.render_as_string(hide_password=False)
    args = ["--root", str(workbook), "xapi"]
    monkeypatch.delenv("ESPEC_LRS_URL", raising=False)
    assert main([*args, "forward", "--once", "--url", url]) == 2
    assert "no LRS is configured" in capsys.readouterr().err
    learner = store.add_learner("Eve")
    store.data.add_visit(learner, "minimal-case")
    monkeypatch.setenv("ESPEC_LRS_URL", lrs.url)
    monkeypatch.setenv("ESPEC_LRS_USERNAME", USER)
    monkeypatch.setenv("ESPEC_LRS_PASSWORD", PASSWORD)
    assert main([*args, "forward", "--once", "--url", url]) == 0
    assert capsys.readouterr().out.strip() == "queued 2; delivered 2"
    assert main([*args, "status", "--url", url]) == 0
    assert capsys.readouterr().out.strip() == "queued 0, delivered 2, failing 0"
    lrs.stop()
    store.add_response(learner, "minimal-case", "who-decides", {"chosen": [1]}, correct=True)
    assert main([*args, "forward", "--once", "--url", url]) == 1
    out = capsys.readouterr().out
    assert out.startswith("queued 1; delivered 0; 1 wait for a retry (LRS unreachable")
    assert PASSWORD not in out
    assert main([*args, "status", "--url", url]) == 0
    assert capsys.readouterr().out.strip() == "queued 1, delivered 2, failing 1"


def test_a_statement_an_lrs_always_fails_does_not_hold_up_the_rest(
    store: Store, workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An LRS, or a proxy before it, that answers 500 to any batch holding one statement (not a
    content refusal): after a few tries the batch goes one by one and the rest get through."""
    import http.server

    monkeypatch.setenv("ESPEC_CACHE_DIR", str(tmp_path / "cache"))
    stored: list[str] = []
    poison: set[str] = set()

    class Picky(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            batch = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            ok = not poison & {s["id"] for s in batch}
            if ok:
                stored.extend(s["id"] for s in batch)
            self.send_response(200 if ok else 500)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Picky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        learner = store.add_learner("Gil")
        store.data.add_visit(learner, "minimal-case")
        store.add_response(learner, "minimal-case", "who-decides", {"chosen": [1]}, correct=True)
        forwarder = Forwarder(
            store,
            workbook,
            public_url=URL,
            lrs={"url": f"http://127.0.0.1:{server.server_address[1]}/xAPI/"},
            first_backoff=0.01,
            cap=60.0,
        )
        assert forwarder.sync() == 3
        ids = [r.id for r in _outbox(store)]
        poison.add(ids[1])
        for _ in range(3):
            forwarder.paused_until = None  # skip the (tiny) waits between tries
            time.sleep(0.05)
            forwarder.deliver()
        assert sorted(stored) == sorted(set(ids) - poison)
        (waiting,) = [r for r in _outbox(store) if r.delivered_at is None]
        assert waiting.id in poison and waiting.last_error == "LRS refused the statement (500)"
        assert store.outbox.find_counts() == {"queued": 1, "delivered": 2, "failing": 1}
    finally:
        server.shutdown()
