"""Rewrite exercises driven as the browser would drive them: the model answer stays in the kernel
until a saved rewrite of enough words asks for it, and tampered values are refused."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from espec_widgets.activities import widget_for
from espec_widgets.activities.reflection import MAX_CHARS, NOT_SAVED
from espec_widgets.activities.rewrite import CLOSED, MIN_WORDS, RewriteExercise
from espec_widgets.case import parse_case
from espec_widgets.case.runtime import RewriteSpec, from_case
from espec_widgets.page import CasePage, open_case
from espec_widgets.store import upgrade

REWRITE = """\
  - id: better-line
    type: rewrite
    title: Rewrite Jordan's line
    prompt: Rewrite what Jordan said so that it meets Sam where he is.
    domains: [Social Aspects of Care]
    skills: [responding to emotion]
    weak_line: You need to calm down so we can talk about the plan.
    speaker: sw
    model_answer: This is a lot to take in. What worries you most right now?
    checklist:
      - Names the emotion
      - Invites him to say more
      - Leaves the plan for later
    max_words: 40
"""

GOOD = "I can see how frightening this is. What worries you most?"
SHORT = "Tell me more."
SECRET = "This is a lot to take in"


@pytest.fixture
def activity(minimal_text: str, tmp_path: Path) -> RewriteSpec:
    """A rewrite written in a case file, through the schema to its runtime form."""
    text = minimal_text.replace(
        "activities: [who-decides, own-reactions]",
        "activities: [who-decides, own-reactions, better-line]",
    ).replace("\nactivities:\n", "\nactivities:\n" + REWRITE)
    path = tmp_path / "minimal-case.yaml"
    path.write_text(text, encoding="utf-8")
    act = from_case(parse_case(path)).activity("better-line")
    assert isinstance(act, RewriteSpec)
    return act


class Drafts:
    """The page's saver: keeps each saved text, or fails when told to."""

    def __init__(self) -> None:
        self.saved: list[str] = []
        self.fail = False

    def __call__(self, text: str) -> int:
        if self.fail:
            raise OSError("database is locked")
        self.saved.append(text)
        return len(self.saved)


@pytest.fixture
def drafts() -> Drafts:
    return Drafts()


@pytest.fixture
def widget(activity: RewriteSpec, drafts: Drafts) -> RewriteExercise:
    """Bound as the page binds a draft widget for a learner with nothing saved yet."""
    w = RewriteExercise(activity)
    w.restore("")
    w.set_saver(drafts)
    return w


def _send(widget: RewriteExercise, event: str, value: object) -> None:
    """A button press: the text travels with the action message."""
    widget._on_message(widget, {"event": event, "value": value}, [])


def _leaks(widget: RewriteExercise) -> bool:
    """Whether any synced state carries the model answer or the checklist."""
    state = repr(widget.get_state())
    return SECRET in state or "Names the emotion" in state


def test_the_page_makes_a_rewrite_for_a_rewrite_activity(activity: RewriteSpec) -> None:
    assert isinstance(widget_for(activity), RewriteExercise)


def test_line_speaker_and_prompt_are_synced_but_no_model_answer(
    widget: RewriteExercise,
) -> None:
    state = widget.get_state()
    assert state["question"] == "Rewrite Jordan's line"
    assert state["weak_line"] == "You need to calm down so we can talk about the plan."
    assert state["speaker"] == "Jordan Lee (hospital social worker)"
    assert state["prompt"].startswith("Rewrite what Jordan said")
    assert "Do not enter names" in state["reminder"]
    assert state["max_words"] == 40 and state["min_words"] == MIN_WORDS
    assert state["revealed"] is False
    assert state["model_answer"] == "" and state["checklist"] == []
    assert not _leaks(widget)
    assert not widget.done


def test_nothing_leaks_before_the_learner_is_known(activity: RewriteSpec) -> None:
    """The page shows the widget (disabled) before it restores anything into it."""
    w = RewriteExercise(activity)
    assert not _leaks(w) and not w.revealed


def test_a_line_without_speaker_syncs_an_empty_speaker(activity: RewriteSpec) -> None:
    w = RewriteExercise(dataclasses.replace(activity, speaker=None))
    assert w.speaker == ""


def test_typing_counts_words_warns_and_autosaves(widget: RewriteExercise, drafts: Drafts) -> None:
    widget.set_state({"value": "Call me on 555-201-3344 tomorrow."})
    assert widget.words == 5
    assert "a phone or fax number" in widget.warning
    assert drafts.saved == ["Call me on 555-201-3344 tomorrow."]
    assert widget.status.startswith("Saved at")
    assert not _leaks(widget), "writing alone does not reveal"


def test_reveal_is_refused_for_short_text(widget: RewriteExercise, drafts: Drafts) -> None:
    _send(widget, "reveal", SHORT)
    assert drafts.saved == [SHORT], "the text is saved even when too short to compare"
    assert not widget.revealed and not _leaks(widget)
    assert f"at least {MIN_WORDS} words" in widget.status and "so far: 3" in widget.status
    _send(widget, "reveal", "one two three four")
    assert not widget.revealed and not _leaks(widget)
    assert not widget.done


