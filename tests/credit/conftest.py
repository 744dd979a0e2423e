"""A workbook with the credit fixtures (a course record and a small bank for the minimal case)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from espec_widgets.store import Learner, Store

from ..conftest import FIXTURES


def add_credit_files(root: Path) -> Path:
    """The credit fixtures, and an id on the minimal case's objective for the bank to name (the
    shared fixture stays as it is: other tests count its lines)."""
    case = root / "data" / "cases" / "minimal-case.yaml"
    text = case.read_text(encoding="utf-8")
    text = text.replace(
        "  - text: Identify the legal surrogate",
        "  - id: identify-surrogate\n    text: Identify the legal surrogate",
    )
    case.write_text(text, encoding="utf-8")
    shutil.copy(FIXTURES / "credit" / "course.yaml", root / "data" / "course.yaml")
    shutil.copytree(FIXTURES / "credit" / "posttest", root / "data" / "posttest")
    return root


@pytest.fixture
def credit_workbook(workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    add_credit_files(workbook)
    monkeypatch.setenv("ESPEC_ROOT", str(workbook))
    monkeypatch.setenv("ESPEC_CACHE_DIR", str(tmp_path / "cache"))
    return workbook


def ended_session(
    store: Store,
    title: str,
    present: Sequence[Learner],
    *,
    left_early: Sequence[Learner] = (),
    instructor: str = "Dana Ruiz, LCSW",
) -> None:
    """A 150-minute live session, run to its end and over an hour ago, as the live-session store
    records it: those present heartbeat throughout, those who left early leave after an hour."""
    t0 = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)
    stage = {
        "id": "one",
        "title": "One",
        "minutes": 150,
        "narrative": "",
        "scenes": [],
        "poll": None,
        "wall": None,
    }
    session = store.live.add_session(
        [stage],
        scenario_id="fixture-live",
        title=title,
        planned_minutes=150,
        created_by=instructor,
        now=t0,
    )
    here = [store.live.join(session.id, learner, now=t0) for learner in present]
    gone = [store.live.join(session.id, learner, now=t0) for learner in left_early]
    store.live.update_stage(session.id, 0, now=t0)
    for attendance in gone:
        store.live.leave(attendance, now=t0 + dt.timedelta(minutes=60))
    for minute in range(0, 150, 10):
        for attendance in here:
            store.live.heartbeat(attendance, now=t0 + dt.timedelta(minutes=minute))
    store.live.end_session(session.id, now=t0 + dt.timedelta(minutes=150))
