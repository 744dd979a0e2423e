"""A case with a script-injection payload in every free-text field checks (with warnings) and
builds into notebooks and a guide PDF in which nothing can run."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbconvert.filters.markdown import markdown2html

from espec_widgets.builder import build, guide_pdf
from espec_widgets.case import load_library
from espec_widgets.cli import main
from espec_widgets.markup import raw_html

from ..executable import executable
from ..payloads import CASE, payload_workbook


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("hostile")
    fields = payload_workbook(root)
    build(root, pdfs=False)
    return root, fields


def test_check_passes_with_a_warning_for_each_field_with_html(
    hostile: tuple[Path, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, fields = hostile
    assert main(["--root", str(root), "check"]) == 0
    out, err = capsys.readouterr()
    warned = {line.split(": ")[1] for line in err.splitlines() if ": warning: " in line}
    with_html = {field for field, text in fields.items() if raw_html(text)}
    assert warned == with_html and "title" in warned
    assert f"no problems found ({len(warned)} warnings, above)" in out


def test_no_notebook_holds_anything_that_runs(hostile: tuple[Path, dict[str, str]]) -> None:
    root, _ = hostile
    notebooks = sorted((root / "notebooks").rglob("*.ipynb"))
    assert len(notebooks) == 6  # the case, its guide, the landing, live, credit and journal pages
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert "<" not in cell.source and "javascript" not in cell.source
                continue
            # One HTML block: a second Markdown pass (nbconvert, JupyterLab) leaves it as it is.
            assert cell.source.startswith("<div") and "\n\n" not in cell.source
            assert executable(cell.source) == [], (path.name, cell.id)
            page = markdown2html(cell.source)  # what Voilà serves
            assert cell.source.strip() in page
            assert executable(page) == [], (path.name, cell.id)
    header = nbformat.read(root / "notebooks" / "part-1" / f"{CASE}.ipynb", as_version=4).cells[0]
    assert "&lt;img src=x onerror=" in header.source, "the title's payload is shown as text"


def test_the_guide_pdf_holds_nothing_that_runs(hostile: tuple[Path, dict[str, str]]) -> None:
    root, _ = hostile
    library = load_library(root / "data")
    guide = library.guides["family-meetings"]
    document = guide_pdf.guide_html(guide, used_in=[c.title for c in library.cases_using(guide.id)])
    body = document.split("<body>", 1)[1]
    assert executable(body) == []
    assert "A minimal case for tests &lt;img src=x" in body
