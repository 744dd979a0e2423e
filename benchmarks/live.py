"""Benchmark: a live session with a class of learners, on SQLite and on PostgreSQL.

A real staff server (`espec serve --staff`) and store; the instructor's console open in Debian's
Chromium; N simulated learners, each a separate process running the learner kernel's own code
(`LiveLearner`: join with the code, follow the session through the change feed, answer, post).
Each round the instructor moves to the next stage, opens its poll, and every learner answers at
the same moment (a burst). Measured per round:

- tally: from the last learner's answer being saved to the console showing every answer;
- stage: from the instructor's click on the next stage to each learner's page having it;
- baseline: from the same click to a bare change feed in this process waking (what the feed
  itself costs, measured in the same run, so the learners' figure can be read against it).

Then the learners sit idle in the session for a while and each reports its own CPU use. Last line:

    backend=B learners=N answers=A lost=L tally_p50_s=X tally_p95_s=Y stage_p95_s=Z idle_cpu_pct=C

Targets (issue 12), on both engines with N=100: lost=0, tally_p95_s <= 1.0, stage_p95_s <= 2.0,
idle_cpu_pct < 1. Run: `./workbook bench live` or

    .venv/bin/python benchmarks/live.py --backend sqlite --learners 100 --rounds 5
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import os
import queue
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _serving import CHROMIUM, CHROMIUM_ARGS, PROJECT, built_copy, environment, serve

SCENARIO = "family-conflict-meeting"


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# -- one learner: a process of its own, running the learner kernel's code ------------------------
def learner_process(url: str, code: str, index: int, commands: Any, events: Any) -> None:
    os.environ["ESPEC_DB_URL"] = url
    from espec_widgets.live.learner import LiveLearner
    from espec_widgets.store import open_store

    store = open_store(url)
    me = store.add_learner(f"Learner {index:03d}")
    page = LiveLearner(store, url)
    page.start(me)
    page.observe(
        lambda change: events.put(("stage", index, change["new"].get("index"), time.time())),
        "stage",
    )
    page.join(code)
    events.put(("ready", index, page.phase, time.time()))
    while True:
        command = commands.get()
        if command[0] == "answer":
            _, poll_id, options, at = command
            deadline = time.monotonic() + 15
            while (page.stage.get("poll") or {}).get("state") != "open":
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            time.sleep(max(0.0, at - time.time()))  # everyone at once
            page.answer_poll(poll_id, [index % options], None)
            ok = page.answer.get("choices") == [index % options]
            events.put(("answered", index, ok, time.time()))
        elif command[0] == "post":
            page.post(f"Learner {index} would sit down with the family first.", confirmed=True)
            events.put(("posted", index, page.status == "Posted to the wall.", time.time()))
        elif command[0] == "idle":
            seconds = command[1]
            cpu, wall = time.process_time(), time.monotonic()
            time.sleep(seconds)
            used = (time.process_time() - cpu) / (time.monotonic() - wall) * 100
            events.put(("cpu", index, used, time.time()))
        elif command[0] == "stop":
            page.leave()
            events.put(("stopped", index, True, time.time()))
            return


# -- the run -------------------------------------------------------------------------------------
@contextlib.contextmanager
def store_url(backend: str, tmp: Path, learners: int) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp / 'live.db'}"
        return
    from tests.pg import cluster, new_database

    # Each learner process holds its pool connection and its listener; the servers more.
    with cluster(max_connections=3 * learners + 100) as server:
        yield new_database(server)


def _collect(events: Any, kind: str, n: int, timeout: float, match: Any = None) -> list[tuple]:
    found: list[tuple] = []
    deadline = time.monotonic() + timeout
    while len(found) < n:
        try:
            event = events.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        if event[0] == kind and (match is None or match(event)):
            found.append(event)
    return found


def run(backend: str, n: int, rounds: int, idle: float) -> dict[str, Any]:
    from playwright.sync_api import expect, sync_playwright

    from espec_widgets.store import open_store
    from espec_widgets.store.feed import open_feed

    with tempfile.TemporaryDirectory(prefix="espec-live-bench-") as folder:
        tmp = Path(folder)
        with store_url(backend, tmp, n) as url:
            env = environment(tmp, PROJECT)
            env["ESPEC_DB_URL"] = url
            root = built_copy(tmp, env, project=PROJECT)
            store = open_store(url, upgrade=True)
            key = store.live.add_staff_key("Benchmark")
            with serve(root, env, ["--staff"]) as staff, sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1200, "height": 900})
                page.set_default_timeout(120_000)
                page.goto(staff.url + "/voila/render/console.ipynb")
                page.get_by_label("Instructor key").fill(key)
                page.get_by_role("button", name="Open the console").click()
                page.get_by_role("button", name=f"Start a session of {store_title(root)}").click()
                line = page.get_by_text("Join code: ")
                expect(line).to_be_visible()
                code = line.inner_text().split("Join code: ", 1)[1][:6]
                session = next(s for s in store.live.find_sessions() if s.code == code)

                ctx = mp.get_context("spawn")
                events = ctx.Queue()
                inboxes = [ctx.Queue() for _ in range(n)]
                procs = [
                    ctx.Process(
                        target=learner_process, args=(url, code, i, inboxes[i], events), daemon=True
                    )
                    for i in range(n)
                ]
                started = time.monotonic()
                for proc in procs:
                    proc.start()
                ready = _collect(events, "ready", n, 600)
                joined_s = time.monotonic() - started
                expect(page.get_by_text(f"{n} present, {n} joined")).to_be_visible(timeout=120_000)

                feed = open_feed(url)
                tallies, stages, baselines = [], [], []
                answers = saved = posts = 0
                for r in range(rounds):
                    stage = session.agenda[r]
                    button = (
                        "Start: open stage 1"
                        if r == 0
                        else f"Next stage ({r + 1} of {len(session.agenda)})"
                    )
                    feed.wait(0)  # forget what came before
                    woke: list[float] = []
                    waiter = threading.Thread(
                        target=lambda woke=woke: (feed.wait(10), woke.append(time.time()))
                    )
                    clicked = time.time()
                    waiter.start()
                    page.get_by_role("button", name=button).click()
                    waiter.join()
                    seen = _collect(events, "stage", n, 60, match=lambda e, r=r: e[2] == r)
                    stages += [e[3] - clicked for e in seen]
                    if woke:
                        baselines.append(woke[0] - clicked)
                    if stage.get("wall"):
                        for inbox in inboxes:
                            inbox.put(("post",))
                        wrote = _collect(events, "posted", n, 120)
                        posts += sum(1 for e in wrote if e[2])
                    poll = stage["poll"]
                    if poll is None:
                        continue
                    page.get_by_role("button", name="Open the poll").click()
                    at = time.time() + 1.5
                    for inbox in inboxes:
                        inbox.put(("answer", poll["id"], len(poll["options"]), at))
                    done = _collect(events, "answered", n, 120)
                    answers += len(done)
                    saved += sum(1 for e in done if e[2])
                    last = max(e[3] for e in done)
                    page.wait_for_function(
                        "(n) => [...document.querySelectorAll('.espec-tally figcaption')]"
                        ".some(c => c.textContent.includes(': ' + n + ' answers'))",
                        arg=n,
                        polling=20,
                        timeout=120_000,
                    )
                    tallies.append(max(0.0, time.time() - last))
                    page.get_by_role("button", name="Close the poll").click()
                feed.close()
                final = store.live.find_state(session.id)
                counted = sum(t.answered for t in final.tallies.values())
                posts_kept = len(final.posts)
                for inbox in inboxes:
                    inbox.put(("idle", idle))
                cpu = [e[2] for e in _collect(events, "cpu", n, idle + 120)]
                for inbox in inboxes:
                    inbox.put(("stop",))
                _collect(events, "stopped", n, 60)
                for proc in procs:
                    proc.join(timeout=10)
                    if proc.is_alive():
                        proc.kill()
                browser.close()
    return {
        "backend": backend,
        "learners": n,
        "ready": len(ready),
        "joined_s": joined_s,
        "answers": answers,
        "lost": saved - counted + (answers - saved) + (posts - posts_kept),
        "posts": posts,
        "refused": answers - saved,
        "tally": tallies,
        "stage": stages,
        "baseline": baselines,
        "cpu": cpu,
    }


def store_title(root: Path) -> str:
    from espec_widgets.case.loader import read_scenario

    return read_scenario(root / "data" / "live" / f"{SCENARIO}.yaml").title


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5, help="stages, each with a poll burst")
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of idle CPU measured")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    lines = []
    for backend in backends:
        r = run(backend, args.learners, args.rounds, args.idle)
        print(
            f"{backend}: {r['ready']} learners joined in {r['joined_s']:.0f} s; stage follow "
            f"p50 {_p(r['stage'], 0.5):.2f} s p95 {_p(r['stage'], 0.95):.2f} s max "
            f"{max(r['stage'], default=float('nan')):.2f} s over {len(r['stage'])} page moves; "
            f"bare feed (baseline) median {statistics.median(r['baseline']) if r['baseline'] else float('nan'):.2f} s; "
            f"tally per round {[round(t, 2) for t in r['tally']]} s; refused {r['refused']}; "
            f"idle CPU per learner median {statistics.median(r['cpu']) if r['cpu'] else float('nan'):.2f}% "
            f"max {max(r['cpu'], default=float('nan')):.2f}%",
            flush=True,
        )
        lines.append(
            f"backend={backend} learners={r['learners']} answers={r['answers']} lost={r['lost']} "
            f"tally_p50_s={_p(r['tally'], 0.5):.2f} tally_p95_s={_p(r['tally'], 0.95):.2f} "
            f"stage_p95_s={_p(r['stage'], 0.95):.2f} "
            f"idle_cpu_pct={statistics.mean(r['cpu']) if r['cpu'] else float('nan'):.2f}"
        )
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
