"""The store's tables (SQLAlchemy Core): learners, an append-only response history, drafts,
progress and server secrets."""

from __future__ import annotations

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
    sa.Column("done", sa.JSON, nullable=False),  # ids of the activities done, in page order
    sa.Column("total", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

server_secrets = sa.Table(
    "server_secrets",
    metadata,
    sa.Column("name", sa.String(60), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),  # hex; made by Store.find_or_add_secret
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
