"""The store's tables as the code uses them today (SQLAlchemy Core): learners, an append-only
response history, drafts, progress and server secrets.

This is the current model, not the schema's history: the database is made by the frozen Alembic
revisions in alembic/versions/, and a test holds the two to the same columns.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """A timestamp that is always timezone-aware UTC in Python, whichever the engine.

    PostgreSQL keeps the zone; SQLite keeps the wall-clock text only, so UTC is stored and a
    naive value read back is UTC.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the store keeps timezone-aware timestamps only")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


metadata = sa.MetaData()

learners = sa.Table(
    "learners",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("token", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", sa.String(80), nullable=False),
    sa.Column("hub_user", sa.String(255), unique=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
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
    sa.Column("created_at", UTCDateTime(), nullable=False),
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
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

progress = sa.Table(
    "progress",
    metadata,
    sa.Column("learner_id", sa.ForeignKey("learners.id"), primary_key=True),
    sa.Column("case_id", sa.String(60), primary_key=True),
    sa.Column("done", sa.JSON, nullable=False),  # ids of the activities done, in page order
    sa.Column("total", sa.Integer, nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

server_secrets = sa.Table(
    "server_secrets",
    metadata,
    sa.Column("name", sa.String(60), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),  # hex; made by Store.find_or_add_secret
    sa.Column("created_at", UTCDateTime(), nullable=False),
)
