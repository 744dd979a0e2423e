"""Case files: the versioned schema, the loader and its educator-facing errors."""

from .errors import CaseFileError, Problem
from .loader import Library, load_library, parse_case
from .schema import SCHEMA_VERSION, Case, Domain, Part

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
