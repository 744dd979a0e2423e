"""Benchmark: does a real `espec serve` hold a class? Kernels freed, capped, and pages alive.

Two measurements, each against a real server in Debian's Chromium:

- **lifecycle** (the default): 50 tabs opened and closed, 100 plain GETs of case pages, then
  20 tabs left open and idle; kernel count and total kernel memory before, at peak and two
  minutes after. A page answered 503 is retried as its page does (after Retry-After). Last line:
  `opened=50 closed=50 gets=100 kernels_after=N pool=M peak_mib=X after_mib=Y refused=R`
- **burst**: one case page opened in 20 browser contexts at once, then the plain one-Button
  page in 20 at once. A page is dead when its widgets have not all rendered after 120 s. Last
  line: `burst=20 dead_pages=D case_all_s=X plain_all_s=Y`

Run with the project's environment (`./workbook bench` runs both):

    .venv/bin/python benchmarks/kernels.py lifecycle --max-kernels 40
    .venv/bin/python benchmarks/kernels.py burst --runs 3
    .venv/bin/python benchmarks/kernels.py burst --project /path/to/older/checkout

`--project` measures another checkout of the workbook (its code and its cases) with this script,
for before/after figures; server options are passed only with `--server-option`.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).parent))

from _serving import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PLAIN,
    PROJECT,
    Server,
    environment,
    kernels,
    pool_size,
    prepare,
    serve,
    wait_pools,
)

DEAD_AFTER_S = 120.0
RENDERED = """(expected) => {
  const outs = [...document.querySelectorAll('.jp-OutputArea-output')];
  const live = outs.filter(n => n.firstElementChild &&
    !/^(Loading widget|Error displaying widget)/.test((n.textContent || '').trim()));
  return live.length >= expected;
}"""


SHOWN = """() => {
  const c = {};
  for (const n of document.querySelectorAll('.jp-OutputArea-output')) {
    const t = (n.textContent || '').trim().slice(0, 30);
    const k = /^(Loading widget|Error displaying widget)/.test(t) ? t : 'rendered';
    c[k] = (c[k] || 0) + 1;
  }
  return JSON.stringify(c);
}"""


def expected_widgets(root: Path, notebook: str) -> int:
    """Widgets a page shows: one per code cell but the last (the learner's request) on a case."""
    nb = nbformat.read(root / "notebooks" / notebook, as_version=4)
    return sum(1 for c in nb.cells if c.cell_type == "code" and c.get("id") != "resume")


class Sampler(threading.Thread):
    """Samples the server's kernels every half second: the peak count and memory."""

    def __init__(self, server: Server) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.peak_count = 0
        self.peak_kib = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            found = kernels(self.server)
            self.peak_count = max(self.peak_count, len(found))
            self.peak_kib = max(self.peak_kib, sum(found.values()))
            time.sleep(0.5)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _mib(found: dict[str, int]) -> float:
    return sum(found.values()) / 1024


async def _open_page(browser: object, url: str, expected: int, *, retries: bool) -> object:
    """A tab on url once its widgets have all rendered (retrying a 503 as its page would).

    A page may reload itself once when a widget failed to show (session.js): that navigation is
    waited for, as a learner would wait. A page still not rendered 180 s after it loaded is marked
    dead (page.espec_dead) rather than stopping the measurement.
    """
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    context = await browser.new_context()  # type: ignore[attr-defined]
    page = await context.new_page()
    page.espec_dead = False
    deadline = time.monotonic() + 180.0
    while True:
        try:
            response = await page.goto(url, timeout=180_000)
        except PlaywrightError as exc:  # the page's own reload interrupted ours
            if "interrupted by another navigation" not in str(exc):
                raise
            break
        if response is None or response.status != 503 or not retries:
            break
        await asyncio.sleep(float(response.headers.get("retry-after", "60")))
        deadline = time.monotonic() + 180.0
    while True:
        left = deadline - time.monotonic()
        try:
            await page.wait_for_function(
                RENDERED, arg=expected, timeout=max(1.0, left) * 1000, polling=250
            )
            return page
        except PlaywrightTimeout:
            page.espec_dead = True
            return page
        except PlaywrightError:
            if left <= 0:
                page.espec_dead = True
                return page
            await asyncio.sleep(0.5)  # the context went away in a self-reload: look again


async def _lifecycle(server: Server, root: Path, tabs: int, gets: int, idle: int) -> dict:
    from playwright.async_api import async_playwright

    cases = sorted(
        p.relative_to(root / "notebooks").as_posix() for p in root.glob("notebooks/part-*/*.ipynb")
    )
    expected = {nb: expected_widgets(root, nb) for nb in cases}
    refused = 0
    bad: list[int] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        opened = closed = dead = 0
        for start in range(0, tabs, 5):  # a few learners at a time, each opening then leaving
            batch = [cases[(start + i) % len(cases)] for i in range(min(5, tabs - start))]
            pages = await asyncio.gather(
                *(
                    _open_page(
                        browser, f"{server.url}/voila/render/{nb}", expected[nb], retries=True
                    )
                    for nb in batch
                )
            )
            opened += len(pages)
            dead += sum(page.espec_dead for page in pages)  # type: ignore[attr-defined]
            for page in pages:
                await page.close(run_before_unload=True)  # type: ignore[attr-defined]
                await page.context.close()  # type: ignore[attr-defined]
                closed += 1

        def get(i: int) -> int:
            url = f"{server.url}/voila/render/{cases[i % len(cases)]}"
            try:
                with urllib.request.urlopen(url, timeout=300) as r:
                    r.read()
                    return r.status
            except urllib.error.HTTPError as e:
                return e.code

        with concurrent.futures.ThreadPoolExecutor(10) as pool:
            statuses = list(pool.map(get, range(gets)))
        refused += statuses.count(503)
        bad += [s for s in statuses if s not in (200, 503)]
        kept = await asyncio.gather(
            *(
                _open_page(
                    browser,
                    f"{server.url}/voila/render/{cases[i % len(cases)]}",
                    expected[cases[i % len(cases)]],
                    retries=True,
                )
                for i in range(idle)
            )
        )
        dead += sum(page.espec_dead for page in kept)  # type: ignore[attr-defined]
        last_action = time.monotonic()
        await asyncio.sleep(max(0.0, 120 - (time.monotonic() - last_action)))
        after = kernels(server)
        for page in kept:
            await page.context.close()  # type: ignore[attr-defined]
        await browser.close()
    return {
        "opened": opened,
        "closed": closed,
        "dead": dead,
        "refused": refused,
        "bad": bad,
        "after": after,
    }


def lifecycle(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        env = environment(tmp, args.project)
        first_case = sorted((args.project / "notebooks").glob("part-*/*.ipynb"))[0]
        root = prepare(
            tmp,
            env,
            project=args.project,
            plain_like=first_case.relative_to(args.project / "notebooks").as_posix(),
        )
        (root / "notebooks" / PLAIN).unlink()  # not part of this measurement
        pools = pool_size(root)
        with serve(root, env, args.server_option) as server:
            wait_pools(server, pools)
            before = kernels(server)
            sampler = Sampler(server)
            sampler.start()
            result = asyncio.run(_lifecycle(server, root, args.tabs, args.gets, args.idle))
            sampler.stop()
    after = result["after"]
    print(f"before: kernels={len(before)} mib={_mib(before):.0f}")
    print(f"peak: kernels={sampler.peak_count} mib={sampler.peak_kib / 1024:.0f}")
    print(
        f"after 2 minutes: kernels={len(after)} mib={_mib(after):.0f} (target {pools + args.idle})"
    )
    if result["bad"]:
        print(f"answered with something but a page or a 503: {sorted(set(result['bad']))}")
    print(f"pages whose widgets never all rendered (after one self-reload): {result['dead']}")
    print(
        f"opened={result['opened']} closed={result['closed']} gets={args.gets} "
        f"kernels_after={len(after)} pool={pools} peak_mib={sampler.peak_kib / 1024:.0f} "
        f"after_mib={_mib(after):.0f} refused={result['refused']}"
    )
    return 0


async def _burst_once(server: Server, url: str, n: int, expected: int) -> tuple[int, float]:
    """Open url in n contexts at once: (dead pages, seconds until every live page rendered)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        contexts = [await browser.new_context() for _ in range(n)]
        pages = [await c.new_page() for c in contexts]
        start = time.monotonic()

        async def one(page: object) -> float | None:
            loaded = None
            try:
                await page.goto(url, timeout=DEAD_AFTER_S * 1000)  # type: ignore[attr-defined]
                loaded = time.monotonic() - start
                remaining = DEAD_AFTER_S - (time.monotonic() - start)
                await page.wait_for_function(  # type: ignore[attr-defined]
                    RENDERED, arg=expected, timeout=max(remaining, 1) * 1000, polling=250
                )
            except Exception as exc:
                shown = ""
                with contextlib.suppress(Exception):
                    shown = await page.evaluate(SHOWN)  # type: ignore[attr-defined]
                why = "page never loaded" if loaded is None else f"loaded at {loaded:.0f}s"
                print(f"  dead: {why}; outputs: {shown} ({type(exc).__name__})", flush=True)
                return None
            return time.monotonic() - start

        times = await asyncio.gather(*(one(pg) for pg in pages))
        for c in contexts:
            await c.close()
        await browser.close()
    live = [t for t in times if t is not None]
    return n - len(live), max(live) if live else float("nan")


def burst(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        env = environment(tmp, args.project)
        case = (
            args.case
            or sorted(
                p.relative_to(args.project / "notebooks").as_posix()
                for p in (args.project / "notebooks").glob("part-*/*.ipynb")
            )[0]
        )
        root = prepare(tmp, env, project=args.project, plain_like=case)
        pools = pool_size(root)
        rows: list[tuple[int, float, float]] = []
        with serve(root, env, args.server_option) as server:
            for _ in range(args.runs):
                wait_pools(server, pools)
                dead_case, case_s = asyncio.run(
                    _burst_once(
                        server,
                        f"{server.url}/voila/render/{case}",
                        args.n,
                        expected_widgets(root, case),
                    )
                )
                time.sleep(args.settle)
                wait_pools(server, pools)
                dead_plain, plain_s = asyncio.run(
                    _burst_once(server, f"{server.url}/voila/render/{PLAIN}", args.n, 1)
                )
                time.sleep(args.settle)
                rows.append((dead_case + dead_plain, case_s, plain_s))
                print(
                    f"run: case {case}: dead={dead_case} all={case_s:.1f}s; plain: dead={dead_plain} all={plain_s:.1f}s",
                    flush=True,
                )
    dead = sum(r[0] for r in rows)
    case_s = statistics.median(r[1] for r in rows)
    plain_s = statistics.median(r[2] for r in rows)
    print(f"median of {len(rows)}: case/plain = {case_s / plain_s:.2f}x (target within 1.5x)")
    print(f"burst={args.n} dead_pages={dead} case_all_s={case_s:.1f} plain_all_s={plain_s:.1f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode")
    parser.set_defaults(mode="lifecycle")
    for name in ("lifecycle", "burst"):
        p = sub.add_parser(name)
        p.add_argument("--project", type=Path, default=PROJECT, help="the checkout to measure")
        p.add_argument("--server-option", action="append", default=[], help="passed to espec serve")
    life = sub.choices["lifecycle"]
    life.add_argument("--tabs", type=int, default=50)
    life.add_argument("--gets", type=int, default=100)
    life.add_argument("--idle", type=int, default=20)
    b = sub.choices["burst"]
    b.add_argument("--n", type=int, default=20)
    b.add_argument("--runs", type=int, default=3)
    b.add_argument("--case", help="the case notebook (default: the first)")
    b.add_argument("--settle", type=float, default=10.0, help="seconds between bursts")
    args = parser.parse_args()
    if not hasattr(args, "project"):
        args = parser.parse_args(["lifecycle", *sys.argv[1:]])
    args.project = args.project.resolve()
    return lifecycle(args) if args.mode == "lifecycle" else burst(args)


if __name__ == "__main__":
    sys.exit(main())
