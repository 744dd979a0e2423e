"""The program's shape: its four Parts, the order of modules, and a learner's status in each.

Shared by the build (the landing page) and the navigator in a learner's kernel, so it imports
only the vocabulary: no pydantic, no YAML parser, no store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .case.vocabulary import Domain, Part


@dataclass(frozen=True)
class PartInfo:
    title: str
    blurb: str
    hours: float | None


PARTS: dict[Part, PartInfo] = {
    Part.I: PartInfo(
        "Self-paced cases",
        "Encounters with patients and families, interactive exercises, reflective questions and "
        "resources, organised by the eight domains of palliative care.",
        8.0,
    ),
    Part.II: PartInfo(
        "Live clinical scenarios",
        "Virtual instructor-led scenarios with group discussion and Best Practice Guides.",
        2.5,
    ),
    Part.III: PartInfo(
        "Leadership and advocacy",
        "Two 2-hour live sessions on advocacy and leadership in the social work role.",
        4.0,
    ),
    Part.IV: PartInfo(
        "Mentorship",
        "Monthly mentorship with an experienced palliative social worker, to put the new skills "
        "into practice and work through challenges at work.",
        None,
    ),
}

GRADED_TYPES = frozenset({"multiple_choice", "screen_decide", "classify", "sequence", "find_gap"})
"""Activity families with a right answer (the others are reflective: done is done)."""

UNLOCKED_BY = {Part.IV: Part.I}
"""Parts that open only once every module of another Part is complete."""

_DOMAIN_ORDER = {d.value: i for i, d in enumerate(Domain)}


def sort_key(part: str, main_domain: str, title: str) -> tuple[int, int, str]:
    """Modules in program order: by Part, then by the NCP number of their main domain."""
    return (list(Part).index(Part(part)), _DOMAIN_ORDER.get(main_domain, 99), title.casefold())


class Status(StrEnum):
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    COMPLETE = "complete"


@dataclass(frozen=True)
class ModuleStatus:
    status: Status
    done: int
    total: int
    next_activity: str | None  # the id of the first activity not yet done


def module_status(
    order: Iterable[str], *, done: Iterable[str] | None, has_work: bool
) -> ModuleStatus:
    """A learner's status in one module from what its page last reported (done is None if the
    learner never opened it) and whether any of their work is stored for it.

    Judged against the module's activities as they are now: an activity added since the
    learner's last visit makes a complete module in progress again.
    """
    order = list(order)
    finished = set(done or ())
    left = [a for a in order if a not in finished]
    count = len(order) - len(left)
    if done is not None and not left:
        return ModuleStatus(Status.COMPLETE, count, len(order), None)
    if done is not None or has_work:
        return ModuleStatus(Status.IN_PROGRESS, count, len(order), left[0] if left else None)
    return ModuleStatus(Status.NOT_STARTED, 0, len(order), order[0] if order else None)