def test_reveal_after_saving_enough_words(activity: RewriteSpec) -> None:
    widget = RewriteExercise(activity)
    widget.restore("")
    seen_at_save: list[bool] = []
    widget.set_saver(lambda text: seen_at_save.append(widget.revealed or _leaks(widget)) or 1)
    _send(widget, "reveal", GOOD)
    assert seen_at_save == [False], "saved once, before anything is revealed"
    assert widget.revealed
    assert widget.model_answer.startswith(SECRET)
    assert widget.checklist == [
        "Names the emotion",
        "Invites him to say more",
        "Leaves the plan for later",
    ]
    assert "tick what your rewrite does" in widget.status
    assert widget.done


def test_five_words_exactly_is_enough(widget: RewriteExercise) -> None:
    _send(widget, "reveal", "one two three four five")
    assert widget.revealed and widget.done


def test_reveal_without_text_in_the_message_uses_the_saved_text(
    widget: RewriteExercise,
) -> None:
    widget.set_state({"value": GOOD})
    widget._on_message(widget, {"event": "reveal"}, [])
    assert widget.revealed


def test_saving_alone_never_reveals(widget: RewriteExercise) -> None:
    _send(widget, "save", GOOD)
    assert widget.done and not widget.revealed and not _leaks(widget)
    assert widget.status == "Saved. No changes since the last save."


def test_other_events_do_nothing(widget: RewriteExercise, drafts: Drafts) -> None:
    for event in ("submit", "show", "reveal_all"):
        _send(widget, event, GOOD)
    assert drafts.saved == [] and not widget.revealed and widget.value == ""


def test_restore_re_reveals_a_long_enough_draft(activity: RewriteSpec, drafts: Drafts) -> None:
    w = RewriteExercise(activity)
    w.restore(GOOD)
    assert w.value == GOOD and w.words == 11
    assert w.revealed and w.model_answer.startswith(SECRET) and len(w.checklist) == 3
    assert w.done
    assert "restored, with the model answer" in w.status
    w.set_saver(drafts)
    assert drafts.saved == [], "restoring does not save again"


def test_restore_of_a_short_draft_does_not_reveal(activity: RewriteSpec) -> None:
    w = RewriteExercise(activity)
    w.restore(SHORT)
    assert w.value == SHORT and not w.revealed and not _leaks(w)
    assert w.status == "Your saved text is restored."
    assert not w.done


def test_restoring_another_draft_hides_the_reveal_again(widget: RewriteExercise) -> None:
    widget.restore(GOOD)
    assert widget.revealed
    widget.restore("")
    assert not widget.revealed and not _leaks(widget) and not widget.done


def test_restore_keeps_a_draft_over_a_lowered_word_limit(activity: RewriteSpec) -> None:
    w = RewriteExercise(activity)
    long_text = "word " * 60  # saved before the case lowered max_words to 40
    w.restore(long_text)
    assert w.value == long_text and w.revealed
    assert w.status.startswith("Your saved text is restored, but it is over the limit of 40")
    w.set_state({"value": long_text + "more"})
    assert w.value == long_text, "still refused until it is shortened"


@pytest.mark.parametrize(
    "state",
    [
        {"model_answer": "leaked"},
        {"checklist": ["leaked"]},
        {"revealed": True},
        {"disabled": False},
        {"status": "Saved."},
        {"max_words": 10**9},
        {"max_chars": 10**9},
        {"min_words": 0},
        {"words": 0},
        {"weak_line": "<img src=x onerror=alert(1)>"},
        {"speaker": "Someone else"},
        {"question": "changed"},
        {"prompt": "changed"},
        {"warning": ""},
        {"reminder": ""},
    ],
    ids=lambda s: next(iter(s)),
)
def test_browser_cannot_change_kernel_owned_state(
    widget: RewriteExercise, state: dict[str, Any]
) -> None:
    widget.disabled = True
    before = widget.get_state()
    widget.set_state(state)
    assert widget.get_state() == before
    assert not _leaks(widget)


def test_tampered_reveal_flag_with_value_does_not_reveal(widget: RewriteExercise) -> None:
    widget.set_state({"revealed": True, "value": SHORT})
    assert widget.value == SHORT, "the input is applied"
    assert not widget.revealed and not _leaks(widget), "the flag is not"


@pytest.mark.parametrize(
    "value",
    [12345, None, ["not", "text"], {"text": GOOD}, True, 1.5],
    ids=["int", "none", "list", "dict", "bool", "float"],
)
def test_wrong_types_are_refused(widget: RewriteExercise, drafts: Drafts, value: object) -> None:
    widget.set_state({"value": SHORT})
    widget.set_state({"value": value})
    assert widget.value == SHORT
    assert widget.status == "That value was not recognised; nothing was changed."
    _send(widget, "reveal", value)
    assert widget.value == SHORT and not widget.revealed
    assert drafts.saved == [SHORT]


