"""The learner's own data in the store (`store.data`): case visits, the whole record of one
learner as plain data, and its deletion.

Which rows are a learner's is read from the schema, not listed by hand: every table with a
`learner_id` column. A table added later is exported and deleted with the rest (a test holds the
export's documented sections to this list).

Deletion is one transaction: every row linked to the learner goes, except certificates, which
are kept as the minimal record a verification needs (the id, the holder's name as printed, the
course, Part, hours and date, and whether and when it was revoked) with the link to the learner,
the licence, the details and the reason for a revocation cleared.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from . import tables

if TYPE_CHECKING:
    from . import Learner, Store

FORMAT = "espec-learner-data"
SCHEMA_VERSION = 1
"""The export's version (docs/data.md); raised when a field changes meaning or goes."""
KEPT = "certificates"
"""The one table whose rows outlive a deleted learner, reduced to a verification record."""
HIDDEN_COLUMNS = {"learner_id", "token"}
"""Never exported: the link (the export is the learner's) and the resume token (a credential)."""
SEEN_EVERY = dt.timedelta(seconds=60)
"""A case page records that it is still in use at most this often (on a save)."""


def learner_tables() -> list[sa.Table]:
    """Every table that holds rows of one learner, in deletion order (children first)."""
    found = [t for t in tables.metadata.sorted_tables if "learner_id" in t.c]
    return list(reversed(found))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _workbook_version() -> str:
    try:
        return version("espec-workbook")
    except PackageNotFoundError:  # pragma: no cover - a source tree without an install
        return "unknown"


@dataclass(frozen=True)
class Visit:
    id: int
    case_id: str
    resumed: bool
    started_at: dt.datetime
    last_seen_at: dt.datetime


