"""A learner with a row in every table that holds learners' rows, made through the store's own
verbs (as the pages make them), for the export, deletion and xAPI tests."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from espec_widgets.store import Learner, Store, tables
from espec_widgets.store.learner_data import learner_tables

REFLECTION = "I noticed my own grief for my father came up when Ruth spoke about the ventilator."
POST = "We agreed the interpreter should sit beside the patient, not behind her."
STAGE = {
    "id": "talk",
    "title": "The family meeting",
    "minutes": 150,
    "narrative": "",
    "scenes": [],
    "poll": {
        "id": "first-step",
        "question": "<p>What comes first?</p>",
        "multiple": False,
        "options": ["Ask what they know", "Share the scan result"],
        "other": True,
    },
    "wall": {"question": "<p>Where should the interpreter sit?</p>"},
    "after_poll": [],
}


@dataclass
class Everything:
    learner: Learner
    certificate_id: str
    session_code: str


def learner_with_everything(
    store: Store, name: str = "Ana Tester", *, case_id: str = "minimal-case"
) -> Everything:
    """Rows of `name` in every learner table: a case visited and worked on, a post-test passed,
    an evaluation, a certificate, a live session attended with a poll answer and a wall post,
    and a statement in the xAPI outbox."""
    learner = store.add_learner(name)
    now = dt.datetime.now(dt.UTC)
    t0 = now - dt.timedelta(hours=3)
    store.data.add_visit(learner, case_id, now=t0)
    store.add_response(learner, case_id, "who-decides", {"chosen": [0]}, correct=True)
    store.update_or_create_draft(learner, case_id, "own-reactions", REFLECTION)
    with store.engine.begin() as conn:  # written during the visit, and left alone since
        d = tables.drafts
        conn.execute(d.update().where(d.c.learner_id == learner.id).values(updated_at=t0))
    store.update_or_create_progress(learner, case_id, ["who-decides", "own-reactions"], 2)
    attempt = store.credit.add_attempt(learner, "I", "bank-v1", [("q1", [1, 0]), ("q2", [0, 1])])
    store.credit.update_attempt_result(attempt, {"q1": 0, "q2": 1}, 2, True)
    store.credit.add_evaluation(learner, "I", {"relevance": 5, "comment": "Useful."})
    cert = store.credit.add_certificate(
        learner,
        part="I",
        holder_name=name,
        licence_number="LCSW 12345",
        licence_state="Ohio",
        course_title="ESPEC",
        hours=8.0,
        completed_on=now.date(),
        content_version="v1",
        details={"categories": "clinical 8.0"},
    )
    session = store.live.add_session(
        [STAGE],
        scenario_id="fixture-live",
        title="Interpreters at the bedside",
        planned_minutes=150,
        created_by="Dana Ruiz, LCSW",
        now=t0,
    )
    attendance = store.live.join(session.id, learner, now=t0)
    store.live.update_stage(session.id, 0, now=t0)
    store.live.update_poll(session.id, "first-step", state="open", now=t0)
    store.live.update_or_create_answer(session.id, learner, "first-step", [0], now=t0)
    store.live.add_post(session.id, learner, POST, now=t0)
    store.live.leave(attendance, now=t0 + dt.timedelta(minutes=140))
    store.live.end_session(session.id, now=t0 + dt.timedelta(minutes=150))
    store.outbox.add_missing([(str(uuid.uuid4()), learner.id, {"id": "queued"})], now=now)
    counts = store.data.count_rows(learner)
    missing = [t.name for t in learner_tables() if not counts[t.name]]
    assert not missing, f"the helper wrote no row of {name} in {missing}"
    return Everything(learner, cert.id, session.code)
