"""A learner's whole flow on a case page, driven from Python: start, answer, reflect, resume."""

from __future__ import annotations

from pathlib import Path

import pytest

from espec_widgets import page as page_module
from espec_widgets.page import WAITING, CasePage, open_case
from espec_widgets.store import open_store, upgrade


@pytest.fixture
def env(workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("ESPEC_ROOT", str(workbook))
    monkeypatch.setenv("ESPEC_DB_URL", url)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    upgrade(url)  # as the server does before it serves: pages only check the revision
    return url


def _shown(monkeypatch: pytest.MonkeyPatch, query: str = "") -> CasePage:
    """The case page with its two activities shown, before its last cell identifies anyone."""
    monkeypatch.setenv("QUERY_STRING", query)
    page = open_case("minimal-case")
    page.show("who-decides")
    page.show("own-reactions")
    return page


def _open(monkeypatch: pytest.MonkeyPatch, query: str = "") -> CasePage:
    page = _shown(monkeypatch, query)
    page.resume()
    return page


def _count_learners(url: str) -> int:
    with open_store(url).engine.begin() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM learners").scalar() or 0)


def test_first_visit_waits_for_a_name(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    page = _open(monkeypatch)
    question, box = page.widgets["who-decides"], page.widgets["own-reactions"]
    assert question.disabled and box.disabled
    assert question.status == WAITING
    question.set_state({"value": [0]})
    assert question.submit() is None, "nothing is graded or stored before the learner starts"
    page.identity._on_message(page.identity, {"event": "start", "name": "  "}, [])
    assert page.identity.message == "Please enter a name to start."
    page.identity._on_message(page.identity, {"event": "start", "name": "Ana"}, [])
    assert page.identity.token and page.identity.display_name == "Ana"
    assert not question.disabled and not box.disabled


def test_answers_and_reflections_survive_a_new_kernel(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _open(monkeypatch)
    page.identity.start("Ana")
    token = page.identity.token
    question, box = page.widgets["who-decides"], page.widgets["own-reactions"]
    question.set_state({"value": [1]})
    question._on_message(question, {"event": "submit"}, [])
    question.set_state({"value": [0]})
    question.submit()
    box.set_state({"value": "I noticed I rushed to fill the silence."})
    assert box.status.startswith("Saved at")
    box.set_state({"value": "I noticed I rushed to fill the silence. Next time I will wait."})
    assert "(version 2)" in box.status

    again = _open(monkeypatch, f"learner={token}")  # a reload, or a new kernel after a restart
    assert again.learner.id == page.learner.id
    q2, b2 = again.widgets["who-decides"], again.widgets["own-reactions"]
    assert [a.correct for a in q2.attempts] == [False, True]
    assert q2.value == [0] and q2.feedback[0]["kind"] == "correct"
    assert b2.value == "I noticed I rushed to fill the silence. Next time I will wait."
    assert b2.status == "Your saved text is restored."
    assert not q2.disabled and not b2.disabled


def test_oversized_reflection_leaves_the_saved_draft_intact(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _open(monkeypatch)
    page.identity.start("Ana")
    box = page.widgets["own-reactions"]
    box.set_state({"value": "Kept text."})
    box.set_state({"value": "word " * 5000})
    assert "Not saved" in box.status
    store = open_store(env)
    assert store.find_drafts(page.learner, "minimal-case")["own-reactions"].text == "Kept text."


def _message(widget: object, content: dict[str, object]) -> None:
    """As the page sends it: a custom comm message, through the widget's own entry point."""
    widget._handle_msg({"content": {"data": {"method": "custom", "content": content}}})  # type: ignore[attr-defined]


BROKEN = (
    "Your text has a character that cannot be saved (often a broken emoji from a paste). "
    "Please retype the last thing you pasted."
)


@pytest.mark.parametrize("bad", ["Pasted \ud83d", "NUL\x00", "escape \x1b[2J"])
def test_text_that_cannot_be_saved_is_refused_in_words_and_saved_work_kept(
    env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    page = _open(monkeypatch)
    capsys.readouterr()  # outside a kernel, display() prints the widgets
    page.identity.start("Ana")
    box = page.widgets["own-reactions"]
    _message(box, {"event": "save", "value": "Kept text."})
    assert box.status == "Saved. No changes since the last save.", "saved as it arrived"

    _message(box, {"event": "save", "value": f"Kept text. {bad}"})
    assert "cannot be saved" in box.status and "retype the last thing you pasted" in box.status
    assert "try Save again" not in box.status
    box.set_state({"value": bad})  # the autosave's update, too
    assert "cannot be saved" in box.status
    assert box.value == "Kept text."
    draft = open_store(env).find_drafts(page.learner, "minimal-case")["own-reactions"]
    assert (draft.text, draft.revision) == ("Kept text.", 1)
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Ana \ud83d", "Your name has a character that cannot be saved"),
        ("Ana\x00", "Your name has an invisible control character"),
        ("Ana\nReyes", "Please put your name on one line."),
    ],
)
def test_a_name_that_cannot_be_saved_is_refused_in_words(
    env: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    words: str,
) -> None:
    page = _open(monkeypatch)
    capsys.readouterr()  # outside a kernel, display() prints the widgets
    before = _count_learners(env)
    _message(page.identity, {"event": "start", "name": name})
    assert page.identity.message.startswith(words)
    assert page.learner is None and page.identity.token == ""
    assert page.widgets["own-reactions"].disabled
    assert _count_learners(env) == before
    _message(page.identity, {"event": "start", "name": "Ana Reyes"})
    assert page.identity.display_name == "Ana Reyes" and page.identity.message == ""
    assert capsys.readouterr() == ("", "")


def test_a_store_refusal_is_told_not_retried(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should text pass the widget's check but not the store's, the learner is told what to fix."""
    page = _open(monkeypatch)
    page.identity.start("Ana")
    box = page.widgets["own-reactions"]
    box.value = "Set by the kernel \ud83d"  # the page's updates never get this far
    assert box.status == BROKEN
    assert open_store(env).find_drafts(page.learner, "minimal-case") == {}


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("learner=short", "not valid"),
        ("learner=" + "A" * 32, "does not match any learner"),
        ("learner=%3Cscript%3E" + "x" * 24, "not valid"),
    ],
)
def test_bad_resume_links_say_so_and_create_nobody(
    env: str, monkeypatch: pytest.MonkeyPatch, query: str, words: str
) -> None:
    before = _count_learners(env)
    page = _open(monkeypatch, query)
    assert words in page.identity.message
    assert page.learner is None and page.identity.token == ""
    assert page.widgets["who-decides"].disabled
    assert _count_learners(env) == before


def test_work_is_the_learners_own(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ana = _open(monkeypatch)
    ana.identity.start("Ana")
    ana.widgets["own-reactions"].set_state({"value": "Ana's private reflection."})
    ben = _open(monkeypatch)
    ben.identity.start("Ben")
    assert ben.widgets["own-reactions"].value == ""
    assert ben.widgets["who-decides"].attempts == []


def test_jupyterhub_user_needs_no_link(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", "jdoe")
    first = _open(monkeypatch)
    assert first.learner is not None and first.identity.hub
    first.widgets["own-reactions"].set_state({"value": "Hub text."})
    second = _open(monkeypatch)
    assert second.learner.id == first.learner.id
    assert second.widgets["own-reactions"].value == "Hub text."


def test_store_failure_keeps_text_and_says_so(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    page = _open(monkeypatch)
    page.identity.start("Ana")
    box = page.widgets["own-reactions"]

    def broken(_text: str) -> int:
        raise OSError("disk full")

    box.set_saver(broken)
    box.set_state({"value": "Still here."})
    assert box.value == "Still here."
    assert box.status.startswith("Not saved")


def test_strict_mode_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESPEC_STRICT", "0")
    assert not page_module.strict()
    monkeypatch.setenv("ESPEC_STRICT", "1")
    assert page_module.strict()


def test_stored_rows_and_tampering(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    page = _open(monkeypatch)
    page.identity.start("Ana")
    question = page.widgets["who-decides"]
    question.set_state({"value": [1]})
    question.submit()
    store = open_store(env)
    rows = store.find_responses(page.learner, "minimal-case")
    assert [(r.activity_id, r.payload, r.correct) for r in rows] == [
        ("who-decides", {"chosen": [1]}, False)
    ]
    for tampered in ([5], [0, 1], [-3]):
        question.set_state({"value": tampered})
        question._on_message(question, {"event": "submit"}, [])
    rows = store.find_responses(page.learner, "minimal-case")
    assert [r.payload for r in rows] == [
        {"chosen": [1]},
        {"chosen": [1]},
        {"chosen": [1]},
        {"chosen": [1]},
    ], "tampered values never reach the store; the kept selection is what is graded"
    page.identity._on_message(page.identity, {"event": "start", "name": "Mallory"}, [])
    assert page.learner.display_name == "Ana", "a second start cannot switch learners"
    token = page.identity.token
    page.identity.set_state({"token": "A" * 32, "display_name": "Mallory", "hub": True})
    assert (page.identity.token, page.identity.display_name, page.identity.hub) == (
        token,
        "Ana",
        False,
    )


def test_progress_says_what_is_left(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    page = _open(monkeypatch)
    page.identity.start("Ana")
    assert page.identity.progress == ("Done: 0 of 2 activities. Next: Who decides?")
    question = page.widgets["who-decides"]
    question.set_state({"value": [1]})
    question.submit()
    assert page.identity.progress == "Done: 1 of 2 activities. Next: Your reactions."
    page.widgets["own-reactions"].set_state({"value": "A thought."})
    assert page.identity.progress == "Done: 2 of 2 activities."
    again = _open(monkeypatch, f"learner={page.identity.token}")
    assert again.identity.progress == "Done: 2 of 2 activities."


def test_the_outline_and_where_next_follow_the_learners_work(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _shown(monkeypatch)
    page.end(next_case={"href": "../part-1/second-case.ipynb", "title": "The second case"})
    outline, where = page.outline, page.where_next
    assert outline is not None and where is not None
    entries = [(e["anchor"], e["kind"]) for e in outline.entries]
    assert entries[:2] == [("section-objectives", "section"), ("section-people", "section")]
    assert ("activity-who-decides", "activity") in entries
    assert ("activity-own-reactions", "activity") in entries
    assert entries.index(("activity-who-decides", "activity")) < entries.index(
        ("activity-own-reactions", "activity")
    )
    assert entries[-1][0].startswith("section-")
    # Before the learner is known nothing is ticked, and where next offers no activity.
    assert not outline.known and outline.done == [] and where.left == -1
    assert where.next_activity == {} and where.home == "../index.ipynb"
    assert where.next_case == {"href": "../part-1/second-case.ipynb", "title": "The second case"}

    page.resume()
    page.identity._on_message(page.identity, {"event": "start", "name": "Ana"}, [])
    assert outline.known and outline.done == [] and where.left == 2
    assert outline.next_anchor == "activity-who-decides"
    assert where.next_activity == {"anchor": "activity-who-decides", "title": "Who decides?"}

    question = page.widgets["who-decides"]
    question.set_state({"value": [0]})
    question.submit()
    assert outline.done == ["who-decides"], "attempted counts as done, right or not"
    assert outline.next_anchor == "activity-own-reactions" and where.left == 1
    page.widgets["own-reactions"].set_state({"value": "A thought."})
    assert outline.done == ["who-decides", "own-reactions"]
    assert outline.next_anchor == "" and where.next_activity == {} and where.left == 0
    # The page may change none of it.
    outline.set_state({"done": [], "entries": [], "known": False})
    where.set_state({"next_case": {"href": "https://elsewhere.example/"}, "home": "x"})
    assert outline.done == ["who-decides", "own-reactions"] and outline.known
    assert where.next_case["href"] == "../part-1/second-case.ipynb" and where.home != "x"


def test_a_failed_store_is_reported_to_the_widget(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _open(monkeypatch)
    page.identity.start("Ana")

    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("database is gone")

    monkeypatch.setattr(page.store, "add_response", broken)
    question = page.widgets["who-decides"]
    question.set_state({"value": [0]})
    assert question._emit({"chosen": [0]}, True) is False
    assert "could not be saved" in question.status


def test_the_page_reports_progress_for_the_navigator(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _open(monkeypatch)
    page.identity.start("Ana")
    store = open_store(env)
    row = store.find_progress(page.learner)["minimal-case"]
    assert (row.done, row.total) == ((), 2), "opening the case marks it as started"
    question = page.widgets["who-decides"]
    question.set_state({"value": [1]})
    question.submit()  # a wrong answer is still an attempt: the activity is done
    assert store.find_progress(page.learner)["minimal-case"].done == ("who-decides",)
    writes = []
    monkeypatch.setattr(store.__class__, "update_or_create_progress", lambda *a: writes.append(a))
    question.set_state({"value": [0]})
    question.submit()
    assert writes == [], "nothing changed, so nothing is written"


def test_progress_that_cannot_be_stored_never_costs_the_answer(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _open(monkeypatch)
    page.identity.start("Ana")

    def broken(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(page.store, "update_or_create_progress", broken)
    question = page.widgets["who-decides"]
    question.set_state({"value": [0]})
    question.submit()
    assert "could not be saved" not in question.status
    assert [
        r.activity_id for r in open_store(env).find_responses(page.learner, "minimal-case")
    ] == ["who-decides"]


@pytest.mark.parametrize("opener", ["case", "navigator"])
def test_a_database_at_another_revision_gets_one_sentence_not_a_traceback(
    env: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, opener: str
) -> None:
    """A kernel never migrates: an old store (or a newer one) gets the command to run."""
    import sqlite3

    from espec_widgets.navigator import open_navigator

    monkeypatch.setenv("ESPEC_STRICT", "0")
    shown: list[object] = []
    monkeypatch.setattr("IPython.display.display", lambda *objs, **kw: shown.extend(objs))
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES ('0001')")
    monkeypatch.setenv("ESPEC_DB_URL", f"sqlite:///{old}")
    page = open_case("minimal-case") if opener == "case" else open_navigator()
    page.resume()  # the notebook's last cell runs too, and does nothing
    (message,) = shown
    text = message.value  # type: ignore[attr-defined]
    assert 'role="alert"' in text
    assert "revision 0001, older than this workbook" in text
    assert "run `espec db upgrade`" in text and "Traceback" not in text
    with sqlite3.connect(old) as conn:  # the page changed nothing
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"alembic_version"}


def test_a_name_in_use_asks_before_it_makes_a_second_learner(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _open(monkeypatch)
    first.identity.start("Ana Reyes")
    first.widgets["own-reactions"].set_state({"value": "Ana's reflection."})
    again = _open(monkeypatch)
    before = _count_learners(env)
    again.identity._on_message(again.identity, {"event": "start", "name": " ana  REYES"}, [])
    assert again.learner is None and _count_learners(env) == before, "nothing forked silently"
    assert again.identity.name_taken
    assert "resume link" in again.identity.message and "“ana REYES”" in again.identity.message
    # The resume route: the whole link pasted, or only its token.
    link = f"http://example.org/voila/render/x.ipynb?learner={first.identity.token}#top"
    again.identity._on_message(again.identity, {"event": "link", "link": link}, [])
    assert again.learner is not None and again.learner.id == first.learner.id
    assert again.widgets["own-reactions"].value == "Ana's reflection."
    assert not again.identity.name_taken and again.identity.message == ""


def test_someone_new_with_the_same_name_is_started_when_they_say_so(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _open(monkeypatch).identity.start("Ana Reyes")
    other = _open(monkeypatch)
    other.identity.start("Ana Reyes")
    assert other.learner is None
    other.identity._on_message(
        other.identity, {"event": "start", "name": "Ana Reyes", "new": True}, []
    )
    assert other.learner is not None and other.widgets["own-reactions"].value == ""
    assert _count_learners(env) == 2


@pytest.mark.parametrize(
    "link", ["", "https://example.org/?learner=short", "x" * 5000, 42, "?learner=" + "A" * 32]
)
def test_a_pasted_link_that_opens_nothing_says_why(
    env: str, monkeypatch: pytest.MonkeyPatch, link: object
) -> None:
    page = _open(monkeypatch)
    page.identity._on_message(page.identity, {"event": "link", "link": link}, [])
    assert page.learner is None and page.identity.message
    assert "resume link" in page.identity.message or "could not open" in page.identity.message


def test_a_new_link_retires_the_old_one(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from espec_widgets.identity import ROTATED

    page = _open(monkeypatch)
    page.identity.start("Ana")
    page.widgets["own-reactions"].set_state({"value": "Kept across the new link."})
    old = page.identity.token
    page.identity._on_message(page.identity, {"event": "rotate"}, [])
    new = page.identity.token
    assert new != old and page.identity.notice == ROTATED
    assert "could not open your saved work" in _open(monkeypatch, f"learner={old}").identity.message
    back = _open(monkeypatch, f"learner={new}")
    assert back.widgets["own-reactions"].value == "Kept across the new link."
    assert page.widgets["own-reactions"].value == "Kept across the new link."
    page.widgets["own-reactions"].set_state({"value": "Still saved after the new link."})
    again = _open(monkeypatch, f"learner={new}")
    assert again.widgets["own-reactions"].value == "Still saved after the new link."


def test_a_jupyterhub_learner_has_no_link_to_rotate(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", "jdoe")
    page = _open(monkeypatch)
    token = page.identity.token
    page.identity._on_message(page.identity, {"event": "rotate"}, [])
    assert page.identity.token == token and page.identity.notice == ""


def test_the_debrief_stays_in_the_kernel_until_the_learner_asks(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _shown(monkeypatch)
    page.debrief()
    gate = page.debrief_gate
    assert gate is not None
    debrief = page.case.info.debrief  # type: ignore[union-attr]
    assert debrief.strip()
    first_words = " ".join(debrief.split()[:4])
    assert first_words not in repr(gate.get_state()) + repr(gate.text.get_state())
    # Before the learner is known, asking opens nothing.
    gate._on_message(gate, {"event": "open"}, [])
    assert not gate.opened and gate.text.value == ""
    page.resume()
    page.identity._on_message(page.identity, {"event": "start", "name": "Ana"}, [])
    assert gate.known and gate.left == 2 and "2 still to do" in gate.status
    # The page cannot open it by setting state, nor write into the text.
    gate.set_state({"opened": True})
    gate.text.set_state({"value": "<img src=x onerror=alert(1)>"})
    assert not gate.opened and gate.text.value == ""
    gate._on_message(gate, {"event": "open"}, [])
    assert gate.opened and first_words.split()[0] in gate.text.value
    assert gate.text.layout.display is None


def test_each_opening_of_a_case_is_a_visit_kept_alive_by_saves(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What launched, suspended and resumed are made from (espec_widgets/xapi): one visit per
    page the learner opens, resumed once they have worked on the case, its end moved by saves."""
    import datetime as dt

    from espec_widgets.store import tables

    page = _open(monkeypatch)
    page.identity.start("Ana")
    first = page.visit
    assert first is not None and not first.resumed
    question = page.widgets["who-decides"]
    question.set_state({"value": [1]})
    question.submit()
    assert page.visit.last_seen_at == first.last_seen_at  # within the minute: not written again
    page.visit = type(first)(
        first.id,
        first.case_id,
        first.resumed,
        first.started_at,
        first.last_seen_at - dt.timedelta(minutes=5),
    )
    page.widgets["own-reactions"].set_state({"value": "I noticed I rushed to fill the silence."})
    assert page.visit.last_seen_at > first.last_seen_at - dt.timedelta(minutes=5)
    again = _open(monkeypatch, f"learner={page.identity.token}")
    assert again.visit.resumed and again.visit.id != first.id
    with open_store(env).engine.connect() as conn:
        rows = conn.execute(tables.case_visits.select().order_by(tables.case_visits.c.id)).all()
    assert [(r.learner_id, r.resumed) for r in rows] == [
        (page.learner.id, False),
        (page.learner.id, True),
    ]
    assert rows[0].last_seen_at == page.visit.last_seen_at
