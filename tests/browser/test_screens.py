"""The pages as a learner sees them, kept as screenshots in test-artifacts/ (for a person to look
at), and checked on the way: at phone width nothing makes the page scroll sideways, and every
page has the workbook's header and its stylesheet's tokens."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from espec_widgets.case import load_library

from ..conftest import PROJECT
from .conftest import start_learner

pytestmark = pytest.mark.browser

LIBRARY = load_library(PROJECT / "data")
CASE = sorted(LIBRARY.curriculum, key=lambda c: c.id)[0]
ARTIFACTS = PROJECT / "test-artifacts"
VIEWPORTS = {"wide": {"width": 1400, "height": 950}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", VIEWPORTS)
def test_screens_as_a_learner_sees_them(
    browser: Browser, server: str, size: str, scheme: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[size], color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(60_000)
    ARTIFACTS.mkdir(exist_ok=True)
    shots: list[Path] = []

    def shoot(name: str) -> None:
        path = ARTIFACTS / f"{size}-{scheme}-{name}.png"
        page.screenshot(path=str(path))
        shots.append(path)

    def fits() -> None:
        wide = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth, document.body.scrollWidth]"
        )
        assert max(wide[0], wide[2]) <= wide[1] + 1, f"the page scrolls sideways: {wide}"

    try:
        start_learner(page, server, f"/voila/render/{LIBRARY.notebook(CASE.id)}", f"Look {size}")
        expect(page.locator(".espec-site-header")).to_contain_text("ESPEC Case Workbook")
        assert page.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--espec-primary')"
        ).strip()
        page.locator(".espec-site-header").scroll_into_view_if_needed()
        shoot("case-top")
        fits()
        if size == "phone":  # every button a finger can hit: at least 44 px tall
            small = page.evaluate(
                """() => [...document.querySelectorAll("button, a.espec-button")]
                  .filter((b) => b.offsetParent !== null && b.getBoundingClientRect().height < 43.5)
                  .map((b) => `${b.textContent.trim()} (${b.getBoundingClientRect().height}px)`)"""
            )
            assert small == [], small
        page.get_by_role("heading", name="People in this case").scroll_into_view_if_needed()
        shoot("case-people")
        fits()
        # The family map is drawn in black on its own white ground, in either theme.
        corner = page.evaluate(
            """() => {
              const img = document.querySelector('img[alt^="Family map"]');
              const canvas = document.createElement("canvas");
              canvas.width = canvas.height = 4;
              const g = canvas.getContext("2d");
              g.drawImage(img, 0, 0, 4, 4);
              return Array.from(g.getImageData(0, 0, 1, 1).data);
            }"""
        )
        assert corner == [255, 255, 255, 255], corner
        page.get_by_role("navigation", name="Where next").scroll_into_view_if_needed()
        shoot("case-end")
        page.get_by_role("link", name="Back to the workbook").click()
        expect(page.get_by_role("navigation", name="Your curriculum")).to_be_visible()
        expect(page.get_by_text("Your status").first).to_be_visible()
        shoot("navigator")
        fits()
        guide = sorted(LIBRARY.guides)[0]
        page.goto(f"{server}/voila/render/guides/{guide}.ipynb")
        expect(page.get_by_role("navigation", name="You are here")).to_contain_text(
            "Best Practice Guides"
        )
        shoot("guide")
        fits()
    finally:
        context.close()
    assert all(p.stat().st_size > 10_000 for p in shots), "a screenshot came out empty"


def test_a_case_prints_without_its_controls(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["wide"])
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        start_learner(page, server, f"/voila/render/{LIBRARY.notebook(CASE.id)}", "Printer")
        page.emulate_media(media="print")
        expect(page.get_by_role("heading", name=CASE.title, level=1)).to_be_visible()
        for hidden in (".espec-outline", ".espec-identity", ".espec-end-nav", ".espec-header-who"):
            expect(page.locator(hidden).first).to_be_hidden()
        expect(page.get_by_role("button", name="Check answer").first).to_be_hidden()
        ARTIFACTS.mkdir(exist_ok=True)
        pdf = page.pdf(path=str(ARTIFACTS / "print-case.pdf"))
        assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
        from pypdf import PdfReader

        pages = PdfReader(ARTIFACTS / "print-case.pdf").pages
        assert len(pages) > 5, "the whole case is printed, not the first screenful"
        printed = " ".join(p.extract_text() for p in pages)
        assert "learner=" not in printed, "the resume token never goes on paper"
        last = " ".join(pages[-1].extract_text().split() + pages[-2].extract_text().split())
        assert "Review record" in last or "Best Practice Guides" in last
    finally:
        context.close()
