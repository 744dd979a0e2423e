"""The navigator and the guides in Chromium: statuses across pages, the tab remembering the
learner, and PDFs that download."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from espec_widgets.case import load_library
from espec_widgets.curriculum import sort_key

from ..conftest import PROJECT
from .conftest import start_learner

pytestmark = pytest.mark.browser

LIBRARY = load_library(PROJECT / "data")
ORDER = sorted(
    LIBRARY.curriculum, key=lambda c: sort_key(c.part.value, c.main_domain.value, c.title)
)
HOME = "Your workbook: every module, and where to continue"


def _module(page: Page, title: str) -> object:
    return page.locator(".espec-nav-module").filter(has=page.get_by_role("link", name=title))


def test_status_and_where_to_continue_follow_the_learner(page: Page, server: str) -> None:
    start_learner(page, server, "/voila/render/index.ipynb", "Nav Tester")
    nav = page.get_by_role("navigation", name="Your curriculum")
    expect(nav.get_by_role("status")).to_contain_text(f"Start: {ORDER[0].title}")
    expect(nav.locator(".espec-nav-module").first).to_contain_text("Not started")
    expect(nav).to_contain_text("Locked: opens when every Part I module is complete")
    for case in ORDER:
        expect(_module(page, case.title)).to_contain_text(f"about {case.estimated_minutes} minutes")

    # Into a case from the navigator: the link carries the learner, so the page resumes them.
    first = next(c for c in ORDER if any(a.type == "multiple_choice" for a in c.activities))
    nav.get_by_role("link", name=first.title).first.click()
    expect(page.get_by_text("Working as Nav Tester.")).to_be_visible()
    question = next(a for a in first.ordered_activities if a.type == "multiple_choice")
    group = page.get_by_role("group", name=question.title)
    right = next(i for i, o in enumerate(question.options) if o.correct)
    group.get_by_role("checkbox" if question.multiple else "radio").nth(right).check()
    group.locator("xpath=..").get_by_role("button", name="Check answer").click()
    expect(page.get_by_role("status").filter(has_text="Attempt 1")).to_be_visible()

    page.get_by_role("link", name=HOME).click()
    expect(page.get_by_text("Working as Nav Tester.")).to_be_visible()
    card = _module(page, first.title)
    total = len(first.activities)
    expect(card).to_contain_text(f"In progress (1 of {total} activities done)")
    expect(
        page.get_by_role("status").filter(has_text="Continue where you left off")
    ).to_contain_text(first.title)

    # A plain link (a guide's "Back to the workbook") still knows the learner in this tab.
    guide = first.guides[0]
    page.goto(f"{server}/voila/render/guides/{guide}.ipynb")
    page.get_by_role("link", name="Back to the workbook").click()
    expect(page.get_by_text("Working as Nav Tester.")).to_be_visible()
    expect(_module(page, first.title)).to_contain_text("In progress")


def test_a_new_tab_without_the_link_is_a_stranger(page: Page, server: str) -> None:
    start_learner(page, server, "/voila/render/index.ipynb", "Private Person")
    other = page.context.browser.new_context().new_page()  # type: ignore[union-attr]
    other.goto(f"{server}/voila/render/index.ipynb")
    expect(other.get_by_role("button", name="Start", exact=True)).to_be_visible()
    expect(other.get_by_text("Working as Private Person.")).to_have_count(0)
    other.context.close()


@pytest.mark.parametrize("guide_id", sorted(LIBRARY.guides))
def test_each_guide_reads_on_the_page_and_downloads_as_pdf(
    page: Page, server: str, guide_id: str
) -> None:
    guide = LIBRARY.guides[guide_id]
    page.goto(f"{server}/voila/render/guides/{guide_id}.ipynb")
    expect(page.get_by_role("heading", name=guide.title, level=1)).to_be_visible()
    link = page.get_by_role("link", name="Download this guide as a PDF")
    response = page.request.get(str(link.evaluate("a => a.href")))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    for case in LIBRARY.cases_using(guide_id):
        expect(page.get_by_role("link", name=case.title)).to_be_visible()


def test_landing_page_links_every_guide_and_its_pdf(page: Page, server: str) -> None:
    page.goto(f"{server}/voila/render/index.ipynb")
    expect(page.get_by_role("heading", name="Best Practice Guides")).to_be_visible()
    for guide in LIBRARY.guides.values():
        expect(page.get_by_role("link", name=guide.title, exact=True)).to_be_visible()
    pdfs = page.get_by_role("link", name="PDF", exact=True)
    expect(pdfs).to_have_count(len(LIBRARY.guides))
    response = page.request.get(str(pdfs.first.evaluate("a => a.href")))
    assert response.status == 200 and response.body().startswith(b"%PDF-")
