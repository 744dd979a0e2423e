"""Every `ESPEC_*` setting, read in this one place, each with its default and what it does.

Settings come from the environment, because learner kernels inherit it from the server (they
have no other channel). `settings()` reads them on each call: cheap, and a test or an operator
that changes one sees it take effect. docs/serving.md lists them (tests/test_config.py keeps the
list and this module in step).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT_ENV = "ESPEC_ROOT"
URL_ENV = "ESPEC_DB_URL"
STRICT_ENV = "ESPEC_STRICT"
CACHE_ENV = "ESPEC_CACHE_DIR"
PAGE_ASSETS_ENV = "ESPEC_PAGE_ASSETS"
KERNEL_SECRET_ENV = "ESPEC_KERNEL_SECRET"
ATTENDANCE_ENV = "ESPEC_ATTENDANCE_SHARE"
STAFF_ENV = "ESPEC_STAFF"
POSTTEST_LENGTH_ENV = "ESPEC_POSTTEST_LENGTH"
PROVIDER_NAME_ENV = "ESPEC_PROVIDER_NAME"
PROVIDER_NUMBER_ENV = "ESPEC_PROVIDER_NUMBER"
APPROVAL_BODY_ENV = "ESPEC_APPROVAL_BODY"
APPROVAL_STATEMENT_ENV = "ESPEC_APPROVAL_STATEMENT"
APPROVAL_PERIOD_ENV = "ESPEC_APPROVAL_PERIOD"
PUBLIC_URL_ENV = "ESPEC_PUBLIC_URL"
LRS_URL_ENV = "ESPEC_LRS_URL"
LRS_USERNAME_ENV = "ESPEC_LRS_USERNAME"
LRS_PASSWORD_ENV = "ESPEC_LRS_PASSWORD"
DEFAULT_PUBLIC_URL = "http://localhost:8866/"

DOCUMENTED: Mapping[str, tuple[str, str]] = {
    ROOT_ENV: (
        "found from the current folder (the nearest parent holding data/cases)",
        "the workbook folder; `espec serve` sets it for its kernels",
    ),
    URL_ENV: (
        "a SQLite file in the per-user data folder",
        "the store's SQLAlchemy URL, e.g. postgresql+psycopg://user@host/espec",
    ),
    STRICT_ENV: (
        "off",
        "any value but 0: a page raises on a store problem instead of showing one sentence "
        "(the test suite sets it)",
    ),
    CACHE_ENV: (
        "the per-user cache folder, /cases",
        "where `espec build` writes the validated runtime form of each case for learner kernels",
    ),
    PAGE_ASSETS_ENV: (
        "unset",
        "set to 1 by the server: pages load widget modules and the stylesheet from it, not inline",
    ),
    KERNEL_SECRET_ENV: (
        "a new random secret per server start",
        "what kernels present to read their page request; set it only to share one across servers",
    ),
    ATTENDANCE_ENV: (
        "0.9",
        "the share of a live session's planned minutes a learner must be present for to be "
        "marked as attended (0 to 1)",
    ),
    STAFF_ENV: (
        "unset",
        "set to 1 by `espec serve --staff`: this server serves the instructors' console",
    ),
    POSTTEST_LENGTH_ENV: (
        "the bank's test_length (80 for Part I)",
        "questions drawn per post-test attempt; fewer than NASW's 10 per CE hour is for trying "
        "the workbook out, and certificates then say the test was shortened",
    ),
    PROVIDER_NAME_ENV: (
        "unset",
        "the CE provider's name; with the approval details below, certificates state the "
        "approval (otherwise they are certificates of completion claiming no accreditation)",
    ),
    PROVIDER_NUMBER_ENV: ("unset", "the provider's approval number, e.g. an ACE provider number"),
    APPROVAL_BODY_ENV: (
        "unset",
        "who approved the provider, e.g. 'Association of Social Work Boards (ASWB) Approved "
        "Continuing Education (ACE) program' (ACE's own wording is then used)",
    ),
    APPROVAL_STATEMENT_ENV: (
        "ACE's wording when the body is ACE; else unset",
        "the approval statement printed on certificates, in the approving body's words",
    ),
    APPROVAL_PERIOD_ENV: ("unset", "the provider's approval period, e.g. '1/1/2026-1/1/2029'"),
    PUBLIC_URL_ENV: (
        DEFAULT_PUBLIC_URL,
        "the workbook's public address: the home page of learners' xAPI accounts and the base "
        "of its activity ids, so set it before the first statement is sent",
    ),
    LRS_URL_ENV: (
        "unset (nothing is forwarded)",
        "the Learning Record Store's xAPI endpoint, e.g. https://lrs.example.org/xAPI/; "
        "the server then forwards statements through the outbox (docs/data.md)",
    ),
    LRS_USERNAME_ENV: ("unset", "the LRS's HTTP Basic user name"),
    LRS_PASSWORD_ENV: ("unset", "the LRS's HTTP Basic password (never logged)"),
}
"""Setting -> (default, meaning), as docs/serving.md gives them."""


@dataclass(frozen=True)
class Settings:
    root: Path | None
    db_url: str | None
    strict: bool
    cache_dir: Path | None
    page_assets: bool
    kernel_secret: str
    attendance_share: float
    staff: bool
    posttest_length: int | None
    provider: dict[str, str]
    public_url: str
    lrs: dict[str, str]


def _share(text: str | None) -> float:
    try:
        value = float(text) if text else 0.9
    except ValueError:
        return 0.9
    return value if 0.0 <= value <= 1.0 else 0.9


def _length(text: str | None) -> int | None:
    try:
        value = int(text) if text else None
    except ValueError:
        return None
    return value if value is not None and 1 <= value <= 500 else None


def _base(text: str) -> str:
    """An http(s) address ending in one slash; the default for anything else."""
    text = text.strip()
    if not text.startswith(("http://", "https://")) or any(c.isspace() for c in text):
        return DEFAULT_PUBLIC_URL
    return text.rstrip("/") + "/"


_PROVIDER = {
    "name": PROVIDER_NAME_ENV,
    "number": PROVIDER_NUMBER_ENV,
    "body": APPROVAL_BODY_ENV,
    "statement": APPROVAL_STATEMENT_ENV,
    "period": APPROVAL_PERIOD_ENV,
}


def settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings in force now (from os.environ unless given another mapping)."""
    env = os.environ if environ is None else environ
    return Settings(
        root=Path(env[ROOT_ENV]).resolve() if env.get(ROOT_ENV) else None,
        db_url=env.get(URL_ENV) or None,
        strict=env.get(STRICT_ENV, "") not in {"", "0"},
        cache_dir=Path(env[CACHE_ENV]) if env.get(CACHE_ENV) else None,
        page_assets=env.get(PAGE_ASSETS_ENV) == "1",
        kernel_secret=env.get(KERNEL_SECRET_ENV, ""),
        attendance_share=_share(env.get(ATTENDANCE_ENV)),
        staff=env.get(STAFF_ENV) == "1",
        posttest_length=_length(env.get(POSTTEST_LENGTH_ENV)),
        provider={
            k: " ".join(env[v].split()) for k, v in _PROVIDER.items() if env.get(v, "").strip()
        },
        public_url=_base(env.get(PUBLIC_URL_ENV, "")),
        lrs={
            k: env[v]
            for k, v in (
                ("url", LRS_URL_ENV),
                ("username", LRS_USERNAME_ENV),
                ("password", LRS_PASSWORD_ENV),
            )
            if env.get(v, "").strip()
        },
    )
