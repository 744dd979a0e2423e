"""In Chromium, on the real served workbook: a learner works on the case, opens My journal from
the header, downloads the journal (Word and Markdown) and all her data (JSON), then deletes her
account. Afterwards the store holds no row of hers and the browser has forgotten her."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from docx import Document
from playwright.sync_api import Page, expect

from espec_widgets.store import open_store, tables

from .conftest import Served, build_workbook, serve_workbook, start_learner
from .test_accessibility import _serious

pytestmark = pytest.mark.browser

CASE_PAGE = "/voila/render/part-1/minimal-case.ipynb"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WORDS = (
    "I noticed that I wanted to settle the conflict quickly, before Ruth had said what she feared."
)


@pytest.fixture(scope="module")
def journal_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, str]]:
    folder = tmp_path_factory.mktemp("journal")
    url = f"sqlite:///{folder / 'store.db'}"
    env = {**os.environ, "ESPEC_DB_URL": url, "ESPEC_CACHE_DIR": str(folder / "cache")}
    root = build_workbook(folder / "workbook", env)
    with serve_workbook(root, folder / "serve.log", env=env) as served:
        yield served, url


def _download(page: Page, button: str) -> tuple[str, bytes]:
    with page.expect_download() as got:
        page.get_by_role("button", name=button).click()
    download = got.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def _rows_of(url: str, learner_id: int) -> dict[str, int]:
    store = open_store(url)
    with store.engine.connect() as conn:
        counts = {
            t.name: conn.execute(
                sa.select(sa.func.count()).select_from(t).where(t.c.learner_id == learner_id)
            ).scalar_one()
            for t in tables.metadata.sorted_tables
            if "learner_id" in t.c
        }
        counts["learners"] = conn.execute(
            sa.select(sa.func.count())
            .select_from(tables.learners)
            .where(tables.learners.c.id == learner_id)
        ).scalar_one()
    store.engine.dispose()
    return counts


def test_a_learner_takes_her_work_away_and_deletes_it(
    browser: Any, journal_server: tuple[Served, str]
) -> None:
    served, url = journal_server
    server = served.url
    page = browser.new_page(accept_downloads=True)
    start_learner(page, server, CASE_PAGE, "Ana Journal")
    group = page.get_by_role("group", name="Who decides?")
    group.get_by_label("Sam, her appointed health care agent.").check()
    group.locator("xpath=..").get_by_role("button", name="Check answer").click()
    expect(group).to_contain_text("A strong choice")
    box = page.get_by_role("textbox", name="Your reactions")
    box.fill(WORDS)
    box.locator("xpath=..").get_by_role("button", name="Save").click()
    expect(box.locator("xpath=..").get_by_role("status")).to_contain_text("Saved")

    # From the header to My journal: her reflection, under its case, with its prompt.
    page.locator("header").get_by_role("link", name="My journal").click()
    expect(page.get_by_role("heading", name="My journal", exact=True)).to_be_visible()
    entry = page.locator(".espec-journal-entry")
    expect(entry).to_have_count(1)
    expect(entry.get_by_role("heading")).to_have_text("Reflection: Your reactions")
    expect(entry.locator("blockquote")).to_have_text(WORDS)
    expect(page.locator("header").get_by_role("link", name="My journal")).to_have_attribute(
        "aria-current", "page"
    )
    assert _serious(page) == []
    page.screenshot(path=str(ARTIFACTS / "journal.png"), full_page=True)
    page.locator(".espec-journal").screenshot(path=str(ARTIFACTS / "journal-widget.png"))
    page.locator(".espec-journal-delete").screenshot(path=str(ARTIFACTS / "journal-delete.png"))

    name, data = _download(page, "Download as a Word document")
    assert name.startswith("espec-journal-ana-journal-") and name.endswith(".docx")
    paragraphs = [(p.style.name, p.text) for p in Document(io.BytesIO(data)).paragraphs if p.text]
    heading = paragraphs.index(("Heading 3", "Reflection: Your reactions"))
    assert paragraphs[heading - 1] == ("Heading 2", "A minimal case for tests")
    assert ("Quote", WORDS) in paragraphs[heading:]
    name, data = _download(page, "Download as Markdown")
    text = data.decode()
    assert name.endswith(".md") and "#### Reflection: Your reactions" in text and WORDS in text
    name, data = _download(page, "Download all my data (JSON)")
    record = json.loads(data)
    assert record["learner"]["display_name"] == "Ana Journal"
    assert record["drafts"][0]["text"] == WORDS
    assert record["responses"][0]["payload"] and record["progress"] and record["case_visits"]
    store = open_store(url)
    (found,) = store.data.find_learners_named("Ana Journal")
    learner_id = found.id
    store.engine.dispose()
    before = _rows_of(url, learner_id)
    assert before["responses"] and before["drafts"] and before["case_visits"] and before["learners"]

    # Delete: the typed words are needed; then nothing of hers is left.
    form = page.locator(".espec-journal-delete form")
    form.get_by_label("To confirm, type delete my data").fill("delete")
    form.get_by_role("button", name="Delete my data permanently").click()
    status = page.locator(".espec-journal > .espec-status")
    expect(status).to_contain_text("Nothing was deleted.")
    assert _rows_of(url, learner_id) == before
    form.get_by_label("To confirm, type delete my data").fill("delete my data")
    form.get_by_role("button", name="Delete my data permanently").click()
    expect(status).to_contain_text("Your data has been deleted from this workbook.")
    assert sum(_rows_of(url, learner_id).values()) == 0
    expect(page.locator(".espec-header-who")).to_be_hidden()
    expect(page.get_by_role("button", name="Download as a Word document")).to_be_hidden()
    expect(page.get_by_role("heading", name="Delete my data")).to_be_hidden()
    assert "learner=" not in page.url
    assert page.evaluate("window.localStorage.getItem('espec-learner')") is None
    page.screenshot(path=str(ARTIFACTS / "journal-deleted.png"), full_page=True)
    page.reload()
    expect(page.get_by_label("Your name, as you want to see it on your work")).to_be_visible()
    page.close()
    log = served.log.read_text(errors="replace")
    assert WORDS not in log and "Ana Journal" not in log
