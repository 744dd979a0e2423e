"""What no log line may hold: query strings, resume tokens and kernel ids, at any level.

Resume links carry the learner's token, and a kernel id is what reaches a learner's kernel, so
the server (`server/logs.py`) and every kernel (`kernel_log.py`) pass their log lines through
`redact`. Kernel and session ids become a short non-reversible label, so that lines can still
be correlated.
"""

from __future__ import annotations

import hashlib
import re

_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)
_QUERY = re.compile(r"(?P<path>/[^\s?#\"'<>]*)\?[^\s#\"'<>]*")
_SECRET_PARAM = re.compile(r"\b(?P<key>learner|token|_xsrf|key|code)=[^&#\s\"'<>]+", re.I)
_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])")
"""A resume token on its own: 32 URL-safe characters (store.TOKEN_PATTERN)."""


def kernel_label(kernel_id: str) -> str:
    """A short, stable, non-reversible name for a kernel id."""
    return "kernel#" + hashlib.sha256(kernel_id.lower().encode()).hexdigest()[:8]


def redact(text: str) -> str:
    """text with query strings, secret parameters, resume tokens and kernel ids removed."""
    text = _QUERY.sub(lambda m: m["path"] + "?[query removed]", text)
    text = _SECRET_PARAM.sub(lambda m: m["key"] + "=[removed]", text)
    text = _UUID.sub(lambda m: kernel_label(m[0]), text)
    return _TOKEN.sub("[token]", text)
