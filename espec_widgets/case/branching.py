"""Checks of a branching encounter's graph: links, reachability, endings, declared state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Found = tuple[tuple[str | int, ...], str, str]


def check_branching(
    where: tuple[str | int, ...], activity: Any, person_ids: list[str]
) -> Iterator[Found]:
    """Yield every problem in one branching activity (filled in by the branching work)."""
    return iter(())
