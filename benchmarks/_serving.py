"""What the benchmarks share: a built copy of a workbook, a real `espec serve`, its kernels."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat

PROJECT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("ESPEC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PLAIN = "plain-button.ipynb"
"""A notebook holding one ipywidgets Button: the baseline every benchmark compares with."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(tmp: Path, project: Path) -> dict[str, str]:
    """A throwaway store and cache; `project`'s code (a checkout to compare with) first."""
    env = {k: v for k, v in os.environ.items() if k not in {"ESPEC_ROOT", "ESPEC_STRICT"}}
    env["ESPEC_DB_URL"] = f"sqlite:///{tmp}/bench.db"
    env["ESPEC_CACHE_DIR"] = str(tmp / "cache")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(project), env.get("PYTHONPATH")) if p)
    return env


def built_copy(tmp: Path, env: dict[str, str], *, project: Path) -> Path:
    """tmp/root: a copy of project's data/, built with env (its store and cache)."""
    root = tmp / "root"
    shutil.copytree(project / "data", root / "data")
    subprocess.run(
        [sys.executable, "-m", "espec_widgets.cli", "--root", str(root), "build"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    return root


def prepare(tmp: Path, env: dict[str, str], *, project: Path, plain_like: str) -> Path:
    """A built copy of project's workbook whose notebooks/ also holds the plain page, given the
    same preheated pool entry as the page plain_like."""
    root = built_copy(tmp, env, project=project)
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import ipywidgets as w\nw.Button(description='Go')")],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(nb, root / "notebooks" / PLAIN)
    config = json.loads((root / "voila.json").read_text())
    pools = config["VoilaKernelManager"]["kernel_pools_config"]
    pools[PLAIN] = dict(pools[plain_like])
    (root / "voila.json").write_text(json.dumps(config))
    return root


def pool_size(root: Path) -> int:
    """How many preheated kernels the workbook's voila.json keeps waiting."""
    config = json.loads((root / "voila.json").read_text())
    pools = config["VoilaKernelManager"]["kernel_pools_config"]
    notebooks = {p.relative_to(root / "notebooks").as_posix() for p in root.rglob("*.ipynb")}
    default = pools.get("default", {}).get("pool_size", 0)
    return sum(pools.get(nb, {}).get("pool_size", default) for nb in notebooks)


@dataclass(frozen=True)
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path


def _wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the server exited early")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(url)


@contextmanager
def serve(root: Path, env: dict[str, str], options: Sequence[str] = ()) -> Iterator[Server]:
    """`espec serve` on root (as `./workbook serve` runs it) until the block ends."""
    port = free_port()
    log = root.parent / "serve.log"
    command = [sys.executable, "-m", "espec_widgets.cli", "--root", str(root), "serve"]
    command += ["--port", str(port), *options]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_http(f"http://127.0.0.1:{port}/voila/tree", proc)
        yield Server(f"http://127.0.0.1:{port}", proc, log)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        kept = PROJECT / "benchmarks" / "results"
        kept.mkdir(exist_ok=True)
        shutil.copy(log, kept / "serve.log")  # the last run's server log, for a closer look


def kernels(server: Server) -> dict[str, int]:
    """The server's kernel processes: kernel id -> resident memory in KiB."""
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) != server.proc.pid:
                continue
            args = (proc / "cmdline").read_bytes().split(b"\0")
            rss = next(
                int(line.split()[1])
                for line in (proc / "status").read_text().splitlines()
                if line.startswith("VmRSS:")
            )
        except (OSError, StopIteration, ValueError, IndexError):
            continue
        for arg in args:
            name = Path(arg.decode(errors="replace")).name
            if name.startswith("kernel-") and name.endswith(".json"):
                found[name.removeprefix("kernel-").removesuffix(".json")] = rss
    return found


def wait_pools(server: Server, pools: int, timeout: float = 300) -> None:
    """Until the server holds at least its preheated pools (and nothing is starting)."""
    deadline = time.monotonic() + timeout
    while len(kernels(server)) < pools and time.monotonic() < deadline:
        time.sleep(1)
    time.sleep(5)
