"""Generated notebooks run: a good case executes; a broken one fails in strict mode, and shows a
message (never a traceback) to a learner otherwise."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from espec_widgets.activities.sequence import SECRET_NAME, SequenceExercise
from espec_widgets.builder import build
from espec_widgets.case.runtime import SequenceSpec, load_runtime_case
from espec_widgets.page import CasePage
from espec_widgets.store import open_store

from .conftest import PROJECT

CASE_NB = Path("notebooks/part-1/minimal-case.ipynb")


def _run(workbook: Path, monkeypatch: pytest.MonkeyPatch, *, strict: bool) -> nbformat.NotebookNode:
    monkeypatch.setenv("ESPEC_STRICT", "1" if strict else "0")
    nb = nbformat.read(workbook / CASE_NB, as_version=4)
    NotebookClient(
        nb, timeout=60, resources={"metadata": {"path": str(workbook / CASE_NB.parent)}}
    ).execute()
    return nb


def _break_case(workbook: Path) -> None:
    path = workbook / "data" / "cases" / "minimal-case.yaml"
    path.write_text(path.read_text().replace("part: I\n", "part: V\n"))


def test_case_notebook_executes_and_shows_widgets(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(workbook)
    nb = _run(workbook, monkeypatch, strict=True)
    views = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    names = [o["data"]["text/plain"].split("(")[0].split()[0].rsplit(".", 1)[-1] for o in views]
    assert names == [
        "LearnerBar",
        "CaseOutline",
        "EncounterPlayer",
        "ChoiceQuestion",
        "ReflectionBox",
        "VBox",  # the debrief's gate, and its text once asked for
        "WhereNext",
    ], "the learner bar, the outline, the encounter player, two activities, the debrief, where next"


def test_broken_case_fails_in_strict_mode(workbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(workbook)
    _break_case(workbook)
    with pytest.raises(CellExecutionError, match="CaseFileError"):
        _run(workbook, monkeypatch, strict=True)


def test_broken_case_shows_a_message_to_learners(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(workbook)
    _break_case(workbook)
    nb = _run(workbook, monkeypatch, strict=False)
    html = "".join(
        o.get("data", {}).get("text/plain", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert "This case could not be loaded" in html
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors == []


def test_a_page_keys_the_sequence_order_with_its_store_secret(tmp_path: Path) -> None:
    case = load_runtime_case(PROJECT / "data" / "gallery" / "component-gallery.yaml")
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}", upgrade=True)
    page = CasePage(case, store=store)
    widget = page.widget("gallery-sequence")
    assert isinstance(widget, SequenceExercise)
    spec = case.activity("gallery-sequence")
    assert isinstance(spec, SequenceSpec)
    secret = store.find_or_add_secret(SECRET_NAME)
    assert widget.items == SequenceExercise(spec, secret=secret).items
