"""Self-assessment ratings driven from Python as the browser would drive them, tampering included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from espec_widgets.activities import widget_for
from espec_widgets.activities.self_assessment import SelfAssessmentScale
from espec_widgets.case import parse_case
from espec_widgets.case.activities import DEFAULT_SCALE
from espec_widgets.case.runtime import SelfAssessmentSpec, from_case

ITEMS = (
    "How confident are you leading a family meeting when relatives disagree?",
    "How confident are you explaining who the legal surrogate is?",
    "How confident are you noticing your own reactions to a family's grief?",
)
SCALE = tuple(DEFAULT_SCALE)


def _spec(*, retrospective: bool = True, items: tuple[str, ...] = ITEMS) -> SelfAssessmentSpec:
    return SelfAssessmentSpec(
        id="confidence",
        title="Your confidence, before and now",
        prompt="Rate each statement for yourself.",
        items=items,
        scale=SCALE,
        retrospective=retrospective,
    )


Emitted = list[tuple[dict[str, Any], "bool | None"]]


def _widget(*, retrospective: bool = True) -> tuple[SelfAssessmentScale, Emitted]:
    widget = SelfAssessmentScale(_spec(retrospective=retrospective))
    seen: Emitted = []
    widget.on_response(lambda payload, correct: seen.append((payload, correct)))
    return widget, seen


def _save(widget: SelfAssessmentScale, value: object) -> None:
    """Press Save (or let the autosave fire) exactly as the page does: the value travels along."""
    widget._on_message(widget, {"event": "save", "value": value}, [])


def test_state_synced_to_the_page() -> None:
    widget = SelfAssessmentScale(_spec())
    state = widget.get_state()
    assert state["question"] == "Your confidence, before and now"
    assert state["prompt"] == "Rate each statement for yourself."
    assert state["items"] == list(ITEMS)
    assert state["scale"] == list(SCALE)
    assert state["retrospective"] is True
    assert state["value"] == {"before": [-1, -1, -1], "now": [-1, -1, -1]}
    assert state["summary"] == []
    own = {
        "question",
        "prompt",
        "items",
        "scale",
        "retrospective",
        "value",
        "summary",
        "disabled",
        "status",
        "verdict",
    }
    extra = {k for k in state if not k.startswith("_")} - own - {"layout", "tabbable", "tooltip"}
    assert extra == set(), f"unexpected synced traits: {extra}"
    assert not {"points", "_saved", "_accepted", "_activity"} & set(state)
    assert widget._browser_inputs == {"value"}


def test_case_file_defaults_reach_the_widget(tmp_path: Path, minimal_text: str) -> None:
    """A case author writes only items: the five default labels and 'before and now' apply."""
    text = minimal_text.replace(
        "    activities: [who-decides, own-reactions]",
        "    activities: [who-decides, own-reactions, confidence]",
    ).replace(
        "debrief: |",
        "  - id: confidence\n"
        "    type: self_assessment\n"
        "    title: Your confidence\n"
        "    prompt: Rate each statement.\n"
        "    domains: [Social Aspects of Care]\n"
        "    skills: [family meetings]\n"
        "    items:\n"
        "      - How confident are you leading a family meeting when relatives disagree?\n"
        "      - How confident are you naming the legal surrogate?\n"
        "debrief: |",
    )
    path = tmp_path / "minimal-case.yaml"
    path.write_text(text, encoding="utf-8")
    spec = from_case(parse_case(path)).activity("confidence")
    widget = widget_for(spec)
    assert isinstance(widget, SelfAssessmentScale)
    assert widget.scale == DEFAULT_SCALE and widget.retrospective is True
    assert widget.value == {"before": [-1, -1], "now": [-1, -1]}


def test_saving_emits_the_ratings_ungraded() -> None:
    widget, seen = _widget()
    value = {"before": [1, 0, -1], "now": [3, 2, -1]}
    _save(widget, value)
    assert seen == [({"before": [1, 0, -1], "now": [3, 2, -1], "points": 5}, None)]
    assert widget.value == value
    assert widget.status == "Saved: 2 of 3 items rated."
    _save(widget, {"before": [1, 0, -1], "now": [3, 2, 4]})
    assert widget.status == "Saved: 2 of 3 items rated (1 more rated only in part)."
    _save(widget, {"before": [1, 0, 2], "now": [3, 2, 4]})
    assert widget.status == "Saved: 3 of 3 items rated."
    assert [payload["now"] for payload, _ in seen] == [[3, 2, -1], [3, 2, 4], [3, 2, 4]]
    assert all(correct is None for _, correct in seen)


def test_state_update_then_save_without_value() -> None:
    """The page may send the state update first and a bare save after it."""
    widget, seen = _widget()
    widget.set_state({"value": {"before": [0, 0, 0], "now": [1, 1, 1]}})
    assert seen == [], "a state update alone stores nothing"
    widget._on_message(widget, {"event": "save"}, [])
    assert seen == [({"before": [0, 0, 0], "now": [1, 1, 1], "points": 5}, None)]


def test_nothing_is_emitted_without_a_change() -> None:
    widget, seen = _widget()
    _save(widget, {"before": [-1, -1, -1], "now": [-1, -1, -1]})
    assert seen == []
    assert widget.status == "Choose a rating for at least one statement first; nothing was saved."
    _save(widget, {"before": [0, 1, 2], "now": [2, 2, 2]})
    _save(widget, {"before": [0, 1, 2], "now": [2, 2, 2]})
    assert len(seen) == 1
    assert widget.status == "Saved. No changes since the last save."
    widget._on_message(
        widget, {"event": "submit", "value": {"before": [0] * 3, "now": [0] * 3}}, []
    )
    widget._on_message(widget, {"value": {"before": [0] * 3, "now": [0] * 3}}, [])
    assert len(seen) == 1, "only 'save' saves"


def test_repeated_status_is_announced_again() -> None:
    """Pressing Save twice sets the same text twice: the page must see a change each time."""
    widget, _ = _widget()
    _save(widget, {"before": [0, 1, 2], "now": [2, 2, 2]})
    shown: list[str] = []
    widget.observe(lambda change: shown.append(change["new"]), names="status")
    _save(widget, {"before": [0, 1, 2], "now": [2, 2, 2]})
    _save(widget, {"before": [0, 1, 2], "now": [2, 2, 2]})
    assert shown[-1] == "Saved. No changes since the last save."
    assert shown.count("Saved. No changes since the last save.") == 2


def test_a_save_the_page_could_not_store_can_be_retried() -> None:
    """The page's handler returns False when the store fails (CasePage._record); Save must retry."""
    widget = SelfAssessmentScale(_spec())
    stored: list[dict[str, Any]] = []
    failing = [True]

    def record(payload: dict[str, Any], correct: bool | None) -> bool:
        if failing[0]:
            widget.status += " (This answer could not be saved; please try again.)"
            return False
        stored.append(payload)
        return True

    widget.on_response(record)
    ratings = {"before": [0, 0, 0], "now": [1, 1, 1]}
    _save(widget, ratings)
    assert widget.status.endswith("please try again.)")
    assert not widget.done and widget.summary == []
    failing[0] = False
    _save(widget, ratings)
    assert stored == [{**ratings, "points": 5}]
    assert widget.status == "Saved: 3 of 3 items rated." and widget.done


