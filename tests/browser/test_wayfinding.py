"""Way-finding in Chromium: the header says where and who, the outline ticks what is done and
takes you to a heading, "Continue" opens the next activity itself, and the end says where next."""

from __future__ import annotations

import re

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
# A case whose first activity is a question, and one after it in the curriculum.
CASE = next(c for c in ORDER[:-1] if c.ordered_activities[0].type == "multiple_choice")
NEXT_CASE = ORDER[ORDER.index(CASE) + 1]


def _focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def test_header_outline_continue_and_where_next(page: Page, server: str) -> None:
    path = f"/voila/render/{LIBRARY.notebook(CASE.id)}"
    start_learner(page, server, path, "Wayfinder")
    header = page.get_by_role("banner").or_(page.locator(".espec-site-header"))
    crumbs = page.get_by_role("navigation", name="You are here")
    expect(crumbs).to_contain_text("The workbook")
    expect(crumbs).to_contain_text(f"Part {CASE.part.value}")
    expect(crumbs.locator("[aria-current=page]")).to_have_text(CASE.title)
    expect(header.first).to_contain_text("Working as Wayfinder")

    outline = page.get_by_role("navigation", name="In this case")
    total = len(CASE.ordered_activities)
    expect(outline).to_contain_text(f"0 of {total} activities done")
    first, second = CASE.ordered_activities[0], CASE.ordered_activities[1]
    item = outline.locator("li").filter(has=page.get_by_role("link", name=first.title, exact=True))
    expect(item).to_contain_text("To do")
    expect(outline.get_by_role("link", name=first.title, exact=True)).to_have_attribute(
        "aria-current", "step"
    )

    # Answer the first activity (wrongly: attempted is done), and the outline ticks it.
    group = page.get_by_role("group", name=first.title)
    wrong = next(i for i, o in enumerate(first.options) if not o.correct)
    group.get_by_role("checkbox" if first.multiple else "radio").nth(wrong).check()
    group.locator("xpath=..").get_by_role("button", name="Check answer").click()
    expect(item).to_contain_text("Done")
    expect(outline).to_contain_text(f"1 of {total} activities done")
    expect(outline.locator("progress")).to_have_attribute("value", "1")

    # An outline link takes keyboard focus to that heading, and the address names it.
    outline.get_by_role("link", name=second.title, exact=True).click()
    expect(page).to_have_url(re.compile(f"#activity-{second.id}$"))
    assert _focused_id(page) == f"activity-{second.id}"

    # The end of the page: the next activity to do, the next case, the workbook.
    where = page.get_by_role("navigation", name="Where next")
    expect(where).to_contain_text(f"{total - 1} activities still to do")
    expect(where.get_by_role("link", name=f"Next case: {NEXT_CASE.title}")).to_have_attribute(
        "href", re.compile(rf"{NEXT_CASE.id}\.ipynb\?learner=")
    )
    where.get_by_role("link", name=f"Next activity: {second.title}").click()
    assert _focused_id(page) == f"activity-{second.id}"

    # The navigator's "Continue" opens the case at the next activity itself.
    where.get_by_role("link", name="Back to the workbook").click()
    expect(page.get_by_text("Working as Wayfinder.")).to_be_visible()
    card = page.locator(".espec-nav-module").filter(has=page.get_by_role("link", name=CASE.title))
    expect(card.locator("progress")).to_have_attribute("value", "1")
    go = page.get_by_role("status").filter(has_text="Continue where you left off")
    go.get_by_role("link", name=CASE.title).click()
    expect(page).to_have_url(re.compile(f"#activity-{second.id}$"))
    expect(page.get_by_text("Working as Wayfinder.")).to_be_visible()
    page.wait_for_function(f"document.activeElement.id === 'activity-{second.id}'")
    heading = page.locator(f"#activity-{second.id}")
    expect(heading).to_be_in_viewport()
