"""pyproject.toml and environment.yml name the same runtime packages."""

from __future__ import annotations

import re
import tomllib

from ruamel.yaml import YAML

from .conftest import PROJECT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_matches_pyproject() -> None:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    env = YAML(typ="safe").load((PROJECT / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert conda == wanted
    assert env["channels"] == ["conda-forge"]


def test_core_dependencies_present() -> None:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    names = {_name(r) for r in project["dependencies"]}
    assert {"jupyterlab", "ipywidgets", "voila", "nbformat", "pandas", "nbval"} <= names
    assert project["scripts"]["espec"] == "espec_widgets.cli:main"
