"""In Chromium, on the real served workbook (the fixtures' case, a course record and a five-question
bank): one learner goes from the case to a verified Part I certificate, another fails the
post-test and retakes it with a new draw, and a third, marked present at a live session by its
records, receives a Part II certificate. Each PDF is read back; the verification page is used as
a stranger would."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from espec_widgets.store import open_store

from ..conftest import FIXTURES
from ..credit.conftest import add_credit_files, ended_session
from .conftest import Served, serve_workbook, start_learner
from .test_accessibility import _serious

pytestmark = pytest.mark.browser

CASE_PAGE = "/voila/render/part-1/minimal-case.ipynb"
CREDIT_PAGE = "/voila/render/credit.ipynb"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def credit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, str]]:
    import shutil

    root = tmp_path_factory.mktemp("credit") / "workbook"
    shutil.copytree(FIXTURES / "data", root / "data")
    add_credit_files(root)
    url = f"sqlite:///{root.parent / 'store.db'}"
    env = {**os.environ, "ESPEC_DB_URL": url, "ESPEC_CACHE_DIR": str(root.parent / "cache")}
    subprocess.run(
        [sys.executable, "-m", "espec_widgets.cli", "--root", str(root), "build"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    with serve_workbook(root, root.parent / "serve.log", env=env) as served:
        yield served, url


def _token(link: str) -> str:
    found = re.search(r"learner=([A-Za-z0-9_-]{32})", link)
    assert found is not None
    return found.group(1)


def _finish_the_case(page: Page, server: str, name: str) -> str:
    resume = start_learner(page, server, CASE_PAGE, name)
    group = page.get_by_role("group", name="Who decides?")
    group.get_by_label("Sam, her appointed health care agent.").check()
    group.locator("xpath=..").get_by_role("button", name="Check answer").click()
    expect(group).to_contain_text("A strong choice")
    box = page.get_by_role("textbox", name="Your reactions")
    box.fill("I noticed that I wanted to settle the conflict quickly.")
    box.locator("xpath=..").get_by_role("button", name="Save").click()
    expect(box.locator("xpath=..").get_by_role("status")).to_contain_text("Saved")
    return _token(resume)


def _open_credit(page: Page, server: str, token: str) -> None:
    page.goto(f"{server}{CREDIT_PAGE}?learner={token}")
    expect(page.get_by_role("heading", name="Your credit")).to_be_visible()


def _take_test(page: Page, right: int) -> set[str]:
    """Answer the open post-test, the first `right` questions right; the stems asked."""
    form = page.locator(".espec-credit-test form")
    expect(form).to_be_visible()
    groups = form.get_by_role("group")
    expect(groups).to_have_count(5)
    stems = set()
    for n in range(5):
        group = groups.nth(n)
        legend = group.locator("legend").inner_text()
        stems.add(legend.split(": ", 1)[1])
        labels = [t.strip() for t in group.locator("label").all_inner_texts()]
        good = next(i for i, t in enumerate(labels) if t.startswith("Right answer"))
        pick = good if n < right else (good + 1) % len(labels)
        if n == 0:  # one question by keyboard alone: focus the group's radios, arrow, space
            group.get_by_role("radio").nth(0).focus()
            for _ in range(pick):
                page.keyboard.press("ArrowDown")
            page.keyboard.press("Space")
            expect(group.get_by_role("radio").nth(pick)).to_be_checked()
        else:
            group.get_by_label(labels[pick], exact=True).check()
    expect(form).to_contain_text("5 of 5 answered.")
    form.get_by_role("button", name="Submit the post-test").click()
    return stems


def _evaluate(page: Page, part: str) -> None:
    page.get_by_role("button", name=f"Complete the Part {part} evaluation").click()
    form = page.locator(".espec-credit-evaluation form")
    expect(form.get_by_role("heading")).to_contain_text("Evaluation")
    groups = form.get_by_role("group")
    for n in range(groups.count()):
        group = groups.nth(n)
        option = "Yes" if "bias" in group.locator("legend").inner_text() else "Agree"
        group.get_by_label(option, exact=True).check()
    form.get_by_label("What would you change about this Part? (optional)").fill(
        "More practice with <b>family</b> meetings."
    )
    form.get_by_role("button", name="Submit the evaluation").click()
    expect(page.locator(".espec-credit > .espec-status")).to_have_text(
        f"Thank you: your evaluation of Part {part} is recorded."
    )


def _certificate(page: Page, part: str, name: str, **licence: str) -> tuple[str, str]:
    """Issue the certificate, download it; (its ID, the PDF's text)."""
    from pypdf import PdfReader

    form = page.get_by_role("form", name=f"Part {part} certificate")
    form.get_by_label("Your name as it should appear on the certificate").fill(name)
    if licence:
        form.get_by_label("Licence number (optional)").fill(licence["number"])
        form.get_by_label("Licensing state (optional)").fill(licence["state"])
    form.get_by_role("button", name="Issue my certificate").click()
    status = page.locator(".espec-credit > .espec-status")
    expect(status).to_contain_text(f"Your Part {part} certificate is issued: ESPEC-")
    cert_id = re.search(r"ESPEC-[A-Z0-9-]+", status.inner_text()).group(0).rstrip(".")  # type: ignore[union-attr]
    with page.expect_download() as got:
        page.get_by_role("button", name="Download the certificate (PDF)").click()
    path = got.value.path()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)
    return cert_id, text


