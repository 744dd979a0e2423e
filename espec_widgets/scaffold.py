"""`espec init DIR`: a new workbook folder holding the program's cases and guides, built."""

from __future__ import annotations

import shutil
from pathlib import Path

from .paths import data_dir, template_data


class FolderNotEmptyError(Exception):
    """The target already holds files: init never writes over anyone's work."""


def init(folder: Path) -> Path:
    """Copy the program's data/ into folder (new or empty) and build its notebooks."""
    from .builder import build

    folder = folder.resolve()
    if folder.exists() and any(folder.iterdir()):
        raise FolderNotEmptyError(
            f"{folder} is not empty; choose a new folder (nothing was written)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        template_data(),
        data_dir(folder),
        ignore=shutil.ignore_patterns("__pycache__", "*.pdf"),
    )
    build(folder, check=False)
    return folder
