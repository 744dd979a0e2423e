"""Problems found in a case file, worded for the educator who wrote it."""

from __future__ import annotations

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


class CaseFileError(Exception):
    """Raised with every problem found in one or more case files."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
