"""A frozen copy of the store's schema code from before Alembic (main at aa85474), to make old databases.

Tables and steps are copied verbatim from espec_widgets/store/tables.py and migrations.py of
that commit; only what makes a database at version 1, 2 or 3 and fills it is kept.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import sqlalchemy as sa

metadata = sa.MetaData()

schema_migrations = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)

learners = sa.Table(
    "learners",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("token", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", sa.String(80), nullable=False),
    sa.Column("hub_user", sa.String(255), unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

responses = sa.Table(
    "responses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("learner_id", sa.ForeignKey("learners.id"), nullable=False),
    sa.Column("case_id", sa.String(60), nullable=False),
    sa.Column("activity_id", sa.String(60), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("correct", sa.Boolean),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_responses_learner_case", "learner_id", "case_id"),
)

drafts = sa.Table(
    "drafts",
    metadata,
    sa.Column("learner_id", sa.ForeignKey("learners.id"), primary_key=True),
    sa.Column("case_id", sa.String(60), primary_key=True),
    sa.Column("activity_id", sa.String(60), primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

progress = sa.Table(
    "progress",
    metadata,
    sa.Column("learner_id", sa.ForeignKey("learners.id"), primary_key=True),
    sa.Column("case_id", sa.String(60), primary_key=True),
    sa.Column("done", sa.JSON, nullable=False),
    sa.Column("total", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

server_secrets = sa.Table(
    "server_secrets",
    metadata,
    sa.Column("name", sa.String(60), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

STEPS = [
    (1, "learners, responses, drafts", (learners, responses, drafts)),
    (2, "progress per case, for the navigator", (progress,)),
    (3, "server secrets (the key of the sequence exercises' starting order)", (server_secrets,)),
]


def make(url: str, version: int) -> sa.Engine:
    """A database as the old code's migrate() left it at `version`."""
    if url.startswith("sqlite"):
        Path(str(sa.make_url(url).database)).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        schema_migrations.create(conn, checkfirst=True)
        for number, name, step in STEPS[:version]:
            for table in step:
                table.create(conn, checkfirst=True)
            conn.execute(
                schema_migrations.insert().values(
                    version=number, name=name, applied_at=dt.datetime.now(dt.UTC)
                )
            )
    return engine


WHEN = dt.datetime(2026, 11, 30, 9, 15, 0, 123456, tzinfo=dt.UTC)
LEARNERS = [
    {"token": "A" * 32, "display_name": "Ana Reyes", "hub_user": None},
    {"token": "B" * 32, "display_name": "Ben Okafor", "hub_user": "bokafor"},
    {"token": "C" * 32, "display_name": "Chloé 😀", "hub_user": None},
]


def fill(engine: sa.Engine, version: int) -> dict[str, Any]:
    """Responses, drafts (and progress, secrets where the version has them) for several learners."""
    rows: dict[str, Any] = {"learners": [], "responses": [], "drafts": [], "progress": []}
    with engine.begin() as conn:
        for n, learner in enumerate(LEARNERS):
            # As the old code did: the engine numbers learners (a PostgreSQL sequence must advance).
            row = {**learner, "created_at": WHEN + dt.timedelta(minutes=n)}
            (row["id"],) = conn.execute(learners.insert().values(**row)).inserted_primary_key
            learner = row
            rows["learners"].append(row)
            for i in range(3):
                response = {
                    "learner_id": learner["id"],
                    "case_id": f"case-{i % 2}",
                    "activity_id": f"q{i}",
                    "payload": {"chosen": [i, n], "note": "é\n'quoted'"},
                    "correct": [True, False, None][i],
                    "created_at": WHEN + dt.timedelta(minutes=n, seconds=i),
                }
                conn.execute(responses.insert().values(**response))
                rows["responses"].append(response)
            draft = {
                "learner_id": learner["id"],
                "case_id": "case-0",
                "activity_id": "r1",
                "text": f"Draft of {learner['display_name']}\n\tsecond line",
                "revision": n + 2,
                "updated_at": WHEN + dt.timedelta(hours=1, minutes=n),
            }
            conn.execute(drafts.insert().values(**draft))
            rows["drafts"].append(draft)
            if version >= 2:
                done = {
                    "learner_id": learner["id"],
                    "case_id": "case-0",
                    "done": ["q0", "r1"][: n + 1],
                    "total": 4,
                    "updated_at": WHEN + dt.timedelta(hours=2, minutes=n),
                }
                conn.execute(progress.insert().values(**done))
                rows["progress"].append(done)
        if version >= 3:
            conn.execute(
                server_secrets.insert().values(name="shuffle", value="ab" * 32, created_at=WHEN)
            )
    return rows
