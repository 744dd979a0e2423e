"""`espec` commands: exit codes and what they print, run as a user would run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def espec(*args: str, cwd: Path, root_env: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ESPEC_ROOT"}
    if root_env is not None:
        env["ESPEC_ROOT"] = str(root_env)
    return subprocess.run(
        [sys.executable, "-m", "espec_widgets.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_ok(workbook: Path) -> None:
    result = espec("check", cwd=workbook)
    assert result.returncode == 0, result.stderr
    assert "ok: 1 case, 1 live scenario and 1 guide checked" in result.stdout
    one = espec("check", "data/guides/family-meetings.md", cwd=workbook)
    assert one.returncode == 0 and "ok: 0 cases and 1 guide checked" in one.stdout


def test_check_reports_problems_without_traceback(workbook: Path, minimal_text: str) -> None:
    path = workbook / "data" / "cases" / "minimal-case.yaml"
    path.write_text(
        minimal_text.replace("part: I\n", "part: V\n").replace("kind: family", "kind: famly")
    )
    result = espec("check", cwd=workbook)
    assert result.returncode == 1
    assert "minimal-case.yaml:4:" in result.stderr and "minimal-case.yaml:27:" in result.stderr
    assert "2 problems in 1 file" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_warns_about_raw_html_and_still_passes(workbook: Path, minimal_text: str) -> None:
    path = workbook / "data" / "cases" / "minimal-case.yaml"
    text = minimal_text.replace("title: A minimal", "title: A <b>minimal</b>")
    text = text.replace("  Surrogates speak", "  Surrogates <!-- why? --> speak")
    path.write_text(text, encoding="utf-8")
    result = espec("check", cwd=workbook)
    assert result.returncode == 0, result.stderr
    assert "no problems found (2 warnings, above)" in result.stdout
    lines = result.stderr.splitlines()
    assert lines[0].endswith(
        "minimal-case.yaml:3:10: title: warning: this is HTML ('<b>' and 1 more), "
        "which pages show as text"
    )
    assert lines[1] == (
        "    hint: raw HTML is shown as text; use Markdown: **bold**, *italic*, "
        "[link](https://...), '- ' lists"
    )
    assert lines[2].endswith("minimal-case.yaml:66:14: debrief: warning: this is HTML "
                             "('<!-- why? -->'), which pages show as text")  # fmt: skip
    # Beside errors, warnings are still shown, and the count says so.
    path.write_text(text.replace("part: I\n", "part: V\n"), encoding="utf-8")
    broken = espec("check", cwd=workbook)
    assert broken.returncode == 1
    assert "title: warning: this is HTML" in broken.stderr
    assert "1 problem in 1 file (and 2 warnings)" in broken.stderr


def test_check_named_paths(workbook: Path) -> None:
    ok = espec("check", "data/cases/minimal-case.yaml", cwd=workbook)
    assert ok.returncode == 0, ok.stderr
    missing = espec("check", "data/cases/nope.yaml", cwd=workbook)
    assert missing.returncode == 2
    assert "no such file" in missing.stderr


def test_build_and_build_check(workbook: Path) -> None:
    stale = espec("build", "--check", cwd=workbook)
    assert stale.returncode == 1
    assert "notebooks/part-1/minimal-case.ipynb: is missing" in stale.stderr
    built = espec("build", cwd=workbook)
    assert built.returncode == 0
    assert "wrote notebooks/part-1/minimal-case.ipynb" in built.stdout
    again = espec("build", "--check", cwd=workbook)
    assert again.returncode == 0, again.stderr


def test_outside_a_workbook(tmp_path: Path) -> None:
    result = espec("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "no data/cases folder" in result.stderr


def test_serve_refuses_before_build(workbook: Path) -> None:
    result = espec("serve", "--port", "1", cwd=workbook)
    assert result.returncode == 2
    assert "run `espec build` first" in result.stderr


def test_commands_take_the_workbook_folder(
    workbook: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """`espec check DIR` and `espec build DIR` work on a folder from anywhere."""
    tmp_path = tmp_path_factory.mktemp("elsewhere")
    checked = espec("check", str(workbook), cwd=tmp_path)
    assert (
        checked.returncode == 0
        and "ok: 1 case, 1 live scenario and 1 guide checked" in checked.stdout
    )
    built = espec("build", str(workbook), cwd=tmp_path)
    assert built.returncode == 0 and (workbook / "voila.json").is_file(), built.stderr
    assert espec("build", "--check", str(workbook), cwd=tmp_path).returncode == 0
    wrong = espec("serve", str(tmp_path), cwd=tmp_path)
    assert wrong.returncode == 2 and "is not a workbook folder" in wrong.stderr
    assert "espec init DIR" in wrong.stderr
    stray = espec("check", "--", "--port=1", cwd=workbook)
    assert stray.returncode == 2 and "for `espec serve` only" in stray.stderr


def test_a_named_folder_wins_over_espec_root(
    workbook: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """ESPEC_ROOT is only the default: `espec check DIR` checks DIR, not the folder it names."""
    other = tmp_path_factory.mktemp("other") / "course"
    assert espec("init", str(other), cwd=other.parent).returncode == 0
    (other / "data" / "cases" / "broken.yaml").write_text("title: [unclosed\n")
    assert espec("check", cwd=workbook, root_env=other).returncode == 1
    named = espec("check", str(workbook), cwd=workbook, root_env=other)
    assert named.returncode == 0, named.stderr
    assert "ok: 1 case, 1 live scenario and 1 guide checked" in named.stdout
    flagged = espec("--root", str(workbook), "check", cwd=workbook, root_env=other)
    assert flagged.returncode == 0, flagged.stderr


def test_init_makes_a_built_workbook_and_never_writes_over_one(tmp_path: Path) -> None:
    made = espec("init", "course", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    folder = tmp_path / "course"
    assert sorted(p.name for p in (folder / "data" / "cases").glob("*.yaml")) == sorted(
        p.name for p in (Path(__file__).parents[1] / "data" / "cases").glob("*.yaml")
    )
    assert (folder / "voila.json").is_file()
    assert espec("build", "--check", "course", cwd=tmp_path).returncode == 0
    (folder / "data" / "cases" / "mine.yaml").write_text("edited by an educator\n")
    again = espec("init", "course", cwd=tmp_path)
    assert again.returncode == 1 and "not empty" in again.stderr
    assert (folder / "data" / "cases" / "mine.yaml").read_text() == "edited by an educator\n"


def test_staff_keys_are_made_shown_once_listed_and_removed(
    workbook: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from espec_widgets.cli import main
    from espec_widgets.store import open_store

    url = f"sqlite:///{tmp_path / 'staff.db'}"
    assert main(["staff-key", "list", "--url", url]) == 0
    assert "no instructor keys yet" in capsys.readouterr().out
    assert main(["staff-key", "add", "Dr Rivera", "--url", url]) == 0
    shown = capsys.readouterr().out
    key = shown.split("\n\n")[1].strip()
    assert len(key) == 32 and open_store(url).live.find_staff_name(key) == "Dr Rivera"
    assert main(["staff-key", "add", "Dr Rivera", "--url", url]) == 1
    assert "already a key" in capsys.readouterr().err
    assert main(["staff-key", "list", "--url", url]) == 0
    listed = capsys.readouterr().out
    assert "Dr Rivera" in listed and key not in listed
    assert main(["staff-key", "remove", "--url", url]) == 2
    capsys.readouterr()
    assert main(["staff-key", "remove", "Dr Rivera", "--url", url]) == 0
    assert open_store(url).live.find_staff_name(key) is None
    assert main(["staff-key", "remove", "Dr Rivera", "--url", url]) == 1


def test_the_staff_server_will_not_start_without_a_key(workbook: Path, tmp_path: Path) -> None:
    build = espec("build", cwd=workbook)
    assert build.returncode == 0, build.stderr
    env = {**os.environ, "ESPEC_DB_URL": f"sqlite:///{tmp_path / 'nokey.db'}"}
    env.pop("ESPEC_ROOT", None)
    result = subprocess.run(
        [sys.executable, "-m", "espec_widgets.cli", "serve", "--staff", "--port", "1"],
        cwd=workbook,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "no instructor key yet" in result.stderr and "espec staff-key add" in result.stderr
