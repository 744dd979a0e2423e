"""Where a widget's module and stylesheet come from: the page's server, or the widget itself.

An anywidget carries its JavaScript module and stylesheet in its state, so a case page with 18
widgets sent the same few modules and one stylesheet 18 times (about 240 KB) before it could show
anything, and the browser evaluated a module per widget. On the workbook's server (which sets
ESPEC_PAGE_ASSETS) the page already links the stylesheet and the server serves the modules, so a
widget sends a one-line module that imports its family's module by URL (cached by the browser,
evaluated once per page). Anywhere else (JupyterLab), widgets carry everything, as anywidget does.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path

from ..config import settings

PACKAGE = Path(__file__).resolve().parents[1]
STYLESHEET = PACKAGE / "share" / "voila" / "templates" / "espec" / "static" / "workbook.css"
"""The workbook's one stylesheet: linked by the page template, and carried by widgets elsewhere."""


PRELUDE = PACKAGE / "prelude.js"
"""What every widget module starts with (el(), ...): anywidget modules cannot import each other."""


@functools.cache
def module_source(module: Path) -> str:
    """A widget module as the browser gets it, inline or served: the prelude, then the module."""
    return PRELUDE.read_text(encoding="utf-8") + module.read_text(encoding="utf-8")


@functools.cache
def module_stub(module: Path, base_url: str) -> str:
    """A module that re-exports `module` as served by the workbook's server (versioned URL)."""
    digest = hashlib.sha256(module_source(module).encode()).hexdigest()[:16]
    url = f"{base_url}espec/static/{module.relative_to(PACKAGE).as_posix()}?v={digest}"
    # Imported from a blob: URL, so the address is made absolute against the page's own.
    return (
        f"export default (await import(new URL({json.dumps(url)}, location.href).href)).default;\n"
    )


def served_assets(module: Path | None) -> dict[str, str]:
    """The `_esm` and `_css` a widget sends when its page's server provides them, else {}."""
    if module is None or not settings().page_assets:
        return {}
    return {"_esm": module_stub(module, os.environ.get("VOILA_BASE_URL", "/")), "_css": ""}
