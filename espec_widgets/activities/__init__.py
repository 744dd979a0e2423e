"""Exercise widgets, one module per family; each validates every browser value in the kernel."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from ._activity import ActivityWidget, DraftWidget
from .choice import Attempt, ChoiceQuestion
from .reflection import ReflectionBox

__all__ = [
    "ActivityWidget",
    "Attempt",
    "ChoiceQuestion",
    "DraftWidget",
    "ReflectionBox",
    "SecretSource",
    "widget_class",
    "widget_for",
]


WIDGETS: dict[str, type[ActivityWidget] | str] = {
    "multiple_choice": ChoiceQuestion,
    "reflection": ReflectionBox,
    # The other families are imported when a page first shows one (pages pay for what they use).
    "classify": "classify.ClassifyExercise",
    "sequence": "sequence.SequenceExercise",
    "checklist": "checklist.ChecklistExercise",
    "self_assessment": "self_assessment.SelfAssessmentScale",
    "rewrite": "rewrite.RewriteExercise",
    "screen_decide": "screen.ScreenDecideQuestion",
    "find_gap": "find_gap.FindGapExercise",
    "branching": "branching.BranchingEncounter",
}

SecretSource = Callable[[str], bytes]
"""Gives the deployment's server secret by name (Store.find_or_add_secret)."""


def widget_class(activity_type: str) -> type[ActivityWidget]:
    """The widget class for an activity type; KeyError if there is none."""
    found = WIDGETS[activity_type]
    if isinstance(found, str):
        module, name = found.split(".")
        cls: type[ActivityWidget] = getattr(import_module(f".{module}", __name__), name)
        return cls
    return found


def widget_for(spec: Any, *, secret_for: SecretSource | None = None) -> ActivityWidget:
    """The widget for one activity spec (espec_widgets.case.runtime).

    secret_for is asked only by families that need a server secret (their `secret_name`), so a
    page without them never reads one.
    """
    try:
        cls: Any = widget_class(spec.type)  # each family's constructor takes its own spec
    except KeyError:
        raise KeyError(f"no widget for activity type '{spec.type}'") from None
    if cls.secret_name is None:
        widget: ActivityWidget = cls(spec)
        return widget
    secret = secret_for(cls.secret_name) if secret_for is not None else None
    widget = cls(spec, secret=secret)
    return widget
