"""Learner text the store cannot keep is named in plain words; everything else passes."""

from __future__ import annotations

import pytest

from espec_widgets.storable_text import why_unstorable


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Plain words.",
        "Tabs\tand\nline breaks\r\nare fine in a reflection.",
        "Émilie said «non» 😀 — ça va ✓",
        "\u0085\u2028 C1 and separators are storable",
        "\ufeffa byte-order mark",
    ],
)
def test_storable_text_passes(text: str) -> None:
    assert why_unstorable(text) is None


@pytest.mark.parametrize("text", ["half an emoji \ud83d", "\ude00 other half", "\udfff"])
def test_a_lone_surrogate_is_a_broken_character(text: str) -> None:
    message = why_unstorable(text)
    assert message == (
        "Your text has a character that cannot be saved (often a broken emoji from a paste). "
        "Please retype the last thing you pasted."
    )


@pytest.mark.parametrize("char", [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"])
def test_control_characters_are_refused(char: str) -> None:
    message = why_unstorable(f"before{char}after")
    assert message is not None and "invisible control character" in message
    assert "retype" in message


def test_a_name_must_be_one_line_and_is_called_a_name() -> None:
    assert why_unstorable("Ana Reyes", name=True) is None
    assert why_unstorable("Ana\tReyes", name=True) is None  # whitespace is collapsed when stored
    for text in ["Ana\nReyes", "Ana\rReyes", "Ana\u2028Reyes", "Ana\u0085Reyes"]:
        assert why_unstorable(text, name=True) == "Please put your name on one line."
    message = why_unstorable("Ana \ud83d", name=True)
    assert message is not None and message.startswith("Your name has a character")
    message = why_unstorable("Ana\x00", name=True)
    assert message is not None and message.startswith("Your name has an invisible")
