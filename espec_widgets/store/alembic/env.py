"""Run the revisions on the connection espec_widgets.store.migrations hands over (no alembic.ini)."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
# The caller has begun the transaction (BEGIN IMMEDIATE on SQLite, an advisory lock on
# PostgreSQL): every revision runs inside it, so an upgrade is applied whole or not at all.
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
