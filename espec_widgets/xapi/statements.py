"""xAPI statements made from the store's rows.

Cases follow the MedBiquitous Virtual Patient profile where its verbs fit: a case is a
simulation; the first visit `launched` and `initialized` it, a later visit `resumed` it, a visit
that ended before the case was done `suspended` it; every answer is `responded` (with the choice
made), a conversation step also `arrived` at the node it led to; a finished case is `completed`
and a post-test `passed` or `failed`. Live sessions use the Virtual Classroom profile (joined,
left, answered a poll), through Ralph's own models for it.

Every statement has an id made from what it records (uuid5), so making it again gives the same
id and an LRS keeps it once. The actor is an account on the workbook (its public address) with a
pseudonym keyed by a server secret: never a name or an email. The learner's own words (reflections,
rewrites, a poll's "other" answer) are included only if the learner chose so on My journal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..store import Store, tables
from ..store.outbox import OTHER, WORDS  # shared with the outbox's consent rule

log = logging.getLogger(__name__)

NAMESPACE = uuid.UUID("8a4f0f3e-2f6b-5d3c-9b1e-45535045430a")
"""The uuid5 namespace of this workbook's statement ids."""
ACTOR_SECRET = "xapi-actors"
VP_PROFILE = "https://w3id.org/xapi/virtual-patient"
VC_PROFILE = "https://w3id.org/xapi/virtual-classroom"
ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {
    "launched": ADL + "launched",
    "initialized": ADL + "initialized",
    "arrived": "https://w3id.org/xapi/medbiq/verbs/arrived",
    "responded": ADL + "responded",
    "completed": ADL + "completed",
    "passed": ADL + "passed",
    "failed": ADL + "failed",
    "suspended": ADL + "suspended",
    "resumed": ADL + "resumed",
    "joined": "http://activitystrea.ms/join",
    "left": "http://activitystrea.ms/leave",
    "answered": ADL + "answered",
}
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
NODE = "http://activitystrea.ms/schema/1.0/node"
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
VIRTUAL_CLASSROOM = "https://w3id.org/xapi/virtual-classroom/activity-types/virtual-classroom"
SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
IDLE = dt.timedelta(minutes=30)
"""A case visit with no save for this long has ended (the page was closed or left)."""
INTERACTION_TYPES = {
    "multiple_choice": "choice",
    "checklist": "choice",
    "classify": "matching",
    "sequence": "sequencing",
    "find_gap": "other",
    "self_assessment": "likert",
    "branching": "choice",
    "reflection": "long-fill-in",
    "rewrite": "long-fill-in",
}


def _planned_duration_key() -> str:
    from ralph.models.xapi.concepts.constants.tincan_vocabulary import (
        CONTEXT_EXTENSION_PLANNED_DURATION,
    )

    return str(CONTEXT_EXTENSION_PLANNED_DURATION)


def _when(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _response(spec: Any, payload: dict[str, Any]) -> str:
    """What the learner chose: a multiple choice's options by id (xAPI's `id[,]id`), any other
    activity's submission in its own form (docs/data.md, `responses.payload`)."""
    chosen = payload.get("chosen")
    if getattr(spec, "type", "") == "multiple_choice" and isinstance(chosen, list):
        picked = [c for c in chosen if type(c) is int and 0 <= c < len(spec.options)]
        if picked:
            return "[,]".join(f"option-{c + 1}" for c in picked)
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))[:4000]


def _en(text: str) -> dict[str, str]:
    return {"en-US": " ".join(text.split())[:200] or "untitled"}


@dataclass
class Made:
    """One statement and whose it is (for the outbox and deletion)."""

    learner_id: int
    statement: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.statement["id"])

    @property
    def timestamp(self) -> str:
        return str(self.statement["timestamp"])


