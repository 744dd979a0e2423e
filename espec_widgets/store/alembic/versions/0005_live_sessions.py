"""Live sessions (Part II): sessions with join codes, poll states, answers, wall posts,
attendance intervals, and the instructors' keys (hashed).

Revision ID: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _when(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "staff_keys",
        sa.Column("name", sa.String(60), primary_key=True),
        sa.Column("hash", sa.String(200), nullable=False),
        _when("created_at"),
    )
    op.create_table(
        "live_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(12), nullable=False, unique=True),
        sa.Column("scenario_id", sa.String(60), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("agenda", sa.JSON, nullable=False),
        sa.Column("planned_minutes", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(60), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        _when("started_at", nullable=True),
        _when("ended_at", nullable=True),
        sa.Column("stage", sa.Integer, nullable=True),
        _when("stage_started_at", nullable=True),
        sa.Column("show_names", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "live_polls",
        sa.Column("session_id", sa.Integer, sa.ForeignKey("live_sessions.id"), primary_key=True),
        sa.Column("poll_id", sa.String(60), primary_key=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("revealed", sa.Boolean, nullable=False),
        _when("updated_at"),
    )
    op.create_table(
        "live_answers",
        sa.Column("session_id", sa.Integer, sa.ForeignKey("live_sessions.id"), primary_key=True),
        sa.Column("poll_id", sa.String(60), primary_key=True),
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learners.id"), primary_key=True),
        sa.Column("choices", sa.JSON, nullable=False),
        sa.Column("other", sa.Text, nullable=True),
        _when("updated_at"),
    )
    op.create_table(
        "live_posts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("live_sessions.id"), nullable=False),
        sa.Column("stage_id", sa.String(60), nullable=False),
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learners.id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("hidden", sa.Boolean, nullable=False),
        sa.Column("spotlight", sa.Boolean, nullable=False),
        _when("created_at"),
        sa.Index("ix_live_posts_session", "session_id"),
    )
    op.create_table(
        "live_attendance",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("live_sessions.id"), nullable=False),
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learners.id"), nullable=False),
        _when("joined_at"),
        _when("last_seen_at"),
        _when("left_at", nullable=True),
        sa.Index("ix_live_attendance_session_learner", "session_id", "learner_id"),
    )


def downgrade() -> None:
    for table in (
        "live_attendance",
        "live_posts",
        "live_answers",
        "live_polls",
        "live_sessions",
        "staff_keys",
    ):
        op.drop_table(table)
