"""The post-test: draw an attempt from a bank, and grade it.

A draw covers as many of the Part's objectives as the test's length allows (one item each,
then the rest at random) and prefers items the learner has not been asked before, so a retake
is a new selection; every item's options are shuffled (a true/false item keeps True first).
Only the stems and options go to the page, in the drawn order; the key stays in the kernel and
the page's answers are checked against the attempt as it was stored, so an answer to a question
that was not drawn, or an option that does not exist, is refused, not graded.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .runtime import BankSpec, ItemSpec


def test_length(bank: BankSpec, configured: int | None) -> int:
    """Questions per attempt: the operator's setting, else the bank's, never more than it has."""
    return min(configured or bank.test_length, len(bank.items))


def draw(
    bank: BankSpec,
    length: int,
    *,
    seen: Iterable[str] = (),
    rng: random.Random | None = None,
) -> list[tuple[str, list[int]]]:
    """An attempt: (item id, option order) per question, in the order the page shows them."""
    rng = rng or random.SystemRandom()
    seen = set(seen)
    by_objective: dict[str, list[ItemSpec]] = {}
    for item in bank.items:
        by_objective.setdefault(item.objective, []).append(item)

    def fresh_first(items: list[ItemSpec]) -> list[ItemSpec]:
        items = list(items)
        rng.shuffle(items)
        return sorted(items, key=lambda i: i.id in seen)  # stable: unseen first, shuffled

    chosen: list[ItemSpec] = []
    objectives = list(by_objective)
    rng.shuffle(objectives)
    for objective in objectives:
        if len(chosen) == length:
            break
        chosen.append(fresh_first(by_objective[objective])[0])
    taken = {i.id for i in chosen}
    rest = fresh_first([i for i in bank.items if i.id not in taken])
    chosen += rest[: length - len(chosen)]
    rng.shuffle(chosen)
    drawn = []
    for item in chosen:
        order = list(range(len(item.options)))
        if item.kind != "true_false":
            rng.shuffle(order)
        drawn.append((item.id, order))
    return drawn


def questions(bank: BankSpec, items: Iterable[tuple[str, Iterable[int]]]) -> list[dict[str, Any]]:
    """What the page shows of an attempt: stems and options in the drawn order, no key."""
    shown = []
    for n, (item_id, order) in enumerate(items, 1):
        item = bank.item(item_id)
        if item is None:
            continue
        shown.append(
            {
                "id": item.id,
                "number": n,
                "stem": item.stem,
                "options": [item.options[i] for i in order],
                "true_false": item.kind == "true_false",
            }
        )
    return shown


class AnswerError(ValueError):
    """Answers the page sent that do not fit the attempt; the message is for the learner."""


def check_answers(items: Iterable[tuple[str, Iterable[int]]], answers: Any) -> dict[str, int]:
    """The page's answers ({item id: position chosen, as shown}) as bank option indexes, or
    AnswerError: every drawn question answered once, with an option it has."""
    if not isinstance(answers, Mapping):
        raise AnswerError("The answers were not recognised; nothing was submitted.")
    drawn = {item_id: list(order) for item_id, order in items}
    unknown = [k for k in answers if k not in drawn]
    if unknown:
        raise AnswerError("Some answers are for questions not in this test; nothing was submitted.")
    missing = [k for k in drawn if k not in answers]
    if missing:
        n = len(missing)
        raise AnswerError(
            f"{n} question{' is' if n == 1 else 's are'} not answered yet. Answer every question, "
            "then submit."
        )
    chosen = {}
    for item_id, position in answers.items():
        order = drawn[item_id]
        if type(position) is not int or not 0 <= position < len(order):
            raise AnswerError(
                "An answer was not one of its question's options; nothing was submitted."
            )
        chosen[item_id] = order[position]
    return chosen


@dataclass(frozen=True)
class Graded:
    score: int
    total: int
    passed: bool
    pass_mark: float
    review: list[dict[str, Any]]  # per question: stem, your answer, the right one, rationale
    revisit: list[dict[str, str]]  # objectives with a wrong answer: text, case title

    @property
    def percent(self) -> int:
        return round(100 * self.score / self.total) if self.total else 0


def grade(
    bank: BankSpec, items: Iterable[tuple[str, Iterable[int]]], chosen: Mapping[str, int]
) -> Graded:
    """Score an attempt's answers (bank option indexes) and say what to revisit."""
    review = []
    wrong_objectives: dict[str, dict[str, str]] = {}
    score = total = 0
    for n, (item_id, _order) in enumerate(items, 1):
        item = bank.item(item_id)
        if item is None:
            continue
        total += 1
        right = chosen.get(item_id) == item.key
        score += right
        review.append(
            {
                "number": n,
                "stem": item.stem,
                "yours": item.options[chosen[item_id]] if item_id in chosen else "",
                "answer": item.options[item.key],
                "correct": right,
                "rationale": item.rationale,
            }
        )
        if not right:
            wrong_objectives.setdefault(
                item.objective,
                {
                    "objective": item.objective_text,
                    "case": item.case_title,
                    "case_id": item.case_id,
                },
            )
    passed = total > 0 and score >= bank.pass_mark * total - 1e-9
    return Graded(score, total, passed, bank.pass_mark, review, list(wrong_objectives.values()))
