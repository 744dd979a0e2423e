"""Shared fixtures: a throwaway workbook folder built from the test fixtures."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from espec_widgets.kernel_log import _ServerLog

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = Path(__file__).resolve().parents[1]


def send(widget: Any, **content: Any) -> None:
    """A custom message from the page, through the widget's own handler (as Voilà delivers it)."""
    widget._handle_msg({"content": {"data": {"method": "custom", "content": content}}})


@pytest.fixture
def workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture data folder as a complete workbook root."""
    shutil.copytree(FIXTURES / "data", tmp_path / "data")
    monkeypatch.delenv("ESPEC_ROOT", raising=False)
    return tmp_path


@pytest.fixture
def minimal_text() -> str:
    return (FIXTURES / "data" / "cases" / "minimal-case.yaml").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _no_server_log_after_a_test() -> Iterator[None]:
    """A page routes the kernel's logs to the server log for good; a test's page, for that test."""
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _ServerLog)]:
        root.removeHandler(handler)
    logging.captureWarnings(False)


from tests.pg import new_database, postgres_server  # noqa: E402, F401  (fixtures for every test)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each engine the store runs on."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store' / 'workbook.db'}"
    return new_database(request.getfixturevalue("postgres_server"))
