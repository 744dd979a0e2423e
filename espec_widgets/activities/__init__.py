"""Exercise widgets, one module per family; each validates every browser value in the kernel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._activity import ActivityWidget
from .choice import Attempt, ChoiceQuestion
from .reflection import ReflectionBox

__all__ = ["ActivityWidget", "Attempt", "ChoiceQuestion", "ReflectionBox", "widget_for"]

WIDGETS: dict[str, Callable[[Any], ActivityWidget]] = {
    "multiple_choice": ChoiceQuestion,
    "reflection": ReflectionBox,
}


def widget_for(spec: Any) -> ActivityWidget:
    """The widget for one activity spec (espec_widgets.case.runtime)."""
    try:
        make = WIDGETS[spec.type]
    except KeyError:
        raise KeyError(f"no widget for activity type '{spec.type}'") from None
    return make(spec)
