"""`espec check`'s warning for raw HTML in a case file: pages show it as text, never as HTML, so
an educator who wrote it meant something else (usually Markdown)."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..markup import raw_html
from .errors import Problem, field_path

HINT = (
    "raw HTML is shown as text; use Markdown: **bold**, *italic*, [link](https://...), '- ' lists"
)
SHOWN = 40
"""Characters of the HTML quoted in the warning."""


def _strings(
    node: Any, loc: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str, int, int]]:
    """Every text in the YAML tree: its field path, value and where the value starts (0-based)."""
    if isinstance(node, CommentedMap):
        items = [(key, node[key], node.lc.value(key)) for key in node]
    elif isinstance(node, CommentedSeq):
        items = [(i, value, node.lc.item(i)) for i, value in enumerate(node)]
    else:
        return
    for key, value, (line, col) in items:
        if isinstance(value, str):
            yield (*loc, key), value, line, col
        else:
            yield from _strings(value, (*loc, key))


def raw_html_warnings(root: CommentedMap, path: Path, text: str) -> list[Problem]:
    """A warning for each field of a case file that holds raw HTML, at the HTML's line and
    column when it can be found in the file as written (else where the field's value starts)."""
    starts = [0]
    starts += [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    warnings = []
    for loc, value, line, col in _strings(root):
        found = raw_html(value)
        if not found:
            continue
        snippet = found[0].snippet
        start = (starts[line] if line < len(starts) else len(text)) + col
        at = text.find(snippet, start)
        if 0 <= at <= start + 2 * len(value) + 100:  # within this field's text, as written
            line = bisect.bisect_right(starts, at) - 1
            col = at - starts[line]
        shown = snippet if len(snippet) <= SHOWN else snippet[: SHOWN - 1] + "…"
        more = f" and {len(found) - 1} more" if len(found) > 1 else ""
        warnings.append(
            Problem(
                path,
                line + 1,
                col + 1,
                field_path(loc),
                f"warning: this is HTML ('{shown}'{more}), which pages show as text",
                HINT,
            )
        )
    return warnings
