"""The live session's two pages driven from Python, as their browsers would (messages through
the widgets' own message path), on SQLite and PostgreSQL: the instructor's console and learners."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from espec_widgets.live.console import TOO_MANY, WRONG_KEY, InstructorConsole
from espec_widgets.live.learner import ANONYMOUS, YOU, LiveLearner
from espec_widgets.store import Store, open_store

from ..conftest import send


def eventually(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the page did not follow the session in time")
        time.sleep(0.05)


@pytest.fixture
def store(store_url: str) -> Store:
    return open_store(store_url, upgrade=True)


@pytest.fixture
def console(store: Store, store_url: str, workbook: Path) -> Iterator[InstructorConsole]:
    widget = InstructorConsole(store, store_url, workbook)
    yield widget
    widget.close_session_view() if widget.session else None


@pytest.fixture
def learners(store: Store, store_url: str) -> Iterator[Callable[[str], LiveLearner]]:
    made: list[LiveLearner] = []

    def make(name: str) -> LiveLearner:
        widget = LiveLearner(store, store_url)
        widget.start(store.add_learner(name))
        made.append(widget)
        return widget

    yield make
    for widget in made:
        widget.leave()


def _unlocked(console: InstructorConsole, store: Store) -> None:
    key = store.live.add_staff_key("Dr Instructor")
    send(console, event="unlock", key=key)
    assert console.phase == "sessions" and console.staff_name == "Dr Instructor"


def test_the_console_shows_nothing_until_a_key_is_given(
    console: InstructorConsole, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("espec_widgets.live.console.TRY_PAUSE", 0)
    store.live.add_session(
        [], scenario_id="x", title="Someone's session", planned_minutes=1, created_by="x"
    )
    for event in ("create", "open", "stage", "end", "report"):
        send(console, event=event, scenario="fixture-live", session=1, index=0, format="csv")
        assert console.status == "Give your instructor key first."
    assert (console.scenarios, console.sessions, console.session) == ([], [], {})
    for _ in range(5):
        send(console, event="unlock", key="not-the-key-but-long-enough")
        assert console.status == WRONG_KEY
    key = store.live.add_staff_key("Dr Instructor")
    send(console, event="unlock", key=key)
    assert console.status == TOO_MANY and console.phase == "locked", "five wrong keys lock the page"


def test_a_whole_session_from_both_sides(
    console: InstructorConsole, store: Store, learners: Callable[[str], LiveLearner]
) -> None:
    _unlocked(console, store)
    assert [s["id"] for s in console.scenarios] == ["fixture-live"]
    send(console, event="create", scenario="fixture-live")
    assert console.phase == "run"
    code = console.session["code"]
    ana, ben = learners("Ana Reyes"), learners("Ben Okafor")
    assert ana.phase == "join"
    send(ana, event="join", code="nope")
    assert "six" in ana.status or "letters" in ana.status
    send(ana, event="join", code=code.lower())
    send(ben, event="join", code=code)
    assert ana.phase == "waiting" and ana.title == "A short live scenario for tests"
    eventually(lambda: len(console.roster) == 2 and all(p["present"] for p in console.roster))

    # the instructor opens stage 1: learners follow without doing anything
    send(console, event="stage", index=0)
    eventually(lambda: ana.phase == "stage" and ben.stage.get("id") == "opening")
    assert ana.announce == "Stage 1 of 2: The meeting begins."
    assert "debrief" not in str(ana.stage) and "Let the poll run" not in str(ana.stage)
    assert "Let the poll run" in str(console.stage["notes"])
    assert ana.stage["scenes"] == [] and ana.stage["held"] == 1, "the scene waits for the reveal"
    assert "Don't tell her" not in str(ana.stage)

    # the poll: closed until opened, answers change while open, the tally follows live
    send(ana, event="answer", poll="first-step", choices=[0], other=None)
    assert ana.status == "This poll is closed."
    send(console, event="poll", action="open")
    eventually(lambda: ana.stage["poll"]["state"] == "open")
    send(ana, event="answer", poll="first-step", choices=[0], other=None)
    send(ana, event="answer", poll="first-step", choices=[1], other="  <b>my</b> own ")
    send(ben, event="answer", poll="first-step", choices=[1], other=None)
    assert ana.answer == {"choices": [1], "other": "<b>my</b> own"}
    eventually(lambda: console.poll["tally"]["counts"] == [0, 2])
    assert ana.stage["poll"]["tally"] is None, "no result before it is revealed"
    for bad in ([0, 1], [5], [True], "0", [0] * 20):
        send(ben, event="answer", poll="first-step", choices=bad, other=None)
        assert ben.answer["choices"] == [1]
    send(console, event="poll", action="close")
    send(console, event="poll", action="reveal")
    eventually(lambda: bool(ben.stage["poll"]["tally"]))
    assert ben.stage["poll"]["tally"] == {
        "counts": [0, 2],
        "others": ["<b>my</b> own"],
        "answered": 2,
    }
    assert ben.stage["scenes"][0]["lines"][0]["speaker"] == "Leo Ruiz"
    (own,) = console.poll["own_words"]
    assert own == {"id": ana.learner.id, "text": "<b>my</b> own", "hidden": False}  # type: ignore[union-attr]
    send(console, event="answer", id=own["id"], action="hide")
    eventually(lambda: ben.stage["poll"]["tally"]["others"] == [])
    assert console.poll["own_words"][0]["hidden"] and ben.stage["poll"]["tally"]["counts"] == [0, 2]
    send(console, event="answer", id=own["id"], action="show")
    eventually(lambda: ben.stage["poll"]["tally"]["others"] == ["<b>my</b> own"])

    # the wall: anonymous to peers, moderated, names when the instructor chooses
    send(ana, event="post", text="no wall here")
    assert ana.status == "This stage has no wall."
    send(console, event="stage", index=1)
    eventually(lambda: ana.stage.get("id") == "closing" and ben.stage.get("id") == "closing")
    send(ana, event="post", text="Call me on 555-123-4567")
    assert "phone" in ana.post_warning and console.posts == []
    send(ana, event="post", text="<img src=x onerror=alert(1)>", confirmed=False)
    send(ben, event="post", text="I will ask what they are afraid of.")
    eventually(lambda: len(ana.posts) == 2 and len(console.posts) == 2)
    assert [(p["author"], p["mine"]) for p in ana.posts] == [(YOU, True), (ANONYMOUS, False)]
    assert [p["author"] for p in console.posts] == ["Ana Reyes", "Ben Okafor"]
    first, second = (p["id"] for p in console.posts)
    send(console, event="post", id=second, action="spotlight")
    send(console, event="post", id=first, action="hide")
    eventually(lambda: [p["id"] for p in ben.posts] == [second] and ben.posts[0]["spotlight"])
    send(console, event="names", show=True)
    eventually(lambda: ana.names_shown and ana.posts[0]["author"] == "Ben Okafor")

    # a learner's kernel is culled and the page reloads: back at the stage, with their answers
    ben.leave()
    again = LiveLearner(store, console._url)
    again.start(store.find_learner(ben.learner.token))  # type: ignore[union-attr]
    assert again.phase == "stage" and again.stage["id"] == "closing"
    assert store.live.find_learner_view(again.session.id, again.learner).answers[
        "first-step"
    ].choices == (1,)  # type: ignore[union-attr, arg-type]

    # the end: nothing more is accepted; the report has everyone
    send(console, event="end")
    eventually(lambda: ana.phase == "ended" and again.phase == "ended")
    send(ana, event="post", text="after the end")
    assert ana.status == "This session has ended."
    sent: list[Any] = []
    console.send = lambda content, buffers=None: sent.append(content)  # type: ignore[method-assign]
    send(console, event="report", format="csv")
    assert sent[-1]["name"] == f"session-{code}-report.csv"
    again.leave()


def test_a_tampered_message_changes_nothing(
    console: InstructorConsole, store: Store, learners: Callable[[str], LiveLearner]
) -> None:
    _unlocked(console, store)
    send(console, event="create", scenario="../../etc/passwd")
    assert console.phase == "sessions"
    send(console, event="create", scenario="fixture-live")
    ana = learners("Ana")
    send(ana, event="join", code=console.session["code"])
    for content in (
        {"event": "stage", "index": 9},
        {"event": "stage", "index": "1"},
        {"event": "poll", "action": "delete"},
        {"event": "post", "id": "1", "action": "hide"},
        {"event": "names", "show": "yes"},
        {"event": "report", "format": "exe"},
        {"event": "nope"},
    ):
        send(console, **content)
    assert console.session["stage"] is None and not console.session["show_names"]
    for content in (
        {"event": "join", "code": ["A"]},
        {"event": "answer", "poll": "other-poll", "choices": [0]},
        {"event": "post", "text": {"x": 1}},
        {"event": "post", "text": "x" * 5000},
    ):
        send(ana, **content)
    assert ana.phase == "waiting"
    ana.set_state({"phase": "ended", "stage": {"id": "x"}})
    assert ana.phase == "waiting" and ana.stage == {}, "the page cannot write the kernel's traits"


def test_a_learner_leaves_one_session_and_joins_another(
    console: InstructorConsole, store: Store, learners: Callable[[str], LiveLearner]
) -> None:
    _unlocked(console, store)
    send(console, event="create", scenario="fixture-live")
    first = console.session["code"]
    send(console, event="create", scenario="fixture-live")
    assert console.status == "Go back to the list of sessions first.", (
        "no second session by a double click"
    )
    send(console, event="close")
    send(console, event="create", scenario="fixture-live")
    second = console.session["code"]
    assert second != first
    ana = learners("Ana")
    send(ana, event="join", code=first)
    assert ana.code == first
    send(ana, event="join", code=second)  # the instructor's new code: straight in
    assert ana.code == second and ana.phase == "waiting"
    send(ana, event="leave")
    assert ana.phase == "join" and ana.code == "" and "left the session" in ana.status


def test_guessing_codes_is_slowed_then_stopped(
    store: Store, learners: Callable[[str], LiveLearner], monkeypatch: pytest.MonkeyPatch
) -> None:
    from espec_widgets.live import learner as module

    monkeypatch.setattr(module, "TRY_PAUSE", 0)
    pauses: list[float] = []
    monkeypatch.setattr(module.time, "sleep", pauses.append)
    ana = learners("Ana")
    for _ in range(module.MAX_TRIES):
        send(ana, event="join", code="AAAAAA")
    assert len(pauses) == module.MAX_TRIES - module.FREE_TRIES
    session = store.live.add_session(
        [], scenario_id="x", title="t", planned_minutes=1, created_by="x"
    )
    send(ana, event="join", code=session.code)
    assert ana.status == module.TOO_MANY_CODES and ana.session is None


def test_own_words_that_look_identifying_are_questioned_once(
    console: InstructorConsole, store: Store, learners: Callable[[str], LiveLearner]
) -> None:
    _unlocked(console, store)
    send(console, event="create", scenario="fixture-live")
    ana = learners("Ana")
    send(ana, event="join", code=console.session["code"])
    send(console, event="stage", index=0)
    send(console, event="poll", action="open")
    eventually(lambda: (ana.stage.get("poll") or {}).get("state") == "open")
    send(ana, event="answer", poll="first-step", choices=[], other="call 555-123-4567")
    assert "phone" in ana.status and ana.answer["other"] == ""
    send(ana, event="answer", poll="first-step", choices=[], other="call 555-123-4567")
    assert ana.answer["other"] == "call 555-123-4567"


def test_a_removed_key_locks_an_open_console(console: InstructorConsole, store: Store) -> None:
    _unlocked(console, store)
    send(console, event="create", scenario="fixture-live")
    store.live.remove_staff_key("Dr Instructor")
    send(console, event="stage", index=0)
    assert console.phase == "locked" and console.session == {} and console.sessions == []
    assert store.live.find_session(1).stage is None
