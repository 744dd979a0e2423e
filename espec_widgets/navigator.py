"""The landing page's navigator: the curriculum by Part, each module with the learner's status.

A learner kernel runs it: it reads the cases' cached runtime form (no pydantic, no pandas) and
the learner's progress rows from the store, which each case page writes as the learner works.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import traitlets as t

from .activities._kernel_owned import KernelOwnedWidget
from .anchors import activity_anchor
from .case.errors import CaseFileError
from .case.runtime import RuntimeCase, load_runtime_case
from .case.vocabulary import Part
from .curriculum import GRADED_TYPES, PARTS, UNLOCKED_BY, Status, module_status, sort_key
from .page import strict
from .paths import data_dir, project_root
from .store import Learner, Store

_HERE = Path(__file__).parent
log = logging.getLogger(__name__)

LIVE_PAGE = "live.ipynb"
"""Part II's page: join a live session with the instructor's code (espec_widgets/live)."""
CREDIT_PAGE = "credit.ipynb"
"""Credit and certificates (espec_widgets/credit), for the Parts that carry a certificate."""
BEFORE_LEARNER = "Enter your name above, or open your resume link, to see your progress here."


@dataclass(frozen=True)
class Module:
    case: RuntimeCase

    @property
    def href(self) -> str:
        """The case page, relative to the landing page."""
        return f"{Part(self.case.info.part).slug}/{self.case.id}.ipynb"


def load_modules(root: Path) -> tuple[list[Module], list[str]]:
    """The curriculum's modules in program order, and a message for each case that failed."""
    modules, failed = [], []
    for path in sorted((data_dir(root) / "cases").glob("*.yaml")):
        try:
            modules.append(Module(load_runtime_case(path)))
        except (CaseFileError, OSError) as exc:
            if strict():
                raise
            log.error("navigator: cannot load %s: %s", path, exc)
            failed.append(f"{path.stem} could not be loaded; please tell your course team.")
    modules.sort(
        key=lambda m: sort_key(m.case.info.part, m.case.info.main_domain, m.case.info.title)
    )
    return modules, failed


def _course(root: Path) -> dict[str, Any] | None:
    """The course record as the navigator shows it, or None when it cannot be read."""
    from .credit.runtime import course_view, load_credit

    try:
        return course_view(load_credit(root)) or None
    except (CaseFileError, OSError) as exc:
        if strict():
            raise
        log.error("navigator: cannot load the course record: %s", type(exc).__name__)
        return None


