"""Certificates: what one states, the approval wording, and the tagged PDF.

A certificate is titled "Certificate of Completion" and claims no accreditation, unless the
operator configures a CE provider (name, number, approving body, approval period; see
docs/serving.md): then the provider and its approval are stated, in ACE's words when the body is
ASWB's ACE program. Everything the PDF prints is kept in the certificate's row when it is issued
(store/credit.py), so a verification shows what was issued, and a later edit of the course
record does not change an issued certificate.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from ..store import Learner, Store
from ..store.credit import Certificate
from .requirements import Standing
from .runtime import Credit, split_words

TITLE = "Certificate of Completion"
NO_ACCREDITATION = (
    "This certificate records that the participant completed the requirements of this program. "
    "It does not claim approval of the program by any continuing-education accrediting body."
)
PROVIDER_KEYS = ("name", "number", "body", "period")
MAX_NAME = 120
MAX_LICENCE = 40


class CertificateError(ValueError):
    """A certificate that cannot be issued; the message is for the learner."""


def provider(configured: dict[str, str]) -> dict[str, str] | None:
    """The operator's provider details if all of them are given, else None (no claim)."""
    if not all(configured.get(k) for k in PROVIDER_KEYS):
        return None
    return {k: configured[k] for k in (*PROVIDER_KEYS, "statement") if configured.get(k)}


def _is_ace(body: str) -> bool:
    return bool(re.search(r"\bACE\b|\bASWB\b|Association of Social Work Boards", body))


def approval_statement(details: dict[str, Any], hours: float) -> str:
    """The approval wording for a certificate's details (no claim without a provider)."""
    p = details.get("provider")
    if not p:
        return NO_ACCREDITATION
    if p.get("statement"):
        return str(p["statement"])
    split = split_words(details.get("categories", {}))
    if _is_ace(p["body"]):
        return (
            f"{p['name']}, provider #{p['number']}, is approved as a provider for social work "
            "continuing education by the Association of Social Work Boards (ASWB) www.aswb.org "
            f"through the Approved Continuing Education (ACE) program. {p['name']} maintains "
            f"responsibility for the program. ACE provider approval period: {p['period']}. "
            "Social workers should contact their regulatory board to determine course approval "
            f"for continuing education credits. Social workers completing this course receive "
            f"{hours:g} continuing education credits ({split}); course format: "
            f"{details.get('format', '')}."
        )
    return (
        f"{p['name']} (provider number {p['number']}) is approved by {p['body']}; approval "
        f"period {p['period']}. Participants completing this course receive {hours:g} "
        f"continuing education hours ({split})."
    )


