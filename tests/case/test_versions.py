"""Schema versions: chained upgrades and clear too-old / too-new errors."""

from __future__ import annotations

from typing import Any

import pytest

from espec_widgets.case.versions import VersionError, upgrade


def _rename(old: str, new: str) -> Any:
    def step(data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        data[new] = data.pop(old)
        return data

    return step


def test_upgrades_chain_in_order() -> None:
    steps = {1: _rename("a", "b"), 2: _rename("b", "c")}
    out = upgrade({"schema_version": 1, "a": 5}, current=3, oldest=1, upgrades=steps)
    assert out == {"schema_version": 3, "c": 5}


def test_current_version_passes_unchanged() -> None:
    data = {"schema_version": 1, "x": 1}
    assert upgrade(data) == data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"schema_version": 9}, "too new"),
        ({"schema_version": 0}, "too old"),
        ({}, "'schema_version' is missing"),
        ({"schema_version": "one"}, "whole number"),
        ({"schema_version": True}, "whole number"),
    ],
)
def test_unreadable_versions(data: dict[str, Any], message: str) -> None:
    with pytest.raises(VersionError, match=message):
        upgrade(data)


def test_missing_step_is_reported() -> None:
    with pytest.raises(VersionError, match="no upgrade from schema version 1 to 2"):
        upgrade({"schema_version": 1}, current=2, upgrades={})
