"""Server log lines never hold a query string, a resume token or a kernel id."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

import pytest

from espec_widgets import redaction
from espec_widgets.server import logs

TOKEN = "Zq3xY8fK2mNcP1vR7tLw9sBd4hJ6gE0a"


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Install the server's redaction for one test, then put logging back as it was."""
    factory = logging.getLogRecordFactory()
    monkeypatch.setattr(logs, "_installed", False)
    yield
    logging.setLogRecordFactory(factory)
    for handler in logging.getLogger().handlers:
        for f in [f for f in handler.filters if isinstance(f, logs.RedactingFilter)]:
            handler.removeFilter(f)


def test_redact_removes_query_strings_tokens_and_kernel_ids() -> None:
    kid = str(uuid.uuid4())
    line = (
        f"404 GET /voila/render/part-1/x.ipynb?learner={TOKEN}&x=1 (127.0.0.1) "
        f"kernel {kid} uri='/voila/files/guides/a.pdf?learner={TOKEN}' learner={TOKEN}"
    )
    out = redaction.redact(line + f" token {TOKEN}.")
    assert TOKEN not in out
    assert kid not in out
    assert "/voila/render/part-1/x.ipynb?[query removed]" in out
    assert redaction.kernel_label(kid) in out
    assert "learner=[removed]" in out and "token [token]." in out


def test_kernel_label_is_stable_and_short() -> None:
    kid = str(uuid.uuid4())
    label = redaction.kernel_label
    assert label(kid) == label(kid.upper())
    assert label(kid) != label(str(uuid.uuid4()))
    assert len(label(kid)) == len("kernel#") + 8


def test_installed_records_are_redacted_including_tracebacks(
    caplog: pytest.LogCaptureFixture, installed: None
) -> None:
    logger = logging.getLogger("espec.test.logs")
    logs.install(logger)
    kid = str(uuid.uuid4())
    with caplog.at_level(logging.INFO, logger="espec.test.logs"):
        logger.info("Using pre-heated kernel: %s for %s", kid, f"/x?learner={TOKEN}")
        try:
            raise RuntimeError(f"failed at /voila/render/a.ipynb?learner={TOKEN}")
        except RuntimeError:
            logger.exception("boom %s", kid)
    text = caplog.text
    assert TOKEN not in text and kid not in text
    assert redaction.kernel_label(kid) in text
    assert "RuntimeError: failed at /voila/render/a.ipynb?[query removed]" in text


class _Request:
    def __init__(self, path: str) -> None:
        self.path = path
        self.uri = path + f"?learner={TOKEN}"
        self.method = "GET"
        self.remote_ip = "10.0.0.7"

    def request_time(self) -> float:
        return 0.012


class _Handler:
    def __init__(self, status: int, path: str) -> None:
        self.request = _Request(path)
        self._status = status

    def get_status(self) -> int:
        return self._status


@pytest.mark.parametrize(
    ("status", "level"),
    [(200, logging.INFO), (404, logging.WARNING), (503, logging.WARNING), (500, logging.ERROR)],
)
def test_access_log_has_no_query_and_a_fitting_level(
    caplog: pytest.LogCaptureFixture, status: int, level: int
) -> None:
    logger = logging.getLogger("espec.test.access")
    kid = str(uuid.uuid4())
    with caplog.at_level(logging.DEBUG, logger="espec.test.access"):
        logs.log_request(_Handler(status, "/voila/render/part-1/a.ipynb"), logger=logger)
        logs.log_request(_Handler(status, f"/api/kernels/{kid}/channels"), logger=logger)
    first, second = caplog.records
    assert first.levelno == level
    assert first.getMessage() == f"{status} GET /voila/render/part-1/a.ipynb (10.0.0.7) 12ms"
    assert kid not in second.getMessage() and TOKEN not in caplog.text
