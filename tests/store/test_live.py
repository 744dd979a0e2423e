"""Live sessions in the store, on SQLite and PostgreSQL: the rules each write checks, what each
side may read, attendance, moderation and the instructors' keys."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
import sqlalchemy as sa

from espec_widgets.store import Learner, Store, open_store, tables
from espec_widgets.store.feed import open_feed
from espec_widgets.store.live import (
    CODE_ALPHABET,
    CODE_LENGTH,
    LiveError,
    end_of_day,
    session_key,
)

T0 = dt.datetime(2026, 12, 7, 15, 0, tzinfo=dt.UTC)
AGENDA: list[dict[str, Any]] = [
    {
        "id": "one",
        "title": "Stage one",
        "minutes": 10,
        "narrative": "<p>Read this.</p>",
        "scenes": [],
        "poll": {
            "id": "p1",
            "question": "<p>Which?</p>",
            "multiple": False,
            "options": ["A", "B", "C"],
            "other": True,
        },
        "wall": None,
    },
    {
        "id": "two",
        "title": "Stage two",
        "minutes": 10,
        "narrative": "",
        "scenes": [],
        "poll": {
            "id": "p2",
            "question": "<p>Which ones?</p>",
            "multiple": True,
            "options": ["X", "Y"],
            "other": False,
        },
        "wall": {"question": "<p>What would you say?</p>"},
    },
]


@pytest.fixture
def store(store_url: str) -> Store:
    return open_store(store_url, upgrade=True)


def _session(store: Store, **kwargs: Any) -> Any:
    return store.live.add_session(
        AGENDA,
        scenario_id="fixture-live",
        title="A fixture session",
        planned_minutes=20,
        created_by="Dr Instructor",
        **kwargs,
    )


def _running(store: Store, *names: str) -> tuple[Any, list[Learner]]:
    session = _session(store, now=T0)
    learners = [store.add_learner(n) for n in names]
    for learner in learners:
        store.live.join(session.id, learner, now=T0)
    store.live.update_stage(session.id, 0, now=T0)
    return store.live.find_session(session.id), learners


def test_a_new_session_has_a_readable_code_that_expires_at_the_end_of_the_day(
    store: Store,
) -> None:
    session = _session(store, now=T0)
    assert len(session.code) == CODE_LENGTH and set(session.code) <= set(CODE_ALPHABET)
    assert session.expires_at == end_of_day(T0) and session.expires_at > T0
    assert session.stage is None and not session.running
    typed = f" {session.code[:3].lower()}-{session.code[3:].lower()} "
    assert store.live.find_joinable(typed, now=T0).id == session.id
    with pytest.raises(LiveError, match="has expired"):
        store.live.find_joinable(session.code, now=session.expires_at)
    with pytest.raises(LiveError, match="no session has this code"):
        store.live.find_joinable("".join(reversed(CODE_ALPHABET[:CODE_LENGTH])), now=T0)
    for bad in ("12", "ABCDE0", 123456, None):
        with pytest.raises(LiveError, match="session code"):
            store.live.find_joinable(bad, now=T0)
    store.live.end_session(session.id, now=T0)
    with pytest.raises(LiveError, match="has ended"):
        store.live.find_joinable(session.code, now=T0)
    assert store.live.find_sessions() == []
    assert [s.id for s in store.live.find_sessions(ended=True)] == [session.id]


def test_stages_start_the_session_and_every_change_bumps_its_version(store: Store) -> None:
    session = _session(store, now=T0)
    versions = [session.version]
    store.live.update_stage(session.id, 1, now=T0 + dt.timedelta(minutes=1))
    moved = store.live.find_session(session.id)
    assert (moved.stage, moved.started_at, moved.stage_started_at) == (
        1,
        T0 + dt.timedelta(minutes=1),
        T0 + dt.timedelta(minutes=1),
    )
    versions.append(moved.version)
    store.live.update_stage(session.id, 0, now=T0 + dt.timedelta(minutes=2))
    back = store.live.find_session(session.id)
    assert back.started_at == moved.started_at, "the session started once"
    versions.append(back.version)
    for bad in (2, -1, "0", True):
        with pytest.raises(LiveError, match="no such stage"):
            store.live.update_stage(session.id, bad)  # type: ignore[arg-type]
    assert store.live.find_version(session.id) == versions[-1], "a refusal changes nothing"
    assert versions == sorted(set(versions))


def test_a_learner_answers_an_open_poll_and_may_change_the_answer(store: Store) -> None:
    session, (ana, ben) = _running(store, "Ana", "Ben")
    live = store.live
    with pytest.raises(LiveError, match="closed"):
        live.update_or_create_answer(session.id, ana, "p1", [0])
    live.update_poll(session.id, "p1", state="open")
    live.update_or_create_answer(session.id, ana, "p1", [0])
    live.update_or_create_answer(session.id, ana, "p1", [2], "  my   own  ")
    live.update_or_create_answer(session.id, ben, "p1", [2])
    state = live.find_state(session.id)
    assert [(a.learner_id, a.choices, a.other) for a in state.answers["p1"]] == [
        (ana.id, (2,), "my own"),
        (ben.id, (2,), None),
    ]
    assert state.tallies["p1"].counts == (0, 0, 2) and state.tallies["p1"].others == ("my own",)
    refusals: list[tuple[tuple[Any, ...], str]] = [
        (([0, 1],), "takes one answer"),
        (([3],), "not one of the poll's options"),
        (([True],), "not one of the poll's options"),
        (([],), "choose an answer"),
        (([0], "x" * 301), "300 characters"),
    ]
    for args, message in refusals:
        with pytest.raises(LiveError, match=message):
            live.update_or_create_answer(session.id, ana, "p1", *args)
    with pytest.raises(LiveError, match="no such poll"):
        live.update_or_create_answer(session.id, ana, "nope", [0])
    live.update_poll(session.id, "p2", state="open")
    with pytest.raises(LiveError, match="no answer of your own"):
        live.update_or_create_answer(session.id, ana, "p2", [0], "other")
    live.update_or_create_answer(session.id, ana, "p2", [1, 0, 1])
    live.update_poll(session.id, "p1", state="closed")
    with pytest.raises(LiveError, match="closed"):
        live.update_or_create_answer(session.id, ana, "p1", [1])
    kept = live.find_learner_view(session.id, ana).answers
    assert (kept["p1"].choices, kept["p1"].other, kept["p2"].choices) == ((2,), "my own", (0, 1))


def test_only_a_learner_who_joined_acts_and_only_while_the_session_runs(store: Store) -> None:
    session = _session(store, now=T0)
    ana, eve = store.add_learner("Ana"), store.add_learner("Eve")
    store.live.join(session.id, ana, now=T0)
    with pytest.raises(LiveError, match="not started"):
        store.live.add_post(session.id, ana, "too early")
    store.live.update_stage(session.id, 1)
    store.live.update_poll(session.id, "p2", state="open")
    with pytest.raises(LiveError, match="join the session first"):
        store.live.update_or_create_answer(session.id, eve, "p2", [0])
    with pytest.raises(LiveError, match="join the session first"):
        store.live.add_post(session.id, eve, "not mine to write")
    store.live.add_post(session.id, ana, "fine")
    store.live.end_session(session.id)
    for act in (
        lambda: store.live.update_or_create_answer(session.id, ana, "p2", [0]),
        lambda: store.live.add_post(session.id, ana, "after the end"),
        lambda: store.live.join(session.id, eve),
        lambda: store.live.update_stage(session.id, 0),
    ):
        with pytest.raises(LiveError, match="has ended"):
            act()
    state = store.live.find_state(session.id)
    assert [p.text for p in state.posts] == ["fine"]
    assert state.polls["p2"].state == "closed", "ending a session closes its polls"


def test_a_learner_who_joined_rejoins_after_the_code_expired(store: Store) -> None:
    session = _session(store, now=T0, expires_at=T0 + dt.timedelta(minutes=5))
    ana, eve = store.add_learner("Ana"), store.add_learner("Eve")
    store.live.join(session.id, ana, now=T0)
    later = T0 + dt.timedelta(hours=1)
    found = store.live.find_rejoinable(ana, now=T0 + dt.timedelta(minutes=1))
    assert found is not None and found.id == session.id
    store.live.join(session.id, ana, now=later)
    assert store.live.find_rejoinable(ana, now=later) is not None, "in it just now"
    with pytest.raises(LiveError, match="expired"):
        store.live.join(session.id, eve, now=later)
    assert store.live.find_rejoinable(eve, now=later) is None
    store.live.end_session(session.id, now=later)
    assert store.live.find_rejoinable(ana, now=later) is None


def test_the_wall_is_anonymous_to_peers_until_names_are_shown(store: Store) -> None:
    session, (ana, ben) = _running(store, "Ana Reyes", "Ben Okafor")
    with pytest.raises(LiveError, match="no wall"):
        store.live.add_post(session.id, ana, "stage one has no wall")
    store.live.update_stage(session.id, 1)
    first = store.live.add_post(session.id, ana, "  <script>alert(1)</script>  ")
    second = store.live.add_post(session.id, ben, "a second thought")
    for bad, message in (("   ", "write something"), ("x" * 1001, "1000 characters")):
        with pytest.raises(LiveError, match=message):
            store.live.add_post(session.id, ana, bad)
    view = store.live.find_learner_view(session.id, ben)
    assert [(p.text, p.author) for p in view.posts] == [
        ("<script>alert(1)</script>", None),
        ("a second thought", None),
    ]
    assert all(p.stage_id == "two" for p in view.posts)
    console = store.live.find_state(session.id)
    assert [p.author for p in console.posts] == ["Ana Reyes", "Ben Okafor"]
    store.live.update_show_names(session.id, True)
    assert [p.author for p in store.live.find_learner_view(session.id, ben).posts] == [
        "Ana Reyes",
        "Ben Okafor",
    ]
    # moderation: one spotlight at a time; a hidden post is gone from learners' pages only
    store.live.update_post(session.id, first, spotlight=True)
    store.live.update_post(session.id, second, spotlight=True)
    posts = {p.id: p for p in store.live.find_state(session.id).posts}
    assert (posts[first].spotlight, posts[second].spotlight) == (False, True)
    store.live.update_post(session.id, second, hidden=True)
    posts = {p.id: p for p in store.live.find_state(session.id).posts}
    assert posts[second].hidden and not posts[second].spotlight
    assert [p.id for p in store.live.find_learner_view(session.id, ana).posts] == [first]
    store.live.update_post(session.id, second, hidden=False)
    assert len(store.live.find_learner_view(session.id, ana).posts) == 2
    other = _session(store)
    with pytest.raises(LiveError, match="no such post"):
        store.live.update_post(other.id, first, hidden=True)


def test_results_reach_learners_only_when_revealed(store: Store) -> None:
    session, (ana, ben) = _running(store, "Ana", "Ben")
    store.live.update_poll(session.id, "p1", state="open")
    store.live.update_or_create_answer(session.id, ana, "p1", [1])
    store.live.update_or_create_answer(session.id, ben, "p1", [1], "why not")
    assert store.live.find_learner_view(session.id, ana).tallies == {}
    store.live.update_poll(session.id, "p1", state="closed", revealed=True)
    shown = store.live.find_learner_view(session.id, ana).tallies["p1"]
    assert (shown.counts, shown.others, shown.answered) == ((0, 2, 0), ("why not",), 2)
    store.live.update_poll(session.id, "p1", revealed=False)
    assert store.live.find_learner_view(session.id, ana).tallies == {}
    assert store.live.find_state(session.id).polls["p1"].state == "closed"


def test_attendance_counts_the_minutes_present_across_drops_and_reloads(store: Store) -> None:
    session = _session(store, now=T0)  # 20 planned minutes
    ana, ben, cy = (store.add_learner(n) for n in ("Ana", "Ben", "Cy"))
    live = store.live
    start = T0 + dt.timedelta(minutes=2)
    early = live.join(session.id, ana, now=T0)  # before the start: counts from the start
    live.join(session.id, ben, now=start)
    live.update_stage(session.id, 0, now=start)
    minute = dt.timedelta(minutes=1)
    for m in range(1, 20):  # Ana's page beats every minute (the real one: every 15 s)
        live.heartbeat(early, now=start + m * minute)
    c1 = live.join(session.id, cy, now=start)
    live.heartbeat(c1, now=start + 5 * minute)  # Cy's kernel dies after 5 minutes ...
    c2 = live.join(session.id, cy, now=start + 9 * minute)  # ... and Cy reloads at 9
    live.heartbeat(c2, now=start + 12 * minute)
    live.leave(c2, now=start + 12 * minute)  # ... and closes the page at 12
    live.join(session.id, ben, now=start + 11.5 * minute)  # a second tab
    roster = {p.name: p for p in live.find_state(session.id, now=start + 12 * minute).roster}
    assert roster["Ana"].present and roster["Ben"].present and not roster["Cy"].present
    assert roster["Cy"].minutes == 8.0 and len(roster["Cy"].intervals) == 2
    end = start + 20 * minute
    live.end_session(session.id, now=end)
    roster = {p.name: p for p in live.find_state(session.id, now=end + 10 * minute).roster}
    assert (roster["Ana"].minutes, roster["Ana"].attended) == (19.0, True)  # 19 of 20: 95%
    assert roster["Ben"].minutes == 0.0, "Ben's pages were last heard from on joining"
    assert (roster["Cy"].minutes, roster["Cy"].attended) == (8.0, False)
    assert not any(p.present for p in roster.values())
    generous = live.find_state(session.id, now=end, share=0.4).roster
    assert [p.attended for p in generous] == [True, False, True]


def test_instructor_keys_are_kept_hashed(store: Store) -> None:
    key = store.live.add_staff_key("  Dr   Instructor ")
    assert len(key) == 32
    assert store.live.find_staff_name(key) == "Dr Instructor"
    assert store.live.find_staff_name(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert store.live.find_staff_name("") is None and store.live.find_staff_name(None) is None  # type: ignore[arg-type]
    with pytest.raises(LiveError, match="already a key"):
        store.live.add_staff_key("Dr Instructor")
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(tables.staff_keys.c.hash)).scalar_one()
    assert key not in stored and stored.startswith("scrypt$")
    assert [name for name, _ in store.live.find_staff_keys()] == ["Dr Instructor"]
    assert store.live.remove_staff_key("Dr Instructor")
    assert store.live.find_staff_name(key) is None


def test_a_burst_of_answers_loses_none(store: Store) -> None:
    session = _session(store)
    learners = [store.add_learner(f"Learner {i}") for i in range(24)]
    for learner in learners:
        store.live.join(session.id, learner)
    store.live.update_stage(session.id, 0)
    store.live.update_poll(session.id, "p1", state="open")
    barrier = threading.Barrier(len(learners))
    errors: list[BaseException] = []

    def answer(learner: Learner) -> None:
        barrier.wait()
        try:
            store.live.update_or_create_answer(session.id, learner, "p1", [learner.id % 3])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=answer, args=(x,)) for x in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(store.live.find_state(session.id).tallies["p1"].counts) == len(learners)


def test_every_change_is_announced_on_the_feed(store_url: str, store: Store) -> None:
    session, (ana,) = _running(store, "Ana")
    feed = open_feed(store_url)
    try:
        assert feed.wait(0.1) == set()
        store.live.update_poll(session.id, "p1", state="open")
        woke = feed.wait(5)
        assert woke == ({"*"} if store_url.startswith("sqlite") else {session_key(session.id)})
        with pytest.raises(LiveError):
            store.live.update_or_create_answer(session.id, ana, "p1", [7])
        assert feed.wait(0.6) == set(), "a refused change is not announced"
    finally:
        feed.close()


def test_an_old_session_nobody_ended_is_not_rejoined(store: Store) -> None:
    session = _session(store, now=T0, expires_at=T0 + dt.timedelta(hours=1))
    ana = store.add_learner("Ana")
    store.live.join(session.id, ana, now=T0)
    assert store.live.find_rejoinable(ana, now=T0 + dt.timedelta(minutes=50)) is not None
    late = T0 + dt.timedelta(hours=1, minutes=20)  # code expired, page in it 80 minutes ago
    assert store.live.find_rejoinable(ana, now=late) is None
    nearly = T0 + dt.timedelta(hours=1, minutes=10)
    store.live.heartbeat(store.live.join(session.id, ana, now=nearly), now=nearly)
    assert store.live.find_rejoinable(ana, now=late) is not None, "in it lately: still rejoined"


def test_a_code_lasts_past_the_planned_end_whatever_the_hour(store: Store) -> None:
    late = dt.datetime.combine(T0.date(), dt.time(23, 50)).astimezone(dt.UTC)
    session = _session(store, now=late)  # 20 planned minutes, made ten minutes before midnight
    assert session.expires_at >= late + dt.timedelta(minutes=20 + 60)


def test_moving_on_closes_the_poll_and_a_post_goes_to_the_wall_it_was_written_for(
    store: Store,
) -> None:
    session, (ana,) = _running(store, "Ana")
    store.live.update_poll(session.id, "p1", state="open")
    store.live.update_stage(session.id, 1)
    assert store.live.find_state(session.id).polls["p1"].state == "closed"
    with pytest.raises(LiveError, match="moved on"):
        store.live.add_post(session.id, ana, "written for stage one", stage_id="one")
    store.live.add_post(session.id, ana, "written for stage two", stage_id="two")
    assert [p.stage_id for p in store.live.find_state(session.id).posts] == ["two"]


def test_a_key_is_removed_by_the_name_it_was_given(store: Store) -> None:
    store.live.add_staff_key("Ann   Smith")
    assert store.live.remove_staff_key(" Ann  Smith ")
    assert store.live.find_staff_keys() == []


def test_an_instructor_hides_own_words_from_the_results_and_the_choice_still_counts(
    store: Store,
) -> None:
    session, (ana, ben) = _running(store, "Ana", "Ben")
    store.live.update_poll(session.id, "p1", state="open")
    store.live.update_or_create_answer(session.id, ana, "p1", [0], "something unkind")
    store.live.update_or_create_answer(session.id, ben, "p1", [0], "fair point")
    store.live.update_answer(session.id, "p1", ana.id, hidden=True)
    store.live.update_or_create_answer(session.id, ana, "p1", [1], "edited, still unkind")
    store.live.update_poll(session.id, "p1", state="closed", revealed=True)
    shown = store.live.find_learner_view(session.id, ben).tallies["p1"]
    assert (shown.counts, shown.others) == ((1, 1, 0), ("fair point",))
    console = store.live.find_state(session.id)
    assert [(a.other, a.hidden) for a in console.answers["p1"]] == [
        ("fair point", False),
        ("edited, still unkind", True),
    ]
    store.live.update_answer(session.id, "p1", ana.id, hidden=False)
    assert len(store.live.find_learner_view(session.id, ben).tallies["p1"].others) == 2
    with pytest.raises(LiveError, match="no such answer"):
        store.live.update_answer(session.id, "p1", 999, hidden=True)
