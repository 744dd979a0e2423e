"""Benchmark: does forwarding learning records slow a learner's page?

A store (a SQLite file, the embedded default) holding a class: L learners, each with answers,
a reflection, progress and a case visit. The page's write path is what a case page does on each
save: `add_response` (one write transaction) and `update_visit_seen`. It is timed for S saves
in three conditions, each in the same run:

- baseline: no forwarder;
- forwarding: `espec xapi forward`'s own loop in another process, against a local LRS that
  accepts everything, syncing and delivering as fast as it can (every 0.05 s, not every 5 s);
- LRS down: the same loop against a closed port, so that every round is a failed delivery.

The forwarder's sync (making every statement from the class's rows) is also timed. Several
runs; medians. Last line:

    learners=L saves=S statements=N sync_s=X baseline_p50_ms=A baseline_p95_ms=B forwarding_p50_ms=C forwarding_p95_ms=D down_p95_ms=E

Run: `./workbook bench xapi` or `.venv/bin/python benchmarks/xapi.py --learners 200 --runs 5`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.server
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _serving import PROJECT, free_port


class _Sink(http.server.BaseHTTPRequestHandler):
    """An LRS that stores nothing and says yes: the forwarder's work, not an LRS's, is measured."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"[]")

    def log_message(self, *args: Any) -> None:
        pass


def _class(url: str, learners: int) -> None:
    from espec_widgets.store import open_store

    store = open_store(url, upgrade=True)
    for k in range(learners):
        learner = store.add_learner(f"Learner {k:04d}")
        store.data.add_visit(learner, "minimal-case")
        for n in range(5):
            store.add_response(
                learner, "minimal-case", "who-decides", {"chosen": [n % 3]}, correct=n % 3 == 1
            )
        store.update_or_create_draft(learner, "minimal-case", "own-reactions", "Words " * 40)
        store.update_or_create_progress(
            learner, "minimal-case", ["who-decides", "own-reactions"], 2
        )
    store.engine.dispose()


def _forward(url: str, root: str, lrs_url: str, stop: Any) -> None:
    import logging

    from espec_widgets.store import open_store
    from espec_widgets.xapi.forward import Forwarder

    logging.basicConfig(level=logging.ERROR)  # the "down" run warns at every round

    forwarder = Forwarder(
        open_store(url),
        Path(root),
        public_url="https://espec.example.org/",
        lrs={"url": lrs_url},
        first_backoff=0.05,
        cap=0.1,
    )
    event = threading.Event()
    threading.Thread(target=lambda: (stop.wait(), event.set()), daemon=True).start()
    forwarder.run(event, every=0.05, sync_every=0.05)


def _saves(url: str, count: int) -> list[float]:
    from espec_widgets.store import open_store
    from espec_widgets.store.learner_data import Visit

    store = open_store(url)
    learner = store.add_learner(f"Timed {time.time_ns()}")
    visit = store.data.add_visit(learner, "minimal-case")
    times = []
    for n in range(count):
        t0 = time.perf_counter()
        store.add_response(
            learner, "minimal-case", "who-decides", {"chosen": [n % 3]}, correct=False
        )
        old = Visit(
            visit.id,
            visit.case_id,
            visit.resumed,
            visit.started_at,
            visit.last_seen_at - dt.timedelta(hours=1),
        )
        visit = store.data.update_visit_seen(old)  # forced: a page writes it at most once a minute
        times.append(time.perf_counter() - t0)
    store.engine.dispose()
    return times


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        import shutil

        shutil.copytree(PROJECT / "tests" / "fixtures" / "data", folder / "wb" / "data")
        os.environ["ESPEC_CACHE_DIR"] = str(folder / "cache")
        url = f"sqlite:///{folder / 'store.db'}"
        _class(url, args.learners)

        from espec_widgets.store import open_store
        from espec_widgets.xapi.statements import Catalogue, Maker

        store = open_store(url)
        syncs, statements = [], 0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            made = list(
                Maker(
                    store, Catalogue.of(folder / "wb"), "https://espec.example.org/"
                ).for_learners()
            )
            syncs.append(time.perf_counter() - t0)
            statements = len(made)
        store.engine.dispose()

        sink = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Sink)
        threading.Thread(target=sink.serve_forever, daemon=True).start()
        up = f"http://127.0.0.1:{sink.server_address[1]}/xAPI/"
        down = f"http://127.0.0.1:{free_port()}/xAPI/"
        results: dict[str, list[tuple[float, float]]] = {
            "baseline": [],
            "forwarding": [],
            "down": [],
        }
        ctx = mp.get_context("spawn")
        for run in range(args.runs):
            for condition in ("baseline", "forwarding", "down"):
                stop = ctx.Event()
                worker = None
                if condition != "baseline":
                    lrs = up if condition == "forwarding" else down
                    worker = ctx.Process(target=_forward, args=(url, str(folder / "wb"), lrs, stop))
                    worker.start()
                    time.sleep(3.0)  # imported and past its first (full) sync
                times = _saves(url, args.saves)
                stop.set()
                if worker is not None:
                    worker.join(timeout=30)
                results[condition].append((_p(times, 0.5), _p(times, 0.95)))
                print(
                    f"run {run + 1} {condition}: p50 {1000 * _p(times, 0.5):.2f} ms, "
                    f"p95 {1000 * _p(times, 0.95):.2f} ms",
                    flush=True,
                )
        sink.shutdown()

    def median(condition: str, k: int) -> float:
        return 1000 * statistics.median(r[k] for r in results[condition])

    print(
        f"learners={args.learners} saves={args.saves} statements={statements} "
        f"sync_s={statistics.median(syncs):.2f} "
        f"baseline_p50_ms={median('baseline', 0):.2f} baseline_p95_ms={median('baseline', 1):.2f} "
        f"forwarding_p50_ms={median('forwarding', 0):.2f} forwarding_p95_ms={median('forwarding', 1):.2f} "
        f"down_p95_ms={median('down', 1):.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
