"""What a case notebook calls: open a case by id and show its activities, one call each."""

from __future__ import annotations

import html
import os
from typing import Any

from .case.errors import CaseFileError
from .case.loader import parse_case
from .case.schema import Case, MultipleChoice, Reflection
from .paths import data_dir, project_root

STRICT_ENV = "ESPEC_STRICT"
"""Set (as the test command does) to make page errors raise, so executing a notebook fails."""


def _strict() -> bool:
    return os.environ.get(STRICT_ENV, "") not in {"", "0"}


def _message(text: str) -> Any:
    import ipywidgets as w

    # Escaped: the text may quote a file path or a case author's value.
    return w.HTML(f'<div role="alert" class="espec-error">{html.escape(text)}</div>')


class CasePage:
    """One learner's view of one case in one kernel."""

    def __init__(self, case: Case | None, *, error: str = "") -> None:
        self.case = case
        self.error = error
        self.widgets: dict[str, Any] = {}

    def widget(self, activity_id: str) -> Any:
        """The widget for an activity, created once per page."""
        if activity_id not in self.widgets:
            from .activities import ChoiceQuestion, ReflectionBox

            assert self.case is not None
            activity = self.case.activity(activity_id)
            if isinstance(activity, MultipleChoice):
                self.widgets[activity_id] = ChoiceQuestion(activity)
            elif isinstance(activity, Reflection):
                self.widgets[activity_id] = ReflectionBox(activity)
        return self.widgets[activity_id]

    def show(self, activity_id: str) -> None:
        from IPython.display import display

        if self.case is None:
            return  # open_case already showed why (in strict mode it raised)
        try:
            display(self.widget(activity_id))
        except KeyError as exc:
            if _strict():
                raise
            display(_message(f"This activity cannot be shown: {exc.args[0]}."))


def open_case(case_id: str) -> CasePage:
    """Load the case for this page; on a broken case file show a message, never a traceback."""
    from IPython.display import display

    try:
        path = data_dir(project_root()) / "cases" / f"{case_id}.yaml"
        return CasePage(parse_case(path))
    except (CaseFileError, FileNotFoundError) as exc:
        if _strict():
            raise
        text = "This case could not be loaded. Please tell your course team. Details:\n" + str(exc)
        display(_message(text))
        return CasePage(None, error=text)
