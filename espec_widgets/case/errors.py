"""Problems found in a case file, worded for the educator who wrote it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One problem at one place in one file."""

    path: Path
    line: int
    column: int
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        field = f" {self.field}:" if self.field else ""
        hint = f"\n    hint: {self.hint}" if self.hint else ""
        return f"{where}:{field} {self.message}{hint}"


def field_path(loc: Iterable[str | int]) -> str:
    """A field's place as an educator reads it: people[1].kind."""
    out = ""
    for key in loc:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


class CaseFileError(Exception):
    """Raised with every problem found in one or more case files, and any warnings (problems
    that do not stop a build, such as raw HTML) found on the way."""

    def __init__(self, problems: list[Problem], *, warnings: Iterable[Problem] = ()) -> None:
        self.problems = sorted(problems)
        self.warnings = sorted(warnings)
        super().__init__("\n".join(str(p) for p in self.problems))


def read_text(path: Path, *, max_bytes: int, too_big: str) -> str:
    """An educator's file as text, or CaseFileError saying why it cannot be read as one."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CaseFileError(
            [Problem(path, 1, 1, "", f"cannot read file: {exc.strerror}")]
        ) from None
    if len(raw) > max_bytes:
        raise CaseFileError([Problem(path, 1, 1, "", too_big)])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CaseFileError(
            [Problem(path, line, 1, "", "the file is not UTF-8 text", "save it as UTF-8")]
        ) from None
