"""Exercise widgets, one module per family; each validates every browser value in the kernel."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from ._activity import ActivityWidget
from .choice import Attempt, ChoiceQuestion
from .reflection import ReflectionBox

__all__ = ["ActivityWidget", "Attempt", "ChoiceQuestion", "ReflectionBox", "widget_for"]


def _lazy(module: str, name: str) -> Callable[[Any], ActivityWidget]:
    """A family's widget class, imported when a page first shows one (pages pay for what they use)."""

    def make(spec: Any) -> ActivityWidget:
        cls: Callable[[Any], ActivityWidget] = getattr(import_module(f".{module}", __name__), name)
        return cls(spec)

    return make


WIDGETS: dict[str, Callable[[Any], ActivityWidget]] = {
    "multiple_choice": ChoiceQuestion,
    "reflection": ReflectionBox,
    "classify": _lazy("classify", "ClassifyExercise"),
    "sequence": _lazy("sequence", "SequenceExercise"),
    "checklist": _lazy("checklist", "ChecklistExercise"),
    "self_assessment": _lazy("self_assessment", "SelfAssessmentScale"),
    "rewrite": _lazy("rewrite", "RewriteExercise"),
    "screen_decide": _lazy("screen", "ScreenDecideQuestion"),
    "find_gap": _lazy("find_gap", "FindGapExercise"),
    "branching": _lazy("branching", "BranchingEncounter"),
}


def widget_for(spec: Any) -> ActivityWidget:
    """The widget for one activity spec (espec_widgets.case.runtime)."""
    try:
        make = WIDGETS[spec.type]
    except KeyError:
        raise KeyError(f"no widget for activity type '{spec.type}'") from None
    return make(spec)
