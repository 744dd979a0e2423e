"""A workbook whose case carries a script-injection payload in every free-text field, for the
tests that check no payload ever runs (tests/test_markup.py, tests/builder, tests/browser)."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from espec_widgets.case import CaseFileError, load_library
from espec_widgets.case.errors import field_path

from .conftest import FIXTURES

CASE = "minimal-case"
TITLE_PAYLOAD = '<img src=x onerror="window.__xss=1">'
PAYLOADS = (
    TITLE_PAYLOAD,
    "<script>window.__xss=2</script>",
    "<svg onload=window.__xss=3></svg>",
    "[link](javascript:window.__xss=4)",
    # Escaped, so the first pass shows it as text; a second Markdown pass must not link it.
    "\\[text\\](javascript:window.__xss=5)",
    '<iframe src="javascript:alert(6)"></iframe>',
    '<a href="javascript:alert(7)">a</a>',
    # MathJax, which Voilà runs over Markdown cells, would make this a link.
    "$\\href{javascript:window.__xss=8}{math}$",
    "&lt;img src=x onerror=window.__xss=9&gt;",
    '<b style="background:url(javascript:alert(10))">s</b>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMSk8L3NjcmlwdD4=)",
    "<details open ontoggle=window.__xss=12>d</details>",
    "<!-- --><img src=x onerror=alert(13)>",
    "[tab](java&#x09;script:alert(14))",
    '<a href="jav&#x61;script:alert(15)">e</a>',
)
BLOCK_PAYLOAD = (
    # For texts of more than one line: a blank line inside a code block would end an HTML
    # block, and what follows would be read as Markdown again.
    "\n\n```\ncode\n\n<img src=x onerror=alert(16)>\n```\n\n\\[blank\\](javascript:alert(16))"
)
GUIDE_PAYLOADS = (
    # What a guide may hold (its check rejects HTML and non-https links as errors).
    "$\\href{javascript:window.__xss=20}{math}$",
    "&lt;img src=x onerror=window.__xss=21&gt;",
)


def _leaves(
    node: Any, loc: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        if isinstance(value, str):
            yield (*loc, key), value
        elif isinstance(value, dict | list):
            yield from _leaves(value, (*loc, key))


def _set(node: Any, loc: tuple[str | int, ...], value: str) -> None:
    for key in loc[:-1]:
        node = node[key]
    node[loc[-1]] = value


def _write(yaml: YAML, data: Any, path: Path) -> None:
    out = io.StringIO()
    yaml.dump(data, out)
    path.write_text(out.getvalue(), encoding="utf-8")


def payload_workbook(root: Path) -> dict[str, str]:
    """Write a workbook under root (the test fixtures' data) whose case has a payload appended
    to every free-text field; ids, fixed values, dates and web addresses stay valid. Returns
    the text of each field that carries a payload, by field path."""
    shutil.copytree(FIXTURES / "data", root / "data", dirs_exist_ok=True)
    path = root / "data" / "cases" / f"{CASE}.yaml"
    yaml = YAML(typ="safe")
    data = yaml.load(path.read_text(encoding="utf-8"))
    original = dict(_leaves(data))
    # Free text is whatever the loader takes with the longest payload appended: an id, a fixed
    # value or a date is rejected. A web address would be taken (percent-encoded): kept apart.
    probe = max(PAYLOADS, key=len) + BLOCK_PAYLOAD
    free = {field_path(loc): loc for loc, v in original.items() if not v.startswith("https://")}
    for loc in free.values():
        _set(data, loc, f"{original[loc]} {probe}")
    while True:
        _write(yaml, data, path)
        try:
            load_library(root / "data")
            break
        except CaseFileError as exc:
            rejected = {p.field for p in exc.problems} & free.keys()
            if not rejected:
                raise
            for field in rejected:
                loc = free.pop(field)
                _set(data, loc, original[loc])
    for i, loc in enumerate(free.values()):
        payload = TITLE_PAYLOAD if loc == ("title",) else PAYLOADS[i % len(PAYLOADS)]
        if "\n" in original[loc]:
            payload += BLOCK_PAYLOAD
        _set(data, loc, f"{original[loc]} {payload}")
    _write(yaml, data, path)
    guide = root / "data" / "guides" / "family-meetings.md"
    payloads = "\n\n".join(GUIDE_PAYLOADS)
    text = guide.read_text(encoding="utf-8").replace("\n## ", f"\n{payloads}\n\n## ", 1)
    guide.write_text(text, encoding="utf-8")
    return {field: str(_get(data, loc)) for field, loc in free.items()}


def _get(node: Any, loc: tuple[str | int, ...]) -> Any:
    for key in loc:
        node = node[key]
    return node
