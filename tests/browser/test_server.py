"""The server as a class meets it: kernels freed with their pages, a cap, nothing leaked.

A small workbook (the fixture case) is served with short graces, so that what takes a minute
in production takes seconds here; the behaviour is the same code.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from espec_widgets.case import load_library

from ..conftest import FIXTURES
from .conftest import Served, build_workbook, kernel_pids, serve_workbook, start_learner, wait_until

pytestmark = pytest.mark.browser

REFLECTION = next(
    a.title
    for a in load_library(FIXTURES / "data").cases[0].ordered_activities
    if a.type == "reflection"
)
CASE = "/voila/render/part-1/minimal-case.ipynb"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
LIFECYCLE = (
    "--WorkbookKernelManager.unconnected_grace=4",
    "--WorkbookKernelManager.disconnected_grace=3",
    "--WorkbookKernelManager.reap_interval=1",
    "--MappingKernelManager.cull_idle_timeout=12",
    "--MappingKernelManager.cull_interval=2",
)


def _env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["ESPEC_DB_URL"] = f"sqlite:///{folder}/workbook.db"
    env["ESPEC_CACHE_DIR"] = str(folder / "cache")
    env.pop("ESPEC_STRICT", None)
    return env


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("small-workbook")
    env = _env(folder)
    root = build_workbook(folder / "root", env)
    with serve_workbook(root, folder / "serve.log", *LIFECYCLE, env=env) as served:
        yield served


def _kernel_id(page: Page) -> str:
    return str(
        page.evaluate(
            "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
        )
    )


def _open(browser: Browser, url: str) -> Page:
    page = browser.new_context().new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible()
    return page


def test_closing_a_tab_frees_its_kernel_at_once(browser: Browser, small: Served) -> None:
    page = _open(browser, small.url + CASE)
    kernel = _kernel_id(page)
    assert kernel in kernel_pids(small)
    page.close(run_before_unload=True)  # as closing the tab does: the page's beacon is sent
    wait_until(lambda: kernel not in kernel_pids(small), 3, "the closed tab's kernel is gone")
    page.context.close()


def test_a_reload_frees_the_old_kernel_and_works(browser: Browser, small: Served) -> None:
    page = _open(browser, small.url + CASE)
    old = _kernel_id(page)
    page.reload()
    expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible()
    new = _kernel_id(page)
    assert new != old
    wait_until(lambda: old not in kernel_pids(small), 3, "the reloaded page's old kernel is gone")
    assert new in kernel_pids(small)
    page.context.close()


def test_a_tab_that_vanishes_without_its_beacon_loses_its_kernel(
    browser: Browser, small: Served
) -> None:
    page = _open(browser, small.url + CASE)
    kernel = _kernel_id(page)
    page.context.close()  # a crashed browser: no beacon, the socket just closes
    wait_until(lambda: kernel not in kernel_pids(small), 10, "the vanished page's kernel is gone")


def test_a_page_nobody_opens_loses_its_kernel(small: Served) -> None:
    with urllib.request.urlopen(small.url + CASE, timeout=60) as response:
        html = response.read().decode()
    config = html.split('id="jupyter-config-data" type="application/json">')[1]
    kernel = json.loads(config.split("</script>")[0])["kernelId"]
    assert kernel in kernel_pids(small)  # a plain GET starts one, as Voilà must
    wait_until(lambda: kernel not in kernel_pids(small), 15, "the unopened page's kernel is gone")


def test_another_browser_cannot_reach_a_learners_kernel(browser: Browser, small: Served) -> None:
    page = _open(browser, small.url + CASE)
    kernel = _kernel_id(page)
    other = browser.new_context().new_page()
    other.goto(small.url + "/voila/tree")
    assert other.request.get(f"{small.url}/api/kernels/{kernel}").status == 403
    assert other.request.post(f"{small.url}/voila/api/shutdown/{kernel}").status == 403
    opened = other.evaluate(
        """url => new Promise(done => {
            const ws = new WebSocket(url);
            ws.onopen = () => done("open");
            ws.onerror = () => done("refused");
        })""",
        small.url.replace("http", "ws") + f"/api/kernels/{kernel}/channels",
    )
    assert opened == "refused"
    # its own page still reaches it
    assert page.evaluate(f"fetch('/api/kernels/{kernel}').then(r => r.status)") == 200
    assert kernel in kernel_pids(small)
    other.context.close()
    page.context.close()


def test_a_culled_kernel_says_so_and_a_reload_restores_the_work(
    browser: Browser, small: Served
) -> None:
    page = browser.new_context().new_page()
    page.set_default_timeout(60_000)
    start_learner(page, small.url, CASE, "Idle Learner")
    box = page.get_by_role("textbox", name=REFLECTION)
    box.fill("What I noticed about my own reactions.")
    box.locator("xpath=..").get_by_role("button", name="Save").click()
    expect(box.locator("xpath=..").get_by_role("status")).to_contain_text("Saved")
    kernel = _kernel_id(page)
    # idle for longer than cull_idle_timeout: the kernel goes, and the page says so
    alert = page.get_by_role("alert").filter(has_text="lost its connection to the workbook")
    expect(alert).to_be_visible(timeout=45_000)
    assert kernel not in kernel_pids(small)
    reload = page.get_by_role("button", name="Reload the page")
    expect(reload).to_be_focused()
    reload.click()
    expect(page.get_by_role("textbox", name=REFLECTION)).to_have_value(
        "What I noticed about my own reactions.", timeout=60_000
    )
    page.context.close()


def test_the_widget_model_race_is_patched_on_every_page(browser: Browser, small: Served) -> None:
    """ipywidgets issue 4026: our template replaces get_model's 2 s give-up (widget_models.js).

    If a Voilà or ipywidgets upgrade changes how the page loads its widget packages, the patch
    stops applying: this test says so, rather than a class finding out in a burst."""
    for path in (CASE, "/voila/render/index.ipynb"):
        page = _open(browser, small.url + path)
        assert page.evaluate("window.__especWidgetModels") == "patched"
        page.context.close()


FAILED_WIDGET = """() => {
    const node = document.createElement("div");
    node.className = "jp-OutputArea-output";
    node.textContent = "Error displaying widget: model not found";
    document.querySelector(".jp-OutputArea-output").parentElement.append(node);
}"""


def test_a_page_whose_widgets_failed_reloads_once_then_asks(
    browser: Browser, small: Served
) -> None:
    page = _open(browser, small.url + CASE)
    first = _kernel_id(page)
    page.evaluate(FAILED_WIDGET)  # what the widget manager shows when it loses the race
    expect(page.get_by_role("status").filter(has_text="did not load. Reloading")).to_be_visible()
    page.wait_for_function("() => !document.querySelector('.espec-session')", timeout=20_000)
    expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible()
    assert _kernel_id(page) != first  # a new page, on a new kernel
    page.evaluate(FAILED_WIDGET)  # twice in two minutes: no loop of reloads, a button instead
    alert = page.get_by_role("alert").filter(has_text="did not load")
    expect(alert).to_be_visible()
    expect(page.get_by_role("button", name="Reload the page")).to_be_visible()
    page.context.close()


def test_the_log_holds_no_token_query_or_kernel_id(small: Served) -> None:
    token = "Zq3xY8fK2mNcP1vR7tLw9sBd4hJ6gE0a"
    for path in (f"{CASE}?learner={token}", f"/voila/files/guides/nope.pdf?learner={token}"):
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(small.url + path, timeout=60).read()
    # Tornado logs a request after its response is sent: wait for the line rather than race it.
    wait_until(
        lambda: "GET /voila/files/guides/nope.pdf" in small.log.read_text(errors="replace"),
        10,
        "the 404 is logged, without its query",
    )
    text = small.log.read_text(errors="replace")
    assert token not in text
    assert "learner=" not in text.replace("learner=[removed]", "")
    assert not UUID.findall(text), UUID.findall(text)[:3]


def test_past_the_cap_a_visitor_is_asked_to_come_back(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("capped-workbook")
    env = _env(folder)
    root = build_workbook(folder / "root", env)
    # two preheated pools (landing page and case) plus one page
    with serve_workbook(
        root, folder / "serve.log", "--WorkbookKernelManager.max_kernels=3", env=env
    ) as served:
        first = _open(browser, served.url + CASE)
        second = browser.new_context().new_page()
        response = second.goto(served.url + CASE)
        assert response is not None and response.status == 503
        assert response.headers["retry-after"] == "60"
        expect(second.get_by_role("heading", name="The workbook is busy", level=1)).to_be_visible()
        expect(second.get_by_text("Your saved work is safe.")).to_be_visible()
        first.close(run_before_unload=True)
        wait_until(lambda: len(kernel_pids(served)) <= 2, 10, "the first page's kernel is freed")
        wait_until(
            lambda: second.goto(served.url + CASE).status == 200,  # type: ignore[union-attr]
            20,
            "a place frees up and the page opens",
        )
        expect(second.get_by_role("button", name="Start", exact=True)).to_be_visible()
        second.context.close()
