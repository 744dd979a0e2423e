"""The xAPI outbox (`store.outbox`): statements waiting for the Learning Record Store.

A statement is written once, with its own id, and sent exactly as written until the LRS accepts
it: at-least-once delivery, which the LRS turns into exactly-once because it keeps one statement
per id. A failed delivery pushes the statement's next attempt back (see xapi/forward.py); rows
are never deleted by delivery, so `espec export xapi` and the learner's export can say what went.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from . import _insert, tables

if TYPE_CHECKING:
    from . import Store

MAX_ERROR = 200


@dataclass(frozen=True)
class Queued:
    id: str
    learner_id: int | None
    statement: dict[str, Any]
    attempts: int


class Outbox:
    def __init__(self, store: Store) -> None:
        self._store = store

    def add_missing(
        self, statements: list[tuple[str, int | None, dict[str, Any]]], *, now: dt.datetime
    ) -> int:
        """Queue (id, learner id, statement) for delivery unless queued before; how many were new."""
        if not statements:
            return 0
        o, t = tables.xapi_outbox, tables.learners
        added = 0
        with self._store._write() as conn:
            # A learner deleted since their statements were made: theirs are not queued.
            wanted = {learner_id for _i, learner_id, _s in statements if learner_id is not None}
            present = set(conn.execute(sa.select(t.c.id).where(t.c.id.in_(wanted))).scalars())
            for statement_id, learner_id, statement in statements:
                if learner_id is not None and learner_id not in present:
                    continue
                insert = _insert(conn)(o).values(
                    id=statement_id,
                    learner_id=learner_id,
                    statement=statement,
                    stored_at=now,
                    attempts=0,
                    next_attempt_at=now,
                )
                done = conn.execute(
                    insert.on_conflict_do_nothing(index_elements=[o.c.id]).returning(o.c.id)
                )
                added += len(done.all())  # (psycopg reports no rowcount here)
        return added

    def find_due(self, *, now: dt.datetime, limit: int) -> list[Queued]:
        """Undelivered statements whose next attempt is due, oldest first."""
        o = tables.xapi_outbox
        with self._store._read() as conn:
            rows = conn.execute(
                sa.select(o.c.id, o.c.learner_id, o.c.statement, o.c.attempts)
                .where(o.c.delivered_at.is_(None), o.c.next_attempt_at <= now)
                .order_by(o.c.stored_at, o.c.id)
                .limit(limit)
            ).all()
        return [Queued(r.id, r.learner_id, dict(r.statement), r.attempts) for r in rows]

    def update_delivered(self, ids: list[str], *, now: dt.datetime) -> None:
        o = tables.xapi_outbox
        with self._store._write() as conn:
            conn.execute(
                o.update()
                .where(o.c.id.in_(ids))
                .values(delivered_at=now, attempts=o.c.attempts + 1, last_error=None)
            )

    def update_failed(self, ids: list[str], *, error: str, retry_at: dt.datetime) -> None:
        o = tables.xapi_outbox
        with self._store._write() as conn:
            conn.execute(
                o.update()
                .where(o.c.id.in_(ids), o.c.delivered_at.is_(None))
                .values(
                    attempts=o.c.attempts + 1,
                    next_attempt_at=retry_at,
                    last_error=error[:MAX_ERROR],
                )
            )

    def find_counts(self) -> dict[str, int]:
        """How many statements are queued, delivered and waiting after a failure."""
        o = tables.xapi_outbox
        with self._store._read() as conn:
            row = conn.execute(
                sa.select(
                    sa.func.count(),
                    sa.func.count(o.c.delivered_at),
                    sa.func.count(o.c.last_error),
                )
            ).one()
        return {"queued": row[0] - row[1], "delivered": row[1], "failing": row[2]}

    def update_without_words(self, learner_id: int) -> int:
        """Take the learner's own words out of their statements not yet delivered (they have just
        withdrawn their consent); how many were changed. Delivered ones are the LRS's now."""
        o = tables.xapi_outbox
        changed = 0
        with self._store._write() as conn:
            rows = conn.execute(
                sa.select(o.c.id, o.c.statement).where(
                    o.c.learner_id == learner_id, o.c.delivered_at.is_(None)
                )
            ).all()
            for row in rows:
                statement = dict(row.statement)
                if (plain := without_words(statement)) != statement:
                    conn.execute(o.update().where(o.c.id == row.id).values(statement=plain))
                    changed += 1
        return changed


WORDS = "https://w3id.org/xapi/espec/extensions/words"
OTHER = " (other: "


def without_words(statement: dict[str, Any]) -> dict[str, Any]:
    """The statement with the learner's own words removed: a reflection's response (its word
    count stays), and a poll's own-words answer (the options chosen stay)."""
    result = statement.get("result")
    if not isinstance(result, dict) or not isinstance(result.get("response"), str):
        return statement
    response = result["response"]
    if WORDS in (result.get("extensions") or {}):
        result = {k: v for k, v in result.items() if k != "response"}
    elif OTHER in response and statement.get("verb", {}).get("id", "").endswith("/answered"):
        result = {**result, "response": response.split(OTHER, 1)[0]}
    else:
        return statement
    return {**statement, "result": result}
