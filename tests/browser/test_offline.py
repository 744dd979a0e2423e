"""Pages need nothing but our own server: every request of a page goes to it, and the browser
is told to refuse anything else (Content-Security-Policy)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from espec_widgets.case import load_library

from ..conftest import PROJECT

pytestmark = pytest.mark.browser

LIBRARY = load_library(PROJECT / "data")
CASE = sorted(LIBRARY.curriculum, key=lambda c: c.id)[0]
GUIDE = sorted(LIBRARY.guides)[0]


@pytest.mark.parametrize(
    "path",
    ["index.ipynb", LIBRARY.notebook(CASE.id), f"guides/{GUIDE}.ipynb"],
    ids=["landing", "case", "guide"],
)
def test_a_page_asks_only_our_server(page: Page, server: str, path: str) -> None:
    requests: list[str] = []
    failed: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    response = page.goto(f"{server}/voila/render/{path}")
    assert response is not None and response.status == 200
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    if path != f"guides/{GUIDE}.ipynb":
        expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible()
    page.wait_for_load_state("networkidle")
    ours = urlsplit(server).netloc
    others = sorted(
        {
            u
            for u in requests
            if urlsplit(u).scheme in {"http", "https", "ws", "wss"} and urlsplit(u).netloc != ours
        }
    )
    assert not others, others
    assert not failed, failed
    assert not violations, violations
    assert len(requests) > 5  # the page and its scripts were seen
