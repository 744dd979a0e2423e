"""Schema and cross-reference rules of the rewrite, screen-and-decide and find-the-gap families."""

from __future__ import annotations

from pathlib import Path

import pytest

from espec_widgets.case import CaseFileError, parse_case
from espec_widgets.case.runtime import FindGapSpec, RewriteSpec, ScreenDecideSpec, from_case

COMMON = """    domains: [Social Aspects of Care]
    skills: [screening]
"""

REWRITE = (
    """  - id: extra
    type: rewrite
    title: Rewrite the line
    prompt: Rewrite it with empathy.
"""
    + COMMON
    + """    weak_line: You need to calm down.
    speaker: sam
    model_answer: This is a lot to take in. What worries you most?
    checklist: [Names the emotion, Invites more]
"""
)

SCREEN = (
    """  - id: extra
    type: screen_decide
    title: What next?
    prompt: Ruth rated her distress.
"""
    + COMMON
    + """    screen:
      instrument: distress thermometer
      score: 7
      items:
        - label: Worry about paying for medicines
          value: "Yes"
    options:
      - text: Explore the problems she marked.
        correct: true
        feedback: A score of 4 or more prompts a closer look.
      - text: Nothing; it is normal.
        feedback: A high score deserves follow-up.
"""
)

GAP = (
    """  - id: extra
    type: find_gap
    title: What is missing?
    prompt: Find the missing step.
"""
    + COMMON
    + """    transcript:
      - speaker: sw
        text: Thanks for meeting with me.
      - speaker: sam
        text: Okay.
      - speaker: sw
        text: The scan shows the cancer has grown.
    gap_after: 1
    where_feedback: Ask what he understands before sharing news.
    options:
      - text: Asking what Sam already knows
        correct: true
        feedback: Perception comes before knowledge in SPIKES.
      - text: Offering a leaflet
        feedback: Information before perception misses where he is.
"""
)


def _case(workbook: Path, minimal_text: str, block: str) -> Path:
    text = minimal_text.replace("debrief: |", block.rstrip() + "\ndebrief: |", 1)
    text = text.replace(
        "activities: [who-decides, own-reactions]",
        "activities: [who-decides, own-reactions, extra]",
    )
    path = workbook / "data" / "cases" / "minimal-case.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("block", [REWRITE, SCREEN, GAP], ids=["rewrite", "screen", "gap"])
def test_valid_blocks_load_and_reach_the_runtime(
    workbook: Path, minimal_text: str, block: str
) -> None:
    case = parse_case(_case(workbook, minimal_text, block))
    spec = from_case(case).activity("extra")
    assert isinstance(spec, RewriteSpec | ScreenDecideSpec | FindGapSpec)
    if isinstance(spec, RewriteSpec):
        assert spec.speaker == "Sam Alvarez (son)"
    if isinstance(spec, FindGapSpec):
        assert [line.speaker for line in spec.transcript][:2] == [
            "Jordan Lee (hospital social worker)",
            "Sam Alvarez (son)",
        ]


@pytest.mark.parametrize(
    ("block", "old", "new", "words"),
    [
        (SCREEN, "score: 7", "score: 12", "distress thermometer score is 0 to 10, not 12"),
        (SCREEN, "instrument: distress thermometer", "instrument: PHQ-2", "PHQ-2 score is 0 to 6"),
        (SCREEN, "      score: 7\n", "", "needs a 'score'"),
        (
            SCREEN,
            "instrument: distress thermometer",
            "instrument: social needs",
            "has no total score",
        ),
        (SCREEN, "instrument: distress thermometer", "instrument: PHQ-9", "'PHQ-9' is not allowed"),
        (GAP, "gap_after: 1", "gap_after: 3", "use -1 to 2"),
        (GAP, "gap_after: 1", "gap_after: -2", "out of range"),
        (
            GAP,
            "      - speaker: sam\n        text: Okay.",
            "      - speaker: bob\n        text: Okay.",
            "unknown speaker 'bob'",
        ),
        (GAP, "        correct: true\n", "", "exactly one option"),
        (REWRITE, "speaker: sam", "speaker: nobody", "unknown speaker 'nobody'"),
        (
            REWRITE,
            "checklist: [Names the emotion, Invites more]",
            "checklist: [Only one]",
            "at least 2",
        ),
    ],
)
def test_rules_are_explained(
    workbook: Path, minimal_text: str, block: str, old: str, new: str, words: str
) -> None:
    assert old in block
    with pytest.raises(CaseFileError) as info:
        parse_case(
            _case(workbook, minimal_text, block.replace(old, new)), known_guides={"family-meetings"}
        )
    assert words in str(info.value)
