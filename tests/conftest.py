"""Shared fixtures: a throwaway workbook folder built from the test fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture
def workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture data folder as a complete workbook root."""
    shutil.copytree(FIXTURES / "data", tmp_path / "data")
    monkeypatch.delenv("ESPEC_ROOT", raising=False)
    return tmp_path


@pytest.fixture
def minimal_text() -> str:
    return (FIXTURES / "data" / "cases" / "minimal-case.yaml").read_text(encoding="utf-8")
