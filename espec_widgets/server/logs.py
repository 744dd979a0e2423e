"""Keep secrets out of the server log: no query strings, no resume tokens, no kernel ids.

Resume links carry the learner's token in the query string, and a kernel id is enough to reach
a learner's kernel, so neither may reach a log line at any level. Every log record is redacted
as it is made (one record factory for the whole server process), and the access log is written
by `log_request`, which never logs a query string or a header.
"""

from __future__ import annotations

import logging
from typing import Any

from ..redaction import redact


class RedactingFilter(logging.Filter):
    """Redacts a record's formatted traceback, which the record factory cannot see."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_installed = False


def install(*loggers: logging.Logger) -> None:
    """Redact every record this process makes, and the tracebacks its handlers format."""
    global _installed
    if not _installed:
        _installed = True
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            try:
                message = record.getMessage()
            except Exception:  # a malformed format: keep the record as it was made
                return record
            record.msg, record.args = redact(message), None
            return record

        logging.setLogRecordFactory(factory)
    for logger in (logging.getLogger(), *loggers):
        for handler in logger.handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(RedactingFilter())


def log_request(handler: Any, *, logger: logging.Logger) -> None:
    """The access log: status, method, path without its query, address and time, no headers."""
    status = handler.get_status()
    request = handler.request
    path = redact(request.path)
    if status == 503:  # the cap at work: worth seeing, not an error
        method = logging.WARNING
    elif status >= 500:
        method = logging.ERROR
    elif status >= 400:
        method = logging.WARNING
    elif "/voila/render/" in request.path:
        method = logging.INFO
    else:
        method = logging.DEBUG
    ms = 1000.0 * request.request_time()
    logger.log(method, "%d %s %s (%s) %.0fms", status, request.method, path, request.remote_ip, ms)
