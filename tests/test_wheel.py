"""The package works outside this checkout: build the wheel, install it in a fresh virtual
environment in a temporary folder, make a workbook folder with `espec init`, check it and serve
one page from it, with nothing of the repository on any path."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from .conftest import PROJECT

pytestmark = pytest.mark.wheel


def _run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    assert result.returncode == 0, f"{command}:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return result


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    _run([*pip_wheel, "-w", str(out), str(PROJECT)])
    (found,) = out.glob("espec_workbook-*.whl")
    return found


def test_the_wheel_holds_the_template_the_data_and_the_license(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    data = next(n.split("/")[0] for n in names if n.split("/")[0].endswith(".data"))
    assert f"{data}/data/share/jupyter/voila/templates/espec/conf.json" in names
    assert f"{data}/data/share/jupyter/voila/templates/espec/static/workbook.css" in names
    cases = {n for n in names if n.startswith("espec_widgets/_template/data/cases/")}
    assert len(cases) == len(list((PROJECT / "data" / "cases").glob("*.yaml")))
    assert any(n.endswith("licenses/LICENSE") for n in names)
    assert not any(n.startswith(("tests/", "notebooks/", "benchmarks/")) for n in names)


def test_installed_outside_the_repository_it_makes_checks_and_serves_a_workbook(
    wheel: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    py = venv / "bin" / "python"
    _run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)])
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"ESPEC_ROOT", "JUPYTER_PATH", "PYTHONPATH", "VIRTUAL_ENV", "ESPEC_DB_URL"}
    }
    env["ESPEC_DB_URL"] = f"sqlite:///{tmp_path / 'store.db'}"
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    espec = str(venv / "bin" / "espec")
    where = _run(
        [str(py), "-c", "import espec_widgets; print(espec_widgets.__file__)"], cwd=tmp_path
    )
    assert str(venv) in where.stdout and str(PROJECT) not in where.stdout

    made = _run([espec, "init", "course"], cwd=tmp_path, env=env)
    assert "espec serve course" in made.stdout
    folder = tmp_path / "course"
    assert (folder / "voila.json").is_file() and (folder / "notebooks" / "index.ipynb").is_file()
    again = subprocess.run([espec, "init", "course"], cwd=tmp_path, env=env, capture_output=True)
    assert again.returncode == 1 and b"not empty" in again.stderr  # never writes over work

    checked = _run([espec, "check", "course"], cwd=tmp_path, env=env)
    here = _run([sys.executable, "-m", "espec_widgets.cli", "--root", str(PROJECT), "check"])
    assert checked.stdout == here.stdout  # the same cases and guides as this repository

    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [espec, "serve", "course", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        page = ""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/voila/render/index.ipynb", timeout=60
                ) as response:
                    assert response.status == 200
                    page = response.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        text = (tmp_path / "serve.log").read_text(errors="replace")
        assert page, f"no page:\n{text[-3000:]}"
        # The workbook's own template, found as installed shared data (no JUPYTER_PATH was set).
        assert ".espec-session" in page  # the template's own style block
        assert "Traceback" not in text
        installed = venv / "share" / "jupyter" / "voila" / "templates" / "espec" / "conf.json"
        assert installed.is_file()
        # `espec serve` brought the store to this workbook's revision before serving.
        current = _run([espec, "db", "current"], cwd=tmp_path, env=env)
        assert "(this workbook:" in current.stdout
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
