"""The builder: deterministic notebooks, --check, all-or-nothing writes, thin code cells."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from espec_widgets.builder import build, plan
from espec_widgets.case import CaseFileError

from ..conftest import PROJECT

CASE_NB = "notebooks/part-1/minimal-case.ipynb"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "data" not in p.relative_to(root).parts
    }


def test_build_writes_every_generated_file(workbook: Path) -> None:
    report = build(workbook)
    assert set(report.written) == {
        CASE_NB,
        "notebooks/guides/family-meetings.ipynb",
        "notebooks/guides/family-meetings.pdf",
        "notebooks/index.ipynb",
        "notebooks/live.ipynb",
        "notebooks/credit.ipynb",
        "notebooks/journal.ipynb",
        "staff/console.ipynb",
        "voila.json",
    }
    nb = nbformat.read(workbook / CASE_NB, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["espec"]["case_id"] == "minimal-case"
    assert nb.metadata["espec"]["audience"] == "learner"


def test_rebuild_is_byte_identical(workbook: Path) -> None:
    build(workbook)
    first = _snapshot(workbook)
    report = build(workbook)
    assert report.written == [] and report.removed == []
    assert _snapshot(workbook) == first
    # A fresh folder gives the same bytes too: nothing depends on time or randomness.
    other = workbook / "again"
    other.mkdir()
    (other / "data").symlink_to(workbook / "data")
    assert plan(other)[CASE_NB] == (workbook / CASE_NB).read_text(encoding="utf-8")


def test_cell_ids_are_stable_and_code_cells_are_thin(workbook: Path) -> None:
    build(workbook)
    nb = nbformat.read(workbook / CASE_NB, as_version=4)
    ids = [c["id"] for c in nb.cells]
    assert ids == [
        "header",
        "setup",
        "people",
        "scene-arrival",
        "play-arrival",
        "heading-who-decides",
        "activity-who-decides",
        "heading-own-reactions",
        "activity-own-reactions",
        "debrief",
        "show-debrief",
        "closing",
        "end",
        "resume",
    ]
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[0] == "import espec_widgets.page as page\n\ncase = page.open_case('minimal-case')"
    assert code[1:] == [
        "case.play('arrival')",
        "case.show('who-decides')",
        "case.show('own-reactions')",
        "case.debrief()",
        code[5],
        "case.resume()",
    ]
    # Where next: the next module in the curriculum, if there is one after this case.
    assert code[5] == "case.end()" or code[5].startswith("case.end(next_case={'href': '../part-")
    # Answer keys never reach the notebook: feedback text lives only in the case file.
    text = (workbook / CASE_NB).read_text(encoding="utf-8")
    assert "An appointed agent comes first" not in text
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    headings = [c.source.splitlines()[1:-1] for c in nb.cells if c["id"].startswith("heading-")]
    assert headings == [
        ['<h3 id="activity-who-decides">Activity 1 of 2: a question</h3>'],
        ['<h3 id="activity-own-reactions">Activity 2 of 2: a reflection</h3>'],
    ]


def test_check_reports_edited_missing_and_stale(workbook: Path) -> None:
    build(workbook)
    assert build(workbook, check=True).clean
    nb_path = workbook / CASE_NB
    nb_path.write_text(nb_path.read_text(encoding="utf-8").replace("Arrival", "Hand edit"))
    (workbook / "notebooks" / "index.ipynb").unlink()
    stale = workbook / "notebooks" / "part-1" / "old-case.ipynb"
    stale.write_bytes(nb_path.read_bytes())
    report = build(workbook, check=True)
    assert report.differs == [CASE_NB]
    assert report.missing == ["notebooks/index.ipynb"]
    assert report.stale == ["notebooks/part-1/old-case.ipynb"]
    assert not report.clean
    # check changes nothing
    assert "Hand edit" in nb_path.read_text(encoding="utf-8")
    report = build(workbook)
    assert report.removed == ["notebooks/part-1/old-case.ipynb"]
    assert build(workbook, check=True).clean


def test_hand_written_notebooks_are_left_alone(workbook: Path) -> None:
    build(workbook)
    mine = workbook / "notebooks" / "scratch.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), mine)
    assert build(workbook).removed == []
    assert mine.exists()


def test_failed_build_writes_nothing(workbook: Path, minimal_text: str) -> None:
    build(workbook)
    before = _snapshot(workbook)
    broken = workbook / "data" / "cases" / "broken-case.yaml"
    broken.write_text(
        minimal_text.replace("minimal-case", "broken-case").replace("part: I", "part: X")
    )
    (workbook / "data" / "cases" / "minimal-case.yaml").write_text(
        minimal_text.replace("Ruth is admitted", "Ruth arrives")
    )
    with pytest.raises(CaseFileError):
        build(workbook)
    assert _snapshot(workbook) == before


def test_voila_json_preheats_the_navigator_and_case_notebooks_only(workbook: Path) -> None:
    build(workbook)
    config = json.loads((workbook / "voila.json").read_text())
    pools = config["VoilaKernelManager"]["kernel_pools_config"]
    assert pools == {
        "default": {"pool_size": 0},
        "index.ipynb": {"pool_size": 1},
        "part-1/minimal-case.ipynb": {"pool_size": 1},
    }
    vc = config["VoilaConfiguration"]
    assert vc["preheat_kernel"] is True
    assert vc["strip_sources"] is True and vc["show_tracebacks"] is False
    assert vc["allow_template_override"] == "NO" and vc["allow_theme_override"] == "NO"
    assert vc["template"] == "espec"
    assert config["MappingKernelManager"]["cull_idle_timeout"] > 0
    headers = config["Voila"]["tornado_settings"]["headers"]
    assert headers["Referrer-Policy"] == "same-origin"


def test_landing_runs_the_navigator_and_lists_the_guides(workbook: Path) -> None:
    """The Parts and modules are drawn by the navigator (tests/test_navigator.py) at run time."""
    build(workbook)
    nb = nbformat.read(workbook / "notebooks" / "index.ipynb", as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code == [
        "import espec_widgets.navigator as navigator\n\nworkbook = navigator.open_navigator()",
        "workbook.resume()",
    ]
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert '<li><a href="guides/family-meetings.ipynb">Family meetings (fixture)</a>' in text
    assert '(<a href="../files/guides/family-meetings.pdf">PDF</a>)</li>' in text


def test_guide_page_links_its_pdf_and_the_cases_that_use_it(workbook: Path) -> None:
    build(workbook)
    nb = nbformat.read(workbook / "notebooks" / "guides" / "family-meetings.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "<h1>Family meetings (fixture)</h1>" in text.splitlines()[1]
    pdf = '<a href="../../files/guides/family-meetings.pdf">Download this guide as a PDF</a>'
    assert pdf in text
    assert '<li><a href="../part-1/minimal-case.ipynb">A minimal case for tests</a></li>' in text
    case = nbformat.read(workbook / CASE_NB, as_version=4)
    closing = next(c.source for c in case.cells if c.get("id") == "closing")
    assert (
        '<li><a href="../guides/family-meetings.ipynb">Family meetings (fixture)</a></li>'
        in closing
    )


def test_committed_notebooks_match_case_files() -> None:
    report = build(PROJECT, check=True)
    assert report.clean, f"run `espec build`: {report}"


def test_served_folder_holds_learner_pages_only() -> None:
    for path in (PROJECT / "notebooks").rglob("*.ipynb"):
        meta = nbformat.read(path, as_version=4).metadata
        assert meta.get("espec", {}).get("audience") == "learner", path


def test_symlinked_data_folder_builds(workbook: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    link_root = other / "site"
    link_root.mkdir()
    (link_root / "data").symlink_to(workbook / "data")
    report = build(link_root)
    assert CASE_NB in report.written
    nb = nbformat.read(link_root / CASE_NB, as_version=4)
    assert nb.metadata["espec"]["source"] == "data/cases/minimal-case.yaml"


def test_a_guide_page_names_the_live_sessions_that_use_it() -> None:
    from espec_widgets.builder import plan

    from ..conftest import PROJECT

    out = plan(PROJECT)
    page = str(out["notebooks/guides/requests-to-hasten-death.ipynb"])
    assert "Live sessions (Part II) that use this guide" in page
    assert "I want you to help me end it" in page
