"""In Chromium: start, answer, reflect, then come back through the resume link and find it all."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from espec_widgets.case import load_library

from ..conftest import PROJECT
from .conftest import start_learner

pytestmark = pytest.mark.browser

LIBRARY = load_library(PROJECT / "data")
CASE = sorted(LIBRARY.curriculum, key=lambda c: c.id)[0]
URL = f"/voila/render/{LIBRARY.notebook(CASE.id)}"


def test_work_is_restored_from_the_resume_link(page: Page, server: str) -> None:
    question = next(a for a in CASE.ordered_activities if a.type == "multiple_choice")
    reflection = next(a for a in CASE.ordered_activities if a.type == "reflection")
    resume = start_learner(page, server, URL, "Ana Tester")

    group = page.get_by_role("group", name=question.title)
    right = next(i for i, o in enumerate(question.options) if o.correct)
    kind = "checkbox" if question.multiple else "radio"
    for i, option in enumerate(question.options):
        if option.correct:
            group.get_by_role(kind).nth(i).check()
    group.locator("xpath=..").get_by_role("button", name="Check answer").click()
    expect(group).to_contain_text("A strong choice")

    box = page.get_by_role("textbox", name=reflection.title)
    box.fill("I noticed that I wanted to fix the conflict quickly.")
    box.locator("xpath=..").get_by_role("button", name="Save").click()
    expect(box.locator("xpath=..").get_by_role("status")).to_contain_text("Saved")

    page.goto(resume)
    expect(page.get_by_text("Working as Ana Tester.")).to_be_visible()
    group = page.get_by_role("group", name=question.title)
    expect(group.get_by_role(kind).nth(right)).to_be_checked()
    expect(group).to_contain_text("A strong choice")
    expect(page.get_by_role("textbox", name=reflection.title)).to_have_value(
        "I noticed that I wanted to fix the conflict quickly."
    )


def test_a_broken_resume_link_is_explained(page: Page, server: str) -> None:
    page.goto(server + URL + "?learner=not-a-real-token")
    expect(
        page.get_by_role("alert").filter(has_text="could not open your saved work")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible()
