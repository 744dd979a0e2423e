"""The widgets' JavaScript shows author and learner text as text (textContent, attributes), never
as HTML, and never runs text as code."""

from __future__ import annotations

from pathlib import Path

import pytest

import espec_widgets

MODULES = sorted(Path(espec_widgets.__file__).parent.rglob("*.js"))
HTML_SINKS = (
    "innerHTML",
    "outerHTML",
    "insertAdjacentHTML",
    "document.write",
    "createContextualFragment",
    "DOMParser",
    "setHTMLUnsafe",
    "parseHTMLUnsafe",
    "srcdoc",
    "eval(",
    "Function(",
    'setTimeout("',
    "javascript:",
)

# Scripts that put no text on the page (so no textContent either): a fix to ipywidgets' manager.
BUILDS_NO_DOM = {"widget_models.js"}


def test_every_widget_module_is_checked() -> None:
    assert len(MODULES) >= 12, MODULES


@pytest.mark.parametrize("module", MODULES, ids=[m.name for m in MODULES])
def test_text_is_set_as_text(module: Path) -> None:
    source = module.read_text(encoding="utf-8")
    assert [s for s in HTML_SINKS if s in source] == []
    if module.name in BUILDS_NO_DOM:
        assert "createElement" not in source, f"{module.name} builds DOM now: check its text"
    else:
        assert "textContent" in source, "text goes in with textContent (or append of a string)"
