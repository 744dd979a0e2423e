"""What a session row holds for learners: the scenario's learner-facing text as plain data, with
nothing for the instructor only, and nothing an author (or a tampered row) could make run."""

from __future__ import annotations

from typing import Any

import pytest

from espec_widgets.case import load_library
from espec_widgets.live.agenda import instructor_notes, learner_agenda
from espec_widgets.live.tree import TAGS, to_tree, tree_html, tree_text

from ..conftest import PROJECT

LIBRARY = load_library(PROJECT / "data")


def _words(markdown: str) -> str:
    """The first words of an author's text, as the pages would show them."""
    from espec_widgets.markup import render

    return " ".join(tree_text(to_tree(render(markdown))).split())[:50]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY.scenarios))
def test_learners_never_get_the_instructors_notes(scenario_id: str) -> None:
    scenario = LIBRARY.scenarios[scenario_id]
    shown = " ".join("".join(_strings(learner_agenda(scenario))).split())
    for stage in scenario.agenda:
        assert _words(stage.facilitator_notes) not in shown
        for prompt in stage.discussion:
            assert _words(prompt) not in shown
        if stage.poll is not None:
            for option in stage.poll.options:
                assert " ".join(option.text.split()) in shown
                assert _words(option.debrief) not in shown
    notes = instructor_notes(scenario)
    assert [n["id"] for n in notes] == [s.id for s in scenario.agenda]
    assert all(n["notes"] for n in notes)


def _tags(tree: list[Any]) -> set[str]:
    found = set()
    for node in tree:
        if isinstance(node, list):
            found.add(node[0])
            found |= _tags(node[2])
    return found


def test_the_tree_keeps_text_and_drops_everything_that_could_run() -> None:
    hostile = (
        '<p>Hello <strong>there</strong> <a href="javascript:alert(1)">x</a> '
        '<a href="https://example.org/">ok</a></p><script>alert(1)</script>'
        '<img src=x onerror=alert(1)><h2>Heading</h2><iframe srcdoc="<b>">t</iframe>'
    )
    tree = to_tree(hostile)
    assert _tags(tree) <= TAGS and "script" not in _tags(tree) and "h4" in _tags(tree)
    links = [n for n in tree[0][2] if isinstance(n, list) and n[0] == "a"]
    assert [a[1] for a in links] == ["", "https://example.org/"]
    again = tree_html(tree)
    assert "<script" not in again and "onerror" not in again and "javascript:" not in again
    assert "alert(1)" in again, "the script's words stay as text"
    assert tree_html([["p", "", ["<b>not bold</b>"]]]) == "<p>&lt;b&gt;not bold&lt;/b&gt;</p>"


def test_scenes_that_would_give_the_answer_away_wait_for_the_reveal() -> None:
    import datetime as dt

    from espec_widgets.live.learner import stage_view
    from espec_widgets.store.live import LearnerView, LiveSession, PollState, Tally

    scenario = LIBRARY.scenarios["family-conflict-meeting"]
    agenda = learner_agenda(scenario)
    index = next(i for i, st in enumerate(agenda) if st["id"] == "bedside")
    stage = agenda[index]
    assert stage["after_poll"] == ["bedside-visit", "corridor-rita"]
    now = dt.datetime.now(dt.UTC)
    session = LiveSession(
        1,
        "ACDEFG",
        scenario.id,
        scenario.title,
        tuple(agenda),
        150,
        "x",
        now,
        now,
        now,
        None,
        index,
        now,
        False,
        3,
    )
    poll_id = stage["poll"]["id"]
    before = stage_view(
        LearnerView(session, {poll_id: PollState(poll_id, "open", False)}, {}, {}, [])
    )
    assert before["scenes"] == [] and before["held"] == 2
    assert "bedside-visit" not in json_of(before) and "Mei asks" not in json_of(before)
    counted = Tally((1, 0, 0, 0), (), 1)
    after = stage_view(
        LearnerView(
            session, {poll_id: PollState(poll_id, "closed", True)}, {}, {poll_id: counted}, []
        )
    )
    assert [x["id"] for x in after["scenes"]] == ["bedside-visit", "corridor-rita"]
    assert after["held"] == 0


def json_of(value: Any) -> str:
    import json

    return json.dumps(value)
