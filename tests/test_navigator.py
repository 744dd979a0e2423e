"""The navigator, driven from Python: statuses from real case pages and a real store, Part IV's
lock, where to continue, and a front end that can change none of it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from espec_widgets import navigator as nav
from espec_widgets.curriculum import Status, module_status, sort_key
from espec_widgets.page import CasePage, open_case
from espec_widgets.store import open_store, upgrade

from .conftest import FIXTURES


@pytest.fixture
def env(workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A workbook with two Part I cases (the second one's main domain comes first in NCP order)."""
    text = (FIXTURES / "data" / "cases" / "minimal-case.yaml").read_text(encoding="utf-8")
    second = (
        text.replace("id: minimal-case", "id: second-case")
        .replace("title: A minimal case for tests", "title: A second case")
        .replace("main_domain: Social Aspects of Care", "main_domain: Ethical and Legal Aspects of Care")
    )  # fmt: skip
    (workbook / "data" / "cases" / "second-case.yaml").write_text(second, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    for name, value in {"ESPEC_ROOT": str(workbook), "ESPEC_DB_URL": url}.items():
        monkeypatch.setenv(name, value)
    for name in ("QUERY_STRING", "JUPYTERHUB_USER", "VOILA_PREHEAT"):
        monkeypatch.delenv(name, raising=False)
    upgrade(url)  # as the server does before it serves: pages only check the revision
    return url


def _landing(monkeypatch: pytest.MonkeyPatch, query: str = "") -> nav.NavigatorPage:
    monkeypatch.setenv("QUERY_STRING", query)
    page = nav.open_navigator()
    page.resume()
    return page


def _case(monkeypatch: pytest.MonkeyPatch, case_id: str, token: str) -> CasePage:
    monkeypatch.setenv("QUERY_STRING", f"learner={token}")
    page = open_case(case_id)
    page.show("who-decides")
    page.show("own-reactions")
    page.resume()
    return page


def _modules(page: nav.NavigatorPage) -> dict[str, dict[str, Any]]:
    return {m["id"]: m for p in page.navigator.parts for m in p["modules"]}


def _part(page: nav.NavigatorPage, part: str) -> dict[str, Any]:
    return next(p for p in page.navigator.parts if p["part"] == part)


def test_before_the_learner_is_known_modules_show_without_status(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _landing(monkeypatch)
    modules = _modules(page)
    assert list(modules) == ["minimal-case", "second-case"], "ordered by NCP domain number"
    assert {m["status"] for m in modules.values()} == {""}
    assert page.navigator.note == nav.BEFORE_LEARNER and page.navigator.continue_to == {}
    assert modules["minimal-case"]["href"] == "part-1/minimal-case.ipynb"
    assert modules["minimal-case"]["minutes"] == 10
    assert _part(page, "IV")["locked"] and _part(page, "II")["modules"] == []


def test_statuses_follow_the_learners_work(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    landing = _landing(monkeypatch)
    landing.identity.start("Ana")
    token = landing.identity.token
    assert landing.navigator.token == token, "case links will carry the token"
    modules = _modules(landing)
    assert {m["status"] for m in modules.values()} == {"not started"}
    assert landing.navigator.continue_to["verb"] == "Start"
    assert landing.navigator.continue_to["title"] == "A minimal case for tests"
    assert "(2 still to finish)" in _part(landing, "IV")["lock"]

    first = _case(monkeypatch, "second-case", token)  # opened: in progress, nothing done yet
    second = _case(monkeypatch, "minimal-case", token)
    question = second.widgets["who-decides"]
    question.set_state({"value": [0]})
    attempt = question.submit()
    assert attempt is not None
    again = _landing(monkeypatch, f"learner={token}")
    modules = _modules(again)
    # Done is not right: the card counts right answers apart, from the last graded try.
    assert (modules["minimal-case"]["graded"], modules["minimal-case"]["right"]) == (
        1,
        int(attempt.correct),
    )
    assert modules["second-case"]["right"] == 0
    assert (modules["minimal-case"]["status"], modules["minimal-case"]["done"]) == (
        "in progress",
        1,
    )
    assert modules["minimal-case"]["next"] == "Your reactions"
    assert modules["second-case"]["status"] == "in progress"
    target = again.navigator.continue_to
    assert (target["verb"], target["href"]) == (
        "Continue where you left off",
        "part-1/minimal-case.ipynb#activity-own-reactions",  # opens at the next activity
    )
    assert target["next"] == "Your reactions"

    second.widgets["own-reactions"].set_state({"value": "I notice I hurry."})
    for widget_id, value in (("who-decides", [0]), ("own-reactions", "Me too.")):
        w = first.widgets[widget_id]
        w.set_state({"value": value})
        if widget_id == "who-decides":
            w.submit()
    done = _landing(monkeypatch, f"learner={token}")
    assert {m["status"] for m in _modules(done).values()} == {"complete"}
    assert _part(done, "I")["progress"] == "Your progress: 2 of 2 modules with every activity done."
    assert (
        _part(again, "I")["progress"] == "Your progress: 0 of 2 modules with every activity done."
    )
    assert not _part(done, "IV")["locked"]
    assert _part(done, "IV")["lock"].startswith("Open: you have completed Part I")
    assert done.navigator.continue_to["verb"] == "done"


def test_an_activity_added_later_reopens_a_complete_module(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    status = module_status(["a", "b"], done=["a", "b"], has_work=True)
    assert status.status is Status.COMPLETE
    status = module_status(["a", "b", "c"], done=["a", "b"], has_work=True)
    assert (status.status, status.done, status.next_activity) == (Status.IN_PROGRESS, 2, "c")
    assert module_status(["a"], done=None, has_work=True).status is Status.IN_PROGRESS
    assert module_status(["a"], done=None, has_work=False).status is Status.NOT_STARTED
    assert module_status(["a"], done=["gone"], has_work=True).done == 0


def test_work_from_before_progress_rows_counts_as_in_progress(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(env)
    learner = store.add_learner("Old Timer")
    store.update_or_create_draft(learner, "second-case", "own-reactions", "Written last year.")
    page = _landing(monkeypatch, f"learner={learner.token}")
    assert _modules(page)["second-case"]["status"] == "in progress"
    assert _modules(page)["minimal-case"]["status"] == "not started"


def test_each_learner_sees_only_their_own_progress(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(env)
    ana, ben = store.add_learner("Ana"), store.add_learner("Ben")
    store.update_or_create_progress(ana, "minimal-case", ["who-decides", "own-reactions"], 2)
    assert _modules(_landing(monkeypatch, f"learner={ana.token}"))["minimal-case"]["status"] == (
        "complete"
    )
    assert _modules(_landing(monkeypatch, f"learner={ben.token}"))["minimal-case"]["status"] == (
        "not started"
    )


def test_the_page_can_change_nothing(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    page = _landing(monkeypatch)
    page.identity.start("Ana")
    before = (page.navigator.parts, page.navigator.continue_to, page.navigator.token)
    page.navigator.set_state(
        {
            "parts": [{"part": "IV", "locked": False, "modules": []}],
            "continue_to": {"href": "https://evil.example/"},
            "token": "A" * 32,
            "hub": True,
        }
    )
    assert (page.navigator.parts, page.navigator.continue_to, page.navigator.token) == before
    assert not page.navigator.hub


def test_a_tab_that_remembers_the_learner_resumes_them(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _landing(monkeypatch)
    first.identity.start("Ana")
    token = first.identity.token
    again = _landing(monkeypatch)  # a plain link: no token in the address
    assert again.navigator.continue_to == {}
    again.identity._on_message(again.identity, {"event": "resume", "token": token}, [])
    assert again.identity.display_name == "Ana" and again.navigator.continue_to["verb"] == "Start"
    other = _landing(monkeypatch)
    for bad in ("A" * 32, "<script>", 42, None):
        other.identity._on_message(other.identity, {"event": "resume", "token": bad}, [])
        assert other.identity.learner is None
    assert other.identity.forget, "a refused remembered token is forgotten by the tab"
    again.identity._on_message(again.identity, {"event": "resume", "token": "B" * 32}, [])
    assert again.identity.display_name == "Ana", "a known learner is never switched"


def test_a_broken_case_is_named_not_fatal(
    env: str, workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESPEC_STRICT", "0")
    (workbook / "data" / "cases" / "broken.yaml").write_text("id: [unclosed", encoding="utf-8")
    page = _landing(monkeypatch)
    page.identity.start("Ana")
    assert "broken could not be loaded" in page.navigator.note
    assert set(_modules(page)) == {"minimal-case", "second-case"}
    monkeypatch.setenv("ESPEC_STRICT", "1")
    with pytest.raises(Exception, match="not valid YAML"):
        nav.open_navigator()


def test_program_order_is_by_part_then_domain() -> None:
    keys = [
        sort_key("II", "Structure and Processes of Care", "b"),
        sort_key("I", "Ethical and Legal Aspects of Care", "a"),
        sort_key("I", "Structure and Processes of Care", "z"),
    ]
    assert sorted(keys) == [keys[2], keys[1], keys[0]]


def test_the_landing_notebook_runs_in_a_kernel(workbook: Path) -> None:
    """The generated landing page executes (as nbval does) and shows the navigator."""
    import nbformat
    from nbclient import NotebookClient

    from espec_widgets.builder import build

    build(workbook, pdfs=False)
    shutil.rmtree(workbook / "notebooks" / "gallery", ignore_errors=True)
    nb = nbformat.read(workbook / "notebooks" / "index.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(workbook)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    views = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) == 2, "the learner bar and the navigator"
