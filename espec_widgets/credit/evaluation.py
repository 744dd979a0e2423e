"""The evaluation a learner completes before a Part's certificate, and its aggregate report.

The questions are tied to the Part's objectives in the course record (did each one meet the
learner's needs), then relevance to practice, the format, bias, and what to change. Answers are
checked here, whatever the page sent. Educators see them only in aggregate (`summary`): counts
per answer and unattributed comments, never who gave which, and nothing at all until enough
learners have answered that no answer can be traced to one of them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from typing import Any

from ..storable_text import why_unstorable

SCALE = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree")
YES_NO = ("Yes", "No")
MAX_COMMENT = 2000
MIN_GROUP = 5
"""Educators see a Part's evaluations only once at least this many learners have answered, so
that no answer can be traced to one person."""


class EvaluationError(ValueError):
    """Answers that cannot be recorded; the message is for the learner."""


def questions(part: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The evaluation of one Part (its course record), in the order the page asks."""
    found: list[dict[str, Any]] = [
        {
            "id": f"objective-{n}",
            "kind": "scale",
            "label": f"This objective met my learning needs: {text}",
            "options": list(SCALE),
            "required": True,
        }
        for n, text in enumerate(part["objectives"], 1)
    ]
    found += [
        {
            "id": "relevance",
            "kind": "scale",
            "label": "The content is relevant to my practice.",
            "options": list(SCALE),
            "required": True,
        },
        {
            "id": "format",
            "kind": "scale",
            "label": f"The format ({part['format']}) worked well for me.",
            "options": list(SCALE),
            "required": True,
        },
        {
            "id": "bias",
            "kind": "choice",
            "label": "Was the content free of commercial bias, and of bias for or against any "
            "group of people?",
            "options": list(YES_NO),
            "required": True,
        },
        {
            "id": "bias_comment",
            "kind": "text",
            "label": "If you saw bias, where? (optional)",
            "required": False,
        },
        {
            "id": "change",
            "kind": "text",
            "label": "What would you change about this Part? (optional)",
            "required": False,
        },
        {
            "id": "practice",
            "kind": "text",
            "label": "One thing you will do differently in your practice. (optional)",
            "required": False,
        },
    ]
    return found


def check(asked: Iterable[Mapping[str, Any]], answers: Any) -> dict[str, Any]:
    """The page's answers as they will be stored, or EvaluationError saying what to fix."""
    if not isinstance(answers, Mapping):
        raise EvaluationError("The answers were not recognised; nothing was recorded.")
    asked = list(asked)
    known = {q["id"] for q in asked}
    if any(k not in known for k in answers):
        raise EvaluationError("Some answers are for questions not asked; nothing was recorded.")
    clean: dict[str, Any] = {}
    missing = 0
    for q in asked:
        value = answers.get(q["id"])
        if q["kind"] == "text":
            if value is None or value == "":
                continue
            if not isinstance(value, str):
                raise EvaluationError("A comment was not text; nothing was recorded.")
            if len(value) > MAX_COMMENT:
                raise EvaluationError(
                    f"Keep each comment under {MAX_COMMENT} characters; nothing was recorded."
                )
            if (problem := why_unstorable(value)) is not None:
                raise EvaluationError(problem)
            if value.strip():
                clean[q["id"]] = value.strip()
            continue
        if value is None:
            missing += q["required"]
            continue
        if type(value) is not int or not 0 <= value < len(q["options"]):
            raise EvaluationError(
                "An answer was not one of its question's options; nothing was recorded."
            )
        clean[q["id"]] = value
    if missing:
        raise EvaluationError(
            f"{missing} question{' is' if missing == 1 else 's are'} not answered yet; "
            "every question but the comments needs an answer."
        )
    return clean


def summary(asked: list[dict[str, Any]], answers: list[dict[str, Any]]) -> dict[str, Any]:
    """The evaluations of a Part in aggregate: per question, how many chose each option; the
    comments shuffled and unattributed; nothing but the number of responses until MIN_GROUP
    learners have answered."""
    out: dict[str, Any] = {"responses": len(answers), "questions": [], "withheld": True}
    if len(answers) < MIN_GROUP:
        return out
    out["withheld"] = False
    for q in asked:
        entry: dict[str, Any] = {"id": q["id"], "label": q["label"], "kind": q["kind"]}
        if q["kind"] == "text":
            comments = [a[q["id"]] for a in answers if isinstance(a.get(q["id"]), str)]
            random.SystemRandom().shuffle(comments)
            entry["comments"] = comments
        else:
            counts = [0] * len(q["options"])
            for a in answers:
                v = a.get(q["id"])
                if type(v) is int and 0 <= v < len(counts):
                    counts[v] += 1
            entry["options"] = q["options"]
            entry["counts"] = counts
            if q["kind"] == "scale" and sum(counts):
                entry["mean"] = round(
                    sum((i + 1) * c for i, c in enumerate(counts)) / sum(counts), 2
                )
        out["questions"].append(entry)
    return out


def render_summary(part: str, result: dict[str, Any]) -> str:
    """The aggregate as plain text, for `espec evaluation summary`."""
    lines = [f"Part {part} evaluation: {result['responses']} responses"]
    for q in result["questions"]:
        lines.append("")
        lines.append(q["label"])
        if q["kind"] == "text":
            lines.append(f"  {len(q['comments'])} comments")
            for c in q["comments"]:
                lines.append("  - " + " ".join(c.split()))
            continue
        for option, count in zip(q["options"], q["counts"], strict=True):
            lines.append(f"  {option}: {count}")
        if "mean" in q:
            lines.append(f"  mean {q['mean']} of {len(q['options'])}")
    if result["withheld"]:
        lines.append(
            f"The answers are shown once {MIN_GROUP} learners have answered, so that none can be "
            "traced to one person."
        )
    return "\n".join(lines) + "\n"
