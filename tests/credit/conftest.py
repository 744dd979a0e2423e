"""A workbook with the credit fixtures (a course record and a small bank for the minimal case)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..conftest import FIXTURES


def add_credit_files(root: Path) -> Path:
    shutil.copy(FIXTURES / "credit" / "course.yaml", root / "data" / "course.yaml")
    shutil.copytree(FIXTURES / "credit" / "posttest", root / "data" / "posttest")
    return root


@pytest.fixture
def credit_workbook(workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    add_credit_files(workbook)
    monkeypatch.setenv("ESPEC_ROOT", str(workbook))
    monkeypatch.setenv("ESPEC_CACHE_DIR", str(tmp_path / "cache"))
    return workbook
