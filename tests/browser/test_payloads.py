"""No author or learner string runs as script: a workbook whose case carries a payload in every
free-text field (tests/payloads.py), served for real and clicked through in Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ..payloads import CASE, payload_workbook
from .conftest import serve_workbook, start_learner

pytestmark = pytest.mark.browser

LEARNER = "Pat <img src=x onerror=alert(99)>"
REFLECTION = "<script>window.__xss=98</script> [x](javascript:alert(97))"


@pytest.fixture(scope="module")
def fields(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("payload-workbook")
    return root, payload_workbook(root)


@pytest.fixture(scope="module")
def hostile_server(
    fields: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`espec build` and `espec serve` on the payload workbook, with its own store and cache."""
    root, _ = fields
    state = tmp_path_factory.mktemp("payload-state")
    env = {k: v for k, v in os.environ.items() if k != "ESPEC_ROOT"}
    env |= {"ESPEC_DB_URL": f"sqlite:///{state / 'db.sqlite'}", "ESPEC_CACHE_DIR": str(state)}
    espec = [sys.executable, "-m", "espec_widgets.cli", "--root", str(root)]
    subprocess.run([*espec, "build"], env=env, check=True, capture_output=True, timeout=300)
    with serve_workbook(root, state / "serve.log", env=env) as served:
        yield served.url


@pytest.fixture
def dialogs(page: Page) -> list[str]:
    """Every alert, confirm or prompt the page opens (none should)."""
    seen: list[str] = []

    def record(dialog: object) -> None:
        seen.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", record)
    return seen


def _nothing_ran(page: Page, dialogs: list[str]) -> None:
    assert page.evaluate("window.__xss") is None, "a payload set window.__xss"
    assert dialogs == [], f"a payload opened a dialog: {dialogs}"
    # Nothing that could run survived: no script-bearing links, frames, or typeset math.
    for selector in (
        "a[href^='javascript:' i]",
        "a[href^='data:' i]",
        "iframe",
        "object",
        "embed",
        "details:not(.espec-have-link)",
        "mjx-container",
        ".jp-MarkdownOutput script",
        ".jp-MarkdownOutput svg",
        ".jp-MarkdownOutput [onerror]",
    ):
        assert page.locator(selector).count() == 0, selector


def test_no_payload_runs_on_the_landing_case_and_guide_pages(
    page: Page, hostile_server: str, fields: tuple[Path, dict[str, str]], dialogs: list[str]
) -> None:
    _, texts = fields
    title = texts["title"]
    page.goto(f"{hostile_server}/voila/render/index.ipynb")
    nav = page.get_by_role("navigation", name="Your curriculum")
    link = nav.get_by_role("link", name=title)
    expect(link).to_be_visible()
    _nothing_ran(page, dialogs)

    link.click()
    path = f"/voila/render/part-1/{CASE}.ipynb"
    start_learner(page, hostile_server, path, LEARNER)
    _nothing_ran(page, dialogs)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(title)  # the title, payload and all, as text
    expect(page.get_by_role("heading", name="Debrief")).to_be_visible()
    expect(page.get_by_role("cell", name=texts["people[1].name"])).to_be_visible()
    page.get_by_role("button", name="Show the whole transcript").click()
    transcript = page.get_by_role("list", name="Transcript")
    expect(transcript.get_by_text(texts["scenes[0].transcript[1].text"])).to_be_visible()
    group = page.get_by_role("group", name=texts["activities[0].title"])
    group.get_by_role("radio").nth(1).check()
    group.locator("xpath=..").get_by_role("button", name="Check answer").click()
    expect(page.get_by_role("status").filter(has_text="Attempt 1")).to_be_visible()
    expect(group).to_contain_text("The physician recommends")
    box = page.get_by_role("textbox", name=texts["activities[1].title"].split("\n")[0].strip())
    box.fill(REFLECTION)
    expect(box.locator("xpath=..").get_by_role("status")).to_contain_text("Saved")
    _nothing_ran(page, dialogs)

    page.get_by_role("link", name="Family meetings (fixture)").click()
    expect(page.get_by_role("heading", name="Family meetings (fixture)", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=title)).to_be_visible()
    expect(page.get_by_text("$\\href{javascript:window.__xss=20}{math}$")).to_be_visible()
    _nothing_ran(page, dialogs)

    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_text(f"Working as {LEARNER}.")).to_be_visible()
    expect(page.get_by_role("textbox").last).to_have_value(REFLECTION)
    _nothing_ran(page, dialogs)
