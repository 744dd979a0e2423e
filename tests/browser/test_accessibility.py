"""Accessibility, measured: axe-core on every page, and a whole case done with the keyboard alone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from espec_widgets.case import load_library

from ..conftest import PROJECT
from .conftest import start_learner

pytestmark = pytest.mark.browser

LIBRARY = load_library(PROJECT / "data")
ARTIFACTS = PROJECT / "test-artifacts"
CASES = sorted(LIBRARY.cases, key=lambda c: c.id)
PAGES = (
    ["index.ipynb", "live.ipynb", "credit.ipynb", "journal.ipynb"]
    + [LIBRARY.notebook(c.id) for c in CASES]
    + [f"guides/{g}.ipynb" for g in sorted(LIBRARY.guides)]
)


def _serious(page: Page) -> list[str]:
    result = Axe().run(page)
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_violations(page: Page, server: str, path: str) -> None:
    url = f"/voila/render/{path}"
    if path.startswith(("part-", "gallery/")):
        start_learner(page, server, url, "Axe Tester")  # audit the page with its controls live
        expect(page.get_by_role("group").first).to_be_visible()
    elif path == "index.ipynb":
        start_learner(page, server, url, "Axe Tester")  # the navigator with statuses shown
        expect(page.get_by_text("Your status").first).to_be_visible()
    elif path == "live.ipynb":  # the join form (a session's stages: test_live_session.py)
        start_learner(page, server, url, "Axe Tester")
        expect(page.get_by_label("Session code")).to_be_visible()
    elif path == "credit.ipynb":  # the requirements and course record (the test: test_credit.py)
        start_learner(page, server, url, "Axe Tester")
        expect(page.get_by_text("Still to do: Complete every activity").first).to_be_visible()
        page.get_by_text("About this course").click()
    elif path == "journal.ipynb":  # journal, data and deletion (the test: test_journal.py)
        start_learner(page, server, url, "Axe Tester")
        expect(page.get_by_role("heading", name="Delete my data")).to_be_visible()
    else:
        page.goto(server + url)
        expect(page.get_by_role("heading").first).to_be_visible()
    assert _serious(page) == []


DARK_PAGES = [
    "index.ipynb",
    LIBRARY.notebook(CASES[0].id),
    f"guides/{sorted(LIBRARY.guides)[0]}.ipynb",
]


@pytest.mark.parametrize("path", DARK_PAGES)
def test_the_dark_theme_passes_too(page: Page, server: str, path: str) -> None:
    """The computer's dark setting (prefers-color-scheme) gets the dark tokens; contrast holds."""
    page.emulate_media(color_scheme="dark")
    url = f"/voila/render/{path}"
    if path.startswith("guides/"):
        page.goto(server + url)
        expect(page.get_by_role("heading").first).to_be_visible()
    else:
        start_learner(page, server, url, "Axe Dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background not in {"rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"}, background
    assert _serious(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_feedback_colours_pass_in_both_themes(page: Page, server: str, scheme: str) -> None:
    """Right, partly right and not yet, as the learner sees them after answering."""
    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    case = next(c for c in CASES if any(a.type == "classify" for a in c.activities))
    start_learner(page, server, f"/voila/render/{LIBRARY.notebook(case.id)}", f"Axe {scheme}")
    question = next(a for a in case.ordered_activities if a.type == "multiple_choice")
    group = page.get_by_role("group", name=question.title)
    right = next(i for i, o in enumerate(question.options) if o.correct)
    group.get_by_role("checkbox" if question.multiple else "radio").nth(right).check()
    group.locator("xpath=..").get_by_role("button", name="Check answer").click()
    expect(group.locator("xpath=..").get_by_role("status")).to_contain_text("Correct")
    sort = next(a for a in case.ordered_activities if a.type == "classify")
    boxes = page.get_by_role("group", name=sort.title, exact=True).get_by_role("combobox")
    for i in range(boxes.count()):
        boxes.nth(i).select_option(index=1)  # the first category for every item: some are wrong
    sorted_group = page.get_by_role("group", name=sort.title, exact=True)
    sorted_group.locator("xpath=..").get_by_role("button", name="Check answer").click()
    expect(sorted_group.locator("xpath=..").get_by_role("status")).to_contain_text("Attempt 1")
    assert _serious(page) == []


def _tab_until(page: Page, predicate: str, *, limit: int = 80) -> None:
    """Move focus with Tab until it is on an element satisfying a JS predicate on `el`.

    The focused element counts too: some widgets move focus themselves (a branching
    conversation puts it on the first line to choose after each turn)."""
    check = f"(() => {{ const el = document.activeElement; return Boolean({predicate}); }})()"
    if page.evaluate(check):
        return
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(check):
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


def _flat(text: str) -> str:
    """An activity text as the page shows it: the case file's line breaks joined."""
    return " ".join(text.split())


def _in_group(title: str) -> str:
    return f"el.closest('fieldset') && el.closest('fieldset').querySelector('legend').textContent === {title!r}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_whole_case_by_keyboard_alone(page: Page, server: str, case: object) -> None:
    page.goto(f"{server}/voila/render/{LIBRARY.notebook(case.id)}")  # type: ignore[attr-defined]
    expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible()
    # One name per case: the tests share a server, and a name in use asks first.
    name = f"Kay Board {CASES.index(case) + 1}"
    _tab_until(page, "el.tagName === 'INPUT' && el.type === 'text'")
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Working as {name}.")).to_be_visible()

    for activity in case.ordered_activities:  # type: ignore[attr-defined]
        if activity.type in {"multiple_choice", "screen_decide"}:
            _choose_by_keyboard(
                page,
                activity.title,
                activity.options,
                "Check answer",
                "Well reasoned",
                multiple=activity.multiple,
            )
            expect(page.get_by_role("group", name=activity.title)).to_contain_text(
                "A strong choice"
            )
        elif activity.type == "classify":
            ids = [c.id for c in activity.categories]
            for item in activity.items:
                _tab_until(
                    page,
                    f"el.tagName === 'SELECT' && el.labels[0].textContent === {_flat(item.text)!r}",
                )
                for _ in range(ids.index(item.category) + 1):  # past "Choose a category…"
                    page.keyboard.press("ArrowDown")
            _tab_until(page, "el.tagName === 'BUTTON' && el.textContent === 'Check answer'")
            page.keyboard.press("Enter")
            group = page.get_by_role("group", name=activity.title)
            expect(group.locator("xpath=..").get_by_role("status")).to_contain_text("All sorted")
        elif activity.type == "reflection":
            label = activity.title
            _tab_until(page, f"el.tagName === 'TEXTAREA' && el.labels[0].textContent === {label!r}")
            page.keyboard.type("I will slow down and ask before I assume.")
            _tab_until(page, "el.tagName === 'BUTTON' && el.textContent === 'Save'")
            page.keyboard.press("Enter")
            box = page.get_by_role("textbox", name=label)
            expect(box.locator("xpath=..").get_by_role("status")).to_contain_text("Saved")
        elif activity.type == "sequence":
            _sequence_by_keyboard(page, activity)
        elif activity.type == "checklist":
            for item in activity.items[:2]:
                _tab_until(
                    page,
                    f"el.type === 'checkbox' && el.labels[0].textContent === {_flat(item.text)!r}",
                )
                page.keyboard.press("Space")
            _tab_until(page, "el.tagName === 'BUTTON' && el.textContent === 'Save'")
            page.keyboard.press("Enter")
            group = page.get_by_role("group", name=activity.title)
            expect(group.locator("xpath=..").get_by_role("status")).to_contain_text("Saved: 2 of")
        elif activity.type == "self_assessment":
            groups = 2 if activity.retrospective else 1
            for _ in range(len(activity.items) * groups):
                # Each rating is one radio group: Tab enters it, an arrow key chooses.
                _tab_until(
                    page,
                    "el.type === 'radio' && !el.checked && !document.querySelector(`input[name='${el.name}']:checked`)",
                )
                page.keyboard.press("ArrowRight")
            _tab_until(page, "el.tagName === 'BUTTON' && el.textContent === 'Save'")
            page.keyboard.press("Enter")
            group = page.get_by_role("group", name=activity.title, exact=True)
            expect(group.locator("xpath=..").get_by_role("status")).to_contain_text("Saved")
        elif activity.type == "find_gap":
            places = len(activity.transcript) + 1  # -1 .. last line
            _tab_until(page, f"{_in_group('Where is the step missing?')} && el.type === 'radio'")
            for _ in range(activity.gap_after + 1):  # the first radio is 'before line 1' (-1)
                page.keyboard.press("ArrowDown")
            assert places > activity.gap_after + 1
            right = next(i for i, o in enumerate(activity.options) if o.correct)
            _tab_until(page, f"{_in_group('What is missing?')} && el.type === 'radio'")
            page.keyboard.press("Space") if right == 0 else None
            for _ in range(right):
                page.keyboard.press("ArrowDown")
            _tab_until(page, "el.tagName === 'BUTTON' && el.textContent === 'Check answer'")
            page.keyboard.press("Enter")
            where = page.get_by_role("group", name="Where is the step missing?").first
            expect(where.locator("xpath=ancestor::form").get_by_role("status")).to_contain_text(
                "Well spotted"
            )
            # The feedback on the place sits under the place chosen, and describes it.
            chosen = where.get_by_role("radio", checked=True)
            expect(chosen).to_have_accessible_description(re.compile("^The right place: "))
            expect(chosen.locator("xpath=..")).to_contain_text("The right place: ")
        elif activity.type == "rewrite":
            _tab_until(
                page,
                f"el.tagName === 'TEXTAREA' && el.labels[0].textContent === {activity.title!r}",
            )
            page.keyboard.type("It sounds like this is a lot. What worries you most?")
            _tab_until(
                page, "el.tagName === 'BUTTON' && el.textContent === 'Compare with a model answer'"
            )
            page.keyboard.press("Enter")
            box = page.get_by_role("textbox", name=activity.title)
            expect(
                box.locator("xpath=ancestor::*[contains(@class,'espec-rewrite')][1]")
            ).to_contain_text(activity.model_answer.strip())
        elif activity.type == "branching":
            group = page.get_by_role("group", name=activity.title, exact=True)
            status = group.get_by_role("status")
            for _turn in range(len(activity.nodes)):
                if "The conversation has ended" in (status.text_content() or ""):
                    break
                before = status.text_content() or ""
                _tab_until(page, f"{_in_group('What do you say next?')} && el.type === 'radio'")
                page.keyboard.press("Space")  # the first line on offer
                _tab_until(page, "el.tagName === 'BUTTON' && el.textContent === 'Reply'")
                page.keyboard.press("Enter")
                expect(status).not_to_have_text(before)  # the response has been announced
            expect(status).to_contain_text("The conversation has ended")
        else:
            pytest.fail(f"no keyboard walk-through for activity type {activity.type!r} yet")
        # Each family in its answered state, for a person to look at (test-artifacts/).
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(
            path=str(ARTIFACTS / f"answered-{activity.type}-{case.id}-{activity.id}.png")
        )  # type: ignore[attr-defined]


def _choose_by_keyboard(
    page: Page, title: str, options: Any, button: str, done: str, *, multiple: bool = False
) -> None:
    right = [i for i, o in enumerate(options) if o.correct]
    if multiple:  # checkboxes: Tab to each right one, Space ticks it
        for i in right:
            _tab_until(page, f"{_in_group(title)} && el.value === '{i}'")
            page.keyboard.press("Space")
    else:
        _tab_until(page, f"{_in_group(title)} && el.type === 'radio'")
        if right[0] == 0:
            page.keyboard.press("Space")
        for _ in range(right[0]):
            page.keyboard.press("ArrowDown")
    _tab_until(page, f"el.tagName === 'BUTTON' && el.textContent === {button!r}")
    page.keyboard.press("Enter")
    group = page.get_by_role("group", name=title)
    expect(group.locator("xpath=..").get_by_role("status")).to_contain_text(done)


def _sequence_by_keyboard(page: Page, activity: Any) -> None:
    """Reorder with the Move up buttons only (focus stays on the moved step's button)."""
    correct = [_flat(s.text) for s in activity.steps]
    group = page.get_by_role("group", name=activity.title)
    for target, text in enumerate(correct):
        shown = [_flat(t) for t in group.locator(".espec-step-text").all_inner_texts()]
        for _ in range(shown.index(text) - target):
            if (
                page.evaluate("document.activeElement.getAttribute('aria-label')")
                != f"Move up: {text}"
            ):
                _tab_until(page, f"el.getAttribute('aria-label') === {'Move up: ' + text!r}")
            page.keyboard.press("Enter")
    _tab_until(page, "el.tagName === 'BUTTON' && el.textContent === 'Check answer'")
    page.keyboard.press("Enter")
    expect(group.locator("xpath=..").get_by_role("status")).to_contain_text("In order")
