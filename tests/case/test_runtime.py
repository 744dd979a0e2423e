"""The runtime form of a case: what learner kernels load, cached by the case file's bytes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from espec_widgets.case import CaseFileError, parse_case
from espec_widgets.case.runtime import (
    MultipleChoiceSpec,
    ReflectionSpec,
    cache_dir,
    from_case,
    load_runtime_case,
)
from espec_widgets.store import upgrade


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ESPEC_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_runtime_form_keeps_what_widgets_need(workbook: Path) -> None:
    case = parse_case(workbook / "data" / "cases" / "minimal-case.yaml")
    runtime = from_case(case)
    question = runtime.activity("who-decides")
    assert isinstance(question, MultipleChoiceSpec)
    assert [(o.text, o.correct, o.feedback) for o in question.options] == [
        (o.text, o.correct, o.feedback) for o in case.activity("who-decides").options
    ]
    assert isinstance(runtime.activity("own-reactions"), ReflectionSpec)
    with pytest.raises(KeyError, match="no activity 'nope'"):
        runtime.activity("nope")


def test_miss_validates_and_caches_then_hit_reads_the_cache(workbook: Path, cache: Path) -> None:
    source = workbook / "data" / "cases" / "minimal-case.yaml"
    first = load_runtime_case(source)
    (entry,) = cache.glob("minimal-case-*.json")
    assert load_runtime_case(source) == first
    # An edited case file has other bytes, so it is validated again, never served stale.
    source.write_text(source.read_text().replace("Who decides?", "Who speaks for Ruth?"))
    assert load_runtime_case(source).activity("who-decides").title == "Who speaks for Ruth?"
    assert len(list(cache.glob("minimal-case-*.json"))) == 2
    source.write_text(source.read_text().replace("part: I\n", "part: V\n"))
    with pytest.raises(CaseFileError):
        load_runtime_case(source)
    # A damaged cache entry is ignored, not trusted.
    entry.write_text("{not json")
    source.write_text(
        source.read_text()
        .replace("part: V\n", "part: I\n")
        .replace("Who speaks for Ruth?", "Who decides?")
    )
    assert load_runtime_case(source) == first


def test_cache_dir_default_is_per_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ESPEC_CACHE_DIR", raising=False)
    assert "espec-workbook" in str(cache_dir())


@pytest.mark.parametrize(
    "page",
    [
        "from espec_widgets.page import open_case\n"
        "page = open_case('minimal-case'); page.show('who-decides'); page.show('own-reactions')\n"
        "page.resume()\n",
        "from espec_widgets.navigator import open_navigator\npage = open_navigator(); page.resume()\n",
        "from espec_widgets.live.learner import open_live_page\npage = open_live_page(); page.resume()\n",
        "from espec_widgets.credit.page import open_credit_page\n"
        "page = open_credit_page(); page.resume()\n",
        "from espec_widgets.journal.page import open_journal_page\n"
        "page = open_journal_page(); page.resume()\n",
    ],
    ids=["case page", "navigator", "live page", "credit page", "journal page"],
)
def test_learner_kernel_imports_no_schema_machinery(workbook: Path, cache: Path, page: str) -> None:
    """A case page or the navigator on a built workbook loads neither pydantic nor the YAML
    parser, nor pandas, plotting, Voilà, the PDF tools or the Markdown and HTML sanitiser."""
    from espec_widgets.credit.runtime import load_credit

    from ..credit.conftest import add_credit_files

    add_credit_files(workbook)  # a course record and a post-test bank, as the program has
    source = workbook / "data" / "cases" / "minimal-case.yaml"
    load_runtime_case(source)  # as `espec build` does
    load_credit(workbook)
    heavy = {"pydantic", "ruamel", "pandas", "matplotlib", "voila", "weasyprint", "mistune", "nh3"}
    heavy |= {"ralph", "docx", "httpx"}  # xAPI, the journal's Word document, the LRS client
    code = (
        "import sys, os\n"
        + page
        + f"bad = sorted({{m.split('.')[0] for m in sys.modules}} & {heavy!r})\n"
        + "print('HEAVY', bad)\n"
    )
    env = {
        "ESPEC_ROOT": str(workbook),
        "ESPEC_CACHE_DIR": str(cache),
        "ESPEC_DB_URL": f"sqlite:///{cache / 'db.sqlite'}",
        "PATH": "/usr/bin:/bin",
    }
    upgrade(env["ESPEC_DB_URL"])  # as the server does before it serves
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert "HEAVY []" in out.stdout, out.stdout
