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
    tools = {_name(r) for r in project["optional-dependencies"]["test"]}
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pip_only = {_name(d) for d in pip if not d.startswith("-")}  # not on conda-forge
    assert wanted <= conda | pip_only, wanted - conda - pip_only
    assert conda - wanted <= tools, conda - wanted - tools  # nothing the project does not name
    assert env["channels"] == ["conda-forge"]


def test_core_dependencies_present() -> None:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    names = {_name(r) for r in project["dependencies"]}
    assert {"jupyterlab", "ipywidgets", "voila", "nbformat", "pandas", "nbval"} <= names
    assert project["scripts"]["espec"] == "espec_widgets.cli:main"


def test_environment_carries_the_test_tools() -> None:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["optional-dependencies"]["test"]}
    env = YAML(typ="safe").load((PROJECT / "environment.yml").read_text())
    names = {_name(d) for d in env["dependencies"] if isinstance(d, str)}
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    names |= {_name(d) for d in pip if not d.startswith("-")}
    assert wanted <= names, wanted - names


def test_precommit_ruff_is_the_tests_ruff() -> None:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    (pin,) = [r for r in project["optional-dependencies"]["test"] if _name(r) == "ruff"]
    config = YAML(typ="safe").load((PROJECT / ".pre-commit-config.yaml").read_text())
    (hook,) = [r for r in config["repos"] if r["repo"].endswith("/ruff-pre-commit")]
    assert pin == f"ruff=={hook['rev'].removeprefix('v')}"


def test_the_distribution_is_named_and_licensed() -> None:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    assert project["name"] == "espec-workbook"
    assert project["license"] == "BSD-3-Clause"
    assert (PROJECT / "LICENSE").read_text().startswith("BSD 3-Clause License")
