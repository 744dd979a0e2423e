"""Best Practice Guides as tagged PDFs (PDF/UA-1) to print or keep: Markdown -> HTML -> WeasyPrint.

WeasyPrint lays out HTML and CSS for paged media (running headers, page numbers, bookmarks from
headings) and writes PDF/UA with a structure tree, so a screen reader can read the PDF too. It
needs the Pango library from the system; without it, `espec build` says so and skips the PDFs.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
from importlib.metadata import version
from pathlib import Path
from typing import Any

from ..case.guides import Guide
from ..markup import render

log = logging.getLogger(__name__)

PUBLISHER = "ESPEC case workbook"
LAYOUT_VERSION = 2
"""Bump when the template or style below changes, so cached PDFs are made again."""

STYLE = """
@page {
  size: Letter;
  margin: 22mm 20mm 22mm 20mm;
  @top-left { content: "ESPEC case workbook · Best Practice Guide"; font-size: 8pt; color: #444; }
  @top-right { content: string(guide-title); font-size: 8pt; color: #444; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; color: #444; }
}
@page :first { @top-right { content: none; } }
html { font-family: "DejaVu Sans", "Liberation Sans", "Noto Sans", Arial, sans-serif;
       font-size: 10pt; line-height: 1.45; color: #111; }
h1 { font-size: 19pt; line-height: 1.2; margin: 0 0 2mm; string-set: guide-title content(); }
h2 { font-size: 13.5pt; margin: 6mm 0 2mm; padding-bottom: 1mm; border-bottom: 0.6pt solid #777;
     break-after: avoid; }
h3 { font-size: 11.5pt; margin: 4mm 0 1.5mm; break-after: avoid; }
p, li { orphans: 2; widows: 2; }
p { margin: 0 0 2.5mm; }
ul, ol { margin: 0 0 3mm; padding-left: 6mm; }
li { margin: 0 0 1.2mm; }
li > p { margin: 0; }
a { color: #0b4f9c; text-decoration: underline; }
a[href^="https://"]::after { content: " (" attr(href) ")"; font-size: 8pt; color: #333;
                              overflow-wrap: anywhere; text-decoration: none; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; font-size: 9.5pt; }
th, td { border: 0.6pt solid #888; padding: 1.5mm 2mm; vertical-align: top; text-align: left; }
th { background: #eee; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
blockquote { margin: 0 0 3mm; padding-left: 4mm; border-left: 2pt solid #888; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt; }
.standfirst { font-size: 9pt; color: #333; margin-bottom: 5mm; }
footer { margin-top: 8mm; padding-top: 2mm; border-top: 0.6pt solid #777; font-size: 8.5pt;
         color: #333; break-inside: avoid; }
"""


def guide_html(guide: Guide, *, used_in: list[str]) -> str:
    """The guide as a standalone HTML document for print: our template around the guide's and
    the cases' text as the pages show it (markup.render: Markdown, never raw HTML)."""
    body = render(guide.body)
    heading = render(guide.title, inline=True)
    title = html.escape(guide.title)  # <title> and <meta> hold plain text
    cases = "; ".join(render(t, inline=True) for t in used_in)
    used = f"<p>Used in the workbook's cases: {cases}.</p>" if used_in else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<meta name="author" content="{PUBLISHER}">\n'
        f'<meta name="description" content="A Best Practice Guide for health social workers: {title}">\n'
        f"<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{heading}</h1>\n"
        '<p class="standfirst">A Best Practice Guide from the ESPEC case workbook for health '
        "social workers in palliative and end-of-life care. All examples are fictional.</p>\n"
        f"{body}\n</main>\n<footer>\n{used}"
        "<p>Law and policy differ by state and by employer: follow those where you practise. "
        "Regulatory boards are the final authority on continuing education credit.</p>\n"
        "</footer>\n</body>\n</html>\n"
    )


def cache_key(guide: Guide, used_in: list[str]) -> str:
    """What a guide's PDF depends on: its text, the cases that use it, layout and renderer."""
    parts = [guide.text, "\n".join(used_in), str(LAYOUT_VERSION), version("weasyprint")]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:24]


def fetch_nothing() -> Any:
    """A WeasyPrint URL fetcher that refuses every URL: a guide's document carries all it needs
    (its style is inline; it has no images), so nothing is read from the network or the disk."""
    from weasyprint.urls import URLFetcher

    class Refuse(URLFetcher):
        def fetch(self, url: str, headers: object = None) -> Any:
            log.warning("a guide's PDF asked for %s; guides load nothing", url)
            raise ValueError(f"guides load nothing ({url})")

    return Refuse()


def guide_pdf(guide: Guide, *, used_in: list[str]) -> bytes:
    """Render one guide as PDF/UA-1 (tagged, titled, with bookmarks from its headings)."""
    from weasyprint import HTML

    document = HTML(string=guide_html(guide, used_in=used_in), url_fetcher=fetch_nothing())
    pdf = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=guide.id.encode("ascii"))
    assert pdf is not None
    return bytes(pdf)


def cached_guide_pdf(guide: Guide, *, used_in: list[str], cache: Path) -> bytes:
    """guide_pdf through a cache keyed by cache_key (rendering takes about a second each)."""
    path = cache / f"{guide.id}-{cache_key(guide, used_in)}.pdf"
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = guide_pdf(guide, used_in=used_in)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # two builds never share one
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        log.warning("could not cache %s", path)
    return data
