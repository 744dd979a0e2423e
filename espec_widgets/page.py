"""What a case notebook calls: open a case by id and show its activities, one call each."""

from __future__ import annotations

import html
import logging
from typing import TYPE_CHECKING, Any

from .case.errors import CaseFileError
from .case.runtime import RuntimeCase, load_runtime_case
from .config import STRICT_ENV as STRICT_ENV
from .config import settings
from .paths import data_dir, project_root

if TYPE_CHECKING:  # the page's contract; these modules load when a page first needs them
    import ipywidgets

    from .activities import ActivityWidget
    from .debrief import DebriefGate
    from .identity import LearnerBar
    from .outline import CaseOutline, WhereNext
    from .store import Learner, Store

HOME = "../index.ipynb"
"""The landing page (the navigator), relative to a case page."""

WAITING = "Enter your name at the top of the page to start; your work is saved as you go."

log = logging.getLogger(__name__)


def strict() -> bool:
    """Set (as the test command does) to make page errors raise, so executing a notebook fails."""
    return settings().strict


def _message(text: str) -> ipywidgets.HTML:
    import ipywidgets as w

    # Escaped: the text may quote a file path or a case author's value.
    return w.HTML(f'<div role="alert" class="espec-error">{html.escape(text)}</div>')


STORE_PROBLEM = (
    "This page cannot open the workbook's saved work yet. Please tell your course team: {}."
)


def open_page_store() -> tuple[Store | None, str]:
    """The store for a page's kernel, or (None, one sentence for the learner) when it cannot open.

    A kernel never migrates (the server does): a database at another revision gets the
    sentence naming the command to run, and an unreachable one says so; the details go to
    the server log, not the page.
    """
    import sqlalchemy as sa

    from .store import StoreVersionError, open_store

    try:
        return open_store(), ""
    except StoreVersionError as exc:
        if strict():
            raise
        log.warning("store not at this workbook's revision: %s", exc)
        return None, STORE_PROBLEM.format(exc)
    except sa.exc.SQLAlchemyError as exc:
        if strict():
            raise
        log.warning("store unreachable: %s", type(exc).__name__)
        return None, STORE_PROBLEM.format("the database cannot be reached")


