"""Checklists driven from Python as the browser would drive them, including tampered values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from traitlets import TraitError

from espec_widgets.activities import widget_for
from espec_widgets.activities.checklist import CLOSED, NOT_RECOGNISED, ChecklistExercise
from espec_widgets.case import parse_case
from espec_widgets.case.runtime import ChecklistItemSpec, ChecklistSpec, from_case

CHECKLIST = """\
  - id: pre-meeting
    type: checklist
    title: Before the family meeting
    prompt: Which of these steps would you take before meeting Ruth's family?
    domains: [Social Aspects of Care]
    skills: [family meetings]
    framework: Family meeting
    items:
      - text: Meet the team first and agree on the medical facts.
        rationale: The family hears one consistent message.
      - text: Confirm who the legal surrogate is.
        rationale: Sam is Ruth's appointed agent; the decision is his to voice.
      - text: Ask who else the family wants in the room.
        rationale: Families define who belongs; ask rather than assume.
      - text: Book a private room and enough time.
        rationale: Hard news needs privacy and time for questions.
"""


@pytest.fixture
def activity(minimal_text: str, tmp_path: Path) -> ChecklistSpec:
    """A checklist written in a case file, through the schema to its runtime form."""
    text = minimal_text.replace(
        "activities: [who-decides, own-reactions]",
        "activities: [who-decides, own-reactions, pre-meeting]",
    ).replace("\nactivities:\n", "\nactivities:\n" + CHECKLIST)
    path = tmp_path / "minimal-case.yaml"
    path.write_text(text, encoding="utf-8")
    act = from_case(parse_case(path)).activity("pre-meeting")
    assert isinstance(act, ChecklistSpec)
    return act


Seen = list[tuple[dict[str, Any], "bool | None"]]


@pytest.fixture
def widget(activity: ChecklistSpec) -> ChecklistExercise:
    return ChecklistExercise(activity)


def _recording(widget: ChecklistExercise) -> Seen:
    seen: Seen = []
    widget.on_response(lambda payload, correct: seen.append((payload, correct)))
    return seen


def _save(widget: ChecklistExercise, value: object) -> None:
    """The Save button: the ticks travel with the action message."""
    widget._on_message(widget, {"event": "save", "value": value}, [])


def test_steps_and_rationales_are_synced_and_there_is_no_key(
    widget: ChecklistExercise, activity: ChecklistSpec
) -> None:
    state = widget.get_state()
    assert state["question"] == "Before the family meeting"
    assert state["prompt"].startswith("Which of these steps")
    assert state["items"] == [i.text for i in activity.items]
    assert state["rationales"] == [i.rationale for i in activity.items]
    assert state["rationales"][1] == "Sam is Ruth's appointed agent; the decision is his to voice."
    assert state["value"] == [] and state["status"] == ""
    assert not {"correct", "key", "feedback", "answer"} & set(state)
    assert not widget.done


def test_the_page_makes_a_checklist_for_a_checklist_activity(activity: ChecklistSpec) -> None:
    assert isinstance(widget_for(activity), ChecklistExercise)


def test_each_change_of_ticks_is_saved_once(widget: ChecklistExercise) -> None:
    seen = _recording(widget)
    widget.set_state({"value": [2, 0]})
    assert widget.value == [0, 2]
    assert seen == [({"checked": [0, 2]}, None)], "ungraded: correct is None"
    assert widget.status == "Saved: 2 of 4 steps ticked."
    widget.set_state({"value": [0, 2]})
    assert len(seen) == 1, "the same ticks are not stored twice"
    widget.set_state({"value": [0, 2, 3]})
    assert seen[-1] == ({"checked": [0, 2, 3]}, None)
    assert widget.status == "Saved: 3 of 4 steps ticked."


def test_save_button_carries_its_own_ticks(widget: ChecklistExercise) -> None:
    seen = _recording(widget)
    widget.set_state({"value": [0]})
    _save(widget, [3, 1])
    assert widget.value == [1, 3]
    assert seen == [({"checked": [0]}, None), ({"checked": [1, 3]}, None)]
    assert widget.status == "Saved: 2 of 4 steps ticked."
    _save(widget, [1, 3])
    widget._on_message(widget, {"event": "save"}, [])
    assert len(seen) == 2, "saving unchanged ticks stores nothing new"
    assert widget.status == "Already saved: 2 of 4 steps ticked."
    widget._on_message(widget, {"event": "submit", "value": [0]}, [])
    assert widget.value == [1, 3] and len(seen) == 2, "only 'save' is an action here"


def test_nothing_is_stored_before_anything_is_ticked(widget: ChecklistExercise) -> None:
    seen = _recording(widget)
    _save(widget, [])
    assert seen == []
    assert widget.status == "Nothing to save yet: tick the steps first."
    assert not widget.done


def test_done_once_a_saved_checklist_has_a_tick(widget: ChecklistExercise) -> None:
    seen = _recording(widget)
    widget.set_state({"value": [2]})
    assert widget.done
    widget.set_state({"value": []})
    assert seen[-1] == ({"checked": []}, None), "unticking everything is saved too"
    assert not widget.done
    assert "Tick at least one step" in widget.status


@pytest.mark.parametrize(
    "value",
    [
        [4],
        [-1],
        [0, 0],
        ["0"],
        "0",
        None,
        {"0": True},
        [True],
        [1.0],
        [10**12],
        list(range(100_000)),
        [0, 1, 2, 3, 0],
    ],
    ids=[
        "out-of-range",
        "negative",
        "repeat",
        "string-item",
        "string",
        "none",
        "dict",
        "bool",
        "float",
        "huge-index",
        "huge-list",
        "too-many",
    ],
)
def test_tampered_values_are_refused(widget: ChecklistExercise, value: object) -> None:
    seen = _recording(widget)
    widget.set_state({"value": [1]})
    widget.set_state({"value": value})
    assert widget.value == [1]
    assert widget.status == NOT_RECOGNISED
    _save(widget, value)
    assert widget.value == [1]
    assert widget.status == NOT_RECOGNISED
    assert seen == [({"checked": [1]}, None)]


@pytest.mark.parametrize(
    "state",
    [
        {"items": ["x"] * 50},
        {"rationales": ["<img src=x onerror=alert(1)>"] * 4},
        {"question": "changed"},
        {"prompt": "changed"},
        {"disabled": False},
        {"status": "Saved: 4 of 4 steps ticked."},
    ],
    ids=lambda s: next(iter(s)),
)
def test_browser_cannot_change_kernel_owned_state(
    widget: ChecklistExercise, state: dict[str, Any]
) -> None:
    widget.disabled = True
    before = widget.get_state()
    widget.set_state(state)
    assert widget.get_state() == before


def test_tampered_items_cannot_widen_the_valid_ticks(widget: ChecklistExercise) -> None:
    seen = _recording(widget)
    widget.set_state({"items": ["x"] * 50, "value": [40]})
    assert widget.value == [] and len(widget.items) == 4
    assert seen == []


def test_disabled_checklist_keeps_its_ticks(widget: ChecklistExercise) -> None:
    seen = _recording(widget)
    widget.set_state({"value": [1]})
    widget.disabled = True
    widget.set_state({"value": [0, 1]})
    assert widget.value == [1] and widget.status == CLOSED
    _save(widget, [2])
    assert widget.value == [1] and widget.status == CLOSED
    widget._on_message(widget, {"event": "save"}, [])
    assert widget.status == "This checklist is closed."
    assert seen == [({"checked": [1]}, None)]


def test_restore_takes_the_last_payload_that_still_fits(widget: ChecklistExercise) -> None:
    seen = _recording(widget)
    widget.restore_state(
        [
            {"checked": [0]},
            {"checked": [3, 1]},
            {"checked": [5]},  # from an edit of the case that had more steps
            {"checked": [2, 2]},
            {"checked": "2"},
            {"checked": [True]},
            {"chosen": [0]},
            {},
        ]
    )
    assert widget.value == [1, 3]
    assert widget.done
    assert widget.status == "Your saved checklist is restored: 2 of 4 steps ticked."
    assert seen == [], "restoring stores nothing"
    _save(widget, [1, 3])
    assert seen == [], "ticks already stored are not stored again"
    widget.set_state({"value": [1]})
    assert seen == [({"checked": [1]}, None)]


def test_restore_without_a_fitting_payload_starts_empty(widget: ChecklistExercise) -> None:
    widget.set_state({"value": [0, 1]})
    widget.restore_state([{"checked": [4]}, {"checked": None}])
    assert widget.value == [] and not widget.done
    widget.restore_state([{"checked": []}])
    assert widget.value == [] and not widget.done, "a saved empty checklist is not done"


def test_restore_checks_payloads_against_the_current_steps(activity: ChecklistSpec) -> None:
    shorter = ChecklistSpec(
        id=activity.id,
        title=activity.title,
        prompt=activity.prompt,
        items=(*activity.items[:2], ChecklistItemSpec("A new step", "Why it is new.")),
    )
    widget = ChecklistExercise(shorter)
    widget.restore_state([{"checked": [0, 2]}, {"checked": [0, 3]}])
    assert widget.value == [0, 2]
    assert widget.items[2] == "A new step"


def test_kernel_side_assignments_are_checked_too(widget: ChecklistExercise) -> None:
    """The kernel's own code breaking the shape is a bug: it raises, and nothing changes."""
    with pytest.raises(TraitError, match="not distinct step indexes"):
        widget.value = [3, 3]
    assert widget.value == []
