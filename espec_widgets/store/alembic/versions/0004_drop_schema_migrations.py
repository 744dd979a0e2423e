"""Drop the hand-written migrations' schema_migrations table: alembic_version replaces it.

A database made before Alembic has it (and was stamped at its version); a new one never had it.

Revision ID: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP TABLE IF EXISTS schema_migrations")


def downgrade() -> None:
    """Nothing to restore: the legacy table's rows only ever said which versions had run."""