class CasePage:
    """One learner's view of one case in one kernel: identity, widgets, and their stored state."""

    def __init__(
        self, case: RuntimeCase | None, *, store: Store | None = None, error: str = ""
    ) -> None:
        self.case = case
        self.store = store
        self.error = error
        self.widgets: dict[str, ActivityWidget] = {}
        self.identity: LearnerBar | None = None
        self.outline: CaseOutline | None = None
        self.where_next: WhereNext | None = None
        self.debrief_gate: DebriefGate | None = None
        self.learner: Learner | None = None
        self._reported: tuple[tuple[str, ...], int] | None = None
        self.visit: Any = None  # store.learner_data.Visit, once the learner is known

    def widget(self, activity_id: str) -> ActivityWidget:
        """The widget for an activity, created once per page and bound to the learner's store."""
        if activity_id in self.widgets:
            return self.widgets[activity_id]
        from .activities import widget_for

        assert self.case is not None
        secret_for = self.store.find_or_add_secret if self.store is not None else None
        widget = widget_for(self.case.activity(activity_id), secret_for=secret_for)
        widget.on_response(lambda payload, correct: self._record(activity_id, payload, correct))
        self.widgets[activity_id] = widget
        if self.learner is None:
            widget.disabled = True
            widget.status = WAITING
        else:  # shown again after the learner is known (a re-run cell in JupyterLab)
            self._bind(activity_id, widget, self._saved_work())
        return widget

    def show(self, activity_id: str) -> None:
        from IPython.display import display

        if self.case is None:
            return  # open_case already showed why (in strict mode it raised)
        try:
            display(self.widget(activity_id))
        except KeyError as exc:
            if strict():
                raise
            display(_message(f"This activity cannot be shown: {exc.args[0]}."))

    def play(self, scene_id: str) -> None:
        """Show a scene's encounter: its recording with captions, and its transcript."""
        from IPython.display import display

        from .activities.encounter import EncounterPlayer

        if self.case is None:
            return
        try:
            scene = self.case.scene(scene_id)
        except KeyError as exc:
            if strict():
                raise
            display(_message(f"This encounter cannot be shown: {exc.args[0]}."))
            return
        media = None
        if scene.media is not None:
            m = scene.media
            media = {"kind": m.kind, "src": m.src, "captions": m.captions, "title": m.title}
        lines = [
            {
                "who": line.speaker,
                "text": (f"({line.direction}) " if line.direction else "") + line.text.strip(),
            }
            for line in scene.transcript
        ]
        display(EncounterPlayer(title=f"The encounter: {scene.title}", lines=lines, media=media))

    def debrief(self) -> None:
        """Show the debrief's door: its text stays in the kernel until the learner asks."""
        from IPython.display import display

        from .debrief import DebriefGate

        if self.case is None:
            return
        self.debrief_gate = DebriefGate(self.case.info.debrief)
        self._update_progress()
        display(self.debrief_gate.view)

    def end(self, next_case: dict[str, str] | None = None) -> None:
        """Show where to go at the end of the case: the next activity, next_case (href, title,
        relative to this page, from the build), the workbook."""
        from IPython.display import display

        from .outline import WhereNext

        if self.case is None:
            return
        self.where_next = WhereNext(home=HOME, next_case=dict(next_case or {}))
        self._update_progress()
        display(self.where_next)

    def resume(self) -> None:
        """Identify the learner and restore their work: the notebook's last cell.

        A preheated kernel runs every cell above this one before anyone asks for the page, so
        a visitor's request only pays for finding the learner and restoring their answers.
        """
        if self.identity is not None:
            self.identity.resolve()

    # learner and store
    def start(self, learner: Learner) -> None:
        """The learner is known: restore their saved work and open every activity."""
        self.learner = learner
        self._open_visit()
        saved = self._saved_work()
        for activity_id, widget in self.widgets.items():
            self._bind(activity_id, widget, saved)
        self._update_progress()

    def _open_visit(self) -> None:
        """Record that the learner opened the case (launched, or resumed: see xapi/)."""
        try:
            case, store, learner = self._owner()
            self.visit = store.data.add_visit(learner, case.id)
        except Exception:  # a summary for learning records; the learner's work is unaffected
            log.exception("could not record a case visit")

    def _seen(self) -> None:
        """The page is in use: a save moves the visit's end (at most once a minute)."""
        if self.visit is None or self.store is None:
            return
        try:
            self.visit = self.store.data.update_visit_seen(self.visit)
        except Exception:
            log.exception("could not record a case visit")

    def _owner(self) -> tuple[RuntimeCase, Store, Learner]:
        """The case, store and learner that reading or writing work needs (set once known)."""
        if self.case is None or self.store is None or self.learner is None:
            raise RuntimeError("this page has no case, store or learner yet")
        return self.case, self.store, self.learner

    def _saved_work(self) -> tuple[dict[str, list[Any]], dict[str, Any]]:
        """The learner's response payloads and drafts by activity, in two queries."""
        case, store, learner = self._owner()
        payloads: dict[str, list[Any]] = {}
        for row in store.find_responses(learner, case.id):
            if isinstance(row.payload, dict):
                payloads.setdefault(row.activity_id, []).append(row.payload)
        return payloads, store.find_drafts(learner, case.id)

    def _bind(
        self,
        activity_id: str,
        widget: ActivityWidget,
        saved: tuple[dict[str, list[Any]], dict[str, Any]],
    ) -> None:
        case, store, learner = self._owner()
        payloads, drafts = saved
        widget.disabled = False
        widget.status = ""
        if widget.uses_draft:
            from .activities import DraftWidget

            assert isinstance(widget, DraftWidget), f"{type(widget).__name__} has no drafts"
            draft = drafts.get(activity_id)
            widget.restore(draft.text if draft else "")
            case_id = case.id

            def save(text: str) -> int:
                revision = store.update_or_create_draft(learner, case_id, activity_id, text)
                self._seen()
                return revision

            widget.set_saver(save)
            widget.on_saved(self._update_progress)
        else:
            widget.restore_state(payloads.get(activity_id, []))

    def _record(self, activity_id: str, payload: dict[str, Any], correct: bool | None) -> bool:
        """Keep a response; False (and a note on the widget) if the store could not."""
        widget = self.widgets[activity_id]
        try:
            case, store, learner = self._owner()
            store.add_response(learner, case.id, activity_id, payload, correct=correct)
            self._seen()
        except Exception:
            log.exception("could not store a response")
            widget.status += " (This answer could not be saved; please try again.)"
            return False
        finally:
            self._update_progress()
        return True

    def _update_progress(self) -> None:
        """Tell the learner how far they are (the learner bar, the outline, where next), and
        the navigator (the store)."""
        if self.case is None:
            return
        from .outline import next_activity

        done = {aid for aid, w in self.widgets.items() if w.done}
        left = sum(a not in done for a in self.case.info.order)
        known = self.learner is not None
        if self.outline is not None:
            self.outline.done = [a for a in self.case.info.order if a in done]
            self.outline.next_anchor = next_activity(self.case, done).get("anchor", "")
            self.outline.known = known
        if self.debrief_gate is not None:
            self.debrief_gate.update(known=known, left=left)
        if self.where_next is not None and known:
            self.where_next.next_activity = next_activity(self.case, done)
            self.where_next.left = left
        if self.identity is None:
            return
        text = f"Done: {len(done)} of {len(self.widgets)} activities."
        if len(done) < len(self.widgets):  # which ones: the outline lists and links them
            nxt = next(a for a, w in self.widgets.items() if not w.done)
            title = self.case.activity(nxt).title
            text += f" Next: {title}" + ("" if title[-1:] in ".?!" else ".")
        self.identity.progress = text
        if known:
            self._report_progress([aid for aid, w in self.widgets.items() if w.done])

    def _report_progress(self, done: list[str]) -> None:
        """Keep what is done for the navigator: on opening the case, then on each change."""
        state = (tuple(done), len(self.widgets))
        if state == self._reported:
            return
        try:
            case, store, learner = self._owner()
            store.update_or_create_progress(learner, case.id, done, state[1])
        except Exception:  # the learner's own work is saved separately; this is a summary
            log.exception("could not store progress")
            return
        self._reported = state


def open_case(case_id: str) -> CasePage:
    """Load the case and the learner for this page; on a problem show a message, never a traceback."""
    from IPython.display import display

    from .identity import LearnerBar
    from .kernel_log import route_to_server_log

    route_to_server_log()

    try:
        data = data_dir(project_root())
        folders = [data / "cases", data / "gallery"]
        path = next(
            (f / f"{case_id}.yaml" for f in folders if (f / f"{case_id}.yaml").exists()), None
        )
        if path is None:
            raise FileNotFoundError(
                f"no case file {case_id}.yaml in {', '.join(map(str, folders))}"
            )
        case = load_runtime_case(path)
    except (CaseFileError, FileNotFoundError) as exc:
        if strict():
            raise
        text = "This case could not be loaded. Please tell your course team. Details:\n" + str(exc)
        display(_message(text))
        return CasePage(None, error=text)
    store, problem = open_page_store()
    if store is None:
        display(_message(problem))
        return CasePage(None, error=problem)
    from .outline import CaseOutline

    page = CasePage(case, store=store)
    page.identity = LearnerBar(store, home=HOME)
    page.identity.on_learner(page.start)
    page.outline = CaseOutline.of(case)
    display(page.identity)
    display(page.outline)
    return page
