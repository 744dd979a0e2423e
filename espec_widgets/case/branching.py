"""Checks of a branching encounter's graph: links, reachability, endings, declared state.

Also the condition language a choice's `when` is written in, parsed and evaluated here in plain
Python (never with eval): a flag (`trust`), a negated flag (`not trust`), a counter compared
with a whole number (`rapport >= 2`, with >=, <=, ==, > or <), or several of those joined by
`and`. Flags are declared in the activity's `flags` and all start off; counters in `counters`,
all starting at 0. This module imports nothing heavy: the learner kernel's widget uses it too.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

Found = tuple[tuple[str | int, ...], str, str]
"""(field path, message, hint)"""

NAME = r"[a-z][a-z0-9_]*"
RESERVED = frozenset({"and", "not"})
_FLAG_TERM = re.compile(rf"(?:(not)\s+)?({NAME})")
_COUNTER_TERM = re.compile(rf"({NAME})\s*(>=|<=|==|>|<)\s*(-?[0-9]{{1,9}})")
_AND = re.compile(r"\s+and\s+")
_OPS: dict[str, Callable[[int, int], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    ">": operator.gt,
    "<": operator.lt,
}
MAX_CONDITION = 400


@dataclass(frozen=True)
class Term:
    """One part of a condition: a flag test (op None) or a counter comparison."""

    name: str
    negated: bool = False
    op: str | None = None
    number: int = 0

    @property
    def is_flag(self) -> bool:
        return self.op is None


def parse_condition(text: str) -> tuple[Term, ...]:
    """The terms of a condition, or ValueError when text is not in the condition grammar."""
    if not isinstance(text, str) or len(text) > MAX_CONDITION:
        raise ValueError("a condition is a short text")
    stripped = text.strip()
    if not stripped:
        raise ValueError("the condition is empty")
    terms = []
    for part in _AND.split(stripped):
        if m := _COUNTER_TERM.fullmatch(part):
            terms.append(Term(m[1], op=m[2], number=int(m[3])))
        elif (m := _FLAG_TERM.fullmatch(part)) and not (m[1] is None and m[2] in RESERVED):
            terms.append(Term(m[2], negated=m[1] is not None))
        else:
            raise ValueError(
                f"'{text}' is not a condition; write a flag ('trust'), 'not trust', a counter "
                "test ('rapport >= 2'), or several joined by 'and'"
            )
    return tuple(terms)


def holds(condition: str | None, flags: Mapping[str, bool], counters: Mapping[str, int]) -> bool:
    """Whether condition holds for these flag and counter values (None: no condition, True).

    Raises ValueError for text outside the grammar, and for a name that is not a flag where a
    flag is tested or not a counter where a counter is compared: nothing is ever executed.
    """
    if condition is None:
        return True
    result = True
    for term in parse_condition(condition):
        if term.is_flag:
            if term.name not in flags:
                raise ValueError(f"'{term.name}' is not a declared flag")
            value = flags[term.name] is True
            result = result and (value is not term.negated)
        else:
            if term.name not in counters:
                raise ValueError(f"'{term.name}' is not a declared counter")
            count = counters[term.name]
            if type(count) is not int:
                raise ValueError(f"counter '{term.name}' does not hold a whole number")
            assert term.op is not None
            result = result and _OPS[term.op](count, term.number)
    return result


def _ids(items: list[str]) -> str:
    return ", ".join(items) or "(none)"


def _declarations(where: tuple[str | int, ...], activity: Any) -> Iterator[Found]:
    flags, counters = list(activity.flags), list(activity.counters)
    for field, names in (("flags", flags), ("counters", counters)):
        for j, name in enumerate(names):
            if names.index(name) != j:
                yield (*where, field, j), f"'{name}' is declared twice in '{field}'", ""
            elif name in RESERVED:
                yield (
                    (*where, field, j),
                    f"'{name}' cannot be a {field[:-1]} name: it is a word of the condition language",
                    "choose another name",
                )
    for j, name in enumerate(counters):
        if name in flags and counters.index(name) == j:
            yield (
                (*where, "counters", j),
                f"'{name}' is declared both as a flag and as a counter",
                "give the flag and the counter different names",
            )


def _condition_problems(
    at: tuple[str | int, ...], condition: str, flags: set[str], counters: set[str]
) -> Iterator[Found]:
    try:
        terms = parse_condition(condition)
    except ValueError as exc:
        yield at, str(exc), ""
        return
    for term in terms:
        name = term.name
        if term.is_flag and name not in flags:
            if name in counters:
                yield (
                    at,
                    f"'{name}' is a counter: the condition must compare it with a number",
                    f"for example '{name} >= 1'",
                )
            else:
                yield (
                    at,
                    f"the condition tests '{name}', which is not a declared flag",
                    f"declare it under 'flags', or use one of: {_ids(sorted(flags))}",
                )
        elif not term.is_flag and name not in counters:
            if name in flags:
                yield (
                    at,
                    f"'{name}' is a flag: it is on or off, not a number",
                    f"test it as '{name}' or 'not {name}'",
                )
            else:
                yield (
                    at,
                    f"the condition compares '{name}', which is not a declared counter",
                    f"declare it under 'counters', or use one of: {_ids(sorted(counters))}",
                )


def _state_problems(
    at: tuple[str | int, ...], choice: Any, flags: set[str], counters: set[str]
) -> Iterator[Found]:
    """A choice's when, set, clear and add must name declared flags and counters."""
    if choice.when is not None:
        yield from _condition_problems((*at, "when"), choice.when, flags, counters)
    for field in ("set", "clear"):
        for m, name in enumerate(getattr(choice, field)):
            if name in flags:
                continue
            if name in counters:
                yield (
                    (*at, field, m),
                    f"'{name}' is a counter, not a flag",
                    "change a counter with 'add', e.g. add: {" + name + ": 1}",
                )
            else:
                yield (
                    (*at, field, m),
                    f"'{field}' names '{name}', which is not a declared flag",
                    f"declare it under 'flags', or use one of: {_ids(sorted(flags))}",
                )
    for name in choice.add:
        if name in counters:
            continue
        if name in flags:
            yield (
                (*at, "add", name),
                f"'{name}' is a flag, not a counter",
                "turn a flag on with 'set' and off with 'clear'",
            )
        else:
            yield (
                (*at, "add", name),
                f"'add' names '{name}', which is not a declared counter",
                f"declare it under 'counters', or use one of: {_ids(sorted(counters))}",
            )