def test_summary_describes_each_item_before_and_now() -> None:
    widget, _ = _widget()
    _save(widget, {"before": [1, 3, -1], "now": [3, 1, -1]})
    assert widget.summary == [
        f"{ITEMS[0]} — before 'Slightly confident', now 'Very confident' (up 2).",
        f"{ITEMS[1]} — before 'Very confident', now 'Slightly confident' (down 2).",
        f"{ITEMS[2]} — not rated yet.",
    ]
    _save(widget, {"before": [1, 2, 4], "now": [1, -1, -1]})
    assert widget.summary == [
        f"{ITEMS[0]} — before 'Slightly confident', now 'Slightly confident' (no change).",
        f"{ITEMS[1]} — before 'Moderately confident' (no 'now' rating yet).",
        f"{ITEMS[2]} — before 'Completely confident' (no 'now' rating yet).",
    ]
    _save(widget, {"before": [1, -1, 4], "now": [1, 0, 4]})
    assert widget.summary[1] == f"{ITEMS[1]} — now 'Not at all confident' (no 'before' rating yet)."
    words = " ".join(widget.summary).lower()
    assert not any(judgement in words for judgement in ("good", "bad", "well done", "should"))


def test_summary_waits_for_a_save() -> None:
    widget, _ = _widget()
    widget.set_state({"value": {"before": [0, 0, 0], "now": [4, 4, 4]}})
    assert widget.summary == [], "unsaved ratings are not summarised"


