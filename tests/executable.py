"""What in a piece of HTML could run script or load from elsewhere: a test's second opinion on
espec_widgets.markup, written independently of it (the standard library's HTML parser)."""

from __future__ import annotations

import html
from html.parser import HTMLParser

RUNNABLE_TAGS = {
    *("script", "style", "iframe", "frame", "object", "embed", "applet", "svg", "math"),
    *("form", "input", "button", "textarea", "select", "details", "base", "meta", "link"),
    *("audio", "video", "source", "track", "template", "noscript", "xmp", "plaintext"),
}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
FAMILY_MAP = "data:image/svg+xml;base64,"


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in RUNNABLE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            elif name == "style" and not (tag in {"th", "td"} and value.startswith("text-align:")):
                self.found.append(f"<{tag} style={value!r}>")
            elif name in {"href", "src", "action", "formaction", "srcset", "xlink:href"}:
                url = "".join(ch for ch in html.unescape(value) if ch > " ").lower()
                if (tag, name) == ("img", "src") and value.startswith(FAMILY_MAP):
                    continue
                if url.startswith(BAD_SCHEMES) or (tag, name) == ("img", "src"):
                    self.found.append(f"<{tag} {name}={value[:60]!r}>")

    handle_startendtag = handle_starttag


def executable(markup: str) -> list[str]:
    """Tags and attributes in markup that could run script or fetch something: none in ours."""
    finder = _Finder()
    finder.feed(markup)
    finder.close()
    return finder.found
