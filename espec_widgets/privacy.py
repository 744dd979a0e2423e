"""Spot text that looks like a HIPAA Safe Harbor identifier, so a learner is warned before saving."""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an email address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("a web address", re.compile(r"\b(?:https?://|www\.)\S+", re.I)),
    ("an IP address", re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")),
    ("a Social Security number", re.compile(r"\b\d{3}-\d{2}-\d{4}\b")),
    (
        "a phone or fax number",
        re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)"),
    ),
    (
        "a date",
        re.compile(
            r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|"
            rf"\b{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\b",
            re.I,
        ),
    ),
    (
        "an age over 89",
        re.compile(
            r"\b(?:9\d|1[01]\d)[- ](?:years?|yrs?)[- ]old\b|\baged? (?:9\d|1[01]\d)\b", re.I
        ),
    ),
    (
        "a record, plan or account number",
        re.compile(
            r"\b(?:MRN|medical record|account|acct|policy|member id|plan)\s*(?:#|no\.?|number)?\s*[:#]?\s*[A-Z0-9-]{4,}|\b\d{6,}\b",
            re.I,
        ),
    ),
)

REMINDER = (
    "Write about your own reactions and skills. Do not enter names, dates, places or any other "
    "detail that could identify a real patient, family or colleague."
)


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


def find_identifiers(text: str) -> list[Finding]:
    """Every stretch of text that looks like an identifier, in order; overlaps keep the first kind."""
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append(Finding(kind, m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def warning_for(text: str) -> str:
    """A one-line warning naming what was spotted, or '' when nothing looks identifying."""
    kinds = list(dict.fromkeys(f.kind for f in find_identifiers(text)))
    if not kinds:
        return ""
    listed = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]
    return f"This text seems to contain {listed}. If it could identify a real person, please remove it."
