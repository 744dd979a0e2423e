"""Alembic's script folder for the store: env.py and the frozen revisions in versions/."""
