"""Best Practice Guides: Markdown files educators write, checked with the same file:line messages."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from ..markup import raw_html
from .errors import CaseFileError, Problem, read_text

MAX_GUIDE_BYTES = 200_000
GUIDE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(\S.*?)\s*#*\s*$")
_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_IMAGE = re.compile(r"!\[[^\]]*\]\(")
_BARE_URL = re.compile(r"(?<![(<])\bhttps?://\S+")
_CODE_SPAN = re.compile(r"`[^`]*`")


@dataclass(frozen=True)
class Guide:
    """One guide: its id (the file name), title (its one level-1 heading) and Markdown text."""

    id: str
    path: Path
    title: str
    text: str

    @property
    def body(self) -> str:
        """The text after the title line (pages and PDFs show the title themselves)."""
        lines = self.text.splitlines()
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is None:
            return ""
        return "\n".join(lines[first + 1 :]).strip() + "\n"


def _problems(path: Path, text: str) -> tuple[str, list[Problem]]:
    """The guide's title and every problem in it, each at its line and column."""
    problems: list[Problem] = []

    def report(line: int, col: int, message: str, hint: str = "") -> None:
        problems.append(Problem(path, line, col, "", message, hint))

    title = ""
    level = 0
    seen_text = in_fence = reviewed = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        heading = _HEADING.match(line)
        if not seen_text and line.strip():
            seen_text = True
            if heading and len(heading[1]) == 1:
                title, level = heading[2], 1
                continue
            report(number, 1, "a guide starts with its title", "make the first line '# Title'")
        if heading:
            depth = len(heading[1])
            if depth == 1:
                report(number, 1, "a guide has one title ('# ...') only", "use '## ' here")
            elif depth > level + 1:
                report(
                    number,
                    1,
                    f"this heading skips from level {level} to level {depth}",
                    f"use {'#' * (level + 1)} here: screen readers navigate by heading levels",
                )
            level = depth
            reviewed = reviewed or (depth == 2 and heading[2].casefold() == "review record")
        prose = _CODE_SPAN.sub(lambda m: " " * len(m[0]), line)
        for link in _LINK.finditer(prose):
            target = link[2]
            if not link[1].strip():
                report(number, link.start() + 1, "this link has no text", "write [what it is](…)")
            if not (target.startswith("https://") or target.startswith("#")):
                report(
                    number,
                    link.start(2) + 1,
                    f"'{target}' is not an https:// address",
                    "guides link to public https:// pages (or to #a-heading in the same guide)",
                )
        if m := _IMAGE.search(prose):
            report(number, m.start() + 1, "guides have no images", "describe it in words")
        linked = _LINK.sub(lambda m: " " * len(m[0]), prose)
        for url in _BARE_URL.finditer(linked):
            report(
                number,
                url.start() + 1,
                "a bare web address is not a link in the PDF or on the page",
                "write it as a link: [Title of the page](" + url[0].rstrip(".,;)") + ")",
            )
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    for found in raw_html(text):  # as Markdown reads it: code spans and blocks are not HTML
        row = bisect.bisect_right(starts, found.offset)
        report(
            row,
            found.offset - starts[row - 1] + 1,
            "guides are plain Markdown: HTML is not shown",
            "use Markdown (**bold**, lists, ## headings) instead",
        )
    if not seen_text:
        report(1, 1, "this guide is empty", "start it with '# Title'")
    elif not reviewed:
        report(
            len(text.splitlines()),
            1,
            "a guide has a '## Review record' section",
            "say who reviewed it (name, credential, date), or that no licensed social worker "
            "has reviewed it yet",
        )
    return title, problems


def parse_guide(path: Path) -> Guide:
    """Read and check one guide file, raising CaseFileError with every problem found."""
    text = read_text(
        path, max_bytes=MAX_GUIDE_BYTES, too_big=f"a guide is at most {MAX_GUIDE_BYTES // 1000} kB"
    )
    title, problems = _problems(path, text)
    if not GUIDE_ID.match(path.stem):
        problems.insert(
            0,
            Problem(
                path,
                1,
                1,
                "",
                f"'{path.name}' is not a valid guide file name",
                "use lower-case letters, digits and single hyphens, e.g. 'family-meetings.md'",
            ),
        )
    if problems:
        raise CaseFileError(problems)
    return Guide(path.stem, path, title, text)
