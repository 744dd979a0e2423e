"""The learner's own data: case visits, the xAPI outbox, and the opt-in for reflection text.

Revision ID: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _when(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "case_visits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learners.id"), nullable=False),
        sa.Column("case_id", sa.String(60), nullable=False),
        sa.Column("resumed", sa.Boolean, nullable=False),
        _when("started_at"),
        _when("last_seen_at"),
    )
    op.create_index("ix_case_visits_learner_case", "case_visits", ["learner_id", "case_id"])
    op.create_table(
        "xapi_outbox",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learners.id")),
        sa.Column("statement", sa.JSON, nullable=False),
        _when("stored_at"),
        sa.Column("attempts", sa.Integer, nullable=False),
        _when("next_attempt_at"),
        _when("delivered_at", nullable=True),
        sa.Column("last_error", sa.String(200)),
    )
    op.create_index("ix_xapi_outbox_due", "xapi_outbox", ["delivered_at", "next_attempt_at"])
    op.create_index("ix_xapi_outbox_learner", "xapi_outbox", ["learner_id"])
    # a plain ADD COLUMN: a batch copy of learners would trip every foreign key to it on SQLite
    op.add_column(
        "learners", sa.Column("xapi_text", sa.Boolean, nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    op.execute("ALTER TABLE learners DROP COLUMN xapi_text")  # SQLite 3.35+ and PostgreSQL
    op.drop_index("ix_xapi_outbox_learner", "xapi_outbox")
    op.drop_index("ix_xapi_outbox_due", "xapi_outbox")
    op.drop_table("xapi_outbox")
    op.drop_index("ix_case_visits_learner_case", "case_visits")
    op.drop_table("case_visits")
