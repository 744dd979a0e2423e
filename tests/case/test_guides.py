"""Best Practice Guides are checked like case files: every problem at file:line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from espec_widgets.case import CaseFileError, load_library
from espec_widgets.case.guides import parse_guide

from ..conftest import PROJECT

GOOD = """# Working with interpreters

A short guide.

## Before

- **Brief the interpreter.** Purpose and likely content.

### Seating

Sit so you can speak to the patient.

## Further reading

- [LEP.gov](https://www.lep.gov/): federal guidance.

## Review record

Not yet reviewed by a licensed social worker.
"""


def _write(tmp_path: Path, text: str, name: str = "working-with-interpreters.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(tmp_path: Path, text: str, name: str = "working-with-interpreters.md") -> list[str]:
    with pytest.raises(CaseFileError) as exc:
        parse_guide(_write(tmp_path, text, name))
    return [f"{p.line}:{p.column} {p.message}" for p in exc.value.problems]


def test_a_good_guide_has_its_title_and_body(tmp_path: Path) -> None:
    guide = parse_guide(_write(tmp_path, GOOD))
    assert (guide.id, guide.title) == ("working-with-interpreters", "Working with interpreters")
    assert guide.body.startswith("A short guide.")
    assert "# Working" not in guide.body


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("# Working with interpreters\n", "Working with interpreters\n", "1:1 a guide starts with its title"),
        ("### Seating", "#### Seating", "9:1 this heading skips from level 2 to level 4"),
        ("## Before\n", "# Before\n", "5:1 a guide has one title ('# ...') only"),
        ("(https://www.lep.gov/)", "(http://www.lep.gov/)", "15:13 'http://www.lep.gov/' is not an https:// address"),
        ("[LEP.gov](https://www.lep.gov/)", "LEP.gov https://www.lep.gov/", "15:11 a bare web address is not a link in the PDF or on the page"),
        ("Sit so you", "<b>Sit</b> so you", "11:1 guides are plain Markdown: HTML is not shown"),
        ("# Working with", "# Working <i>with", "1:11 guides are plain Markdown: HTML is not shown"),
        ("Sit so you", "![a photo](https://x.org/a.png) Sit so you", "11:1 guides have no images"),
        ("[LEP.gov]", "[]", "15:3 this link has no text"),
        ("## Review record", "## Reviewed", "19:1 a guide has a '## Review record' section"),
    ],
)  # fmt: skip
def test_each_problem_is_reported_at_its_line(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    assert old in GOOD
    assert expected in _problems(tmp_path, GOOD.replace(old, new))


def test_code_and_links_are_not_mistaken_for_problems(tmp_path: Path) -> None:
    text = GOOD.replace("Sit so you", "Type `<b>` or `https://x` literally. Sit so you")
    text += "\n```\n<not html> https://not.a.link # not a heading\n```\n"
    parse_guide(_write(tmp_path, text))


def test_unreadable_files_get_one_clear_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(b"# Title\n\xff\xfe broken")
    with pytest.raises(CaseFileError, match="2:1: the file is not UTF-8 text"):
        parse_guide(path)
    assert _problems(tmp_path, GOOD, name="Bad Name.md")[0] == (
        "1:1 'Bad Name.md' is not a valid guide file name"
    )
    assert _problems(tmp_path, "\n\n", name="empty.md") == ["1:1 this guide is empty"]
    big = _write(tmp_path, "# Big\n" + "word " * 50_000, "big.md")
    with pytest.raises(CaseFileError, match="a guide is at most 200 kB"):
        parse_guide(big)


def test_check_names_a_guide_and_reports_only_what_it_was_asked(workbook: Path) -> None:
    guides = workbook / "data" / "guides"
    (guides / "broken.md").write_text("No title here\n", encoding="utf-8")
    with pytest.raises(CaseFileError, match=r"broken\.md:1:1: a guide starts with its title"):
        load_library(workbook / "data")
    with pytest.raises(CaseFileError, match=r"broken\.md"):
        load_library(workbook / "data", paths=[guides / "broken.md"])
    case = workbook / "data" / "cases" / "minimal-case.yaml"
    library = load_library(workbook / "data", paths=[case])  # another file's problem is not shown
    assert "broken" in library.guides, "a broken guide is still known, so links to it resolve"


def test_every_guide_in_the_project_is_clean() -> None:
    library = load_library(PROJECT / "data")
    assert len(library.guides) >= 8
    for guide in library.guides.values():
        assert guide.title and guide.title != guide.id
        assert "## Review record" in guide.text


def test_a_guide_named_by_a_relative_path_is_read_once(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from espec_widgets.case import loader

    read: list[Path] = []

    def counting(path: Path) -> object:
        read.append(path)
        return parse_guide(path)

    monkeypatch.setattr(loader, "parse_guide", counting)
    monkeypatch.chdir(workbook)
    library = load_library(workbook / "data", paths=[Path("data/guides/family-meetings.md")])
    assert len(read) == 1 and set(library.guides) == {"family-meetings"}


def test_an_empty_guide_has_an_empty_body(tmp_path: Path) -> None:
    from espec_widgets.case.guides import Guide

    assert Guide("g", tmp_path / "g.md", "g", "").body == ""
