"""Case files: the versioned schema, the loader and its educator-facing errors.

Names are imported on first use, so a learner kernel that only needs the runtime form of a case
(`espec_widgets.case.runtime`) never loads pydantic or the YAML parser.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import CaseFileError, Problem
    from .loader import Library, load_library, parse_case
    from .schema import SCHEMA_VERSION, Case, Domain, Part

_WHERE = {
    "CaseFileError": ".errors",
    "Problem": ".errors",
    "Library": ".loader",
    "load_library": ".loader",
    "parse_case": ".loader",
    "SCHEMA_VERSION": ".schema",
    "Case": ".schema",
    "Domain": ".schema",
    "Part": ".schema",
}

__all__ = [
    "SCHEMA_VERSION",
    "Case",
    "CaseFileError",
    "Domain",
    "Library",
    "Part",
    "Problem",
    "load_library",
    "parse_case",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
