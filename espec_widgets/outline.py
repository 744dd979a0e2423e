"""Way-finding on a case page: the outline beside it, and where to go next at its end.

Both are computed in the kernel from the case (its outline, built with the notebook's headings)
and the learner's progress; the page only draws them, and may change nothing.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import traitlets as t

from .activities._kernel_owned import KernelOwnedWidget
from .anchors import activity_anchor
from .case.runtime import RuntimeCase

_HERE = Path(__file__).parent


class CaseOutline(KernelOwnedWidget):
    """The case's sections and activities as links, a tick for each activity done, a progress bar."""

    _esm = _HERE / "outline.js"

    entries = t.List(t.Dict(), help="Sections and activities: anchor, title, kind, activity.").tag(
        sync=True
    )
    done = t.List(t.Unicode(), help="Ids of the activities the learner has done.").tag(sync=True)
    known = t.Bool(False, help="The learner is known (before that, nothing is ticked).").tag(
        sync=True
    )
    next_anchor = t.Unicode(help="The heading of the first activity not yet done.").tag(sync=True)

    @classmethod
    def of(cls, case: RuntimeCase, **kwargs: Any) -> CaseOutline:
        return cls(entries=[asdict(e) for e in case.info.outline], **kwargs)


class WhereNext(KernelOwnedWidget):
    """At the end of a case: the next activity still to do, the next case, the workbook."""

    _esm = _HERE / "where_next.js"

    next_activity = t.Dict(
        help="The first activity not yet done: anchor and title; {} if none."
    ).tag(sync=True)
    next_case = t.Dict(help="The next module in the curriculum: href and title; {} if none.").tag(
        sync=True
    )
    home = t.Unicode(help="The navigator, relative to this page.").tag(sync=True)
    left = t.Int(-1, help="Activities still to do; -1 until the learner is known.").tag(sync=True)


def first_left(case: RuntimeCase, done: set[str]) -> str | None:
    """The first activity of the case, in page order, that is not done."""
    return next((a for a in case.info.order if a not in done), None)


def next_activity(case: RuntimeCase, done: set[str]) -> dict[str, str]:
    activity_id = first_left(case, done)
    if activity_id is None:
        return {}
    return {"anchor": activity_anchor(activity_id), "title": case.activity(activity_id).title}
