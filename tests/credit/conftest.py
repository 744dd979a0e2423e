"""A workbook with the credit fixtures (a course record and a small bank for the minimal case)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..conftest import FIXTURES


def add_credit_files(root: Path) -> Path:
    """The credit fixtures, and an id on the minimal case's objective for the bank to name (the
    shared fixture stays as it is: other tests count its lines)."""
    case = root / "data" / "cases" / "minimal-case.yaml"
    text = case.read_text(encoding="utf-8")
    text = text.replace(
        "  - text: Identify the legal surrogate",
        "  - id: identify-surrogate\n    text: Identify the legal surrogate",
    )
    case.write_text(text, encoding="utf-8")
    shutil.copy(FIXTURES / "credit" / "course.yaml", root / "data" / "course.yaml")
    shutil.copytree(FIXTURES / "credit" / "posttest", root / "data" / "posttest")
    return root


@pytest.fixture
def credit_workbook(workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    add_credit_files(workbook)
    monkeypatch.setenv("ESPEC_ROOT", str(workbook))
    monkeypatch.setenv("ESPEC_CACHE_DIR", str(tmp_path / "cache"))
    return workbook
