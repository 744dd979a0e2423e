"""A kernel's logs and warnings reach the server log, redacted, and never the visitor's page."""

from __future__ import annotations

import io
import logging
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

from espec_widgets.kernel_log import route_to_server_log
from espec_widgets.redaction import redact

TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz012_-9"


@pytest.fixture
def server_log(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """The kernel process's real stderr, which Voilà's server log receives."""
    stream = io.StringIO()
    monkeypatch.setattr(sys, "__stderr__", stream)
    return stream


def test_logs_and_warnings_go_to_the_server_log_not_the_page(
    server_log: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    route_to_server_log()
    logging.getLogger("espec_widgets.example").warning("refused %s", "value")
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("a library's warning", UserWarning, stacklevel=1)
    assert capsys.readouterr() == ("", ""), "sys.stderr is the page in a kernel"
    lines = server_log.getvalue().splitlines()
    assert lines[0].endswith(" WARNING espec_widgets.example: refused value")
    assert " WARNING py.warnings: " in lines[1] and "UserWarning: a library's warning" in lines[1]


def test_routing_twice_changes_nothing(server_log: io.StringIO) -> None:
    route_to_server_log()
    route_to_server_log()
    logging.getLogger("espec_widgets.example").error("once")
    assert server_log.getvalue().count("once") == 1


def test_resume_tokens_are_redacted_from_messages_and_tracebacks(server_log: io.StringIO) -> None:
    route_to_server_log()
    log = logging.getLogger("espec_widgets.example")
    log.warning("opened %s", f"/voila/render/part-1/case.ipynb?learner={TOKEN}&x=1")
    try:
        raise ValueError(f"no learner for {TOKEN}")
    except ValueError:
        log.exception("lookup failed")
    text = server_log.getvalue()
    assert TOKEN not in text
    assert "case.ipynb?[query removed]" in text and "ValueError: no learner for [token]" in text


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        (f"token {TOKEN}.", "token [token]."),
        (f"learner={TOKEN[:10]}", "learner=[removed]"),
        ("kernel 3f2b8c1e-9d4a-4c6e-8b1f-0a2d3c4e5f60", "kernel kernel#6f20a61e"),
        ("x" * 31 + " and " + "y" * 33, None),
    ],
)
def test_redact(text: str, redacted: str | None) -> None:
    assert redact(text) == (text if redacted is None else redacted)


def test_a_broken_log_call_is_reported_to_the_server_log_only(
    server_log: io.StringIO, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logging.getLogger(), "handlers", [])  # pytest's own would raise
    route_to_server_log()
    logging.getLogger("espec_widgets.example").warning("%s and %s", "only one")
    assert capsys.readouterr() == ("", "")
    assert "a record from espec_widgets.example could not be written" in server_log.getvalue()


def _drain_until_idle(kc: Any, msg_id: str) -> list[dict[str, Any]]:
    """Every output the kernel published (for any request) until msg_id is done."""
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=30)
        if msg["msg_type"] in {"stream", "error", "display_data", "execute_result"}:
            outputs.append(msg)
        if (
            msg["msg_type"] == "status"
            and msg["content"]["execution_state"] == "idle"
            and msg["parent_header"].get("msg_id") == msg_id
        ):
            return outputs


def test_in_a_real_kernel_a_refused_message_reaches_the_server_log_only(tmp_path: Path) -> None:
    """Through ipykernel's comm manager, as Voilà delivers the page's messages."""
    from jupyter_client.manager import start_new_kernel

    stderr_path = tmp_path / "kernel-stderr.log"
    with stderr_path.open("w") as stderr:
        km, kc = start_new_kernel(kernel_name="python3", stderr=stderr)
    try:

        def run(code: str) -> list[dict[str, Any]]:
            return _drain_until_idle(kc, kc.execute(code))

        def tamper(comm_id: str) -> list[dict[str, Any]]:
            for data in (
                {"method": "update", "state": {"title": "changed"}, "buffer_paths": []},
                {"method": "custom", "content": {"event": "nope"}},
                {"method": "nonsense"},
                {"no method": True},
            ):
                msg = kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
                kc.shell_channel.send(msg)
            return run("import warnings; warnings.warn('kernel-side warning')")

        [shown] = run(
            "from espec_widgets.activities.encounter import EncounterPlayer\n"
            "w = EncounterPlayer(title='A scene', lines=[])\nprint(w.comm.comm_id)"
        )
        comm_id = shown["content"]["text"].strip()
        leaked = "".join(str(m["content"]) for m in tamper(comm_id))
        assert "refused" in leaked, "without routing, the page sees the log (the bug)"

        assert (
            run("from espec_widgets.kernel_log import route_to_server_log\nroute_to_server_log()")
            == []
        )
        assert tamper(comm_id) == [], "nothing reaches the page: no log, warning or traceback"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    log = stderr_path.read_text()
    assert log.count("EncounterPlayer: refused title: kernel-owned") >= 1
    assert "EncounterPlayer: refused message: not an update" in log
    assert "py.warnings" in log and "kernel-side warning" in log
