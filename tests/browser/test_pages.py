"""The real Voilà pages in Chromium: the landing page lists the curriculum; a case page renders."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from espec_widgets.case import load_library

from ..conftest import PROJECT
from .conftest import start_learner

pytestmark = pytest.mark.browser

LIBRARY = load_library(PROJECT / "data")
CASES = sorted(LIBRARY.cases, key=lambda c: c.id)
CURRICULUM = sorted(LIBRARY.curriculum, key=lambda c: c.id)


def test_landing_page_lists_parts_and_links_cases(page: Page, server: str) -> None:
    response = page.goto(f"{server}/voila/render/index.ipynb")
    assert response is not None and response.headers["referrer-policy"] == "same-origin"
    expect(page.get_by_role("heading", name="ESPEC case workbook")).to_be_visible()
    for part in ("Part I: Self-paced cases", "Part IV: Mentorship"):
        expect(page.get_by_role("heading", name=part)).to_be_visible()
    first = CURRICULUM[0]
    link = page.get_by_role("navigation").get_by_role("link", name=first.title)
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", name=first.title, level=1)).to_be_visible()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case_page_renders_content_and_widgets(page: Page, server: str, case: object) -> None:
    page.goto(f"{server}/voila/render/{LIBRARY.notebook(case.id)}")  # type: ignore[attr-defined]
    expect(page.get_by_role("heading", name=case.title, level=1)).to_be_visible()  # type: ignore[attr-defined]
    # Sources are stripped: no code reaches the learner.
    assert "open_case" not in page.content()
    for activity in case.ordered_activities:  # type: ignore[attr-defined]
        if activity.type == "multiple_choice":
            group = page.get_by_role("group", name=activity.title)
            expect(group).to_be_visible()
            expect(
                group.get_by_role("radio" if not activity.multiple else "checkbox")
            ).to_have_count(len(activity.options))
        elif activity.type == "reflection":
            expect(page.get_by_role("textbox", name=activity.title)).to_be_visible()
        else:  # every other family is a named group of native controls
            group = page.get_by_role("group", name=activity.title, exact=True)
            expect(group).to_be_visible()
            controls = {
                "classify": ("combobox", len(getattr(activity, "items", []))),
                "checklist": ("checkbox", len(getattr(activity, "items", []))),
                "sequence": (
                    "button",
                    2 * len(getattr(activity, "steps", [])),
                ),  # Move up, Move down
            }.get(activity.type)
            if controls:
                expect(group.get_by_role(controls[0])).to_have_count(controls[1])
    expect(page.get_by_role("heading", name="Debrief")).to_be_visible()
    # The debrief discusses the answers: none of it is on the page before the learner asks.
    expect(page.get_by_role("button", name="Show the debrief")).to_be_disabled()
    opening = " ".join(case.debrief.split()[:6])  # type: ignore[attr-defined]
    assert opening not in " ".join(page.content().split())


def test_the_debrief_opens_when_the_learner_asks(page: Page, server: str) -> None:
    case = CURRICULUM[0]
    start_learner(page, server, f"/voila/render/{LIBRARY.notebook(case.id)}", "Debrief Reader")
    expect(
        page.get_by_role("status").filter(has_text="best read once you have done")
    ).to_contain_text(f"({len(case.ordered_activities)} still to do)")
    page.get_by_role("button", name="Show the debrief").click()
    first_line = re.sub(r"[#*_`]", "", case.debrief.strip().splitlines()[0])
    opening = " ".join(first_line.split()[:3])
    expect(page.get_by_text(opening).first).to_be_visible()
    expect(page.get_by_role("button", name="Show the debrief")).to_be_hidden()


def test_answering_shows_feedback_from_the_kernel(page: Page, server: str) -> None:
    case = CURRICULUM[0]
    question = next(a for a in case.ordered_activities if a.type == "multiple_choice")
    start_learner(page, server, f"/voila/render/{LIBRARY.notebook(case.id)}", "Bo Tester")
    group = page.get_by_role("group", name=question.title)
    wrong = next(i for i, o in enumerate(question.options) if not o.correct)
    group.get_by_role("radio" if not question.multiple else "checkbox").nth(wrong).check()
    group.locator("xpath=..").get_by_role("button", name="Check answer").click()
    expect(page.get_by_role("status").filter(has_text="Attempt 1")).to_be_visible()
    expect(group).to_contain_text(re.compile("Not the best choice"))
    # Options not chosen stay without feedback (the kernel sends {} for them).
    expect(group).not_to_contain_text("undefined")
    assert group.locator(".espec-option-feedback:not(:empty)").count() == 1


def test_encounter_plays_line_by_line(page: Page, server: str) -> None:
    case = CURRICULUM[0]
    scene = next(s for s in case.scenes if len(s.transcript) >= 3)
    page.goto(f"{server}/voila/render/{LIBRARY.notebook(case.id)}")
    player = page.get_by_role("region", name=f"The encounter: {scene.title}")
    transcript = player.get_by_role("list", name="Transcript")
    expect(transcript.get_by_role("listitem")).to_have_count(1)
    first = case.person(scene.transcript[0].speaker)
    expect(transcript).to_contain_text(first.name)
    player.get_by_role("button", name="Next line").click()
    expect(transcript.get_by_role("listitem")).to_have_count(2)
    expect(player.get_by_role("status")).to_contain_text(f"Line 2 of {len(scene.transcript)}.")
    # Each line is on the page once: the place says where, not the line again.
    second = scene.transcript[1].text.strip().split("\n")[0][:40]
    seen = player.get_by_text(second, exact=False).and_(page.locator(":not(.espec-sr-only)"))
    expect(seen).to_have_count(1)
    expect(player.get_by_role("status")).to_contain_text(second)  # and read out once
    player.get_by_role("button", name="Show the whole transcript").click()
    expect(transcript.get_by_role("listitem")).to_have_count(len(scene.transcript))
    expect(player.get_by_role("button", name="Next line")).to_be_disabled()
    expect(player).to_contain_text(
        f"The whole transcript is shown ({len(scene.transcript)} lines)."
    )
    # Focus stays in the player, on the way to play it again.
    again = player.get_by_role("button", name="Start again from the first line")
    expect(again).to_be_focused()
    page.keyboard.press("Enter")
    expect(transcript.get_by_role("listitem")).to_have_count(1)
    expect(player.get_by_role("button", name="Next line")).to_be_focused()
