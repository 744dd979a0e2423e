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
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat

PROJECT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("ESPEC_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PLAIN = "plain-button.ipynb"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(tmp: Path, case_nb: str, env: dict[str, str]) -> Path:
    """A built copy of the project root whose notebooks/ also holds the plain page, pooled alike."""
    root = tmp / "root"
    shutil.copytree(PROJECT / "notebooks", root / "notebooks")
    shutil.copytree(PROJECT / "data", root / "data")
    # As `./workbook serve` does: build first (this also fills the case cache, where it exists).
    subprocess.run(
        [sys.executable, "-m", "espec_widgets.cli", "build"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import ipywidgets as w\nw.Button(description='Go')")],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(nb, root / "notebooks" / PLAIN)
    config = json.loads((PROJECT / "voila.json").read_text())
    pools = config["VoilaKernelManager"]["kernel_pools_config"]
    pools[PLAIN] = dict(pools[case_nb])
    (root / "voila.json").write_text(json.dumps(config))
    return root


def _wait_http(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(url)


def _rss_kb(kernel_id: str) -> int:
    """VmRSS of the kernel process whose connection file names kernel_id."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
            if kernel_id not in cmdline or "ipykernel" not in cmdline:
                continue
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            continue
    raise LookupError(f"no kernel process for {kernel_id}")


def _measure(page: object, url: str, selector: str) -> tuple[float, int, float]:
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
    return float(elapsed), _rss_kb(kernel_id), float(dcl)


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
        from espec_widgets.serve import server_env

        env = {
            **server_env(tmp / "root"),
            "ESPEC_ROOT": str(tmp / "root"),
            "ESPEC_DB_URL": f"sqlite:///{tmp}/bench.db",
            "ESPEC_CACHE_DIR": str(tmp / "cache"),
        }
        env.pop("ESPEC_STRICT", None)
        root = _prepare(tmp, case_nb, env)
        port = _free_port()
        log = (tmp / "serve.log").open("wb")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "voila",
                str(root / "notebooks"),
                f"--port={port}",
                "--no-browser",
            ],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}/voila/render/"
        try:
            _wait_http(base + "index.ipynb")
            time.sleep(args.settle)
            results: dict[str, list[tuple[float, int, float]]] = {"case": [], "plain": []}
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                for _ in range(args.runs):
                    for name, url, selector in (
                        ("plain", base + PLAIN, "button.widget-button"),
                        ("case", base + case_nb, ".espec-start button"),
                    ):
                        context = browser.new_context()
                        page = context.new_page()
                        results[name].append(_measure(page, url, selector))
                        context.close()
                        time.sleep(args.settle)
                browser.close()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

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