def _clean(value: Any, limit: int, what: str, *, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise CertificateError(f"Enter {what}.")
        return None
    if not isinstance(value, str):
        raise CertificateError(f"{what.capitalize()} was not recognised.")
    text = " ".join(value.split())
    if not text:
        if required:
            raise CertificateError(f"Enter {what}.")
        return None
    if len(text) > limit:
        raise CertificateError(f"Keep {what} under {limit} characters.")
    if any(ord(ch) < 32 or ch in "<>" for ch in text):
        raise CertificateError(f"{what.capitalize()} has characters a certificate cannot show.")
    return text


def issue(
    store: Store,
    learner: Learner,
    credit: Credit,
    standing: Standing,
    *,
    name: Any,
    licence_number: Any = None,
    licence_state: Any = None,
    configured_provider: dict[str, str],
    shortened: int | None = None,
) -> Certificate:
    """Issue (or return the already issued) certificate for a Part whose requirements hold."""
    if not standing.met:
        left = [r.label for r in standing.requirements if not r.met]
        raise CertificateError("Not yet: " + "; ".join(left) + ".")
    record = credit.part(standing.part)
    if record is None or credit.course is None:
        raise CertificateError("This Part has no course record; please tell your course team.")
    holder = _clean(name, MAX_NAME, "your name as it should appear", required=True)
    number = _clean(licence_number, MAX_LICENCE, "the licence number")
    state = _clean(licence_state, MAX_LICENCE, "the licensing state")
    if state and not number:
        raise CertificateError("Give the licence number with its state, or leave both empty.")
    details: dict[str, Any] = {
        "title": TITLE,
        "part_title": record["title"],
        "categories": record.get("categories") or {},
        "format": record["format"],
        "level": record["level"],
        "objectives": record["objectives"],
        "course_version": credit.course["version"],
        "contributors": credit.course["contributors"],
        "conflict_of_interest": credit.course["conflict_of_interest"],
        "commercial_support": credit.course["commercial_support"],
        "provider": provider(configured_provider),
        "instructor": standing.session["instructor"] if standing.session else None,
        "session": standing.session,
        "posttest": standing.posttest,
    }
    if shortened is not None:
        details["posttest_shortened_to"] = shortened
    return store.credit.add_certificate(
        learner,
        part=standing.part,
        holder_name=holder,
        licence_number=number,
        licence_state=state,
        course_title=credit.course["title"],
        hours=float(record["hours"]),
        completed_on=standing.completed_on or dt.date.today(),
        content_version=credit.version,
        details=details,
    )


STYLE = """
@page { size: Letter landscape; margin: 16mm 18mm;
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; } }
html { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 10pt; color: #111;
       line-height: 1.4; }
h1 { font-size: 24pt; margin: 0 0 3mm; text-align: center; }
.lead { text-align: center; font-size: 11pt; margin: 0 0 2mm; }
.holder { text-align: center; font-size: 20pt; font-weight: bold; margin: 2mm 0 4mm; }
dl { display: grid; grid-template-columns: 48mm auto; margin: 0 0 4mm; }
dt { font-weight: bold; } dd { margin: 0 0 1.5mm; }
h2 { font-size: 12.5pt; margin: 5mm 0 2mm; border-bottom: 0.6pt solid #777; break-after: avoid; }
.statement { border: 0.8pt solid #555; padding: 2.5mm 3mm; margin: 3mm 0; }
ul { margin: 0 0 3mm; padding-left: 6mm; } li { margin: 0 0 1mm; }
.details { break-before: page; }
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def fields(cert: Certificate) -> list[tuple[str, str]]:
    """Label and value of each field the certificate states, in order (also for verification)."""
    d = cert.details
    out = [
        ("Participant", cert.holder_name),
    ]
    if cert.licence_number:
        licence = cert.licence_number + (f" ({cert.licence_state})" if cert.licence_state else "")
        out.append(("Licence", licence))
    out += [
        ("Course", cert.course_title),
        ("Part", d.get("part_title", f"Part {cert.part}")),
        ("CE hours", f"{cert.hours:g}"),
        ("Hours by category", split_words(d.get("categories", {})) or "not split"),
        ("Format", d.get("format", "")),
        ("Completed on", cert.completed_on.isoformat()),
    ]
    if d.get("instructor"):
        out.append(("Instructor", d["instructor"]))
    out.append(("Certificate ID", cert.id))
    return out


def certificate_html(cert: Certificate) -> str:
    d = cert.details
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in fields(cert))
    objectives = "".join(f"<li>{_e(o)}</li>" for o in d.get("objectives", []))
    people = "".join(
        f"<li>{_e(c['name'])}, {_e(c['credentials'])} ({_e(c['role'])}): {_e(c['disclosure'])}</li>"
        for c in d.get("contributors", [])
    )
    shortened = (
        f"<p>The post-test was shortened to {int(d['posttest_shortened_to'])} questions by the "
        "operator of this workbook.</p>"
        if d.get("posttest_shortened_to")
        else ""
    )
    body = f"""
<main>
<h1>{_e(d.get("title", TITLE))}</h1>
<p class="lead">This certifies that</p>
<p class="holder">{_e(cert.holder_name)}</p>
<p class="lead">completed {_e(d.get("part_title", ""))} of {_e(cert.course_title)}.</p>
<dl>{rows}</dl>
<p class="statement">{_e(approval_statement(d, cert.hours))}</p>
<p>Verify this certificate on the workbook's verification page (<code>/verify</code> on the server
that issued it) or with <code>espec certificate verify {_e(cert.id)}</code>.</p>
<section class="details" aria-labelledby="details-h">
<h2 id="details-h">Course details</h2>
<p>Level: {_e(d.get("level", ""))}. Content edition {_e(d.get("course_version", ""))}; content
version {_e(cert.content_version[:16])}.</p>
{shortened}
<h3>Learning objectives</h3>
<ul>{objectives}</ul>
<h3>Authors and planners</h3>
<ul>{people}</ul>
<h3>Conflict of interest</h3>
<p>{_e(d.get("conflict_of_interest", ""))}</p>
<h3>Commercial support</h3>
<p>{_e(d.get("commercial_support", ""))}</p>
</section>
</main>"""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_e(d.get('title', TITLE))}: {_e(cert.holder_name)}, {_e(cert.id)}</title>"
        f"<meta name='author' content='{_e(cert.course_title)}'>"
        f"<style>{STYLE}</style></head><body>{body}</body></html>"
    )


def certificate_pdf(cert: Certificate) -> bytes:
    """The certificate as a tagged PDF (PDF/UA-1), like the guides."""
    from weasyprint import HTML

    from ..builder.guide_pdf import fetch_nothing

    document = HTML(string=certificate_html(cert), url_fetcher=fetch_nothing())
    pdf = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=cert.id.encode("ascii"))
    assert pdf is not None
    return bytes(pdf)
