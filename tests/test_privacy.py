"""The identifier detector warns on Safe Harbor-like text and stays quiet on ordinary reflection."""

from __future__ import annotations

import pytest

from espec_widgets.privacy import find_identifiers, warning_for


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("write to jo.smith@example.org", "an email address"),
        ("see https://example.org/chart", "a web address"),
        ("www.example.org", "a web address"),
        ("from 192.168.10.4", "an IP address"),
        ("SSN 123-45-6789", "a Social Security number"),
        ("call (555) 201-3344", "a phone or fax number"),
        ("fax 555.201.3344", "a phone or fax number"),
        ("on 03/14/2025", "a date"),
        ("on 2025-03-14", "a date"),
        ("on March 14th", "a date"),
        ("the 3rd of May", "a date"),
        ("she was 93 years old", "an age over 89"),
        ("MRN 00482913", "a record, plan or account number"),
        ("chart 4471920", "a record, plan or account number"),
    ],
)
def test_identifiers_are_found(text: str, kind: str) -> None:
    assert kind in [f.kind for f in find_identifiers(text)]
    assert kind in warning_for(text)


@pytest.mark.parametrize(
    "text",
    [
        "In 2024 I noticed I avoid silence in family meetings.",
        "I felt anxious when the son raised his voice; I want to practise NURSE statements.",
        "Two of my three goals for next month are about pacing.",
        "",
    ],
)
def test_ordinary_reflection_is_quiet(text: str) -> None:
    assert find_identifiers(text) == []
    assert warning_for(text) == ""
