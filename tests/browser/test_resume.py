"""In Chromium: start, answer, reflect, then come back through the resume link and find it all."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from espec_widgets.case import load_library

from ..conftest import PROJECT
from ..pg import new_database
from .conftest import serve_workbook, start_learner

pytestmark = pytest.mark.browser

LIBRARY = load_library(PROJECT / "data")
CASE = sorted(LIBRARY.curriculum, key=lambda c: c.id)[0]
URL = f"/voila/render/{LIBRARY.notebook(CASE.id)}"


@pytest.fixture(scope="module")
def postgresql_server(
    postgres_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """The project served on a fresh PostgreSQL database (`espec serve` creates its tables)."""
    url = new_database(postgres_server)
    env = {**os.environ, "ESPEC_DB_URL": url}
    log = tmp_path_factory.mktemp("serve-pg") / "serve.log"
    with serve_workbook(PROJECT, log, env=env) as served:
        yield served.url, url


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_server(request: pytest.FixtureRequest, server: str) -> tuple[str, str | None]:
    """The served workbook on each engine: (its address, the database URL to look into)."""
    if request.param == "sqlite":
        return server, None
    served: tuple[str, str] = request.getfixturevalue("postgresql_server")
    return served


def test_work_is_restored_from_the_resume_link(
    page: Page, engine_server: tuple[str, str | None]
) -> None:
    server, database = engine_server
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
    if database is not None:  # the work is in PostgreSQL itself, not somewhere else
        engine = sa.create_engine(database)
        with engine.connect() as conn:
            found = {}
            for table in ("responses", "drafts"):  # the answer is a response, the text a draft
                found[table] = set(
                    conn.execute(
                        sa.text(
                            f"SELECT t.activity_id FROM {table} t JOIN learners l"
                            " ON l.id = t.learner_id"
                            " WHERE l.display_name = 'Ana Tester' AND t.case_id = :case"
                        ),
                        {"case": CASE.id},
                    ).scalars()
                )
            assert question.id in found["responses"] and reflection.id in found["drafts"]
        engine.dispose()


def test_a_broken_resume_link_is_explained(page: Page, server: str) -> None:
    page.goto(server + URL + "?learner=not-a-real-token")
    expect(
        page.get_by_role("alert").filter(has_text="could not open your saved work")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible()
