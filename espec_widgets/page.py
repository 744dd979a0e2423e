"""What a case notebook calls: open a case by id and show its activities, one call each."""

from __future__ import annotations

import html
import logging
import os
from typing import Any

from .case.errors import CaseFileError
from .case.runtime import MultipleChoiceSpec, ReflectionSpec, RuntimeCase, load_runtime_case
from .paths import data_dir, project_root

STRICT_ENV = "ESPEC_STRICT"
"""Set (as the test command does) to make page errors raise, so executing a notebook fails."""

WAITING = "Enter your name at the top of the page to start; your work is saved as you go."

log = logging.getLogger(__name__)


def _strict() -> bool:
    return os.environ.get(STRICT_ENV, "") not in {"", "0"}


def _message(text: str) -> Any:
    import ipywidgets as w

    # Escaped: the text may quote a file path or a case author's value.
    return w.HTML(f'<div role="alert" class="espec-error">{html.escape(text)}</div>')


class CasePage:
    """One learner's view of one case in one kernel: identity, widgets, and their stored state."""

    def __init__(self, case: RuntimeCase | None, *, store: Any = None, error: str = "") -> None:
        self.case = case
        self.store = store
        self.error = error
        self.widgets: dict[str, Any] = {}
        self.identity: Any = None
        self.learner: Any = None

    def widget(self, activity_id: str) -> Any:
        """The widget for an activity, created once per page and bound to the learner's store."""
        if activity_id in self.widgets:
            return self.widgets[activity_id]
        from .activities import ChoiceQuestion, ReflectionBox

        assert self.case is not None
        activity = self.case.activity(activity_id)
        widget: Any
        if isinstance(activity, MultipleChoiceSpec):
            widget = ChoiceQuestion(activity)
            widget.on_submit(self._record_attempt)
        elif isinstance(activity, ReflectionSpec):
            widget = ReflectionBox(activity)
        else:  # pragma: no cover - the schema admits no other type yet
            raise KeyError(activity_id)
        self.widgets[activity_id] = widget
        if self.learner is None:
            widget.disabled = True
            widget.status = WAITING
        else:
            self._bind(activity_id, widget)
        return widget

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

    def resume(self) -> None:
        """Identify the learner and restore their work: the notebook's last cell.

        A preheated kernel runs every cell above this one before anyone asks for the page, so
        a visitor's request only pays for finding the learner and restoring their answers.
        """
        if self.identity is not None:
            self.identity.resolve()

    # learner and store
    def start(self, learner: Any) -> None:
        """The learner is known: restore their saved work and open every activity."""
        self.learner = learner
        for activity_id, widget in self.widgets.items():
            self._bind(activity_id, widget)

    def _bind(self, activity_id: str, widget: Any) -> None:
        from .activities import Attempt, ReflectionBox

        assert self.case is not None and self.store is not None
        case_id, learner = self.case.id, self.learner
        if isinstance(widget, ReflectionBox):
            draft = self.store.find_drafts(learner, case_id).get(activity_id)
            widget.disabled = False
            widget.restore(draft.text if draft else "")
            if not draft:
                widget.status = ""
            widget.set_saver(
                lambda text: self.store.update_or_create_draft(learner, case_id, activity_id, text)
            )
            return
        attempts = []
        for row in self.store.find_responses(learner, case_id):
            chosen = row.payload.get("chosen") if isinstance(row.payload, dict) else None
            if row.activity_id == activity_id and isinstance(chosen, list):
                attempts.append(Attempt(tuple(int(i) for i in chosen), bool(row.correct)))
        widget.disabled = False
        widget.status = ""
        widget.restore(attempts)

    def _record_attempt(self, widget: Any, attempt: Any) -> None:
        activity_id = next(k for k, w in self.widgets.items() if w is widget)
        assert self.case is not None
        try:
            self.store.add_response(
                self.learner,
                self.case.id,
                activity_id,
                {"chosen": list(attempt.chosen)},
                correct=attempt.correct,
            )
        except Exception:
            log.exception("could not store an attempt")
            widget.status += " (This answer could not be saved; please try again.)"


def open_case(case_id: str) -> CasePage:
    """Load the case and the learner for this page; on a problem show a message, never a traceback."""
    from IPython.display import display

    from .identity import LearnerBar
    from .store import open_store

    try:
        path = data_dir(project_root()) / "cases" / f"{case_id}.yaml"
        case = load_runtime_case(path)
    except (CaseFileError, FileNotFoundError) as exc:
        if _strict():
            raise
        text = "This case could not be loaded. Please tell your course team. Details:\n" + str(exc)
        display(_message(text))
        return CasePage(None, error=text)
    page = CasePage(case, store=open_store())
    page.identity = LearnerBar(page.store)
    page.identity.on_learner(page.start)
    display(page.identity)
    return page
