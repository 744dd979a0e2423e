"""Learner text checked before it is kept: what the store cannot hold is refused in plain words."""

from __future__ import annotations

import re

__all__ = ["UnstorableText", "why_unstorable"]

# A lone UTF-16 surrogate: a browser sends one in JSON ("\ud800") for half an emoji, and it has
# no UTF-8 form, so no database driver (and no Jupyter message) can carry it.
_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 controls but tab, line feed and carriage return: NUL ends a string in PostgreSQL and in
# many tools; the others are invisible debris from pastes.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")

BROKEN_CHARACTER = (
    "{subject} has a character that cannot be saved (often a broken emoji from a paste). "
    "Please retype the last thing you pasted."
)
CONTROL_CHARACTER = (
    "{subject} has an invisible control character that cannot be saved (often from a paste). "
    "Please retype the last thing you pasted."
)
LINE_BREAK = "Please put your name on one line."


class UnstorableText(ValueError):
    """Text the store refuses; str(error) is the message for the learner (it never quotes the text)."""


def why_unstorable(text: str, *, name: bool = False) -> str | None:
    """What is wrong with text, in words for the learner, or None when it can be stored.

    `name` is for a display name: one line, and the message says "Your name".
    """
    subject = "Your name" if name else "Your text"
    if _SURROGATE.search(text):
        return BROKEN_CHARACTER.format(subject=subject)
    if _CONTROL.search(text):
        return CONTROL_CHARACTER.format(subject=subject)
    if name and _LINE_BREAK.search(text):
        return LINE_BREAK
    return None