def test_rated_once_when_not_retrospective() -> None:
    widget, seen = _widget(retrospective=False)
    assert widget.get_state()["value"] == {"now": [-1, -1, -1]}
    _save(widget, {"now": [4, 0, 2]})
    assert seen == [({"now": [4, 0, 2], "points": 5}, None)]
    assert widget.status == "Saved: 3 of 3 items rated."
    assert widget.summary == []
    assert widget.done
    _save(widget, {"before": [0, 0, 0], "now": [0, 0, 0]})
    assert widget.value == {"now": [4, 0, 2]} and len(seen) == 1


TAMPERED: dict[str, object] = {
    "now-too-short": {"before": [0, 0, 0], "now": [0, 0]},
    "before-too-long": {"before": [0, 0, 0, 0], "now": [0, 0, 0]},
    "empty-lists": {"before": [], "now": []},
    "huge-list": {"before": [0] * 100_000, "now": [0] * 100_000},
    "past-the-scale": {"before": [0, 0, 0], "now": [0, 5, 0]},
    "below-unrated": {"before": [0, -2, 0], "now": [0, 0, 0]},
    "huge-number": {"before": [0, 0, 0], "now": [10**12, 0, 0]},
    "string-rating": {"before": [0, 0, 0], "now": ["2", 0, 0]},
    "bool-rating": {"before": [0, 0, 0], "now": [True, 0, 0]},
    "float-rating": {"before": [0, 0, 0], "now": [1.0, 0, 0]},
    "none-rating": {"before": [0, 0, 0], "now": [None, 0, 0]},
    "nested-list": {"before": [0, 0, 0], "now": [[1], 0, 0]},
    "ratings-not-a-list": {"before": "000", "now": [0, 0, 0]},
    "ratings-a-dict": {"before": {"0": 1}, "now": [0, 0, 0]},
    "missing-before": {"now": [0, 0, 0]},
    "missing-now": {"before": [0, 0, 0]},
    "extra-key": {"before": [0, 0, 0], "now": [0, 0, 0], "points": 99},
    "wrong-key": {"after": [0, 0, 0], "now": [0, 0, 0]},
    "empty-object": {},
    "string": "everything very confident",
    "none": None,
    "list": [[0, 0, 0], [0, 0, 0]],
    "number": 3,
}


@pytest.mark.parametrize("value", list(TAMPERED.values()), ids=list(TAMPERED))
def test_tampered_values_are_refused(value: object) -> None:
    widget, seen = _widget()
    good = {"before": [1, 1, 1], "now": [2, 2, 2]}
    widget.set_state({"value": good})
    widget.set_state({"value": value})
    assert widget.value == good
    assert (
        widget.status
        == "Those ratings were not recognised, so nothing was changed. Please rate again."
    )
    _save(widget, value)
    assert seen == [], "a refused value is never saved"
    assert widget.value == good
    _save(widget, good)
    assert seen == [({**good, "points": 5}, None)]


@pytest.mark.parametrize(
    "state",
    [
        {"items": ["Something else entirely"]},
        {"scale": ["No", "Yes"]},
        {"retrospective": False},
        {"disabled": True},
        {"status": "<img src=x onerror=alert(1)>"},
        {"summary": ["You are doing great"]},
        {"question": "changed"},
        {"prompt": "changed"},
    ],
    ids=lambda s: next(iter(s)),
)
def test_browser_cannot_change_kernel_owned_state(state: dict[str, Any]) -> None:
    widget, _ = _widget()
    before = widget.get_state()
    widget.set_state(state)
    assert widget.get_state() == before


def test_tampered_scale_cannot_widen_the_valid_ratings() -> None:
    widget, seen = _widget()
    widget.set_state({"scale": ["x"] * 50, "retrospective": False, "value": {"now": [40, 0, 0]}})
    assert len(widget.scale) == 5 and widget.retrospective
    assert widget.value == {"before": [-1, -1, -1], "now": [-1, -1, -1]}
    _save(widget, {"before": [0, 0, 0], "now": [40, 0, 0]})
    assert seen == []


def test_disabled_refuses_changes_and_saves() -> None:
    widget, seen = _widget()
    widget.set_state({"value": {"before": [0, 0, 0], "now": [1, 1, 1]}})
    widget.disabled = True
    widget.set_state({"value": {"before": [4, 4, 4], "now": [4, 4, 4]}})
    assert widget.value == {"before": [0, 0, 0], "now": [1, 1, 1]}
    assert widget.status == "This self-assessment is closed; your ratings were not changed."
    _save(widget, {"before": [0, 0, 0], "now": [1, 1, 1]})
    assert seen == []
    assert widget.status == "This self-assessment is closed; your ratings were not saved."
    widget.disabled = False
    _save(widget, {"before": [0, 0, 0], "now": [1, 1, 1]})
    assert len(seen) == 1


