"""Author Markdown as safe HTML: the one path from a case or guide file to a page, and where raw
HTML hides in a text (for `espec check`).

Educators write Markdown; pages and PDFs show it as HTML. Markdown renders (mistune, the dialect
nbconvert uses), raw HTML is escaped so it shows as text, and `clean` (nh3, the binding of the
ammonia sanitiser) then keeps only the tags, attributes and URL schemes below. Build time only:
no learner kernel imports this module.

A Markdown cell is read as Markdown a second time (by nbconvert in Voilà, by JupyterLab), so
`cell_source` makes each cell one CommonMark HTML block: it opens with a <div>, holds no blank
line (code blocks break lines with <br>), and so ends only at the end of the cell. Nothing in it
is parsed as Markdown again: escaped text such as `[x](javascript:…)` stays text. The <div>'s
classes also keep Voilà's MathJax (it typesets Markdown cells) off the text: a `$` in a case is a
dollar, never the start of typeset math (nor of a `\\href`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import mistune
import nh3
from mistune.core import BlockState
from mistune.renderers.html import HTMLRenderer
from mistune.util import escape as escape_text
from mistune.util import safe_entity

from .anchors import ANCHOR

__all__ = ["RawHtml", "cell_source", "clean", "escape", "link", "raw_html", "render"]

PLUGINS = ("strikethrough", "table", "url", "def_list")
"""nbconvert's Markdown plugins (Voilà rendered case text with them), less task lists."""

EXTERNAL_REL = "noopener noreferrer"
SVG_DATA = "data:image/svg+xml;base64,"
"""The one data: URL allowed: the family map, an SVG we draw, shown as an <img> (which never
runs script)."""

WRAPPER_CLASSES = ("espec-text", "tex2jax_ignore", "mathjax_ignore")

TAGS = {
    *(f"h{n}" for n in range(1, 7)),
    *("p", "br", "hr", "blockquote", "pre", "code", "strong", "em", "del"),
    *("ul", "ol", "li", "dl", "dt", "dd"),
    *("table", "thead", "tbody", "tr", "th", "td"),
    *("a", "img"),
}
ATTRIBUTES = {
    "h2": {"id"},
    "h3": {"id"},
    "a": {"href", "title"},
    "img": {"src", "alt", "width"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
}
URL_SCHEMES = {"https", "http", "mailto", "data"}  # data: only for SVG_DATA (_attribute)


def escape(text: object) -> str:
    """Our own plain value (an id, a number, a fixed word) as HTML text."""
    return html.escape(str(text), quote=True)


def _external(url: str) -> bool:
    """A link that leaves our server (another host), rather than a page of the workbook."""
    parts = urlsplit(url.strip())
    return parts.scheme in {"http", "https"} or bool(parts.netloc)


def link(href: str, label: str) -> str:
    """An <a> to href around label (HTML already safe); links to other hosts get rel."""
    rel = f' rel="{EXTERNAL_REL}"' if _external(href) else ""
    return f'<a href="{escape(href)}"{rel}>{label}</a>'


class _AuthorRenderer(HTMLRenderer):
    """Markdown to HTML with raw HTML escaped, images as their description, links marked."""

    def __init__(self) -> None:
        super().__init__(escape=True)

    def text(self, text: str) -> str:
        # Entities (&amp;, &eacute;) mean their character, as in CommonMark; still text.
        return safe_entity(text)

    def link(self, text: str, url: str, title: str | None = None) -> str:
        href = self.safe_url(url)  # escaped; javascript: and the like become '#harmful-link'
        if href == "#harmful-link":
            return text
        tip = f' title="{safe_entity(title)}"' if title else ""
        rel = f' rel="{EXTERNAL_REL}"' if _external(href) else ""
        return f'<a href="{href}"{tip}{rel}>{text}</a>'

    def image(self, text: str, url: str, title: str | None = None) -> str:
        # Pages load nothing from other hosts, and a case has no image files: say what it shows.
        return text

    def block_code(self, code: str, info: str | None = None) -> str:
        # No newline inside <pre>: a blank line there would end the cell's HTML block.
        lines = escape_text(code.rstrip("\n")).split("\n")
        return "<pre><code>" + "<br>".join(lines) + "</code></pre>\n"


@cache
def _markdown() -> mistune.Markdown:
    return mistune.create_markdown(renderer=_AuthorRenderer(), plugins=list(PLUGINS))


@cache
def _parser() -> mistune.Markdown:
    return mistune.create_markdown(renderer=None, plugins=list(PLUGINS))


def _attribute(tag: str, name: str, value: str) -> str | None:
    if name == "id":  # a heading's anchor, as the builder writes it (case/runtime.py ANCHOR)
        return value if ANCHOR.fullmatch(value) else None
    if name in {"href", "src"} and value.strip().lower().startswith("data:"):
        return value if (tag, name) == ("img", "src") and value.startswith(SVG_DATA) else None
    if (tag, name) == ("img", "src"):
        return None  # images come from us (the family map), never from a link
    return value


def clean(fragment: str) -> str:
    """The sanitiser every page's HTML passes through: only our tags, attributes, classes and
    URL schemes (https, http, mailto, relative; never javascript:, vbscript: or data:) survive."""
    return nh3.clean(
        fragment,
        tags=TAGS,
        attributes=ATTRIBUTES,
        tag_attribute_values={"a": {"rel": {EXTERNAL_REL}}},
        filter_style_properties={"text-align"},  # table column alignment, nothing else
        url_schemes=URL_SCHEMES,
        attribute_filter=_attribute,
        link_rel=None,  # rel is set where a link leaves our server (link, _AuthorRenderer)
        strip_comments=True,
    )


def render(text: str, *, inline: bool = False) -> str:
    """An author's Markdown as safe HTML: Markdown renders, raw HTML is shown as text.

    inline=True renders a one-line field (a title, a name) without a paragraph around it, and
    reads no block syntax in it ('1. Intro' stays text, not a list).
    """
    md = _markdown()
    if inline:
        tokens = md.inline(text.strip(), {"ref_links": {}})
        out = md.renderer(tokens, BlockState())  # type: ignore[misc]
    else:
        out = md(text)
    return clean(str(out)).strip()


def cell_source(fragment: str) -> str:
    """A Markdown cell's source: fragment, cleaned, as one HTML block a second Markdown pass
    leaves alone (no blank line inside; see the module docstring)."""
    lines = [line for line in clean(fragment).split("\n") if line.strip()]
    return "\n".join([f'<div class="{" ".join(WRAPPER_CLASSES)}">', *lines, "</div>"]) + "\n"


@dataclass(frozen=True)
class RawHtml:
    """Raw HTML in an author's text: where it starts (0-based offset) and its first line."""

    offset: int
    snippet: str


def _walk(tokens: list[dict[str, Any]]) -> Any:
    for token in tokens:
        yield token
        yield from _walk(token.get("children") or [])


def raw_html(text: str) -> list[RawHtml]:
    """Every piece of raw HTML (tags, comments) in text, as Markdown reads it: a `<b>` in a
    code span or code block is code, not HTML."""
    found = []
    cursor = 0
    tokens, _ = _parser().parse(text)
    for token in _walk(tokens):  # type: ignore[arg-type]
        kind, raw = token["type"], token.get("raw") or ""
        first = raw.strip().split("\n", 1)[0]
        if not first:
            continue
        at = text.find(first, cursor)
        if kind in {"block_html", "inline_html"}:
            found.append(RawHtml(at if at >= 0 else cursor, first))
        if at >= 0 and kind in {"block_html", "inline_html", "codespan", "block_code"}:
            cursor = at + len(first)
    return found
