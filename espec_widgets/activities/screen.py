"""Screen and decide: a fictional screening result, then a multiple-choice question about it.

The question is a `ChoiceQuestion` in every respect (key kept in the kernel until an answer,
feedback per option, every attempt kept and stored as ``{"chosen": [indexes]}``, regraded on
resume). Only the screening panel shown above it is added, as kernel-owned traits the page may
not write. The panel shows the result without interpreting it: reading the score against the
instrument's threshold is the exercise, and the options' feedback explains it afterwards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import traitlets as t

from ..case.runtime import INSTRUMENTS, MultipleChoiceSpec, ScreenDecideSpec, ScreenSpec
from .choice import ChoiceQuestion

_HERE = Path(__file__).parent

METER = frozenset({"distress thermometer"})
"""Instruments shown with a bar as well as the score in words (a thermometer is a scale)."""


def score_text(screen: ScreenSpec) -> str:
    """The score with its range in words ("7 out of 10"), or "" for a screen without a score."""
    if screen.score is None:
        return ""
    high = INSTRUMENTS.get(screen.instrument, ("", None))[1]
    return f"{screen.score} out of {high}" if high is not None else str(screen.score)


def _panel(screen: ScreenSpec) -> dict[str, Any]:
    name = INSTRUMENTS.get(screen.instrument, (screen.instrument, None))[0]
    high = INSTRUMENTS.get(screen.instrument, ("", None))[1]
    meter = screen.instrument in METER and screen.score is not None and high is not None
    return {
        "screen_title": f"{name} (fictional result)",
        "screen_score": score_text(screen),
        "screen_meter": [screen.score, high] if meter else [],
        "screen_caption": f"{name}: items and answers",
        "screen_rows": [[item.label.strip(), item.value.strip()] for item in screen.items],
        "screen_note": (screen.note or "").strip(),
    }


class ScreenDecideQuestion(ChoiceQuestion):
    """A screening result to read, then the next action to choose; graded as a ChoiceQuestion."""

    screen_title = t.Unicode(
        help="The panel's heading: the instrument, marked as a fictional result."
    ).tag(sync=True)
    screen_score = t.Unicode(help='The score with its range in words ("7 out of 10"), or "".').tag(
        sync=True
    )
    screen_meter = t.List(
        t.Int(), help="[score, highest score] for a <meter> bar, or [] for none."
    ).tag(sync=True)
    screen_caption = t.Unicode(help="The caption of the items table.").tag(sync=True)
    screen_rows = t.List(
        t.List(t.Unicode()), help="The items as [label, answer], in the case's own words."
    ).tag(sync=True)
    screen_note = t.Unicode(help="The case's note on the result, or empty.").tag(sync=True)

    def __init__(self, activity: ScreenDecideSpec, **kwargs: Any) -> None:
        question = MultipleChoiceSpec(
            id=activity.id,
            title=activity.title,
            prompt=activity.prompt,
            multiple=activity.multiple,
            options=tuple(activity.options),
        )
        super().__init__(question, **_panel(activity.screen), **kwargs)
        self.screen = activity.screen
