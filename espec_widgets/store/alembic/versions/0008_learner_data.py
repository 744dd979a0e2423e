"""The learner's own data: case visits, the xAPI outbox, the opt-in for reflection text, when a
case was first completed, and (on SQLite) learner ids that are never given twice.

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
    op.add_column("progress", sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True))
    _completed_before()
    if op.get_bind().dialect.name == "sqlite":
        _learners_without_reused_ids()
    else:  # PostgreSQL's sequence never gives an id twice
        op.add_column(
            "learners",
            sa.Column("xapi_text", sa.Boolean, nullable=False, server_default=sa.false()),
        )


def _completed_before() -> None:
    """A case done before this revision: its completion is taken as its last progress report."""
    progress = sa.table(
        "progress",
        sa.column("learner_id", sa.Integer),
        sa.column("case_id", sa.String),
        sa.column("done", sa.JSON),
        sa.column("total", sa.Integer),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("completed_at", sa.DateTime(timezone=True)),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(progress)).all()
    for r in rows:
        if isinstance(r.done, list) and r.total and len(r.done) >= r.total:
            bind.execute(
                progress.update()
                .where(progress.c.learner_id == r.learner_id, progress.c.case_id == r.case_id)
                .values(completed_at=r.updated_at)
            )


def _learners_without_reused_ids() -> None:
    """SQLite gives a deleted row's id to the next row when it was the highest; a learner who
    deletes their data must never have their id, and a stale page of theirs the new learner's
    work. AUTOINCREMENT forbids the reuse; SQLite can add it only by rebuilding the table,
    which the migrator runs with foreign keys off (store/migrations.py), checked at the end."""
    op.execute(
        "CREATE TABLE learners_0008 ("
        "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "
        "token VARCHAR(64) NOT NULL, "
        "display_name VARCHAR(80) NOT NULL, "
        "hub_user VARCHAR(255), "
        "created_at DATETIME NOT NULL, "
        "xapi_text BOOLEAN DEFAULT 0 NOT NULL, "
        "UNIQUE (token), "
        "UNIQUE (hub_user))"
    )
    op.execute(
        "INSERT INTO learners_0008 (id, token, display_name, hub_user, created_at) "
        "SELECT id, token, display_name, hub_user, created_at FROM learners"
    )
    op.execute("DROP TABLE learners")
    op.execute("ALTER TABLE learners_0008 RENAME TO learners")
    dangling = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if dangling:
        raise RuntimeError(f"revision 0008: rows refer to no learner: {dangling[:5]}")


def downgrade() -> None:
    op.execute("ALTER TABLE learners DROP COLUMN xapi_text")  # SQLite 3.35+ and PostgreSQL
    op.execute("ALTER TABLE progress DROP COLUMN completed_at")
    op.drop_index("ix_xapi_outbox_learner", "xapi_outbox")
    op.drop_index("ix_xapi_outbox_due", "xapi_outbox")
    op.drop_table("xapi_outbox")
    op.drop_index("ix_case_visits_learner_case", "case_visits")
    op.drop_table("case_visits")
