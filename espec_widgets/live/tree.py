"""Author text for live pages as a tree of plain data, never as HTML the page would parse.

The scenario's Markdown is rendered and cleaned once (markup.render, in the console's kernel) and
then turned into nested lists: a string is text, `[tag, href, children]` an element. The pages
build it with createElement and textContent (prelude.js `fromTree`), keeping only the tags below
and links with http(s) or mailto addresses, so no widget module needs an HTML sink at all, and a
tampered session row can at worst show odd text.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from typing import Any

TAGS = frozenset(
    {"p", "br", "strong", "em", "del", "code", "blockquote", "ul", "ol", "li", "a", "h4", "h5"}
)
"""What live text may hold (headings inside a stage's text step down to h4)."""
HEADINGS = {"h1": "h4", "h2": "h4", "h3": "h4", "h4": "h5", "h5": "h5", "h6": "h5"}
VOID = frozenset({"br"})
SCHEMES = ("https://", "http://", "mailto:")

Tree = list[Any]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: Tree = []
        self._stack: list[Tree] = [self.root]
        self._tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = HEADINGS.get(tag, tag)
        if tag not in TAGS:
            return
        href = ""
        if tag == "a":
            href = next((v or "" for k, v in attrs if k == "href"), "")
            href = href if href.startswith(SCHEMES) else ""
        node: Tree = [tag, href, []]
        self._stack[-1].append(node)
        if tag not in VOID:
            self._stack.append(node[2])
            self._tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        tag = HEADINGS.get(tag, tag)
        if tag in self._tags:
            while self._tags:
                self._stack.pop()
                if self._tags.pop() == tag:
                    break

    def handle_data(self, data: str) -> None:
        if data.strip() or (data and self._tags):
            self._stack[-1].append(data)


def to_tree(fragment: str) -> Tree:
    """Cleaned HTML (markup.render's output) as a tree of plain data."""
    builder = _Builder()
    builder.feed(fragment)
    builder.close()
    return builder.root


def tree_html(tree: Tree) -> str:
    """The tree as HTML again, every text escaped (for the session report's PDF)."""
    out = []
    for node in tree:
        if isinstance(node, str):
            out.append(html.escape(node))
            continue
        tag, href, children = node
        if tag not in TAGS:
            out.append(tree_html(children))
            continue
        attrs = f' href="{html.escape(href)}"' if tag == "a" and href.startswith(SCHEMES) else ""
        out.append(
            f"<{tag}{attrs}>" if tag in VOID else f"<{tag}{attrs}>{tree_html(children)}</{tag}>"
        )
    return "".join(out)


def tree_text(tree: Tree) -> str:
    """The tree's words alone (for a CSV, or a search in a test)."""
    return "".join(n if isinstance(n, str) else tree_text(n[2]) for n in tree)
