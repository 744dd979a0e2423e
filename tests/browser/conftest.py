"""Browser fixtures: a real `espec serve` on a free port and Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..conftest import FIXTURES, PROJECT

CHROMIUM = os.environ.get("ESPEC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"espec serve exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer in {timeout}s:\n{log.read_text()[-3000:]}")


@dataclass(frozen=True)
class Served:
    """A running `espec serve`: its address, its process and its log file."""

    url: str
    proc: subprocess.Popen[bytes]
    log: Path


@contextmanager
def serve_workbook(
    root: Path,
    log: Path,
    *options: str,
    env: dict[str, str] | None = None,
    staff: bool = False,
) -> Iterator[Served]:
    """Run `espec serve` on root (a built workbook folder) until the block ends; staff=True
    serves the instructors' console (`espec serve --staff`)."""
    port = _free_port()
    environ = {k: v for k, v in (env or os.environ).items() if k != "ESPEC_ROOT"}
    command = [sys.executable, "-m", "espec_widgets.cli", "--root", str(root)]
    command += ["serve", "--port", str(port), *(["--staff"] if staff else [])]
    command += ["--", *options] if options else []
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command,
            cwd=root,
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/voila/tree", proc, log)  # a page would take a kernel
        yield Served(base, proc, log)
    finally:
        _stop(proc)


def build_workbook(root: Path, env: dict[str, str] | None = None) -> Path:
    """A workbook folder holding the test fixtures' cases and guides, built."""
    shutil.copytree(FIXTURES / "data", root / "data")
    subprocess.run(
        [sys.executable, "-m", "espec_widgets.cli", "--root", str(root), "build"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    return root


def kernel_pids(server: Served) -> dict[str, int]:
    """The server's live kernels: kernel id -> process id (from their connection files)."""
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            stat = (proc / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) != server.proc.pid:  # parent pid
            continue
        for arg in cmdline:
            name = Path(arg.decode(errors="replace")).name
            if name.startswith("kernel-") and name.endswith(".json"):
                found[name.removeprefix("kernel-").removesuffix(".json")] = int(proc.name)
    return found


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.25)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the project's own built notebooks exactly as `espec serve` does for a user."""
    with serve_workbook(PROJECT, tmp_path_factory.mktemp("serve") / "serve.log") as served:
        yield served.url


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End the server and the kernels it started (its whole process group)."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        message = f"Chromium not found at {CHROMIUM}; install Debian's 'chromium' package"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (browser tests never skip under CI=true)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def start_learner(page: object, server: str, path: str, name: str) -> str:
    """Open a case page as a first-time learner, give a name, and return the resume link."""
    import re

    from playwright.sync_api import expect

    page.goto(server + path)  # type: ignore[attr-defined]
    page.get_by_label("Your name, as you want to see it on your work").fill(name)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Start", exact=True).click()  # type: ignore[attr-defined]
    working = page.get_by_text(f"Working as {name}.")  # type: ignore[attr-defined]
    # Tests share a server, so the name may be in use: the page asks, and we are someone new.
    again = page.get_by_role("button", name="Start as someone new")  # type: ignore[attr-defined]
    expect(working.or_(again)).to_be_visible()
    if again.is_visible():
        again.click()
    expect(working).to_be_visible()
    link = page.locator("a.espec-resume-link")  # type: ignore[attr-defined]
    expect(link).to_have_attribute("href", re.compile(r"learner=[A-Za-z0-9_-]{32}"))
    return str(link.get_attribute("href"))
