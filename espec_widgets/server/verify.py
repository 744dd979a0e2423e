"""The public verification page: anyone with a certificate's ID can check that it is genuine.

`/verify?id=ESPEC-...` answers with the certificate's holder, course, Part, hours and completion
date, and nothing more (no licence number, no learner account), or says that the ID is
revoked, mistyped or altered, or unknown. It needs no kernel and no sign-in. The page is plain
HTML from the server, every value escaped, loading nothing (its own CSP forbids it); the ID is
in the query, which the access log leaves out. A failure shows one sentence, never a traceback.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from tornado import web

log = logging.getLogger(__name__)

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
STYLE = """
body { font-family: system-ui, "DejaVu Sans", sans-serif; max-width: 42rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; color: #111; background: #fff; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
input { font: inherit; padding: .4rem; width: 100%; max-width: 24rem; border: 1px solid #555; }
button { font: inherit; padding: .4rem 1rem; margin-top: .5rem; border: 2px solid #0b4f9c;
         background: #0b4f9c; color: #fff; border-radius: 4px; cursor: pointer; }
:focus-visible { outline: 3px solid #b45309; outline-offset: 2px; }
.result { border: 2px solid #333; padding: .75rem 1rem; margin-top: 1.5rem; }
dt { font-weight: 600; } dd { margin: 0 0 .5rem; }
"""
SHOWN = ("Participant", "Course", "Part", "CE hours", "Completed on", "Certificate ID")
HEADLINES = {
    "genuine": "Genuine: this certificate was issued by this workbook.",
    "revoked": "Revoked: this certificate was issued by this workbook and later revoked.",
    "altered": "Not valid: this ID is mistyped or has been altered. Check it against the "
    "certificate and try again.",
    "unknown": "Not found: no certificate with this ID was issued by this workbook.",
}


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def page(typed: str, verification: Any | None, problem: str = "") -> str:
    from ..credit.certificate import fields

    result = ""
    if problem:
        result = f"<div class='result' role='status'><p>{_e(problem)}</p></div>"
    elif verification is not None:
        rows = ""
        cert = verification.certificate
        if cert is not None:
            shown = dict(fields(cert))
            rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(shown[k])}</dd>" for k in SHOWN)
            if cert.revoked_at is not None:
                rows += f"<dt>Revoked on</dt><dd>{_e(f'{cert.revoked_at:%Y-%m-%d}')}</dd>"
        result = (
            f"<div class='result' role='status'><h2>{_e(HEADLINES[verification.status])}</h2>"
            + (f"<dl>{rows}</dl>" if rows else "")
            + "</div>"
        )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Verify a certificate</title><style>{STYLE}</style></head>
<body><main>
<h1>Verify a certificate</h1>
<p>Type the certificate ID printed on the certificate, e.g. ESPEC-7KQ4-M2XD-93PA-RT. The page
shows the holder, the course, the hours and the date of a genuine certificate, and nothing more.</p>
<form method="get" action="">
<label for="id">Certificate ID</label>
<input id="id" name="id" type="text" maxlength="60" autocomplete="off" spellcheck="false"
 value="{_e(typed)}">
<div><button type="submit">Verify</button></div>
</form>
{result}
</main></body></html>"""


class VerifyHandler(web.RequestHandler):
    """GET /verify[?id=...]: the form, and the result for the ID given."""

    _store: Any = None

    def set_default_headers(self) -> None:
        for name, value in HEADERS.items():
            self.set_header(name, value)

    @classmethod
    def _open(cls) -> Any:
        if cls._store is None:
            from ..store import open_store

            cls._store = open_store()
        return cls._store

    def get(self) -> None:
        typed = self.get_query_argument("id", "")[:60]
        verification, problem = None, ""
        if typed.strip():
            try:
                verification = self._open().credit.verify(typed)
            except Exception as exc:  # the visitor gets one sentence; the log, the kind of error
                log.error("verify: the store could not be read (%s)", type(exc).__name__)
                problem = "Certificates cannot be checked just now. Please try again later."
                self.set_status(503)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page(typed, verification, problem))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code}: this request could not be answered.")
