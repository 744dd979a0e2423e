"""Serve the learner-facing notebooks with Voilà, configured by the committed voila.json."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .config import ROOT_ENV, STAFF_ENV
from .paths import notebooks_dir, staff_dir

LANDING = "voila/render/index.ipynb"
CONSOLE = "voila/render/console.ipynb"
TEMPLATES = Path(__file__).parent / "share"
"""A Jupyter data folder holding the workbook's Voilà template (voila/templates/espec)."""


def template_installed() -> bool:
    """Is the template where Voilà looks in every mode (installed as Jupyter shared data)?"""
    from jupyter_core.paths import jupyter_path

    return any(
        (Path(p) / "conf.json").is_file() for p in jupyter_path("voila", "templates", "espec")
    )


def server_env(root: Path) -> dict[str, str]:
    """The environment Voilà (and so every kernel) runs with: the root, and our template where
    it is not installed as shared data (a source checkout run without installing)."""
    env = {**os.environ, ROOT_ENV: str(root)}
    # A source checkout serves its own template first, so that edits to it show without a
    # reinstall (an editable install copies shared data once).
    source_checkout = (TEMPLATES.parent.parent / "pyproject.toml").is_file()
    if source_checkout or not template_installed():
        env["JUPYTER_PATH"] = os.pathsep.join(
            p for p in (str(TEMPLATES), os.environ.get("JUPYTER_PATH")) if p
        )
    return env


def voila_command(
    root: Path,
    *,
    port: int,
    host: str,
    open_browser: bool,
    options: Sequence[str] = (),
    staff: bool = False,
) -> list[str]:
    """The server's command line (Voilà, see espec_widgets.server). The learners' server serves
    notebooks/ only; the staff server serves staff/ only (the instructors' console)."""
    return [
        sys.executable,
        "-m",
        "espec_widgets.server",
        str(staff_dir(root) if staff else notebooks_dir(root)),
        f"--port={port}",
        f"--Voila.ip={host}",
        "--Voila.port_retries=0",
        "--no-browser" if not open_browser else "--Voila.open_browser=True",
        *options,
    ]


def _ensure_pdfs(root: Path) -> None:
    """The guides' PDFs are built where they are served, not committed: make any missing."""
    from .builder import BuildReport, write_guide_pdfs
    from .case import CaseFileError

    report = BuildReport()
    try:
        write_guide_pdfs(root, report)
    except CaseFileError:
        report.warnings.append("the guides' PDFs were not made: run `espec check` to see why")
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)


def serve(
    root: Path,
    *,
    port: int,
    host: str,
    open_browser: bool = False,
    options: Sequence[str] = (),
    staff: bool = False,
) -> int:
    """Replace this process with Voila on root (which reads voila.json there); 2 if not built.

    staff=True serves the instructors' console instead, and only if an instructor key exists.
    """
    page = staff_dir(root) / "console.ipynb" if staff else notebooks_dir(root) / "index.ipynb"
    if not (root / "voila.json").exists() or not page.exists():
        print("espec: notebooks are not built yet; run `espec build` first", file=sys.stderr)
        return 2
    _ensure_pdfs(root)
    # Kernels only check the store's revision: bring it up to date before any of them starts.
    from .store import StoreVersionError, default_url, upgrade

    try:
        upgrade(default_url())
    except StoreVersionError as exc:  # newer than this workbook
        print(f"espec: {exc}", file=sys.stderr)
        return 1
    env = server_env(root)
    if staff:
        from .store import open_store

        if not open_store().live.find_staff_keys():
            print(
                "espec: no instructor key yet; make one with `espec staff-key add NAME`",
                file=sys.stderr,
            )
            return 2
        env[STAFF_ENV] = "1"
        where = f"the instructor console at http://{host}:{port}/{CONSOLE}"
    else:
        env.pop(STAFF_ENV, None)
        where = f"the workbook at http://{host}:{port}/{LANDING}"
    print(f"Serving {where}  (Ctrl+C to stop)", flush=True)
    # Become Voila rather than wait for it, so that signals (Ctrl+C, a service manager's
    # SIGTERM) reach the server itself and nothing is left running.
    os.chdir(root)
    command = voila_command(
        root, port=port, host=host, open_browser=open_browser, options=options, staff=staff
    )
    os.execve(command[0], command, env)
