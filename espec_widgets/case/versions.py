"""Schema versions of case files: chained in-memory upgrades and clear too-old/too-new errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .schema import SCHEMA_VERSION

Upgrade = Callable[[dict[str, Any]], dict[str, Any]]

OLDEST_SUPPORTED = 1
"""Files older than this cannot be upgraded automatically."""

UPGRADES: Mapping[int, Upgrade] = {}
"""UPGRADES[n] turns a version-n document into a version-(n+1) document."""


class VersionError(ValueError):
    """The file's schema_version cannot be read by this version of the workbook."""


def upgrade(
    data: dict[str, Any],
    *,
    current: int = SCHEMA_VERSION,
    oldest: int = OLDEST_SUPPORTED,
    upgrades: Mapping[int, Upgrade] = UPGRADES,
) -> dict[str, Any]:
    """Return data at the current schema version, applying each upgrade step in turn."""
    version = data.get("schema_version")
    if version is None:
        raise VersionError(
            f"'schema_version' is missing; add 'schema_version: {current}' as the first line"
        )
    if not isinstance(version, int) or isinstance(version, bool):
        raise VersionError(f"'schema_version' must be a whole number such as {current}")
    if version > current:
        raise VersionError(
            f"this file uses schema version {version}, but this workbook reads versions up to "
            f"{current}: update espec-workbook (too new)"
        )
    if version < oldest:
        raise VersionError(
            f"schema version {version} is too old to upgrade automatically (oldest supported: "
            f"{oldest}); see docs/authoring.md, 'Schema versions'"
        )
    while version < current:
        step = upgrades.get(version)
        if step is None:
            raise VersionError(f"no upgrade from schema version {version} to {version + 1}")
        data = step(data)
        version += 1
        data["schema_version"] = version
    return data