class LearnerData:
    """The store's verbs for one learner's own data, with the store's own connections."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # case visits: a case page opened by a learner, for launched, suspended and resumed
    def add_visit(self, learner: Learner, case_id: str, *, now: dt.datetime | None = None) -> Visit:
        """Record that the learner opened a case page; `resumed` if they had worked on it."""
        now = now or self._store._now()
        v, p = tables.case_visits, tables.progress
        with self._store._write() as conn:
            before = conn.execute(
                sa.select(sa.func.count())
                .select_from(v)
                .where(v.c.learner_id == learner.id, v.c.case_id == case_id)
            ).scalar_one()
            worked = conn.execute(
                sa.select(p.c.done).where(p.c.learner_id == learner.id, p.c.case_id == case_id)
            ).first()
            resumed = bool(before) or bool(worked and worked.done)
            result = conn.execute(
                v.insert().values(
                    learner_id=learner.id,
                    case_id=case_id,
                    resumed=resumed,
                    started_at=now,
                    last_seen_at=now,
                )
            )
            visit_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        return Visit(visit_id, case_id, resumed, now, now)

    def update_visit_seen(self, visit: Visit, *, now: dt.datetime | None = None) -> Visit:
        """The page is still in use (a save); written at most once a minute per visit."""
        now = now or self._store._now()
        if now - visit.last_seen_at < SEEN_EVERY:
            return visit
        v = tables.case_visits
        with self._store._write() as conn:
            conn.execute(v.update().where(v.c.id == visit.id).values(last_seen_at=now))
        return Visit(visit.id, visit.case_id, visit.resumed, visit.started_at, now)

    def find_present(self, learner: Learner) -> bool:
        """Whether the learner is still in the store (not deleted, from this page or another)."""
        t = tables.learners
        with self._store._read() as conn:
            return conn.execute(sa.select(t.c.id).where(t.c.id == learner.id)).first() is not None

    # the opt-in for reflection text in learning records
    def find_xapi_text(self, learner: Learner) -> bool:
        t = tables.learners
        with self._store._read() as conn:
            value = conn.execute(sa.select(t.c.xapi_text).where(t.c.id == learner.id)).scalar()
        return bool(value)

    def update_xapi_text(self, learner: Learner, include: bool) -> int:
        """Record the learner's choice; when they withdraw it, their words also leave every
        statement still waiting in the outbox (how many changed is returned)."""
        t = tables.learners
        with self._store._write() as conn:
            conn.execute(t.update().where(t.c.id == learner.id).values(xapi_text=bool(include)))
        return 0 if include else self._store.outbox.update_without_words(learner.id)

    # the whole record
    def count_rows(self, learner: Learner) -> dict[str, int]:
        """Rows linked to the learner, by table (the learners row itself included)."""
        counts: dict[str, int] = {}
        with self._store._read() as conn:
            for table in learner_tables():
                counts[table.name] = conn.execute(
                    sa.select(sa.func.count())
                    .select_from(table)
                    .where(table.c.learner_id == learner.id)
                ).scalar_one()
            counts["learners"] = conn.execute(
                sa.select(sa.func.count())
                .select_from(tables.learners)
                .where(tables.learners.c.id == learner.id)
            ).scalar_one()
        return counts

    def export(self, learner: Learner, *, now: dt.datetime | None = None) -> dict[str, Any]:
        """Everything the store holds about the learner, as JSON-ready data (docs/data.md)."""
        now = now or self._store._now()
        s = tables.live_sessions
        with self._store._read() as conn:
            row = conn.execute(
                sa.select(tables.learners).where(tables.learners.c.id == learner.id)
            ).first()
            if row is None:
                raise LookupError("this learner is no longer in the store")
            sessions = {
                x.id: {"code": x.code, "scenario_id": x.scenario_id, "title": x.title}
                for x in conn.execute(sa.select(s.c.id, s.c.code, s.c.scenario_id, s.c.title))
            }
            out: dict[str, Any] = {
                "format": FORMAT,
                "schema_version": SCHEMA_VERSION,
                "exported_at": _plain(now),
                "workbook_version": _workbook_version(),
                "learner": {
                    "display_name": row.display_name,
                    "hub_user": row.hub_user,
                    "created_at": _plain(row.created_at),
                    "xapi_text": bool(row.xapi_text),
                },
            }
            for table in sorted(learner_tables(), key=lambda t: t.name):
                order = [c for c in table.primary_key.columns]
                rows = conn.execute(
                    sa.select(table).where(table.c.learner_id == learner.id).order_by(*order)
                ).mappings()
                out[table.name] = [self._exported(table, dict(r), sessions) for r in rows]
        return out

    @staticmethod
    def _exported(
        table: sa.Table, row: dict[str, Any], sessions: dict[int, dict[str, str]]
    ) -> dict[str, Any]:
        item: dict[str, Any] = {}
        for name, value in row.items():
            if name in HIDDEN_COLUMNS:
                continue
            if name == "id" and isinstance(value, int):
                continue  # a row number means nothing outside this database
            if name == "session_id":
                item["session"] = sessions.get(value, {})
                continue
            item[name] = _plain(value)
        return item

    def delete(self, learner: Learner) -> dict[str, int]:
        """Remove the learner and every row linked to them, in one transaction; rows removed
        by table. Certificates stay as the minimal verification record (see the module)."""
        removed: dict[str, int] = {}
        c = tables.certificates
        with self._store._write() as conn:
            exists = conn.execute(
                sa.select(tables.learners.c.id).where(tables.learners.c.id == learner.id)
            ).first()
            if exists is None:
                raise LookupError("this learner is no longer in the store")
            for table in learner_tables():
                if table.name == KEPT:
                    done = conn.execute(
                        c.update()
                        .where(c.c.learner_id == learner.id)
                        .values(
                            learner_id=None, licence_number=None, licence_state=None, details={}
                        )
                    )
                    removed[table.name] = 0
                    removed["certificates kept for verification"] = done.rowcount
                    continue
                done = conn.execute(table.delete().where(table.c.learner_id == learner.id))
                removed[table.name] = done.rowcount
            done = conn.execute(tables.learners.delete().where(tables.learners.c.id == learner.id))
            removed["learners"] = done.rowcount
        return removed

    def find_learners_named(self, display_name: str) -> list[Learner]:
        """Learners going by this name (ignoring case and spacing), for an operator."""
        from . import Learner

        want = " ".join(display_name.split()).casefold()
        t = tables.learners
        with self._store._read() as conn:
            rows = conn.execute(sa.select(t).order_by(t.c.id)).all()
        return [
            Learner(r.id, r.token, r.display_name, r.hub_user)
            for r in rows
            if r.display_name.casefold() == want or (r.hub_user or "").casefold() == want
        ]
