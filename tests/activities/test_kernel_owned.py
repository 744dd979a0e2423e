"""Every widget family refuses through one path: a warning in the server log that never quotes
the value, words in the widget's status, and never a traceback or a Python warning in the page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.session import json_packer

from espec_widgets.activities import widget_for
from espec_widgets.activities._kernel_owned import FAILED, MALFORMED, KernelOwnedWidget
from espec_widgets.activities.encounter import EncounterPlayer
from espec_widgets.case.runtime import RuntimeCase, load_runtime_case
from espec_widgets.identity import LearnerBar
from espec_widgets.navigator import Navigator
from espec_widgets.store import open_store

from ..conftest import PROJECT

LOGGER = "espec_widgets.activities._kernel_owned"
MARKER = "MARKER-learner-text"
"""Put into every refused value: it must never reach a log."""


@pytest.fixture(scope="module")
def gallery() -> RuntimeCase:
    return load_runtime_case(PROJECT / "data" / "gallery" / "component-gallery.yaml")


def _families(gallery: RuntimeCase, tmp_path: Path) -> dict[str, KernelOwnedWidget]:
    widgets: dict[str, KernelOwnedWidget] = {a.type: widget_for(a) for a in gallery.activities}
    widgets["learner bar"] = LearnerBar(
        open_store(f"sqlite:///{tmp_path / 'store.db'}", upgrade=True)
    )
    widgets["navigator"] = Navigator([])
    widgets["encounter"] = EncounterPlayer(title="A scene", lines=[{"who": "A", "text": "Hi."}])
    return widgets


FAMILIES = [
    "multiple_choice",
    "reflection",
    "classify",
    "sequence",
    "checklist",
    "self_assessment",
    "rewrite",
    "screen_decide",
    "find_gap",
    "branching",
    "learner bar",
    "navigator",
    "encounter",
]


@pytest.fixture(params=FAMILIES)
def widget(request: pytest.FixtureRequest, gallery: RuntimeCase, tmp_path: Path) -> Any:
    return _families(gallery, tmp_path)[request.param]


def test_the_gallery_has_every_family(gallery: RuntimeCase, tmp_path: Path) -> None:
    assert sorted(_families(gallery, tmp_path)) == sorted(FAMILIES)


def _said(widget: Any) -> str | None:
    """What the learner was told (the aria-live status, or the learner bar's message)."""
    trait = widget._status_trait
    return getattr(widget, trait) if widget.has_trait(trait) else None


def _custom(content: Any) -> dict[str, Any]:
    return {"content": {"data": {"method": "custom", "content": content}}, "buffers": []}


def _update(state: Any, **data: Any) -> dict[str, Any]:
    return {"content": {"data": {"method": "update", "state": state, **data}}, "buffers": []}


MALFORMED_MESSAGES: dict[str, Any] = {
    "none": None,
    "text": "update",
    "no content": {},
    "no data": {"content": {}},
    "data not an object": {"content": {"data": [MARKER]}},
    "no method": {"content": {"data": {}}},
    "unknown method": {"content": {"data": {"method": MARKER}}},
    "method not text": {"content": {"data": {"method": [MARKER]}}},
    "state not an object": _update([MARKER]),
    "buffers": _update({}, buffer_paths=[["value"]]),
    "custom content not an object": _custom(MARKER),
    "no event": _custom({"value": MARKER}),
    "event not text": _custom({"event": [MARKER]}),
    "unknown event": _custom({"event": MARKER}),
}


@pytest.mark.parametrize("msg", MALFORMED_MESSAGES.values(), ids=MALFORMED_MESSAGES.keys())
def test_a_malformed_message_is_refused_in_words_and_logged(
    widget: Any, msg: Any, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    before = widget.get_state()
    with caplog.at_level(logging.WARNING):
        widget._handle_msg(msg)
    assert capsys.readouterr() == ("", ""), "nothing reaches the page's output"
    [record] = [r for r in caplog.records if r.name == LOGGER]
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith(f"{type(widget).__name__}: refused ")
    assert MARKER not in caplog.text
    if _said(widget) is not None:
        assert _said(widget) == MALFORMED
    after = widget.get_state()
    after.pop(widget._status_trait, None)
    before.pop(widget._status_trait, None)
    assert after == before, "nothing else changed"


def test_kernel_owned_and_unknown_names_are_logged_by_name_only(
    widget: Any, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    sent: list[Any] = []
    widget.comm.send = lambda data=None, **kw: sent.append(data)
    before = widget.get_state()
    owned = next(n for n in sorted(widget.keys) if n not in widget._browser_inputs)
    with caplog.at_level(logging.WARNING):
        widget._handle_msg(_update({owned: MARKER, MARKER: 1, "\ud800": 2}))
    assert capsys.readouterr() == ("", "")
    assert widget.get_state() == before, (
        "nothing changed, and nobody was told (not the learner's doing)"
    )
    [record] = [r for r in caplog.records if r.name == LOGGER]
    assert record.getMessage() == (
        f"{type(widget).__name__}: refused {owned}, 2 unknown name(s): "
        "kernel-owned: not writable from the page"
    )
    assert [m["method"] for m in sent] == ["update"], "the page is put back in step"
    assert set(sent[0]["state"]) == {owned}


def _raise(*_args: Any, **_kwargs: Any) -> None:
    raise ValueError(f"a message quoting the page's input: {MARKER}")


@pytest.mark.parametrize("where", ["handle_event", "set_state"])
def test_an_error_while_handling_a_message_never_reaches_the_page(
    widget: Any,
    where: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events = sorted(widget._events)
    if not events:  # the navigator and the encounter take no actions: an update, then
        where = "set_state"
    monkeypatch.setattr(widget, where, _raise)
    msg = _custom({"event": events[0]}) if where == "handle_event" else _update({})
    with caplog.at_level(logging.WARNING):
        widget._handle_msg(msg)
    assert capsys.readouterr() == ("", "")
    [record] = [r for r in caplog.records if r.name == LOGGER]
    assert record.levelno == logging.ERROR
    text = record.getMessage()
    assert text.startswith(f"{type(widget).__name__}: ")
    assert "ValueError" in text and "Traceback (most recent call last):" in text
    assert "in _raise" in text, "the traceback is in the server log"
    assert MARKER not in caplog.text, "the error's message is not: it may quote the input"
    if _said(widget) is not None:
        assert _said(widget) == FAILED


REFUSED_VALUES: dict[str, Callable[[Any], Any]] = {
    # A value each family refuses, carrying MARKER where the family's type allows a string.
    "multiple_choice": lambda w: [MARKER],
    "screen_decide": lambda w: [MARKER],
    "classify": lambda w: [MARKER],
    "sequence": lambda w: [MARKER],
    "checklist": lambda w: [MARKER],
    "self_assessment": lambda w: {"now": [MARKER]},
    "find_gap": lambda w: {"where": MARKER, "what": 0},
    "branching": lambda w: MARKER,
    "reflection": lambda w: f"{MARKER} " * (w.max_words + 1),
    "rewrite": lambda w: f"{MARKER} " * (w.max_words + 1),
}


@pytest.mark.parametrize("family", REFUSED_VALUES)
@pytest.mark.parametrize("via", ["update", "event"])
def test_every_family_refuses_a_value_through_the_one_path(
    gallery: RuntimeCase,
    tmp_path: Path,
    family: str,
    via: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    widget: Any = _families(gallery, tmp_path)[family]
    value = REFUSED_VALUES[family](widget)
    before = widget.value
    if via == "update":
        msg = _update({"value": value})
    else:
        # an event that carries a value: submit or save where the family has one
        event = next(e for e in ("submit", "save", *sorted(widget._events)) if e in widget._events)
        msg = _custom({"event": event, "value": value})
    with caplog.at_level(logging.WARNING):
        widget._handle_msg(msg)
    assert capsys.readouterr() == ("", "")
    assert widget.value == before
    assert widget.status, "the learner is told why"
    refusals = [r for r in caplog.records if r.name == LOGGER]
    assert refusals and all(r.levelno == logging.WARNING for r in refusals)
    assert refusals[0].getMessage().startswith(f"{type(widget).__name__}: refused value: ")
    assert MARKER not in caplog.text


@pytest.mark.parametrize("family", REFUSED_VALUES)
def test_a_lone_surrogate_is_refused_before_anything_is_echoed(
    gallery: RuntimeCase, tmp_path: Path, family: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """ipywidgets echoes an accepted update to the page, and a lone surrogate cannot be sent:
    it is refused first, by the family's own shape check or by the text check."""
    widget: Any = _families(gallery, tmp_path)[family]
    sent: list[bytes] = []
    widget.comm.send = lambda data=None, **kw: sent.append(json_packer(data))
    before = widget.value
    half_emoji = "\ud83d"
    text = family in {"reflection", "rewrite"}
    value: Any = f"Before the paste {half_emoji}" if text else [half_emoji]
    if family == "self_assessment":
        value = {"now": [half_emoji]}
    widget._handle_msg(_update({"value": value}))
    assert capsys.readouterr() == ("", "")
    assert widget.value == before
    assert widget.status
    if text:
        assert widget.status == (
            "Your text has a character that cannot be saved (often a broken emoji from a "
            "paste). Please retype the last thing you pasted."
        )
    assert all(half_emoji.encode("utf-8", "surrogatepass") not in m for m in sent)


def test_a_refusal_said_twice_is_announced_twice(gallery: RuntimeCase, tmp_path: Path) -> None:
    widget: Any = _families(gallery, tmp_path)["multiple_choice"]
    shown: list[str] = []
    widget.observe(lambda change: shown.append(change["new"]), names="status")
    widget._handle_msg(_custom({"event": "nope"}))
    widget._handle_msg(_custom({"event": "nope"}))
    assert shown.count(MALFORMED) == 2
