"""The My journal page: the learner's journal, their data, the learning-record setting and
deletion, in one widget whose state the kernel holds.

Only the learner's own rows are read, by the id of the learner the page's identity resolved;
the browser sends actions (download, the opt-in, delete with the typed words), each checked
here. python-docx is imported only when a Word document is asked for.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from pathlib import Path
from typing import Any

import traitlets as t

from ..activities._kernel_owned import KernelOwnedWidget
from ..store import Learner, Store
from ..store.learner_data import KEPT
from .entries import as_data, journal

log = logging.getLogger(__name__)
_HERE = Path(__file__).parent

BEFORE_LEARNER = "Your journal appears here once the page knows who you are (above)."
GONE = (
    "Your data is no longer in this workbook (it was deleted, perhaps from another page). "
    "Nothing was done."
)
CONFIRM_WORDS = "delete my data"
FORMATS = {
    "docx": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "md": ("md", "text/markdown"),
    "json": ("json", "application/json"),
}
ROW_NAMES = {
    "responses": "answers",
    "drafts": "reflections and rewrites",
    "progress": "case progress",
    "case_visits": "case visits",
    "posttest_attempts": "post-test attempts",
    "evaluations": "evaluations",
    "live_attendance": "live-session attendance",
    "live_answers": "live poll answers",
    "live_posts": "wall posts",
    "xapi_outbox": "learning records waiting or sent",
}


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "learner"


class MyJournal(KernelOwnedWidget):
    _esm = _HERE / "journal.js"
    _events = frozenset({"download", "xapi_text", "delete"})

    ready = t.Bool(False, help="A learner is known.").tag(sync=True)
    name = t.Unicode(help="The learner's display name.").tag(sync=True)
    parts = t.List(t.Dict(), help="The journal: Parts, cases or sessions, entries.").tag(sync=True)
    count = t.Int(0, help="Entries in the journal.").tag(sync=True)
    xapi_text = t.Bool(False, help="The learner's choice: reflection text in records.").tag(
        sync=True
    )
    lrs = t.Bool(False, help="This workbook forwards learning records to an LRS.").tag(sync=True)
    held = t.List(t.Unicode(), help="What the store holds, e.g. 'answers: 12'.").tag(sync=True)
    certificates = t.Int(0, help="Certificates kept as verification records on deletion.").tag(
        sync=True
    )
    hub = t.Bool(False, help="Signed in through JupyterHub (a later visit starts afresh).").tag(
        sync=True
    )
    deleted = t.Bool(False, help="The learner's data was deleted.").tag(sync=True)
    status = t.Unicode(BEFORE_LEARNER, help="Refusals and confirmations (announced).").tag(
        sync=True
    )

    def __init__(self, store: Store, cases: list[Any], *, lrs: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._store = store
        self._cases = cases
        self._learner: Learner | None = None
        self._on_deleted: list[Any] = []
        self.lrs = lrs

    def on_deleted(self, callback: Any) -> None:
        self._on_deleted.append(callback)

    def start(self, learner: Learner, *, hub: bool = False) -> None:
        self._learner = learner
        self.hub = hub
        self.name = learner.display_name
        self.deleted = False
        self.ready = True
        self.status = ""
        self.refresh()

    def refresh(self) -> None:
        assert self._learner is not None
        j = journal(self._store, self._learner, self._cases)
        self.parts = as_data(j)
        self.count = j.count
        self.xapi_text = self._store.data.find_xapi_text(self._learner)
        counts = self._store.data.count_rows(self._learner)
        self.certificates = counts.get(KEPT, 0)
        self.held = [
            f"{ROW_NAMES[table]}: {n}" for table, n in counts.items() if n and table in ROW_NAMES
        ]

    # -- actions --------------------------------------------------------------------------------
    def download(self, kind: Any) -> None:
        assert self._learner is not None
        if not isinstance(kind, str) or kind not in FORMATS:
            self._refuse("download", "unknown format", tell="That download is not offered.")
            return
        ext, mime = FORMATS[kind]
        stamp = dt.date.today().isoformat()
        if kind == "json":
            data = json.dumps(self._store.data.export(self._learner), indent=2, ensure_ascii=False)
            payload = (data + "\n").encode("utf-8")
            name = f"espec-my-data-{_slug(self._learner.display_name)}-{stamp}.{ext}"
        else:
            from . import export

            j = journal(self._store, self._learner, self._cases)
            payload = export.docx(j) if kind == "docx" else export.markdown(j).encode("utf-8")
            name = f"espec-journal-{_slug(self._learner.display_name)}-{stamp}.{ext}"
        self.send_download(name, mime, payload)
        self._tell(f"Downloaded {name}.")

    def set_xapi_text(self, value: Any) -> None:
        assert self._learner is not None
        if type(value) is not bool:
            self._refuse("xapi_text", "not true or false")
            self.xapi_text = self._store.data.find_xapi_text(self._learner)
            return
        self._store.data.update_xapi_text(self._learner, value)
        self.xapi_text = value
        self._tell(
            "Saved: learning records will include the text of your reflections."
            if value
            else "Saved: learning records will not include the text of your reflections."
        )

    def delete(self, typed: Any) -> None:
        assert self._learner is not None
        words = " ".join(typed.split()).casefold() if isinstance(typed, str) else ""
        if words != CONFIRM_WORDS:
            self._refuse(
                "delete",
                "the confirmation words do not match",
                tell=f"Nothing was deleted. To delete your data, type “{CONFIRM_WORDS}” exactly.",
            )
            return
        try:
            removed = self._store.data.delete(self._learner)
        except LookupError:
            removed = {}
        kept = removed.get("certificates kept for verification", 0)
        log.info("journal: a learner deleted their data (%d rows)", sum(removed.values()) - kept)
        self._learner = None
        self.ready = False
        self.parts, self.count, self.held = [], 0, []
        self.deleted = True
        told = "Your data has been deleted from this workbook. "
        if kept:
            told += (
                f"{kept} certificate{'s' if kept != 1 else ''} remain{'s' if kept == 1 else ''} "
                "as a verification record only (its ID, your name as printed, the course and "
                "the date). "
            )
        told += "This browser has forgotten you; you can close this page."
        self._tell(told)
        for callback in self._on_deleted:
            callback()

    def handle_event(self, event: str, content: dict[str, Any]) -> None:
        if self._learner is None:
            self._refuse(event, "no learner yet", tell=BEFORE_LEARNER)
            return
        if not self._store.data.find_present(self._learner):
            self._refuse(event, "the learner was deleted", tell=GONE)
            self._learner = None
            self.ready = False
            self.parts, self.count, self.held = [], 0, []
            return
        if event == "download":
            self.download(content.get("format"))
        elif event == "xapi_text":
            self.set_xapi_text(content.get("value"))
        elif event == "delete":
            self.delete(content.get("confirm"))


class JournalPage:
    """The journal page in one kernel: the learner bar and the journal, wired together."""

    def __init__(self, store: Store, cases: list[Any], *, lrs: bool = False) -> None:
        from ..identity import LearnerBar

        self.identity = LearnerBar(store, home="index.ipynb")
        self.journal = MyJournal(store, cases, lrs=lrs)
        self.identity.on_learner(lambda learner: self.journal.start(learner, hub=self.identity.hub))
        self.journal.on_deleted(self.identity.sign_out)

    def resume(self) -> None:
        self.identity.resolve()


def open_journal_page() -> Any:
    """The journal page's kernel: the learner bar and the journal, shown."""
    from IPython.display import display

    from ..config import settings
    from ..kernel_log import route_to_server_log
    from ..navigator import UnavailablePage, load_modules
    from ..page import _message, open_page_store
    from ..paths import project_root

    route_to_server_log()
    store, problem = open_page_store()
    if store is None:
        display(_message(problem))
        return UnavailablePage(problem)
    modules, _failed = load_modules(project_root())
    page = JournalPage(store, [m.case for m in modules], lrs=bool(settings().lrs.get("url")))
    display(page.identity)
    display(page.journal)
    return page


__all__ = ["JournalPage", "MyJournal", "open_journal_page"]
