"""A draft survives how people leave a page: typed text is never lost to a reload, and leaving
with text the workbook has not confirmed asks first."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from espec_widgets.case import load_library

from ..conftest import PROJECT
from .conftest import start_learner

pytestmark = pytest.mark.browser

LIBRARY = load_library(PROJECT / "data")
CASE = next(c for c in LIBRARY.curriculum if any(a.type == "reflection" for a in c.activities))
REFLECTION = next(a for a in CASE.ordered_activities if a.type == "reflection")

# What the page's beforeunload listener asks (a synthetic event would also reach Voilà's own
# listener, which shuts the kernel down).
LEAVING_ASKS = "() => window.__especLeaving()"


def test_text_typed_just_before_a_reload_comes_back(page: Page, server: str) -> None:
    link = start_learner(page, server, f"/voila/render/{LIBRARY.notebook(CASE.id)}", "Draft Keeper")
    box = page.get_by_role("textbox", name=REFLECTION.title)
    status = box.locator("xpath=..").get_by_role("status")
    assert page.evaluate(LEAVING_ASKS) is False, "nothing typed: leaving asks nothing"

    box.fill("A first thought, saved.")
    expect(status).to_contain_text("Saved at")
    assert page.evaluate(LEAVING_ASKS) is False, "everything typed is saved"

    # Typed, and the page reloaded at once: before the autosave's pause is over.
    box.press_sequentially(" Then more, typed just before the reload.", delay=5)
    assert page.evaluate(LEAVING_ASKS) is True, "unsaved text: leaving asks first"
    asked: list[str] = []

    def leave(dialog: object) -> None:
        asked.append(dialog.type)  # type: ignore[attr-defined]
        dialog.accept()  # type: ignore[attr-defined]

    page.on("dialog", leave)
    page.reload()
    assert "learner=" in page.url and page.url.split("#")[0] == link.split("#")[0]
    expect(page.get_by_text("Working as Draft Keeper.")).to_be_visible()
    box = page.get_by_role("textbox", name=REFLECTION.title)
    expect(box).to_have_value("A first thought, saved. Then more, typed just before the reload.")
    assert asked == ["beforeunload"], "the browser asked before it reloaded"
    assert page.evaluate(LEAVING_ASKS) is False

    # Text this tab kept that the store never got (the connection was lost mid-save): after a
    # reload the page hands it to the kernel, which checks and saves it, and drops its copy.
    kept = "A first thought, saved. Then more, typed just before the reload. And a last line."
    page.evaluate(
        """([title, text]) => {
          const token = new URL(location.href).searchParams.get("learner");
          sessionStorage.setItem(["espec-draft", location.pathname, token, title].join("|"), text);
        }""",
        [REFLECTION.title, kept],
    )
    page.reload()
    box = page.get_by_role("textbox", name=REFLECTION.title)
    expect(box).to_have_value(kept)
    status = box.locator("xpath=..").get_by_role("status")
    expect(status).to_contain_text("The text you typed before the page was reloaded is back.")
    expect(status).to_contain_text("Saved at")

    # The store has it: a fresh tab (no copy in its storage) shows it, and no copy is kept.
    fresh = page.context.new_page()
    fresh.goto(link)
    expect(fresh.get_by_role("textbox", name=REFLECTION.title)).to_have_value(kept)
    copies = "Object.keys(sessionStorage).filter(k => k.startsWith('espec-draft'))"
    assert page.evaluate(copies) == [], "no copy of the text is kept once it is saved"