@dataclass
class Catalogue:
    """What statements need from the content: case and activity titles, the conversations."""

    cases: dict[str, Any] = field(default_factory=dict)  # id -> RuntimeCase

    @classmethod
    def of(cls, root: Path) -> Catalogue:
        from ..case.errors import CaseFileError
        from ..case.runtime import load_runtime_case
        from ..paths import data_dir

        cases = {}
        data = data_dir(root)
        for folder in (data / "cases", data / "gallery"):
            for path in sorted(folder.glob("*.yaml")):
                try:
                    case = load_runtime_case(path)
                except (CaseFileError, OSError) as exc:
                    log.warning("xapi: cannot load %s: %s", path.name, exc)
                    continue
                cases[case.id] = case
        return cls(cases)

    def activity(self, case_id: str, activity_id: str) -> Any:
        case = self.cases.get(case_id)
        if case is None:
            return None
        try:
            return case.activity(activity_id)
        except KeyError:
            return None


class Maker:
    """Statements for the learners of one store, with this deployment's address and secret."""

    def __init__(self, store: Store, catalogue: Catalogue, public_url: str) -> None:
        self.store = store
        self.catalogue = catalogue
        self.base = public_url.rstrip("/") + "/"
        self._secret = store.find_or_add_secret(ACTOR_SECRET)
        self._actors: dict[int, str] = {}

    # identities
    def _load_actors(self) -> None:
        """Each learner's pseudonym, keyed by the server secret over their row's id and the
        moment it was made: SQLite may give a deleted learner's id to the next learner, who
        must not inherit the deleted learner's account in the LRS."""
        t = tables.learners
        self._actors = {
            r.id: hmac.new(
                self._secret, f"{r.id}|{r.created_at.isoformat()}".encode(), hashlib.sha256
            ).hexdigest()[:32]
            for r in self._rows(sa.select(t.c.id, t.c.created_at))
        }

    def accounts(self) -> list[tuple[str, str | None, str]]:
        """(display name, JupyterHub user, account name) of every learner: the key an operator
        may give a training department to read the LRS's pseudonymous records by person."""
        self._load_actors()
        t = tables.learners
        rows = self._rows(sa.select(t.c.id, t.c.display_name, t.c.hub_user).order_by(t.c.id))
        return [
            (r.display_name, r.hub_user, self._actors[r.id]) for r in rows if r.id in self._actors
        ]

    def actor(self, learner_id: int) -> dict[str, Any]:
        if learner_id not in self._actors:
            self._load_actors()
        name = self._actors[learner_id]
        return {"objectType": "Agent", "account": {"homePage": self.base, "name": name}}

    def _id(self, learner_id: int, *key: object) -> str:
        actor = self.actor(learner_id)["account"]["name"]
        return str(uuid.uuid5(NAMESPACE, "|".join([self.base, actor, *map(str, key)])))

    def case_activity(self, case_id: str) -> dict[str, Any]:
        case = self.catalogue.cases.get(case_id)
        title = case.info.title if case is not None else case_id
        return {
            "objectType": "Activity",
            "id": f"{self.base}cases/{case_id}",
            "definition": {"type": SIMULATION, "name": _en(title)},
        }

    def _vp_context(self, case_id: str, *, parent: bool = False) -> dict[str, Any]:
        activities: dict[str, Any] = {"category": [{"id": VP_PROFILE}]}
        if parent:
            activities["parent"] = [{"id": f"{self.base}cases/{case_id}"}]
        return {"contextActivities": activities, "platform": "ESPEC Case Workbook"}

    def _statement(
        self,
        learner_id: int,
        key: tuple[object, ...],
        verb: str,
        obj: dict[str, Any],
        when: dt.datetime,
        context: dict[str, Any],
        result: dict[str, Any] | None = None,
    ) -> Made:
        statement: dict[str, Any] = {
            "id": self._id(learner_id, verb, *key),
            "actor": self.actor(learner_id),
            "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
            "object": obj,
            "context": context,
            "timestamp": _when(when),
        }
        if result:
            statement["result"] = result
        return Made(learner_id, statement)

    # the rows
    def for_learners(
        self, *, since: dt.datetime | None = None, now: dt.datetime | None = None
    ) -> Iterator[Made]:
        """Every statement the store's rows make, oldest first; with since, only those about
        events at or after it (read from the rows changed since then)."""
        now = now or dt.datetime.now(dt.UTC)
        self._load_actors()
        made = [
            *self._visits(now, since),
            *self._responses(since),
            *self._drafts(since, now),
            *self._completions(since),
            *self._attempts(since),
            *self._attendance(now, since),
            *self._poll_answers(since),
        ]
        made.sort(key=lambda m: m.timestamp)  # stable: launched before initialized
        cut = _when(since) if since is not None else None
        for m in made:
            if cut is None or m.timestamp >= cut:
                yield m

    def _rows(self, query: Any) -> list[Any]:
        with self.store._read() as conn:
            return list(conn.execute(query).all())

    def _opted_in(self) -> set[int]:
        t = tables.learners
        return {r.id for r in self._rows(sa.select(t.c.id).where(t.c.xapi_text.is_(True)))}

    def _completed_at(self) -> dict[tuple[int, str], dt.datetime]:
        p = tables.progress
        rows = self._rows(
            sa.select(p.c.learner_id, p.c.case_id, p.c.completed_at).where(
                p.c.completed_at.is_not(None)
            )
        )
        return {(r.learner_id, r.case_id): r.completed_at for r in rows}

    def _visits(self, now: dt.datetime, since: dt.datetime | None) -> Iterator[Made]:
        v = tables.case_visits
        query = sa.select(v).order_by(v.c.learner_id, v.c.case_id, v.c.started_at)
        if since is not None:  # a visit's statements are at its start and its last save
            query = query.where(v.c.last_seen_at >= since)
        rows = self._rows(query)
        completed = self._completed_at()
        for k, r in enumerate(rows):
            obj = self.case_activity(r.case_id)
            context = self._vp_context(r.case_id)
            if not r.resumed:
                yield self._statement(r.learner_id, (r.id,), "launched", obj, r.started_at, context)
                yield self._statement(
                    r.learner_id, (r.id,), "initialized", obj, r.started_at, context
                )
            else:
                yield self._statement(r.learner_id, (r.id,), "resumed", obj, r.started_at, context)
            later = k + 1 < len(rows) and (rows[k + 1].learner_id, rows[k + 1].case_id) == (
                r.learner_id,
                r.case_id,
            )
            ended = later or now - r.last_seen_at >= IDLE
            done_at = completed.get((r.learner_id, r.case_id))
            if ended and (done_at is None or done_at > r.last_seen_at + SLACK):
                yield self._statement(
                    r.learner_id, (r.id,), "suspended", obj, r.last_seen_at, context
                )

    def _interaction(self, case_id: str, activity_id: str) -> tuple[dict[str, Any], Any]:
        spec = self.catalogue.activity(case_id, activity_id)
        kind = getattr(spec, "type", "other")
        definition: dict[str, Any] = {
            "type": INTERACTION,
            "name": _en(getattr(spec, "title", activity_id)),
            "interactionType": INTERACTION_TYPES.get(kind, "other"),
        }
        obj = {
            "objectType": "Activity",
            "id": f"{self.base}cases/{case_id}/activities/{activity_id}",
            "definition": definition,
        }
        if kind == "multiple_choice":  # the options, so that a response names what was chosen
            definition["choices"] = [
                {"id": f"option-{k + 1}", "description": _en(o.text)}
                for k, o in enumerate(spec.options)
            ]
        return obj, spec

    def _responses(self, since: dt.datetime | None) -> Iterator[Made]:
        r = tables.responses
        query = sa.select(r).order_by(r.c.id)
        if since is not None:
            query = query.where(r.c.created_at >= since)
        for row in self._rows(query):
            obj, spec = self._interaction(row.case_id, row.activity_id)
            context = self._vp_context(row.case_id, parent=True)
            payload = row.payload if isinstance(row.payload, dict) else {}
            if getattr(spec, "type", "") == "branching":
                yield from self._conversation(row, obj, spec, payload, context)
                continue
            result: dict[str, Any] = {"response": _response(spec, payload)}
            if row.correct is not None:
                result["success"] = bool(row.correct)
            yield self._statement(
                row.learner_id,
                ("response", row.id),
                "responded",
                obj,
                row.created_at,
                context,
                result,
            )

    def _conversation(
        self, row: Any, obj: dict[str, Any], spec: Any, payload: dict[str, Any], context: Any
    ) -> Iterator[Made]:
        """A conversation step: responded with the line chosen, arrived at the node it led to."""
        path = payload.get("path")
        if not isinstance(path, list) or not path:
            return  # a replay from the start: nothing was said
        nodes = {n.id: n for n in spec.nodes}
        try:
            node_id, k = path[-1]
            choice = nodes[node_id].choices[k]
        except (KeyError, IndexError, TypeError, ValueError):
            return
        yield self._statement(
            row.learner_id,
            ("response", row.id),
            "responded",
            obj,
            row.created_at,
            context,
            {"response": " ".join(choice.text.split())[:4000]},
        )
        reached = nodes.get(choice.next)
        if reached is None:
            return
        node = {
            "objectType": "Activity",
            "id": f"{obj['id']}/nodes/{reached.id}",
            "definition": {"type": NODE, "name": _en(f"{spec.title}: {reached.id}")},
        }
        node_context = self._vp_context(row.case_id)
        node_context["contextActivities"]["parent"] = [{"id": obj["id"]}]
        yield self._statement(
            row.learner_id, ("arrived", row.id), "arrived", node, row.created_at, node_context
        )

    def _drafts(self, since: dt.datetime | None, now: dt.datetime) -> Iterator[Made]:
        """A reflection or rewrite once the learner has left it alone for IDLE: one statement
        per revision that rested, not one per autosave."""
        d = tables.drafts
        opted = self._opted_in()
        query = sa.select(d).order_by(d.c.learner_id, d.c.case_id, d.c.activity_id)
        query = query.where(d.c.updated_at <= now - IDLE)
        if since is not None:
            query = query.where(d.c.updated_at >= since)
        for row in self._rows(query):
            words = len(row.text.split())
            if not words:
                continue
            obj, _spec = self._interaction(row.case_id, row.activity_id)
            result: dict[str, Any] = {"extensions": {WORDS: words}, "completion": True}
            if row.learner_id in opted:
                result["response"] = row.text
            yield self._statement(
                row.learner_id,
                ("draft", row.case_id, row.activity_id, row.revision),
                "responded",
                obj,
                row.updated_at,
                self._vp_context(row.case_id, parent=True),
                result,
            )

    def _completions(self, since: dt.datetime | None) -> Iterator[Made]:
        for (learner_id, case_id), when in sorted(self._completed_at().items()):
            if since is not None and when < since:
                continue
            yield self._statement(
                learner_id,
                ("case", case_id),
                "completed",
                self.case_activity(case_id),
                when,
                self._vp_context(case_id),
                {"completion": True},
            )

    def _attempts(self, since: dt.datetime | None) -> Iterator[Made]:
        a = tables.posttest_attempts
        query = sa.select(a).where(a.c.submitted_at.is_not(None)).order_by(a.c.id)
        if since is not None:
            query = query.where(a.c.submitted_at >= since)
        for row in self._rows(query):
            total = len(row.items) if isinstance(row.items, list) else 0
            score = int(row.score or 0)
            obj = {
                "objectType": "Activity",
                "id": f"{self.base}posttest/part-{row.part.lower()}",
                "definition": {"type": ASSESSMENT, "name": _en(f"Part {row.part} post-test")},
            }
            result = {
                "score": {
                    "raw": score,
                    "min": 0,
                    "max": total,
                    "scaled": round(score / total, 4) if total else 0,
                },
                "success": bool(row.passed),
                "completion": True,
            }
            verb = "passed" if row.passed else "failed"
            context = {"contextActivities": {"category": [{"id": VP_PROFILE}]}}
            yield self._statement(
                row.learner_id, ("attempt", row.id), verb, obj, row.submitted_at, context, result
            )

    # live sessions: the Virtual Classroom profile
    def _classroom(self, session: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        obj = {
            "objectType": "Activity",
            "id": f"{self.base}live/{session.code}",
            "definition": {"type": VIRTUAL_CLASSROOM, "name": _en(session.title)},
        }
        context = {
            "registration": str(uuid.uuid5(NAMESPACE, f"{self.base}live/{session.code}")),
            "contextActivities": {
                "category": [
                    {
                        "id": VC_PROFILE,
                        "definition": {"type": "http://adlnet.gov/expapi/activities/profile"},
                    }
                ]
            },
            "extensions": {SESSION_ID: session.code},
        }
        return obj, context

    def _sessions(self) -> dict[int, Any]:
        s = tables.live_sessions
        return {r.id: r for r in self._rows(sa.select(s))}

    def _attendance(self, now: dt.datetime, since: dt.datetime | None) -> Iterator[Made]:
        at = tables.live_attendance
        sessions = self._sessions()
        query = sa.select(at).order_by(at.c.id)
        if since is not None:  # joined, and left (at leaving or the last heartbeat)
            query = query.where(sa.or_(at.c.last_seen_at >= since, at.c.left_at >= since))
        for row in self._rows(query):
            session = sessions.get(row.session_id)
            if session is None:
                continue
            obj, context = self._classroom(session)
            joined = {
                **context,
                "extensions": {**context["extensions"], _planned_duration_key(): None},
            }
            yield self._statement(
                row.learner_id,
                ("joined", row.id),
                "joined",
                obj,
                row.joined_at,
                joined,
            )
            left = row.left_at
            if left is None and (session.ended_at is not None or now - row.last_seen_at >= IDLE):
                left = row.last_seen_at
            if left is not None:
                yield self._statement(
                    row.learner_id,
                    ("left", row.id),
                    "left",
                    obj,
                    left,
                    context,
                )

    def _poll_answers(self, since: dt.datetime | None) -> Iterator[Made]:
        la = tables.live_answers
        sessions = self._sessions()
        opted = self._opted_in()
        query = sa.select(la).order_by(la.c.session_id, la.c.poll_id)
        if since is not None:
            query = query.where(la.c.updated_at >= since)
        for row in self._rows(query):
            session = sessions.get(row.session_id)
            if session is None:
                continue
            parent, context = self._classroom(session)
            obj = {
                "objectType": "Activity",
                "id": f"{parent['id']}/polls/{row.poll_id}",
                # Ralph's Virtual Classroom model allows no interactionType here
                "definition": {"type": INTERACTION, "name": _en(f"Poll {row.poll_id}")},
            }
            chosen = "[,]".join(str(c) for c in (row.choices or []))
            response = chosen or "none"
            if row.other and row.learner_id in opted:
                response += f"{OTHER}{row.other})"
            poll_context = {
                **context,
                "contextActivities": {**context["contextActivities"], "parent": [parent]},
            }
            yield self._statement(
                row.learner_id,
                ("poll", row.session_id, row.poll_id, _when(row.updated_at)),  # each answer given
                "answered",
                obj,
                row.updated_at,
                poll_context,
                {"response": response},
            )


SLACK = dt.timedelta(seconds=90)
"""A visit whose last save is within this of the case's completion ended by completing it."""


class InvalidStatement(ValueError):
    """A statement Ralph's models refuse; the message names the statement and the field."""


def validate(statement: dict[str, Any]) -> None:
    """Check a statement with Ralph's xAPI models: the profile's own model where Ralph has one
    (the Virtual Classroom), the base xAPI model otherwise. InvalidStatement on a problem."""
    from pydantic import ValidationError
    from ralph.models.xapi.base.statements import BaseXapiStatement
    from ralph.models.xapi.virtual_classroom import statements as vc

    verb = statement.get("verb", {}).get("id")
    model: Any = {
        "http://activitystrea.ms/join": vc.VirtualClassroomJoined,
        "http://activitystrea.ms/leave": vc.VirtualClassroomLeft,
        ADL + "answered": vc.VirtualClassroomAnsweredPoll,
    }.get(verb, BaseXapiStatement)
    try:
        model.model_validate(statement)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise InvalidStatement(
            f"statement {statement.get('id')} ({verb}): {where}: {first.get('msg')}"
        ) from None
