"""Reflection boxes: limits enforced in the kernel, identifier warnings, earlier text kept."""

from __future__ import annotations

import pytest

from espec_widgets.activities import ReflectionBox
from espec_widgets.activities.reflection import MAX_CHARS
from espec_widgets.case import parse_case
from espec_widgets.case.runtime import ReflectionSpec, from_case

from ..conftest import FIXTURES


@pytest.fixture
def box() -> ReflectionBox:
    case = parse_case(FIXTURES / "data" / "cases" / "minimal-case.yaml")
    act = from_case(case).activity("own-reactions")
    assert isinstance(act, ReflectionSpec)
    return ReflectionBox(act)


def test_typing_counts_words_and_reminds(box: ReflectionBox) -> None:
    assert "Do not enter names" in box.reminder
    box.set_state({"value": "I felt my shoulders tighten."})
    assert box.words == 5
    assert box.warning == ""


def test_identifier_warns_but_keeps_text(box: ReflectionBox) -> None:
    box.set_state({"value": "Call me on 555-201-3344 after the 3/14/2025 meeting"})
    assert "a phone or fax number" in box.warning and "a date" in box.warning
    assert box.value.startswith("Call me")


@pytest.mark.parametrize("size", [MAX_CHARS + 1, 5 * MAX_CHARS])
def test_oversized_text_is_refused_and_previous_text_kept(box: ReflectionBox, size: int) -> None:
    box.set_state({"value": "My first thoughts."})
    box.set_state({"value": "x" * size})
    assert box.value == "My first thoughts."
    assert "over the limit" in box.status


def test_too_many_words_refused(box: ReflectionBox) -> None:
    box.set_state({"value": "word " * (box.max_words + 1)})
    assert box.value == ""
    assert f"limit of {box.max_words} words" in box.status


def test_nul_is_refused_in_words_and_words_is_read_only(box: ReflectionBox) -> None:
    box.set_state({"value": "kept"})
    box.set_state({"value": "a\x00b"})
    assert box.value == "kept"
    assert "invisible control character" in box.status
    with pytest.raises(Exception, match="read-only"):
        box.words = 99


def test_disabled_box_keeps_text(box: ReflectionBox) -> None:
    box.set_state({"value": "kept"})
    box.disabled = True
    box.set_state({"value": "changed"})
    assert box.value == "kept"


def test_browser_cannot_change_limits_or_status(box: ReflectionBox) -> None:
    box.set_state({"max_words": 10**9, "max_chars": 10**9, "status": "Saved", "words": 0})
    assert box.max_words == 600 and box.status == ""
    box.set_state({"value": 12345})  # a wrong type is refused, not raised
    assert box.value == ""


def test_save_carries_its_own_text(box: ReflectionBox) -> None:
    saved: list[str] = []
    box.set_saver(lambda text: saved.append(text) or len(saved))
    box._on_message(box, {"event": "save", "value": "Typed just before Save."}, [])
    assert saved == ["Typed just before Save."]
    box._on_message(box, {"event": "save", "value": "word " * 5000}, [])
    assert saved == ["Typed just before Save."] and "Not saved" in box.status
    box._on_message(box, {"event": "save", "value": ["not", "text"]}, [])
    assert saved == ["Typed just before Save."]


def test_text_kept_through_a_reload_is_recovered_once_and_checked(
    box: ReflectionBox, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved: list[str] = []
    told: list[dict[str, object]] = []
    monkeypatch.setattr(box, "send", lambda content, buffers=None: told.append(content))
    box.set_saver(lambda text: saved.append(text) or len(saved))
    box.restore("What the store has.")
    # The page kept text the kernel never confirmed: it is checked and saved.
    box._on_message(box, {"event": "recover", "value": "Typed before the reload."}, [])
    assert saved == ["Typed before the reload."] and box.value == "Typed before the reload."
    assert box.status.startswith("The text you typed before the page was reloaded is back.")
    assert told[-1] == {"event": "recovered", "ok": True}
    # The same text again (a second reload before the page dropped it): nothing new is saved.
    box._on_message(box, {"event": "recover", "value": "Typed before the reload."}, [])
    assert saved == ["Typed before the reload."] and told[-1] == {"event": "recovered", "ok": True}
    # Kept text is an input like any other: over the limits or not text, it is refused.
    for bad in ("word " * 5000, ["not", "text"], None, "\x00"):
        box._on_message(box, {"event": "recover", "value": bad}, [])
        assert told[-1] == {"event": "recovered", "ok": False}, bad
    assert saved == ["Typed before the reload."] and box.value == "Typed before the reload."
    # Closed, or before the learner is known: nothing is taken.
    box.disabled = True
    box._on_message(box, {"event": "recover", "value": "Another text."}, [])
    assert told[-1] == {"event": "recovered", "ok": False} and len(saved) == 1