def test_three_learners_earn_and_fail_and_verify(
    browser: Any, credit_server: tuple[Served, str]
) -> None:
    served, url = credit_server
    server = served.url
    contexts = []

    def new_page() -> Page:
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        contexts.append(context)
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        return pg

    try:
        # Ana: the case, then the credit page: post-test passed, evaluation, certificate.
        ana = new_page()
        token = _finish_the_case(ana, server, "Ana Credit")
        _open_credit(ana, server, token)
        part_i = ana.get_by_role("region", name="Part I: Fixture cases")
        expect(part_i).to_contain_text("Done: Complete every activity of the Part I case.")
        expect(part_i).to_contain_text("Still to do: Pass the post-test.")
        ana.get_by_role("button", name="Take the post-test (5 questions)").click()
        expect(ana.get_by_role("heading", name="Part I post-test")).to_be_focused()
        assert _serious(ana) == [], "axe: the credit page with the post-test open"
        _take_test(ana, right=5)
        expect(ana.get_by_role("heading", name="You passed the post-test")).to_be_focused()
        expect(ana.locator(".espec-credit-review li")).to_have_count(5)
        expect(ana.locator(".espec-credit-review")).to_contain_text("Rationale")
        _evaluate(ana, "I")
        ana.screenshot(path=str(ARTIFACTS / "credit-part-1.png"), full_page=True)
        cert_id, text = _certificate(ana, "I", "Ana M. Credit", number="SW-12345", state="Ardell")
        for value in (
            "Certificate of Completion",
            "Ana M. Credit",
            "SW-12345 (Ardell)",
            "A fixture course for tests",
            "Part I: Fixture cases",
            "0.1",
            "0.1 ethics",
            "self-paced online",
            dt.date.today().isoformat(),
            cert_id,
            "It does not claim approval of the program",
        ):
            assert value in text, value
        assert _serious(ana) == [], "axe: the credit page with a certificate"

        # A stranger verifies it, and a mistyped ID.
        stranger = new_page()
        stranger.goto(f"{server}/verify")
        stranger.get_by_label("Certificate ID").fill(cert_id.lower())
        stranger.get_by_role("button", name="Verify").click()
        result = stranger.get_by_role("status")
        expect(result).to_contain_text("Genuine: this certificate was issued by this workbook.")
        expect(result).to_contain_text("Ana M. Credit")
        expect(result).not_to_contain_text("SW-12345")
        assert _serious(stranger) == [], "axe: the verification page"
        altered = cert_id[:-1] + ("C" if cert_id[-1] != "C" else "D")
        stranger.get_by_label("Certificate ID").fill(altered)
        stranger.get_by_role("button", name="Verify").click()
        expect(stranger.get_by_role("status")).to_contain_text("Not valid: this ID is mistyped")
        stranger.get_by_label("Certificate ID").fill('"><script>window.__x=1</script>')
        stranger.get_by_role("button", name="Verify").click()
        expect(stranger.get_by_role("status")).to_contain_text("Not valid")
        assert stranger.evaluate("window.__x") is None
        answer = stranger.request.get(f"{server}/verify?id={cert_id}")
        assert answer.headers["content-security-policy"].startswith("default-src 'none'")
        assert answer.headers["cache-control"] == "no-store" and "Ana M. Credit" in answer.text()

        # Ben fails, sees what to revisit, and retakes with a new draw.
        ben = new_page()
        token = _finish_the_case(ben, server, "Ben Credit")
        _open_credit(ben, server, token)
        ben.get_by_role("button", name="Take the post-test (5 questions)").click()
        first = _take_test(ben, right=2)
        expect(ben.get_by_role("heading", name="Not passed yet")).to_be_visible()
        expect(ben.locator(".espec-credit-result")).to_contain_text(
            "You scored 2 of 5 (40%); 80% is needed to pass."
        )
        expect(ben.locator(".espec-credit-result")).to_contain_text("Objectives to revisit")
        ben.get_by_role("button", name="Close the review").click()
        ben.get_by_role("button", name="Take the post-test (5 questions)").click()
        second = _take_test(ben, right=4)
        all_stems = {
            f"Fixture question {n}, about who decides for a patient without capacity?"
            for n in range(1, 9)
        }
        assert all_stems - first <= second, "the retake asks the three questions not asked before"
        expect(ben.get_by_role("heading", name="You passed the post-test")).to_be_visible()

        # Cy: present at a live session (its attendance records), then a Part II certificate.
        cy = new_page()
        resume = start_learner(cy, server, CREDIT_PAGE, "Cy Credit")
        store = open_store(url)
        learner = store.find_learner(_token(resume))
        ended_session(store, "The fixture session", [learner])
        store.engine.dispose()
        cy.goto(resume)
        part_ii = cy.get_by_role("region", name="Part II: Fixture live session")
        expect(part_ii).to_contain_text("Done: Attend a live session.")
        expect(part_ii).to_contain_text("Attended “The fixture session”")
        _evaluate(cy, "II")
        cert_ii, text = _certificate(cy, "II", "Cy Credit")
        for value in (
            "Cy Credit",
            "Part II: Fixture live session",
            "2.5 clinical",
            "live interactive webinar",
            "Instructor Dana Ruiz, LCSW",
            cert_ii,
        ):
            assert value in text, value
        cy.screenshot(path=str(ARTIFACTS / "credit-part-2.png"), full_page=True)
    finally:
        for context in contexts:
            context.close()
    log = served.log.read_text(errors="replace")
    assert cert_id not in log and "SW-12345" not in log and "family</b>" not in log
    assert "Traceback" not in log
