"""One place reads every ESPEC_* setting, and docs/serving.md documents each with its default."""

from __future__ import annotations

import re
from pathlib import Path

from espec_widgets import config

from .conftest import PROJECT

SETTING = re.compile(r"\bESPEC_[A-Z_]+\b")
LITERAL = re.compile(r"[\"']ESPEC_[A-Z_]+[\"']")
"""A setting's name as a string of its own: what reading it needs (prose may mention it)."""


def test_only_the_config_module_names_a_setting() -> None:
    elsewhere = {
        str(p.relative_to(PROJECT)): sorted(set(LITERAL.findall(p.read_text())))
        for p in (PROJECT / "espec_widgets").rglob("*.py")
        if p.name != "config.py" and LITERAL.search(p.read_text())
    }
    assert elsewhere == {}


def test_every_setting_is_documented_with_its_default() -> None:
    text = (PROJECT / "docs" / "serving.md").read_text()
    named = set(SETTING.findall((PROJECT / "espec_widgets" / "config.py").read_text()))
    assert named == set(config.DOCUMENTED)
    for name, (default, meaning) in config.DOCUMENTED.items():
        assert f"| `{name}` | {default} | {meaning} |" in text, name


def test_settings_are_read_from_the_environment_given() -> None:
    empty = config.settings({})
    assert empty == config.Settings(
        None, None, False, None, False, "", 0.9, False, None, {}, config.DEFAULT_PUBLIC_URL, {}
    )
    given = config.settings(
        {
            config.ROOT_ENV: "/srv/course",
            config.URL_ENV: "postgresql+psycopg://u@h/espec",
            config.STRICT_ENV: "1",
            config.CACHE_ENV: "/tmp/c",
            config.PAGE_ASSETS_ENV: "1",
            config.KERNEL_SECRET_ENV: "s",
            config.ATTENDANCE_ENV: "0.75",
            config.STAFF_ENV: "1",
        }
    )
    assert given.attendance_share == 0.75 and given.staff
    for bad in ("most", "1.5", "-0.1"):
        assert config.settings({config.ATTENDANCE_ENV: bad}).attendance_share == 0.9
    assert given.root == Path("/srv/course") and given.db_url.startswith("postgresql")
    assert given.strict and given.page_assets and given.cache_dir == Path("/tmp/c")
    assert not config.settings({config.STRICT_ENV: "0"}).strict
    assert config.settings({config.POSTTEST_LENGTH_ENV: "12"}).posttest_length == 12
    for bad in ("many", "0", "501"):
        assert config.settings({config.POSTTEST_LENGTH_ENV: bad}).posttest_length is None
    public = config.settings({config.PUBLIC_URL_ENV: "https://espec.example.org/course"})
    assert public.public_url == "https://espec.example.org/course/"
    for bad in ("espec.example.org", "ftp://x/", "https://a b/"):
        assert config.settings({config.PUBLIC_URL_ENV: bad}).public_url == config.DEFAULT_PUBLIC_URL
    lrs = config.settings(
        {config.LRS_URL_ENV: "http://127.0.0.1:8100/xAPI/", config.LRS_PASSWORD_ENV: " "}
    )
    assert lrs.lrs == {"url": "http://127.0.0.1:8100/xAPI/"}
    provider = config.settings(
        {config.PROVIDER_NAME_ENV: "  Ardell   Hospice ", config.APPROVAL_PERIOD_ENV: " "}
    ).provider
    assert provider == {"name": "Ardell Hospice"}