@pytest.mark.parametrize("size", [MAX_CHARS + 1, 5 * MAX_CHARS])
def test_oversized_text_is_refused_and_saved_text_kept(
    widget: RewriteExercise, drafts: Drafts, size: int
) -> None:
    widget.set_state({"value": SHORT})
    widget.set_state({"value": "x" * size})
    assert widget.value == SHORT and "over the limit" in widget.status
    _send(widget, "reveal", "x" * size)
    assert widget.value == SHORT and not widget.revealed
    assert drafts.saved == [SHORT]


def test_too_many_words_refused_even_by_reveal(widget: RewriteExercise, drafts: Drafts) -> None:
    _send(widget, "save", GOOD)
    too_long = "word " * (widget.max_words + 1)
    _send(widget, "reveal", too_long)
    assert widget.value == GOOD and drafts.saved == [GOOD]
    assert "limit of 40 words" in widget.status
    assert not widget.revealed, "a refused text is not compared"


def test_nul_is_refused_in_words_and_words_is_read_only(widget: RewriteExercise) -> None:
    widget.set_state({"value": "kept"})
    widget.set_state({"value": "a\x00b"})
    assert widget.value == "kept"
    assert "invisible control character" in widget.status
    with pytest.raises(Exception, match="read-only"):
        widget.words = 99


def test_disabled_refuses_text_and_reveal(widget: RewriteExercise, drafts: Drafts) -> None:
    _send(widget, "save", GOOD)
    widget.disabled = True
    widget.set_state({"value": SHORT})
    assert widget.value == GOOD and widget.status == CLOSED
    widget.status = ""
    _send(widget, "reveal", GOOD)
    assert not widget.revealed and not _leaks(widget), "a closed exercise reveals nothing"
    assert widget.status == CLOSED
    _send(widget, "save", SHORT)
    assert widget.value == GOOD and drafts.saved == [GOOD]


def test_saver_failure_keeps_text_says_not_saved_and_does_not_reveal(
    widget: RewriteExercise, drafts: Drafts
) -> None:
    drafts.fail = True
    _send(widget, "reveal", GOOD)
    assert widget.value == GOOD, "the learner's text stays in the box"
    assert widget.status == NOT_SAVED
    assert not widget.revealed and not _leaks(widget)
    assert not widget.done, "nothing is saved"
    drafts.fail = False
    _send(widget, "reveal", GOOD)
    assert drafts.saved == [GOOD] and widget.revealed and widget.done


def test_without_a_learner_nothing_is_saved_or_revealed(activity: RewriteSpec) -> None:
    w = RewriteExercise(activity)
    _send(w, "reveal", GOOD)
    assert "Enter your name" in w.status
    assert not w.revealed and not w.done


def test_done_follows_the_saved_rewrite(widget: RewriteExercise, drafts: Drafts) -> None:
    calls: list[None] = []
    widget.on_saved(lambda: calls.append(None))
    widget.set_state({"value": "one two three four"})
    assert not widget.done, "four words are not a rewrite"
    widget.set_state({"value": "one two three four five"})
    assert widget.done and len(calls) == 2, "the page updates progress after each save"
    drafts.fail = True
    widget.set_state({"value": "one"})
    assert widget.done, "an unsaved shortening does not undo the saved rewrite"
    drafts.fail = False
    widget.set_state({"value": "one two"})
    assert not widget.done, "a saved shortening does"


@pytest.fixture
def rewrite_workbook(
    workbook: Path, minimal_text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A workbook whose minimal case has the rewrite, with its own store."""
    text = minimal_text.replace(
        "activities: [who-decides, own-reactions]",
        "activities: [who-decides, own-reactions, better-line]",
    ).replace("\nactivities:\n", "\nactivities:\n" + REWRITE)
    (workbook / "data" / "cases" / "minimal-case.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("ESPEC_ROOT", str(workbook))
    monkeypatch.setenv("ESPEC_DB_URL", f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(f"sqlite:///{tmp_path / 'store.db'}")  # as the server does before it serves
    monkeypatch.setenv("ESPEC_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("QUERY_STRING", "JUPYTERHUB_USER", "VOILA_PREHEAT"):
        monkeypatch.delenv(name, raising=False)
    return workbook


def _open(monkeypatch: pytest.MonkeyPatch, query: str = "") -> CasePage:
    monkeypatch.setenv("QUERY_STRING", query)
    page = open_case("minimal-case")
    page.show("better-line")
    page.resume()
    return page


def test_the_reveal_survives_a_new_kernel_through_the_draft(
    rewrite_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _open(monkeypatch)
    w = page.widgets["better-line"]
    assert w.disabled and not _leaks(w)
    page.identity.start("Ana")
    _send(w, "reveal", GOOD)
    assert w.revealed and w.done
    assert "Done: 1 of 1" in page.identity.progress

    again = _open(monkeypatch, f"learner={page.identity.token}")
    w2 = again.widgets["better-line"]
    assert w2.value == GOOD and w2.revealed and w2.done
    assert w2.model_answer.startswith(SECRET)
    _send(w2, "save", SHORT)
    third = _open(monkeypatch, f"learner={page.identity.token}")
    w3 = third.widgets["better-line"]
    assert w3.value == SHORT and not w3.revealed and not _leaks(w3) and not w3.done
