"""Benchmark: a case page against a plain one-Button page, served by the same Voilà settings.

Measures, in one run and alternating the two pages:
- time from navigation start to the first interactive widget (median of --runs each);
- resident memory (VmRSS) of the kernel behind each page.

Both pages are preheated (the plain page gets the same pool entry as a case page), and each
navigation waits until the pools are refilled, so the figures are the steady state a learner
meets. Run with the project's environment:

    .venv/bin/python benchmarks/page_load.py --runs 7

Results print as Markdown for docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _serving import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PLAIN,
    PROJECT,
    environment,
    kernels,
    pool_size,
    prepare,
    serve,
    wait_pools,
)


def _measure(page: object, url: str, selector: str, server: object) -> tuple[float, int, float]:
    page.goto(url)  # type: ignore[attr-defined]
    page.wait_for_selector(selector, state="visible", timeout=120_000)  # type: ignore[attr-defined]
    elapsed = page.evaluate("performance.now()")  # type: ignore[attr-defined]
    kernel_id = page.evaluate(  # type: ignore[attr-defined]
        "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
    )
    dcl = page.evaluate(  # type: ignore[attr-defined]
        "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
    )
    time.sleep(1.0)  # let the kernel finish rendering before reading its memory
    return float(elapsed), kernels(server)[kernel_id], float(dcl)  # type: ignore[arg-type]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--settle", type=float, default=6.0, help="seconds for pools to refill")
    parser.add_argument("--case", default=None, help="case notebook (default: the first)")
    args = parser.parse_args()

    case_nb = (
        args.case
        or sorted(
            p.relative_to(PROJECT / "notebooks").as_posix()
            for p in (PROJECT / "notebooks").glob("part-*/*.ipynb")
        )[0]
    )
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = environment(tmp, PROJECT)
        root = prepare(tmp, env, project=PROJECT, plain_like=case_nb)
        with serve(root, env) as server:
            wait_pools(server, pool_size(root))
            time.sleep(args.settle)
            base = f"{server.url}/voila/render/"
            results: dict[str, list[tuple[float, int, float]]] = {"case": [], "plain": []}
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for _ in range(args.runs):
                    for name, url, selector in (
                        ("plain", base + PLAIN, "button.widget-button"),
                        ("case", base + case_nb, ".espec-start button"),
                    ):
                        context = browser.new_context()
                        page = context.new_page()
                        results[name].append(_measure(page, url, selector, server))
                        context.close()
                        time.sleep(args.settle)
                browser.close()

    def med(name: str, i: int) -> float:
        return statistics.median(r[i] for r in results[name])

    t_case, t_plain = med("case", 0), med("plain", 0)
    d_case, d_plain = med("case", 2), med("plain", 2)
    m_case, m_plain = med("case", 1) / 1024, med("plain", 1) / 1024
    print(f"| measure | plain page | case page ({case_nb}) | ratio | target |")
    print("| --- | --- | --- | --- | --- |")
    print(
        f"| navigation to first interactive widget, median of {args.runs} (ms) | "
        f"{t_plain:.0f} | {t_case:.0f} | {t_case / t_plain:.2f}x | within 1.2x |"
    )
    print(
        f"| kernel resident memory, median of {args.runs} (MB) | "
        f"{m_plain:.1f} | {m_case:.1f} | {m_case / m_plain:.2f}x | within 1.3x |"
    )
    print(
        f"| of which: HTML parsed (DOMContentLoaded), median (ms) | {d_plain:.0f} | {d_case:.0f} | "
        f"{d_case / d_plain:.2f}x | (diagnostic) |"
    )
    print()
    print("raw (ms, KB, ms):", json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
