"""The encounter player: the scene's transcript and recording, none of it writable by the browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from espec_widgets.activities.encounter import EncounterPlayer
from espec_widgets.case import parse_case
from espec_widgets.case.runtime import from_case

from ..conftest import FIXTURES


def test_page_plays_the_scene_with_names_and_roles(
    monkeypatch: pytest.MonkeyPatch, workbook: Path
) -> None:
    from espec_widgets import page as page_module

    shown: list[object] = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    case = from_case(parse_case(FIXTURES / "data" / "cases" / "minimal-case.yaml"))
    page = page_module.CasePage(case)
    page.play("arrival")
    (player,) = shown
    assert isinstance(player, EncounterPlayer)
    assert player.title == "The encounter: Arrival"
    assert player.lines[0] == {
        "who": "Sam Alvarez (son)",
        "text": "She told me she never wants to be on a breathing machine.",
    }
    assert player.media is None


def test_unknown_scene_is_a_message_for_learners_and_an_error_in_strict_mode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from espec_widgets import page as page_module

    shown: list[object] = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    case = from_case(parse_case(FIXTURES / "data" / "cases" / "minimal-case.yaml"))
    page = page_module.CasePage(case)
    monkeypatch.setenv("ESPEC_STRICT", "0")
    page.play("nope")
    assert "cannot be shown" in shown[0].value  # type: ignore[attr-defined]
    monkeypatch.setenv("ESPEC_STRICT", "1")
    with pytest.raises(KeyError):
        page.play("nope")


def test_browser_cannot_change_the_encounter() -> None:
    player = EncounterPlayer(title="T", lines=[{"who": "A", "text": "Hello"}], media=None)
    player.set_state(
        {
            "lines": [{"who": "A", "text": "<img src=x onerror=alert(1)>"}],
            "media": {"src": "http://evil"},
        }
    )
    assert player.lines == [{"who": "A", "text": "Hello"}] and player.media is None
