"""The branching encounter driven as the browser drives it: moves, conditions, replay, resume."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from espec_widgets.activities import widget_for
from espec_widgets.activities.branching import (
    ALREADY_AT_START,
    CHOOSE_FIRST,
    CLOSED,
    ENDED,
    RESTARTED,
    RESUMED,
    RESUMED_EDITED,
    STUCK,
    UNRECOGNISED,
    BranchingEncounter,
)
from espec_widgets.case.runtime import (
    BranchChoiceSpec,
    BranchingSpec,
    BranchNodeSpec,
    EndingSpec,
)

MARISOL = "Marisol Reyes (patient)"
TOMAS = "Tomás Reyes (husband)"


def _choice(
    text: str,
    next: str,
    feedback: str,
    *,
    when: str | None = None,
    set: tuple[str, ...] = (),
    clear: tuple[str, ...] = (),
    add: dict[str, int] | None = None,
) -> BranchChoiceSpec:
    return BranchChoiceSpec(text, next, feedback, when, set, clear, add or {})


OPEN_EXPLORE = _choice(
    "That is a lot to be handed at once. What has been going through your mind since?",
    "n-think",
    "FB-explore: naming the weight of it and asking opens the conversation.",
    set=("explored",),
    add={"trust": 1},
)
OPEN_RUSH = _choice(
    "Most people choose home. Shall I start the hospice paperwork?",
    "n-rushed",
    "FB-rush: a plan before understanding skips what she is asking.",
    when="not repaired",
    add={"trust": -1},
)
OPEN_GARDEN = _choice(
    "You have mentioned the garden twice. What would it mean to be near it?",
    "n-garden",
    "FB-garden: following her own words invites her values.",
    when="explored and trust >= 2",
)
THINK_TOGETHER = _choice(
    "Would it help to talk together about what care at home could look like for you both?",
    "n-together",
    "FB-together: bringing Tomás in is supportive, though her own wishes were not explored.",
    when="trust >= 1",
)
THINK_MORE = _choice(
    "You are carrying his worry as well as your own. Tell me more.",
    "n-open",
    "FB-more: naming and exploring the emotion deepens trust.",
    add={"trust": 1},
)
THINK_FACILITY = _choice(
    "Then a facility is probably best for him.",
    "n-missed",
    "FB-facility: deciding for her takes the choice away from her.",
)
RUSHED_REPAIR = _choice(
    "You are right, I rushed ahead. Can we start with what you do know?",
    "n-open",
    "FB-repair: owning the misstep can repair trust.",
    set=("repaired",),
    clear=("explored",),
)
RUSHED_LEAFLET = _choice(
    "I will leave you a leaflet to read.",
    "n-missed",
    "FB-leaflet: a leaflet cannot answer what she is asking.",
)

SPEC = BranchingSpec(
    id="where-at-the-end",
    title="Where do I want to be?",
    prompt="Marisol has just been asked where she wants to be at the end of her life.",
    start="n-open",
    flags=("explored", "repaired"),
    counters=("trust",),
    nodes=(
        BranchNodeSpec(
            "n-open",
            MARISOL,
            "The nurse said I should think about where I want to be at the end. "
            "I don't even know what that means.",
            (OPEN_EXPLORE, OPEN_RUSH, OPEN_GARDEN),
            None,
        ),
        BranchNodeSpec(
            "n-think",
            MARISOL,
            "Mostly Tomás. He cannot stand to see me hurting.",
            (THINK_TOGETHER, THINK_MORE, THINK_FACILITY),
            None,
        ),
        BranchNodeSpec(
            "n-rushed",
            MARISOL,
            "I said I don't even know what it means.",
            (RUSHED_REPAIR, RUSHED_LEAFLET),
            None,
        ),
        BranchNodeSpec(
            "n-garden",
            MARISOL,
            "My mother planted those roses. I would want to see them.",
            (),
            EndingSpec("strong", "Marisol named what matters to her; the plan can follow it."),
        ),
        BranchNodeSpec(
            "n-together",
            TOMAS,
            "I would rather hear it from you both than guess.",
            (),
            EndingSpec("mixed", "The couple will talk, but Marisol's own hopes are unheard."),
        ),
        BranchNodeSpec(
            "n-missed",
            MARISOL,
            "Fine. Leave it on the table.",
            (),
            EndingSpec("missed", "Her question was never answered, and she stopped asking."),
        ),
    ),
)
SECRETS = [
    "FB-",
    "n-open",
    "n-think",
    "n-rushed",
    "n-garden",
    "n-together",
    "n-missed",
    "explored",
    "repaired",
    "trust",
    ">=",
]


def _send(widget: BranchingEncounter, content: dict[str, Any]) -> None:
    """A message from the page, exactly as the front end sends it."""
    widget._on_message(widget, content, [])


def _choose(widget: BranchingEncounter, value: Any) -> None:
    _send(widget, {"event": "choose", "value": value})


def _recording(widget: BranchingEncounter) -> list[tuple[dict[str, Any], bool | None]]:
    seen: list[tuple[dict[str, Any], bool | None]] = []
    widget.on_response(lambda payload, correct: seen.append((payload, correct)))
    return seen


def _snapshot(widget: BranchingEncounter) -> dict[str, Any]:
    state = widget.get_state()
    return {k: state[k] for k in ("history", "speaker", "text", "choices", "ending", "value")}


def test_registered_for_branching() -> None:
    assert isinstance(widget_for(SPEC), BranchingEncounter)


def test_state_carries_no_graph() -> None:
    widget = BranchingEncounter(SPEC)
    state = widget.get_state()
    assert state["speaker"] == MARISOL
    assert state["text"] == SPEC.nodes[0].text
    assert state["choices"] == [OPEN_EXPLORE.text, OPEN_RUSH.text]
    assert state["history"] == [] and state["ending"] == {} and state["value"] == -1
    text = repr(state)
    for secret in SECRETS:
        assert secret not in text
    assert not {"next", "feedback", "when", "flags", "counters", "nodes", "path"} & set(state)


def test_choosing_moves_on_and_reveals_only_the_chosen_feedback() -> None:
    widget = BranchingEncounter(SPEC)
    seen = _recording(widget)
    _choose(widget, 0)
    assert seen == [({"path": [["n-open", 0]]}, None)]
    assert widget.history == [
        {
            "speaker": MARISOL,
            "text": SPEC.nodes[0].text,
            "you": OPEN_EXPLORE.text,
            "feedback": OPEN_EXPLORE.feedback,
        }
    ]
    assert widget.text == SPEC.nodes[1].text
    assert widget.status == f"Marisol Reyes responds: “{SPEC.nodes[1].text}”"
    assert widget.value == -1, "the selection is cleared for the next line"
    text = repr(widget.get_state())
    assert "FB-explore" in text
    for secret in [s for s in SECRETS if s != "FB-"] + ["FB-rush", "FB-garden", "FB-together"]:
        assert secret not in text


def test_choosing_by_a_state_update_then_the_action() -> None:
    widget = BranchingEncounter(SPEC)
    seen = _recording(widget)
    widget.set_state({"value": 1})
    assert widget.value == 1
    _send(widget, {"event": "choose"})
    assert seen == [({"path": [["n-open", 1]]}, None)]
    assert widget.text == SPEC.nodes[2].text


def test_nothing_chosen() -> None:
    widget = BranchingEncounter(SPEC)
    seen = _recording(widget)
    _send(widget, {"event": "choose"})
    assert widget.status == CHOOSE_FIRST
    assert seen == [] and widget.history == []


def test_conditions_hide_and_show_choices() -> None:
    widget = BranchingEncounter(SPEC)
    assert widget.choices == [OPEN_EXPLORE.text, OPEN_RUSH.text]  # garden: not explored yet
    _choose(widget, 0)  # explored, trust 1
    assert widget.choices == [THINK_TOGETHER.text, THINK_MORE.text, THINK_FACILITY.text]
    _choose(widget, 1)  # back at the start, trust 2
    assert widget.choices == [OPEN_EXPLORE.text, OPEN_RUSH.text, OPEN_GARDEN.text]


def test_counters_go_down_as_well_as_up_and_the_path_keeps_original_indexes() -> None:
    widget = BranchingEncounter(SPEC)
    seen = _recording(widget)
    _choose(widget, 1)  # rushed: trust -1
    _choose(widget, 0)  # repaired, back at the start: trust still -1
    _choose(widget, 0)  # explored: trust 0
    # 'trust >= 1' is false, so the first choice is hidden and the offer shifts by one.
    assert widget.choices == [THINK_MORE.text, THINK_FACILITY.text]
    _choose(widget, 1)
    assert seen[-1][0] == {"path": [["n-open", 1], ["n-rushed", 0], ["n-open", 0], ["n-think", 2]]}
    assert widget.history[-1]["you"] == THINK_FACILITY.text
    assert widget.ending["kind"] == "missed"


def test_flags_are_set_and_cleared() -> None:
    widget = BranchingEncounter(SPEC)
    _choose(widget, 0)  # explored
    _choose(widget, 1)  # back at the start with trust 2: the garden is open
    assert OPEN_GARDEN.text in widget.choices
    _choose(widget, 1)  # rush after all
    _choose(widget, 0)  # repair: sets repaired (no more rushing), clears explored (no garden)
    assert widget.choices == [OPEN_EXPLORE.text]


@pytest.mark.parametrize(
    ("moves", "kind", "label", "speaker"),
    [
        ([0, 1, 2], "strong", "A strong ending", MARISOL),
        ([0, 0], "mixed", "A mixed ending", TOMAS),
        ([1, 1], "missed", "A missed opportunity", MARISOL),
    ],
)
def test_endings_are_named_in_words(moves: list[int], kind: str, label: str, speaker: str) -> None:
    widget = BranchingEncounter(SPEC)
    seen = _recording(widget)
    for move in moves:
        assert not widget.done
        _choose(widget, move)
    node = next(n for n in SPEC.nodes if n.ending and n.ending.kind == kind)
    assert node.ending is not None
    assert widget.ending == {"kind": kind, "label": label, "summary": node.ending.summary}
    assert widget.choices == [] and widget.speaker == speaker
    assert widget.status.endswith(f"The conversation has ended: {label.lower()}.")
    assert widget.done
    assert len(seen) == len(moves) and all(correct is None for _, correct in seen)


def test_no_choice_at_an_ending() -> None:
    widget = BranchingEncounter(SPEC)
    _choose(widget, 0)
    _choose(widget, 0)
    seen = _recording(widget)
    before = _snapshot(widget)
    _choose(widget, 0)
    assert widget.status == ENDED
    _send(widget, {"event": "choose"})
    assert widget.status == ENDED
    assert seen == [] and _snapshot(widget) == before


def test_replay_keeps_an_empty_path_and_starts_again() -> None:
    widget = BranchingEncounter(SPEC)
    seen = _recording(widget)
    _choose(widget, 0)
    _choose(widget, 0)
    assert widget.done
    _send(widget, {"event": "replay"})
    assert seen[-1] == ({"path": []}, None)
    assert widget.status == RESTARTED
    assert widget.history == [] and widget.ending == {}
    assert widget.text == SPEC.nodes[0].text
    assert widget.choices == [OPEN_EXPLORE.text, OPEN_RUSH.text], "flags and counters reset"
    assert widget.done, "an ending was reached in an earlier run"
    _choose(widget, 1)
    assert seen[-1] == ({"path": [["n-open", 1]]}, None), "the new run's path starts afresh"


def test_replay_at_the_start_is_not_stored() -> None:
    widget = BranchingEncounter(SPEC)
    seen = _recording(widget)
    _send(widget, {"event": "replay"})
    assert widget.status == ALREADY_AT_START and seen == []


def test_restore_replays_the_last_path() -> None:
    widget = BranchingEncounter(SPEC)
    widget.restore_state(
        [
            {"path": [["n-open", 0]]},
            {"path": [["n-open", 0], ["n-think", 1]]},
        ]
    )
    assert [h["you"] for h in widget.history] == [OPEN_EXPLORE.text, THINK_MORE.text]
    assert widget.choices == [OPEN_EXPLORE.text, OPEN_RUSH.text, OPEN_GARDEN.text]
    assert widget.status == RESUMED
    assert not widget.done
    seen = _recording(widget)
    _choose(widget, 2)  # the restored flags and counters hold
    assert seen == [({"path": [["n-open", 0], ["n-think", 1], ["n-open", 2]]}, None)]
    assert widget.ending["kind"] == "strong"


def test_restore_tracks_an_ending_in_any_run() -> None:
    widget = BranchingEncounter(SPEC)
    widget.restore_state(
        [
            {"path": [["n-open", 1]]},
            {"path": [["n-open", 1], ["n-rushed", 1]]},  # a missed ending
            {"path": []},
            {"path": [["n-open", 0]]},
        ]
    )
    assert widget.done
    assert widget.text == SPEC.nodes[1].text and widget.ending == {}
    fresh = BranchingEncounter(SPEC)
    fresh.restore_state([{"path": [["n-open", 1]]}, {"path": []}])
    assert not fresh.done and fresh.history == [] and fresh.status == ""


def test_restore_with_nothing_stored() -> None:
    widget = BranchingEncounter(SPEC)
    widget.restore_state([])
    assert widget.history == [] and not widget.done and widget.status == ""
    assert widget.choices == [OPEN_EXPLORE.text, OPEN_RUSH.text]


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ([["n-open", 0], ["n-gone", 0]], 1),  # a node that is not there
        ([["n-open", 0], ["n-open", 0]], 1),  # not the node the run is at
        ([["n-open", 0], ["n-think", 3]], 1),  # no such choice
        ([["n-open", 0], ["n-think", -1]], 1),
        ([["n-open", 2]], 0),  # the garden's condition does not hold yet
        ([["n-open", 1], ["n-rushed", 0], ["n-open", 1]], 2),  # repaired: no rushing again
        ([["n-open", 0], ["n-think", "1"]], 1),
        ([["n-open", 0], ["n-think", True]], 1),
        ([["n-open", 0], "n-think"], 1),
        ([["n-open", 0], ["n-think", 1, 0]], 1),
        ([["n-open", 1], ["n-rushed", 1], ["n-missed", 0]], 2),  # past an ending
    ],
)
def test_restore_stops_at_the_first_step_that_no_longer_fits(path: Any, kept: int) -> None:
    widget = BranchingEncounter(SPEC)
    widget.restore_state([{"path": path}])
    assert len(widget.history) == kept
    assert widget.status == RESUMED_EDITED


def test_restore_ignores_malformed_payloads() -> None:
    widget = BranchingEncounter(SPEC)
    widget.restore_state([{"path": [["n-open", 0]]}, {"chosen": [1]}, "junk"])  # type: ignore[list-item]
    assert [h["you"] for h in widget.history] == [OPEN_EXPLORE.text]
    widget.restore_state([{"path": [["n-open", 0]]}, {"path": "n-open"}, {"path": None}])
    assert [h["you"] for h in widget.history] == [OPEN_EXPLORE.text]
    assert widget.status == RESUMED


def test_restore_follows_the_case_as_edited() -> None:
    think = SPEC.nodes[1]
    edited = dataclasses.replace(
        SPEC,
        nodes=(
            SPEC.nodes[0],
            dataclasses.replace(think, choices=think.choices[:2]),
            *SPEC.nodes[2:],
        ),
    )
    widget = BranchingEncounter(edited)
    widget.restore_state([{"path": [["n-open", 0], ["n-think", 2]]}])  # the facility line is gone
    assert len(widget.history) == 1 and widget.text == think.text
    assert widget.status == RESUMED_EDITED
    assert not widget.done, "the ending reached before no longer fits the case"


@pytest.mark.parametrize("value", [2, 3, -1, -2, "0", None, True, 0.0, [0], {"i": 0}])
def test_tampered_values_are_refused(value: Any) -> None:
    widget = BranchingEncounter(SPEC)
    seen = _recording(widget)
    before = _snapshot(widget)
    _choose(widget, value)
    assert widget.status == UNRECOGNISED
    assert seen == [] and _snapshot(widget) == before
    widget.status = ""
    widget.set_state({"value": value})
    assert widget.status == UNRECOGNISED and widget.value == -1


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("history", [{"speaker": "x", "text": "y", "you": "z", "feedback": "w"}]),
        ("speaker", "Someone else"),
        ("text", "Another line"),
        ("choices", ["A line the case does not have"]),
        ("ending", {"kind": "strong", "label": "A strong ending", "summary": "Faked"}),
        ("status", "Well done"),
        ("disabled", True),
        ("question", "Another title"),
        ("prompt", "Another prompt"),
    ],
)
def test_kernel_owned_traits_cannot_be_written(name: str, value: Any) -> None:
    widget = BranchingEncounter(SPEC)
    before = widget.get_state()
    widget.set_state({name: value})
    assert widget.get_state() == before


def test_a_closed_conversation_refuses_everything() -> None:
    widget = BranchingEncounter(SPEC)
    seen = _recording(widget)
    widget.disabled = True
    before = _snapshot(widget)
    _choose(widget, 0)
    assert widget.status == CLOSED
    widget.set_state({"value": 1})
    _send(widget, {"event": "choose"})
    _send(widget, {"event": "replay"})
    assert widget.status == CLOSED
    assert seen == [] and _snapshot(widget) == before


def test_replay_while_closed_is_refused() -> None:
    widget = BranchingEncounter(SPEC)
    _choose(widget, 0)
    widget.disabled = True
    seen = _recording(widget)
    _send(widget, {"event": "replay"})
    assert widget.status == CLOSED and seen == [] and len(widget.history) == 1


def test_unknown_events_do_nothing() -> None:
    widget = BranchingEncounter(SPEC)
    seen = _recording(widget)
    before = _snapshot(widget)
    _send(widget, {"event": "jump", "value": "n-garden"})
    _send(widget, {"event": "choose", "value": 0, "next": "n-garden"})
    assert seen == [({"path": [["n-open", 0]]}, None)]
    assert widget.text == SPEC.nodes[1].text and before["history"] == []


def test_a_node_with_no_open_choice_says_so() -> None:
    # `espec check` refuses such a graph; the widget still never leaves the learner silent.
    stuck = dataclasses.replace(
        SPEC,
        nodes=(
            dataclasses.replace(
                SPEC.nodes[0], choices=(dataclasses.replace(OPEN_RUSH, when="repaired"),)
            ),
            *SPEC.nodes[1:],
        ),
    )
    widget = BranchingEncounter(stuck)
    assert widget.choices == [] and widget.ending == {}
    _choose(widget, 0)
    assert widget.status == STUCK