def _reach(first: list[str], edges: Mapping[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(first)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo.extend(n for n in edges.get(node, []) if n not in seen)
    return seen


def check_branching(
    where: tuple[str | int, ...], activity: Any, person_ids: list[str]
) -> Iterator[Found]:
    """Yield every problem in one branching activity, each at its field path under where."""
    nodes = list(activity.nodes)
    ids = [n.id for n in nodes]
    first = {node_id: j for j, node_id in reversed(list(enumerate(ids)))}
    flags, counters = set(activity.flags), set(activity.counters)
    yield from _declarations(where, activity)

    start_known = activity.start in first
    if not start_known:
        yield (
            (*where, "start"),
            f"the start node '{activity.start}' is not the id of any node",
            "node ids here: " + _ids(ids),
        )

    edges: dict[str, list[str]] = {}
    for j, node in enumerate(nodes):
        at: tuple[str | int, ...] = (*where, "nodes", j)
        if first[node.id] != j:
            yield (
                (*at, "id"),
                f"duplicate node id '{node.id}' (node {first[node.id]} has it too)",
                "give each node its own id: 'start' and 'next' name nodes by id",
            )
            continue
        if node.speaker not in person_ids:
            yield (
                (*at, "speaker"),
                f"unknown speaker '{node.speaker}'",
                "speakers are ids from 'people': " + _ids(person_ids),
            )
        if node.ending is not None and node.choices:
            yield (
                (*at, "choices"),
                f"node '{node.id}' is an ending but also has choices",
                "an ending closes the conversation: remove its choices, or its 'ending'",
            )
        elif node.ending is None and not node.choices:
            yield (
                at,
                f"node '{node.id}' has no choices and is not an ending: the conversation "
                "would stop here with nothing to say",
                "add choices that lead on, or an 'ending' with its kind and summary",
            )
        elif node.choices and all(c.when is not None for c in node.choices):
            yield (
                (*at, "choices"),
                f"every choice at node '{node.id}' has a 'when' condition: a learner for whom "
                "none holds would be stuck here",
                "leave at least one choice without 'when', so there is always a way on",
            )
        edges[node.id] = []
        for k, choice in enumerate(node.choices):
            if choice.next in first:
                edges[node.id].append(choice.next)
            else:
                yield (
                    (*at, "choices", k, "next"),
                    f"unknown node '{choice.next}'",
                    "'next' is the id of a node here: " + _ids(ids),
                )
            yield from _state_problems((*at, "choices", k), choice, flags, counters)

    endings = [n.id for j, n in enumerate(nodes) if n.ending is not None and first[n.id] == j]
    if not endings:
        yield (
            (*where, "nodes"),
            "no node is an ending, so the conversation can never finish",
            "give at least one node an 'ending' with its kind (strong, mixed or missed) and summary",
        )
    if not start_known:
        return
    reachable = _reach([activity.start], edges)
    for j, node in enumerate(nodes):
        if first[node.id] == j and node.id not in reachable:
            yield (
                (*where, "nodes", j),
                f"node '{node.id}' cannot be reached from the start node '{activity.start}'",
                "point a choice's 'next' at it, or remove it",
            )
    if not reachable & set(endings):
        if endings:
            yield (
                (*where, "start"),
                f"no ending can be reached from the start node '{activity.start}'",
                "lead at least one path of choices to a node with an 'ending'",
            )
        return
    # Loops with no way out: reachable nodes from which no ending, and no node already
    # reported (a dead end or an unknown 'next'), can be reached.
    reverse: dict[str, list[str]] = {}
    for source, targets in edges.items():
        for target in targets:
            reverse.setdefault(target, []).append(source)
    broken = [
        n.id
        for j, n in enumerate(nodes)
        if first[n.id] == j
        and n.ending is None
        and (not n.choices or any(c.next not in first for c in n.choices))
    ]
    can_finish = _reach(endings, reverse)
    reported = _reach(broken, reverse)
    for j, node in enumerate(nodes):
        if (
            first[node.id] == j
            and node.id in reachable
            and node.id not in can_finish
            and node.id not in reported
        ):
            yield (
                (*where, "nodes", j),
                f"from node '{node.id}' no ending can be reached: the choices only go round "
                "in a loop",
                "give one of the choices in the loop a 'next' that leads towards an ending",
            )
