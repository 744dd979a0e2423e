"""Raw HTML in a case file is a warning at its line and column: pages show it as text."""

from __future__ import annotations

from pathlib import Path

import pytest

from espec_widgets.case import CaseFileError, load_library
from espec_widgets.case.loader import read_case

from ..conftest import PROJECT


def _warnings(workbook: Path, text: str) -> list[str]:
    path = workbook / "data" / "cases" / "minimal-case.yaml"
    path.write_text(text, encoding="utf-8")
    _, warnings = read_case(path, known_guides={"family-meetings"})
    return [f"{w.line}:{w.column} {w.field}: {w.message}" for w in warnings]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("title: A minimal", "title: A <em>minimal", "3:10 title: warning: this is HTML ('<em>')"),
        ("title: A minimal case for tests", 'title: "A <i>quoted</i> title"', "3:11 title: warning: this is HTML ('<i>' and 1 more)"),
        ("      Ruth is admitted", "      Ruth <u>is</u> admitted", "39:12 scenes[0].narrative:"),
        ("  Surrogates speak", "  First line.\n  <div>\n  block\n  </div>\n\n  Surrogates speak", "67:3 debrief: warning: this is HTML ('<div>')"),
        ("    prompt: Ruth can", "    prompt: <script>alert(1)</script> Ruth can", "50:13 activities[0].prompt:"),
        ("        feedback: An appointed", "        feedback: An <a href='x'>appointed</a>", "56:22 activities[0].options[0].feedback:"),
        ("    name: Sam Alvarez", "    name: Sam <img src=x onerror=alert(1)>", "26:15 people[1].name: warning: this is HTML ('<img src=x onerror=alert(1)>')"),
        ("summary: A short", "summary: >\n  A folded\n  <b>short</b>", "14:3 summary:"),
    ],
)  # fmt: skip
def test_raw_html_is_a_warning_at_its_place(
    workbook: Path, minimal_text: str, old: str, new: str, expected: str
) -> None:
    assert old in minimal_text
    (warning,) = _warnings(workbook, minimal_text.replace(old, new, 1))
    assert warning.startswith(expected), warning
    assert warning.endswith("which pages show as text")


def test_code_entities_and_autolinks_are_not_raw_html(workbook: Path, minimal_text: str) -> None:
    text = minimal_text.replace(
        "summary: A short",
        "summary: Type `<b>` to see &lt;b&gt;, or <https://example.org>. A short",
    )
    assert _warnings(workbook, text) == []


def test_warnings_do_not_stop_a_library_and_survive_its_errors(
    workbook: Path, minimal_text: str
) -> None:
    path = workbook / "data" / "cases" / "minimal-case.yaml"
    path.write_text(minimal_text.replace("title: A minimal", "title: A <b>minimal"), "utf-8")
    library = load_library(workbook / "data")
    assert [w.field for w in library.warnings] == ["title"]
    path.write_text(
        minimal_text.replace("title: A minimal", "title: A <b>minimal").replace(
            "part: I\n", "part: V\n"
        ),
        "utf-8",
    )
    with pytest.raises(CaseFileError) as exc:
        load_library(workbook / "data")
    assert [p.field for p in exc.value.problems] == ["part"]
    assert [w.field for w in exc.value.warnings] == ["title"]


def test_the_project_has_no_raw_html() -> None:
    assert load_library(PROJECT / "data").warnings == ()
