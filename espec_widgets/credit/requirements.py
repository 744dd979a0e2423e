"""What a learner must have done for a Part's certificate, checked against the store.

Part I: every module complete (every activity done, as the navigator counts it), the post-test
passed and the evaluation done. Part II: present at a live session for the share of its planned
minutes that counts as attended (the live-session records), and the evaluation done. The same
check runs when the page shows the requirements and again, in the kernel, when a certificate is
asked for: nothing the page sends can skip one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..curriculum import Status, module_status
from ..store import Learner, Store

CREDIT_PARTS = ("I", "II")
"""The Parts a certificate can be earned for in this workbook (Part III is not offered yet)."""


@dataclass(frozen=True)
class Requirement:
    key: str
    label: str
    met: bool
    detail: str


@dataclass(frozen=True)
class Standing:
    part: str
    requirements: list[Requirement]
    completed_on: Any = None  # the date the last requirement was met
    session: dict[str, Any] | None = None  # Part II: the session attended
    posttest: dict[str, Any] | None = None  # Part I: the passing attempt
    notes: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return all(r.met for r in self.requirements)


def _evaluation(store: Store, learner: Learner, part: str) -> tuple[Requirement, Any]:
    done = store.credit.find_evaluation(learner, part)
    return (
        Requirement(
            "evaluation",
            "Complete the evaluation",
            done is not None,
            "" if done is not None else "Tell us how this Part met your needs.",
        ),
        done.submitted_at if done is not None else None,
    )


def part_i(store: Store, learner: Learner, modules: list[Any]) -> Standing:
    progress = store.find_progress(learner)
    with_work = store.find_cases_with_work(learner)
    in_part = [m for m in modules if m.case.info.part == "I"]
    left = []
    last_done = None
    for m in in_part:
        row = progress.get(m.case.id)
        status = module_status(
            m.case.info.order,
            done=row.done if row is not None else None,
            has_work=m.case.id in with_work,
        )
        if status.status is not Status.COMPLETE:
            left.append(m.case.info.title)
        elif row is not None and (last_done is None or row.updated_at > last_done):
            last_done = row.updated_at
    complete = Requirement(
        "cases",
        "Complete every activity of "
        + ("the Part I case" if len(in_part) == 1 else f"the {len(in_part)} Part I cases"),
        bool(in_part) and not left,
        "" if in_part and not left else f"{len(left)} of {len(in_part)} still to finish.",
    )
    attempts = store.credit.find_attempts(learner, "I")
    passing = next((a for a in attempts if a.passed), None)
    submitted = [a for a in attempts if a.submitted_at is not None]
    if passing is not None:
        detail = f"Passed with {passing.score} of {passing.total}."
    elif submitted:
        last = submitted[-1]
        detail = (
            f"Not passed yet: your last attempt scored {last.score} of {last.total}. "
            "You may take it again; a retake asks new questions."
        )
    else:
        detail = "Not taken yet. It opens once every case is complete."
    test = Requirement("posttest", "Pass the post-test", passing is not None, detail)
    evaluation, evaluated_at = _evaluation(store, learner, "I")
    dates = [
        d
        for d in (last_done, passing.submitted_at if passing else None, evaluated_at)
        if d is not None
    ]
    return Standing(
        "I",
        [complete, test, evaluation],
        completed_on=max(dates).date() if dates else None,
        posttest=(
            {"score": passing.score, "total": passing.total, "attempt": passing.id}
            if passing
            else None
        ),
    )


def part_ii(store: Store, learner: Learner, *, share: float) -> Standing:
    attended = store.live.find_attended(learner, share=share)
    if attended:
        session, presence = attended[-1]
        detail = (
            f"Attended “{session.title}” on {session.ended_at:%Y-%m-%d} "
            f"({presence.minutes:g} of {session.planned_minutes} minutes)."
            if session.ended_at
            else ""
        )
        info = {
            "title": session.title,
            "code": session.code,
            "date": session.ended_at.date().isoformat() if session.ended_at else "",
            "instructor": session.created_by,
            "minutes": presence.minutes,
            "planned": session.planned_minutes,
        }
    else:
        detail = (
            f"No live session recorded yet: you need to be present for at least "
            f"{round(share * 100)}% of a session's planned minutes, and it has to have ended."
        )
        info = None
    present = Requirement("attendance", "Attend a live session", bool(attended), detail)
    evaluation, evaluated_at = _evaluation(store, learner, "II")
    dates = [d for d in (attended[-1][0].ended_at if attended else None, evaluated_at) if d]
    return Standing(
        "II",
        [present, evaluation],
        completed_on=max(dates).date() if dates else None,
        session=info,
    )
