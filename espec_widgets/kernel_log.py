"""A kernel's logs and warnings go to the server's log, never into the visitor's page.

In a Jupyter kernel, sys.stderr is the page's output stream: a record logged with no handler
(logging.lastResort), a warnings.warn and a logging error would all be shown to the visitor.
The kernel process's real stderr (sys.__stderr__) is what Voilà's server log receives.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from typing import TextIO

from .redaction import redact

__all__ = ["FORMAT", "route_to_server_log"]

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.msg, record.args = redact(record.getMessage()), None
        except Exception:  # a malformed log call: the handler reports it (handleError)
            return True
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class _ServerLog(logging.StreamHandler[TextIO]):
    def handleError(self, record: logging.LogRecord) -> None:
        # The default prints a traceback to sys.stderr, which is the page.
        with contextlib.suppress(Exception):
            self.stream.write(f"logging error: a record from {record.name} could not be written\n")


def route_to_server_log() -> None:
    """Send this kernel's logs and warnings to the server log; a page calls it once as it opens.

    A root handler on the real stderr, one line per record with resume tokens redacted, and
    warnings.warn through logging. Calling it again changes nothing.
    """
    root = logging.getLogger()
    stream = sys.__stderr__
    if stream is None or any(isinstance(h, _ServerLog) for h in root.handlers):
        return
    handler = _ServerLog(stream)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(_RedactTokens())
    root.addHandler(handler)
    logging.captureWarnings(True)