def test_restore_uses_the_last_payload_that_still_fits() -> None:
    widget, seen = _widget()
    payloads = [
        {"before": [0, 0, 0], "now": [1, 1, 1], "points": 5},
        {"before": [1, 1, 1], "now": [2, 2, 2], "points": 5},  # the last valid one
        {"before": [0, 0], "now": [1, 1], "points": 5},  # an item was removed since
        {"before": [0, 0, 0], "now": [1, 9, 1], "points": 5},  # out of range
        {"before": [0, 0, 0], "now": [1, 1, 1], "points": 7},  # the scale had 7 labels
        {"before": [0, 0, 0], "now": [1, 1, 1]},  # no scale size
        {"before": [0, 0, 0], "now": [1, 1, 1], "points": True},
        {"before": [0, 0, 0], "now": ["1", 1, 1], "points": 5},
        {"chosen": [0]},
        "not a payload",
    ]
    widget.restore_state(payloads)  # type: ignore[arg-type]
    assert widget.value == {"before": [1, 1, 1], "now": [2, 2, 2]}
    assert (
        widget.summary[0]
        == f"{ITEMS[0]} — before 'Slightly confident', now 'Moderately confident' (up 1)."
    )
    assert widget.status == "Your saved ratings are restored: 3 of 3 items rated."
    assert widget.done
    assert seen == [], "restoring stores nothing"
    _save(widget, {"before": [1, 1, 1], "now": [2, 2, 2]})
    assert seen == [], "the restored ratings count as saved"
    widget.set_state({"value": {"before": [1, 1, 1], "now": [2, 2, 3]}})
    assert widget.value["now"] == [2, 2, 3], "restored ratings can be changed"


def test_restore_with_nothing_that_fits_starts_blank() -> None:
    widget, _ = _widget()
    _save(widget, {"before": [0, 0, 0], "now": [1, 1, 1]})
    widget.restore_state([{"before": [0], "now": [1], "points": 5}])
    assert widget.value == {"before": [-1, -1, -1], "now": [-1, -1, -1]}
    assert widget.summary == [] and not widget.done


def test_restore_while_closed_still_shows_the_ratings() -> None:
    widget, _ = _widget()
    widget.disabled = True
    widget.restore_state([{"before": [0, 0, 0], "now": [1, 1, 1], "points": 5}])
    assert widget.value == {"before": [0, 0, 0], "now": [1, 1, 1]}


def test_restore_across_a_retrospective_edit() -> None:
    """Turning 'before' on keeps the 'now' ratings; turning it off drops 'before' only."""
    now_only = {"now": [2, 3, 4], "points": 5}
    both = {"before": [0, 1, 2], "now": [2, 3, 4], "points": 5}
    widget, _ = _widget(retrospective=True)
    widget.restore_state([now_only])
    assert widget.value == {"before": [-1, -1, -1], "now": [2, 3, 4]}
    assert not widget.done, "the new 'before' ratings are still to give"
    widget, _ = _widget(retrospective=False)
    widget.restore_state([both])
    assert widget.value == {"now": [2, 3, 4]}
    assert widget.done


def test_done_needs_every_rating_asked_for() -> None:
    widget, _ = _widget()
    assert not widget.done
    _save(widget, {"before": [-1, -1, -1], "now": [0, 0, 0]})
    assert not widget.done, "the 'before' ratings are missing"
    _save(widget, {"before": [0, 0, -1], "now": [0, 0, 0]})
    assert not widget.done
    widget.set_state({"value": {"before": [0, 0, 0], "now": [0, 0, 0]}})
    assert not widget.done, "unsaved ratings do not count"
    _save(widget, {"before": [0, 0, 0], "now": [0, 0, 0]})
    assert widget.done


def test_done_is_current_when_the_page_records_the_response() -> None:
    """The page updates progress from inside _emit, so done must already be true then."""
    widget = SelfAssessmentScale(_spec())
    done_when_recorded: list[bool] = []
    widget.on_response(lambda payload, correct: done_when_recorded.append(widget.done))
    _save(widget, {"before": [0, 0, 0], "now": [0, 0, 0]})
    assert done_when_recorded == [True]
