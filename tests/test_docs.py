"""The docs say what the code does: the authoring guide's complete example passes every check."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from espec_widgets.cli import main

from .conftest import PROJECT

AUTHORING = PROJECT / "docs" / "authoring.md"


def _complete_example() -> str:
    text = AUTHORING.read_text()
    section = text[text.index("## 3. A complete example") : text.index("## 4. Field reference")]
    (block,) = re.findall(r"```yaml\n(.*?)```", section, flags=re.S)
    return block


@pytest.fixture
def example_workbook(tmp_path: Path) -> Path:
    (tmp_path / "data" / "cases").mkdir(parents=True)
    (tmp_path / "data" / "guides").mkdir()
    shutil.copy(PROJECT / "data" / "guides" / "family-meetings.md", tmp_path / "data" / "guides")
    case = tmp_path / "data" / "cases" / "example-surrogate-decision.yaml"
    case.write_text(_complete_example())
    return tmp_path


def test_the_complete_example_passes_check_and_ce_audit(
    example_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = example_workbook / "data" / "cases" / "example-surrogate-decision.yaml"
    assert main(["--root", str(example_workbook), "check"]) == 0
    assert "ok: 1 case and 1 guide checked, no problems found" in capsys.readouterr().out
    assert main(["--root", str(example_workbook), "ce-audit", str(case)]) == 0, capsys.readouterr()
    assert main(["--root", str(example_workbook), "build"]) == 0


def test_the_example_is_caught_when_its_minutes_drift(
    example_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = example_workbook / "data" / "cases" / "example-surrogate-decision.yaml"
    case.write_text(re.sub(r"estimated_minutes: \d+", "estimated_minutes: 40", case.read_text()))
    assert main(["--root", str(example_workbook), "ce-audit", str(case)]) == 1
    assert "declares 40 minutes" in capsys.readouterr().err
