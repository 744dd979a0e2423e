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
    # the learner chose to include their reflection text in xAPI statements (revision 0008)
    sa.Column("xapi_text", sa.Boolean, nullable=False, server_default=sa.false()),
    # SQLite: AUTOINCREMENT (revision 0008), so that a deleted learner's id is never given again
    sqlite_autoincrement=True,
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
    sa.Column("completed_at", UTCDateTime()),  # first time every activity was done (0008)
)

server_secrets = sa.Table(
    "server_secrets",
    metadata,
    sa.Column("name", sa.String(60), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),  # hex; made by Store.find_or_add_secret
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

# Live sessions (Part II): every piece of a session's shared state is a row, so that a second
# server sees what the first wrote (see store/live.py).
staff_keys = sa.Table(
    "staff_keys",
    metadata,
    sa.Column("name", sa.String(60), primary_key=True),
    sa.Column("hash", sa.String(200), nullable=False),  # scrypt$n$r$p$salt$digest (hex)
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

live_sessions = sa.Table(
    "live_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(12), nullable=False, unique=True),
    sa.Column("scenario_id", sa.String(60), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("agenda", sa.JSON, nullable=False),  # the learners' view only (live/agenda.py)
    sa.Column("planned_minutes", sa.Integer, nullable=False),
    sa.Column("created_by", sa.String(60), nullable=False),  # the staff key's name
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("expires_at", UTCDateTime(), nullable=False),  # of the join code
    sa.Column("started_at", UTCDateTime()),
    sa.Column("ended_at", UTCDateTime()),
    sa.Column("stage", sa.Integer),  # index into agenda; None before the first stage
    sa.Column("stage_started_at", UTCDateTime()),
    sa.Column("show_names", sa.Boolean, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),  # bumped by every change to the session
)

live_polls = sa.Table(
    "live_polls",
    metadata,
    sa.Column("session_id", sa.ForeignKey("live_sessions.id"), primary_key=True),
    sa.Column("poll_id", sa.String(60), primary_key=True),
    sa.Column("state", sa.String(10), nullable=False),  # open | closed
    sa.Column("revealed", sa.Boolean, nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

live_answers = sa.Table(
    "live_answers",
    metadata,
    sa.Column("session_id", sa.ForeignKey("live_sessions.id"), primary_key=True),
    sa.Column("poll_id", sa.String(60), primary_key=True),
    sa.Column("learner_id", sa.ForeignKey("learners.id"), primary_key=True),
    sa.Column("choices", sa.JSON, nullable=False),  # option indexes, ascending
    sa.Column("other", sa.Text),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    # the instructor hid the own words from the results learners see (revision 0006)
    sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
)

live_posts = sa.Table(
    "live_posts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("session_id", sa.ForeignKey("live_sessions.id"), nullable=False),
    sa.Column("stage_id", sa.String(60), nullable=False),
    sa.Column("learner_id", sa.ForeignKey("learners.id"), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("hidden", sa.Boolean, nullable=False),
    sa.Column("spotlight", sa.Boolean, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Index("ix_live_posts_session", "session_id"),
)

live_attendance = sa.Table(
    "live_attendance",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),  # one interval: a page's kernel in a session
    sa.Column("session_id", sa.ForeignKey("live_sessions.id"), nullable=False),
    sa.Column("learner_id", sa.ForeignKey("learners.id"), nullable=False),
    sa.Column("joined_at", UTCDateTime(), nullable=False),
    sa.Column("last_seen_at", UTCDateTime(), nullable=False),  # the kernel's heartbeat
    sa.Column("left_at", UTCDateTime()),
    sa.Index("ix_live_attendance_session_learner", "session_id", "learner_id"),
)

# Credit (revision 0007): post-test attempts, evaluations and the certificates issued.
posttest_attempts = sa.Table(
    "posttest_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("learner_id", sa.ForeignKey("learners.id"), nullable=False),
    sa.Column("part", sa.String(4), nullable=False),
    sa.Column("bank_version", sa.String(64), nullable=False),  # sha256 of the bank file
    # the draw, in the order shown: [[item id, [option indexes in the order shown]], ...]
    sa.Column("items", sa.JSON, nullable=False),
    sa.Column("answers", sa.JSON),  # {item id: option index}, once submitted
    sa.Column("score", sa.Integer),
    sa.Column("passed", sa.Boolean),
    sa.Column("started_at", UTCDateTime(), nullable=False),
    sa.Column("submitted_at", UTCDateTime()),
    sa.Index("ix_posttest_attempts_learner_part", "learner_id", "part"),
)

evaluations = sa.Table(
    "evaluations",
    metadata,
    sa.Column("learner_id", sa.ForeignKey("learners.id"), primary_key=True),
    sa.Column("part", sa.String(4), primary_key=True),
    sa.Column("answers", sa.JSON, nullable=False),
    sa.Column("submitted_at", UTCDateTime(), nullable=False),
)

certificates = sa.Table(
    "certificates",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),  # e.g. ESPEC-7KQ4-M2XD-93PA-RT
    sa.Column("learner_id", sa.ForeignKey("learners.id")),  # kept empty once a learner is deleted
    sa.Column("part", sa.String(4), nullable=False),
    sa.Column("holder_name", sa.String(120), nullable=False),
    sa.Column("licence_number", sa.String(40)),
    sa.Column("licence_state", sa.String(40)),
    sa.Column("course_title", sa.String(200), nullable=False),
    sa.Column("hours", sa.Float, nullable=False),
    sa.Column("completed_on", sa.Date, nullable=False),
    sa.Column("content_version", sa.String(64), nullable=False),  # sha256 of the content files
    # what the PDF states beyond the columns: categories, format, instructor, provider ...
    sa.Column("details", sa.JSON, nullable=False),
    sa.Column("issued_at", UTCDateTime(), nullable=False),
    sa.Column("revoked_at", UTCDateTime()),
    sa.Column("revoke_reason", sa.Text),
    sa.Index("ix_certificates_learner_part", "learner_id", "part"),
)

# The learner's own data (revision 0008): case visits (for launched, suspended and resumed) and
# the outbox of xAPI statements waiting for the Learning Record Store.
case_visits = sa.Table(
    "case_visits",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),  # one case page's kernel, opened by a learner
    sa.Column("learner_id", sa.ForeignKey("learners.id"), nullable=False),
    sa.Column("case_id", sa.String(60), nullable=False),
    sa.Column("resumed", sa.Boolean, nullable=False),  # the learner had worked on the case before
    sa.Column("started_at", UTCDateTime(), nullable=False),
    sa.Column("last_seen_at", UTCDateTime(), nullable=False),  # the last save on that page
    sa.Index("ix_case_visits_learner_case", "learner_id", "case_id"),
)

xapi_outbox = sa.Table(
    "xapi_outbox",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),  # the statement's own id (a UUID)
    sa.Column("learner_id", sa.ForeignKey("learners.id")),
    sa.Column("statement", sa.JSON, nullable=False),  # exactly what is sent, every time
    sa.Column("stored_at", UTCDateTime(), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
    sa.Column("delivered_at", UTCDateTime()),
    sa.Column("last_error", sa.String(200)),  # the LRS's status or the network error, no content
    sa.Index("ix_xapi_outbox_due", "delivered_at", "next_attempt_at"),
    sa.Index("ix_xapi_outbox_learner", "learner_id"),
)