class Navigator(KernelOwnedWidget):
    """Parts, modules and statuses, computed in the kernel; the page only shows them."""

    _esm = _HERE / "navigator.js"

    parts = t.List(t.Dict(), help="Each Part: title, blurb, hours, lock, and its modules.").tag(
        sync=True
    )
    continue_to = t.Dict(help="Where the learner should go next, once they are known.").tag(
        sync=True
    )
    note = t.Unicode(BEFORE_LEARNER, help="Shown above the curriculum.").tag(sync=True)
    token = t.Unicode(help="Added to case links so each page resumes the learner.").tag(sync=True)
    hub = t.Bool(False, help="JupyterHub knows the learner: links need no token.").tag(sync=True)

    def __init__(
        self,
        modules: list[Module],
        *,
        problems: Sequence[str] = (),
        course: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._modules = modules
        self._problems = list(problems)
        self._course = {p["part"]: p for p in (course or {}).get("parts", [])}
        self.show(None, {}, set())

    def show(
        self,
        learner: Learner | None,
        progress: dict[str, Any],
        with_work: set[str],
        results: dict[tuple[str, str], bool] | None = None,
    ) -> None:
        """Lay out the curriculum; with a learner, with their status in every module and how
        many of its graded activities their last answer got right (results)."""
        results = results or {}
        statuses = {}
        for m in self._modules:
            row = progress.get(m.case.id)
            statuses[m.case.id] = module_status(
                m.case.info.order,
                done=row.done if row is not None else None,
                has_work=m.case.id in with_work,
            )
        parts = []
        for part, about in PARTS.items():
            in_part = [m for m in self._modules if m.case.info.part == part.value]
            entry: dict[str, Any] = {
                "part": part.value,
                "title": about.title,
                "blurb": about.blurb,
                "hours": about.hours,
                "locked": False,
                "lock": "",
                "modules": [],
                "progress": "",
                "join": LIVE_PAGE if part is Part.II else "",
                "record": self._course.get(part.value, {}),
                "credit": CREDIT_PAGE if part.value in {"I", "II"} and self._course else "",
            }
            if learner is not None and in_part:
                complete = sum(statuses[m.case.id].status is Status.COMPLETE for m in in_part)
                entry["progress"] = (
                    f"Your progress: {complete} of {len(in_part)} modules with every activity done."
                )
            if (needed := UNLOCKED_BY.get(part)) is not None:
                required = [
                    statuses[m.case.id].status
                    for m in self._modules
                    if m.case.info.part == needed.value
                ]
                left = sum(s is not Status.COMPLETE for s in required)
                if learner is None or left or not required:
                    entry["locked"] = True
                    entry["lock"] = (
                        f"Locked: opens when every Part {needed.value} module is complete"
                        + (f" ({left} still to finish)." if learner is not None else ".")
                    )
                else:
                    entry["lock"] = (
                        f"Open: you have completed Part {needed.value}. Ask your course team "
                        "to match you with a mentor."
                    )
            for m in in_part:
                s = statuses[m.case.id]
                info = m.case.info
                entry["modules"].append(
                    {
                        "id": m.case.id,
                        "title": info.title,
                        "href": m.href,
                        "domains": list(info.domains),
                        "main_domain": info.main_domain,
                        "minutes": info.estimated_minutes,
                        "status": s.status.value if learner is not None else "",
                        "done": s.done,
                        "total": s.total,
                        "next": _title(m.case, s.next_activity)
                        if learner is not None and s.status is Status.IN_PROGRESS
                        else "",
                        "next_href": _at(m.href, s.next_activity),
                        **_right(m.case, results),
                    }
                )
            parts.append(entry)
        self.parts = parts
        self.continue_to = self._next(learner, progress, statuses)
        if learner is None:
            self.note = BEFORE_LEARNER
        else:
            self.note = " ".join(self._problems)

    def _next(
        self, learner: Learner | None, progress: dict[str, Any], statuses: dict[str, Any]
    ) -> dict[str, str]:
        """The module in progress most recently opened, else the first not started."""
        if learner is None:
            return {}
        started = [m for m in self._modules if statuses[m.case.id].status is Status.IN_PROGRESS]
        if started:
            latest = max(
                started,
                key=lambda m: (
                    progress[m.case.id].updated_at.timestamp() if m.case.id in progress else 0
                ),
            )
            s = statuses[latest.case.id]
            return {
                "verb": "Continue where you left off",
                "title": latest.case.info.title,
                "href": _at(latest.href, s.next_activity),
                "next": _title(latest.case, s.next_activity),
            }
        fresh = [m for m in self._modules if statuses[m.case.id].status is Status.NOT_STARTED]
        if fresh:
            return {"verb": "Start", "title": fresh[0].case.info.title, "href": fresh[0].href}
        return {"verb": "done", "title": "", "href": ""}


def _right(case: RuntimeCase, results: dict[tuple[str, str], bool]) -> dict[str, int]:
    """How many of the case's graded activities the learner's last answer got right."""
    graded = [a.id for a in case.activities if a.type in GRADED_TYPES]
    return {"graded": len(graded), "right": sum(results.get((case.id, a), False) for a in graded)}


def _at(href: str, activity_id: str | None) -> str:
    """A case page, opened at an activity (its heading's anchor) when there is one."""
    return f"{href}#{activity_anchor(activity_id)}" if activity_id else href


def _title(case: RuntimeCase, activity_id: str | None) -> str:
    if activity_id is None:
        return ""
    try:
        return case.activity(activity_id).title
    except KeyError:
        return ""


class NavigatorPage:
    """The landing page in one kernel: the learner bar and the navigator, wired together."""

    def __init__(self, store: Store, navigator: Navigator) -> None:
        from .identity import LearnerBar

        self.store = store
        self.navigator = navigator
        self.identity = LearnerBar(store)
        self.identity.on_learner(self.start)

    def start(self, learner: Learner) -> None:
        self.navigator.hub = self.identity.hub
        self.navigator.token = "" if self.identity.hub else learner.token
        self.navigator.show(
            learner,
            self.store.find_progress(learner),
            self.store.find_cases_with_work(learner),
            self.store.find_latest_results(learner),
        )

    def resume(self) -> None:
        """Identify the learner (the notebook's last cell, after everything is shown)."""
        self.identity.resolve()


class UnavailablePage:
    """The landing page when the store cannot open: the message is shown, nothing else runs."""

    def __init__(self, problem: str) -> None:
        self.problem = problem

    def resume(self) -> None:
        pass


def open_navigator() -> NavigatorPage | UnavailablePage:
    """The landing page's kernel: the curriculum and the learner bar, shown."""
    from IPython.display import display

    from .kernel_log import route_to_server_log
    from .page import _message, open_page_store

    route_to_server_log()

    store, problem = open_page_store()
    if store is None:
        display(_message(problem))
        return UnavailablePage(problem)
    root = project_root()
    modules, problems = load_modules(root)
    page = NavigatorPage(store, Navigator(modules, problems=problems, course=_course(root)))
    display(page.identity)
    display(page.navigator)
    return page
