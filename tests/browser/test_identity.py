"""In Chromium: identity as people really use a browser: bookmark, new tab, shared computer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from espec_widgets.case import load_library

from ..conftest import PROJECT
from .conftest import start_learner

pytestmark = pytest.mark.browser

LIBRARY = load_library(PROJECT / "data")
CASE = sorted(LIBRARY.curriculum, key=lambda c: c.id)[0]
URL = f"/voila/render/{LIBRARY.notebook(CASE.id)}"
TOKEN = re.compile(r"[?&]learner=([A-Za-z0-9_-]{32})")


def _token(address: str) -> str:
    found = TOKEN.search(address)
    assert found, f"no resume token in {address}"
    return found.group(1)


def _stored(page: Page) -> dict[str, str | None]:
    return page.evaluate(
        "() => ({local: localStorage.getItem('espec-learner'),"
        " tab: sessionStorage.getItem('espec-learner')})"
    )


def test_the_address_is_the_resume_link_and_the_browser_remembers(page: Page, server: str) -> None:
    link = start_learner(page, server, URL, "Bookmark Tester")
    token = _token(link)
    assert _token(page.url) == token, "after Start the address bar holds the resume link"
    expect(page.locator(".espec-who")).to_be_focused()  # not lost to the page after Start
    assert _stored(page) == {"local": token, "tab": None}

    page.reload()  # what a bookmark of the page does
    expect(page.get_by_text("Working as Bookmark Tester.")).to_be_visible()

    other = page.context.new_page()  # a new tab, without the link
    other.goto(server + URL)
    expect(other.get_by_text("Working as Bookmark Tester.")).to_be_visible()
    other.get_by_role("button", name="Not you? Sign out").click()
    expect(other.get_by_role("button", name="Start", exact=True)).to_be_visible()
    assert "learner=" not in other.url
    assert _stored(other) == {"local": None, "tab": None}
    other.goto(server + URL)  # this browser has forgotten the learner
    expect(other.get_by_role("button", name="Start", exact=True)).to_be_visible()


def test_on_a_shared_computer_only_this_tab_remembers(page: Page, server: str) -> None:
    page.goto(server + URL)
    page.get_by_label("Your name, as you want to see it on your work").fill("Shared Tester")
    page.get_by_label("Remember me on this browser (untick on a shared computer)").uncheck()
    page.get_by_role("button", name="Start", exact=True).click()
    again = page.get_by_role("button", name="Start as someone new")
    working = page.get_by_text("Working as Shared Tester.")
    expect(working.or_(again)).to_be_visible()
    if again.is_visible():
        again.click()
    expect(working).to_be_visible()
    token = _token(page.url)
    assert _stored(page) == {"local": None, "tab": token}
    page.goto(server + URL)  # the same tab moves on: it still knows the learner
    expect(working).to_be_visible()
    assert _stored(page)["local"] is None, "the choice holds on the next page of the tab"


def test_the_same_name_is_asked_about_and_a_pasted_link_resumes(page: Page, server: str) -> None:
    link = start_learner(page, server, URL, "Twin Tester")
    fresh = page.context.browser.new_context()  # another browser: nothing remembered
    other = fresh.new_page()
    other.set_default_timeout(60_000)
    other.goto(server + URL)
    other.get_by_label("Your name, as you want to see it on your work").fill("twin tester")
    other.get_by_role("button", name="Start", exact=True).click()
    expect(other.get_by_role("alert")).to_contain_text("already started a workbook here")
    expect(other.get_by_role("button", name="Start as someone new")).to_be_visible()
    other.get_by_label("Paste your resume link").fill(link)
    other.get_by_role("button", name="Open my work").click()
    expect(other.get_by_text("Working as Twin Tester.")).to_be_visible()
    assert _token(other.url) == _token(link)
    fresh.close()


def test_a_new_link_retires_the_old_one(page: Page, server: str) -> None:
    old = start_learner(page, server, URL, "Rotate Tester")
    page.get_by_role("button", name="Make a new link").click()
    expect(page.get_by_role("status").filter(has_text="old link no longer")).to_be_visible()
    new = _token(page.url)
    assert new != _token(old)
    assert _stored(page)["local"] == new
    expect(page.locator("a.espec-resume-link")).to_have_attribute("href", re.compile(new))
    fresh = page.context.browser.new_context()
    other = fresh.new_page()
    other.set_default_timeout(60_000)
    other.goto(old)
    expect(
        other.get_by_role("alert").filter(has_text="could not open your saved work")
    ).to_be_visible()
    fresh.close()
