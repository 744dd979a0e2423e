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
        # Text goes in with textContent, directly or through the prelude's el() and showStatus(),
        # which use it (prelude.js is one of MODULES, so it is held to the same rule).
        assert any(way in source for way in ("textContent", "showStatus(", "el(")), (
            "text goes in with textContent, el() or showStatus()"
        )


@pytest.mark.parametrize("module", MODULES, ids=[m.name for m in MODULES])
def test_no_module_shadows_a_prelude_name(module: Path) -> None:
    """A module that declares one of the prelude's names (a button called `say`, say) hides the
    prelude's function in that module, and the page breaks only when that line runs."""
    import re

    prelude = Path(espec_widgets.__file__).parent / "prelude.js"
    if module == prelude:
        return
    names = re.findall(r"^(?:function|const|let)\s+(\w+)", prelude.read_text(), re.MULTILINE)
    assert {"el", "autosave", "statusRegion", "showStatus"} <= set(names)
    source = module.read_text(encoding="utf-8")
    declared = set(re.findall(r"\b(?:function|const|let|var)\s+(\w+)", source))
    declared |= set(re.findall(r"\b(?:const|let|var)\s*\{([^}]*)\}", source))
    assert declared & set(names) == set(), f"{module.name} redeclares a prelude name"


def test_one_prelude_serves_every_widget_module() -> None:
    """el() is written once (prelude.js); Python puts it in front of each module, inline and
    served alike, and the prelude itself is never served on its own."""
    from espec_widgets.activities import WIDGETS, widget_class
    from espec_widgets.activities._assets import PRELUDE, module_source
    from espec_widgets.activities.encounter import EncounterPlayer
    from espec_widgets.debrief import DebriefGate
    from espec_widgets.identity import LearnerBar
    from espec_widgets.live.console import InstructorConsole
    from espec_widgets.live.learner import LiveLearner
    from espec_widgets.navigator import Navigator
    from espec_widgets.outline import CaseOutline, WhereNext
    from espec_widgets.server.handlers import WidgetModuleHandler

    package = PRELUDE.parent
    modules = [p for p in package.rglob("*.js") if p != PRELUDE and "share" not in p.parts]
    assert len(modules) == 19
    for module in modules:
        text = module.read_text()
        assert "function el(" not in text and "pagehide" not in text, module.name
    savers = {m.stem for m in modules if "autosave(" in m.read_text()}
    assert savers == {"checklist", "reflection", "rewrite", "self_assessment"}
    prelude = PRELUDE.read_text()
    assert "function el(" in prelude and "function autosave(" in prelude
    classes = [widget_class(name) for name in WIDGETS]
    classes += [EncounterPlayer, LearnerBar, Navigator, CaseOutline, WhereNext, DebriefGate]
    from espec_widgets.credit.page import CreditCentre
    from espec_widgets.journal.page import MyJournal

    classes += [LiveLearner, InstructorConsole, CreditCentre, MyJournal]
    for cls in classes:
        assert cls._module is not None, cls.__name__
        assert cls._esm == prelude + cls._module.read_text(), cls.__name__
        served = b"".join(WidgetModuleHandler.get_content(str(cls._module)))
        assert served.decode() == module_source(cls._module)
    assert {cls._module for cls in classes} == set(modules)
