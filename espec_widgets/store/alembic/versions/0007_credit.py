"""Credit: post-test attempts, evaluations and certificates.

Revision ID: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _when(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "posttest_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learners.id"), nullable=False),
        sa.Column("part", sa.String(4), nullable=False),
        sa.Column("bank_version", sa.String(64), nullable=False),
        sa.Column("items", sa.JSON, nullable=False),
        sa.Column("answers", sa.JSON),
        sa.Column("score", sa.Integer),
        sa.Column("passed", sa.Boolean),
        _when("started_at"),
        _when("submitted_at", nullable=True),
    )
    op.create_index(
        "ix_posttest_attempts_learner_part", "posttest_attempts", ["learner_id", "part"]
    )
    op.create_table(
        "evaluations",
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learners.id"), primary_key=True),
        sa.Column("part", sa.String(4), primary_key=True),
        sa.Column("answers", sa.JSON, nullable=False),
        _when("submitted_at"),
    )
    op.create_table(
        "certificates",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learners.id")),
        sa.Column("part", sa.String(4), nullable=False),
        sa.Column("holder_name", sa.String(120), nullable=False),
        sa.Column("licence_number", sa.String(40)),
        sa.Column("licence_state", sa.String(40)),
        sa.Column("course_title", sa.String(200), nullable=False),
        sa.Column("hours", sa.Float, nullable=False),
        sa.Column("completed_on", sa.Date, nullable=False),
        sa.Column("content_version", sa.String(64), nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        _when("issued_at"),
        _when("revoked_at", nullable=True),
        sa.Column("revoke_reason", sa.Text),
    )
    op.create_index("ix_certificates_learner_part", "certificates", ["learner_id", "part"])


def downgrade() -> None:
    op.drop_index("ix_certificates_learner_part", "certificates")
    op.drop_table("certificates")
    op.drop_table("evaluations")
    op.drop_index("ix_posttest_attempts_learner_part", "posttest_attempts")
    op.drop_table("posttest_attempts")
