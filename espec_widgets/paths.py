"""Where the workbook's folders are: one answer for the CLI, the server and learner kernels."""

from __future__ import annotations

from pathlib import Path

from .config import ROOT_ENV, settings


def project_root(start: Path | None = None) -> Path:
    """The folder holding data/cases: $ESPEC_ROOT, else the nearest parent of start (or cwd)."""
    if (root := settings().root) is not None:
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "cases").is_dir():
            return folder
    raise FileNotFoundError(
        f"no data/cases folder in {here} or its parents; run from the workbook folder "
        f"or set {ROOT_ENV}"
    )


def data_dir(root: Path) -> Path:
    return root / "data"


def notebooks_dir(root: Path) -> Path:
    """The learner-facing root that Voilà serves. Staff views never live under it."""
    return root / "notebooks"


def staff_dir(root: Path) -> Path:
    """The instructors' pages (the live-session console), served only by `espec serve --staff`:
    beside notebooks/, never under it."""
    return root / "staff"


PACKAGE = Path(__file__).resolve().parent


def template_data() -> Path:
    """The program's own data folder (cases, guides), which `espec init` copies.

    An installed wheel carries it as espec_widgets/_template/data; in a source checkout
    (an editable install) it is the repository's data/ folder beside the package.
    """
    for candidate in (PACKAGE / "_template" / "data", PACKAGE.parent / "data"):
        if (candidate / "cases").is_dir():
            return candidate
    raise FileNotFoundError(f"this installation of the workbook has no case files ({PACKAGE})")
