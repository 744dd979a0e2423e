"""Classify: items sorted into categories, graded per item in the kernel; tampering refused."""

from __future__ import annotations

from typing import Any

import pytest

from espec_widgets.activities.classify import GENERIC_HINT, UNPLACED, ClassifyExercise
from espec_widgets.case.runtime import CategorySpec, ClassifyItemSpec, ClassifySpec

SPEC = ClassifySpec(
    id="nurse-sort",
    title="Label each line by NURSE element",
    prompt="Which NURSE skill is each line mainly using?",
    categories=(
        CategorySpec("naming", "Naming"),
        CategorySpec("understanding", "Understanding"),
        CategorySpec("respecting", "Respecting"),
    ),
    items=(
        ClassifyItemSpec("It sounds like you're worried.", "naming", "It names the emotion."),
        ClassifyItemSpec(
            "I can't imagine how hard this is.", "understanding", "It conveys understanding."
        ),
        ClassifyItemSpec(
            "You have been so devoted to him.", "respecting", "It respects her effort."
        ),
    ),
)


def _send(widget: ClassifyExercise, content: dict[str, Any]) -> None:
    widget._on_message(widget, content, [])


def test_state_carries_no_key() -> None:
    widget = ClassifyExercise(SPEC)
    state = widget.get_state()
    assert state["value"] == [UNPLACED] * 3 and state["feedback"] == []
    assert "names the emotion" not in repr(state)
    assert state["categories"] == ["Naming", "Understanding", "Respecting"]


def test_partial_then_full_sort() -> None:
    widget = ClassifyExercise(SPEC)
    seen: list[tuple[dict[str, Any], bool | None]] = []
    widget.on_response(lambda payload, correct: seen.append((payload, correct)))
    _send(widget, {"event": "submit", "value": [0, -1, 2]})
    assert seen == [] and widget.status == "Choose a category for every item first (1 left)."
    _send(widget, {"event": "submit", "value": [0, 2, 1]})
    assert seen == [({"placements": [0, 2, 1]}, False)]
    assert widget.feedback[0] == {
        "kind": "correct",
        "verdict": "In the right category",
        "text": "It names the emotion.",
    }
    wrong = widget.feedback[1]
    assert wrong["kind"] == "incorrect"
    # A wrong item names the category the learner chose and gives a hint, never the right one.
    assert wrong["verdict"] == f"Not yet: not “{widget.categories[2]}”"
    assert wrong["text"] == GENERIC_HINT
    assert widget.categories[1] not in wrong["verdict"] + wrong["text"]
    assert "1 of 3 in the right category" in widget.status
    assert widget.verdict == "partial"
    _send(widget, {"event": "submit", "value": [0, 1, 2]})
    assert seen[-1] == ({"placements": [0, 1, 2]}, True)
    assert all(f["kind"] == "correct" for f in widget.feedback)
    assert widget.verdict == "correct" and "all 3 in the right category" in widget.status
    assert widget.done


@pytest.mark.parametrize(
    "value",
    [
        [0, 1],
        [0, 1, 2, 0],
        [0, 1, 3],
        [0, 1, -2],
        ["0", 1, 2],
        None,
        "012",
        [True, 1, 2],
    ],
)
def test_tampered_placements_are_refused(value: object) -> None:
    widget = ClassifyExercise(SPEC)
    widget.set_state({"value": [0, 1, 0]})
    widget.set_state({"value": value})
    assert widget.value == [0, 1, 0]
    seen: list[Any] = []
    widget.on_response(lambda payload, correct: seen.append(payload))
    _send(widget, {"event": "submit", "value": value})
    assert seen == [], "a refused value is never graded or stored"


def test_kernel_owned_state_cannot_be_written() -> None:
    widget = ClassifyExercise(SPEC)
    widget.set_state(
        {
            "categories": ["A"] * 9,
            "items": ["x"],
            "feedback": [{"kind": "correct"}],
            "disabled": True,
        }
    )
    assert len(widget.categories) == 3 and len(widget.items) == 3
    assert widget.feedback == [] and not widget.disabled


def test_disabled_refuses() -> None:
    widget = ClassifyExercise(SPEC)
    widget.disabled = True
    _send(widget, {"event": "submit", "value": [0, 1, 2]})
    assert widget.attempts == [] and widget.value == [UNPLACED] * 3


def test_restore_regrades_and_skips_what_no_longer_fits() -> None:
    widget = ClassifyExercise(SPEC)
    widget.restore_state(
        [
            {"placements": [0, 2, 1]},
            {"placements": [0, 1, 9]},
            {"nope": 1},
            {"placements": [0, 1, 2]},
        ]
    )
    assert [c for _, c in widget.attempts] == [False, True]
    assert widget.value == [0, 1, 2] and widget.feedback[2]["kind"] == "correct"


def test_a_wrong_item_shows_its_own_hint_when_the_case_gives_one() -> None:
    hinted = ClassifyItemSpec(
        "You have been so devoted to him.",
        "respecting",
        "It respects her effort.",
        hint="Is this line about a feeling, or about what she has done?",
    )
    widget = ClassifyExercise(
        ClassifySpec(
            id=SPEC.id,
            title=SPEC.title,
            prompt=SPEC.prompt,
            categories=SPEC.categories,
            items=(*SPEC.items[:2], hinted),
        )
    )
    _send(widget, {"event": "submit", "value": [1, 0, 0]})
    assert [f["kind"] for f in widget.feedback] == ["incorrect"] * 3
    assert widget.feedback[2]["text"] == hinted.hint
    assert widget.feedback[0]["text"] == GENERIC_HINT
    assert widget.verdict == "incorrect"
    assert "0 of 3 in the right category" in widget.status
