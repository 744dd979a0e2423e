"""Guides as PDFs: tagged (PDF/UA-1), titled, bookmarked, linked, paginated; made by `espec build`."""

from __future__ import annotations

import http.server
import io
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader

from espec_widgets.builder import build, guide_pdf
from espec_widgets.case.guides import Guide, parse_guide

from ..conftest import PROJECT

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def reader() -> PdfReader:
    guide = parse_guide(PROJECT / "data" / "guides" / "working-with-interpreters.md")
    data = guide_pdf.guide_pdf(guide, used_in=["A fictional case title"])
    return PdfReader(io.BytesIO(data))


def _outline_titles(items: list[object]) -> list[str]:
    titles: list[str] = []
    for item in items:
        if isinstance(item, list):
            titles += _outline_titles(item)
        else:
            titles.append(item.title)  # type: ignore[attr-defined]
    return titles


def test_pdf_is_tagged_for_screen_readers(reader: PdfReader) -> None:
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()


def test_pdf_has_title_bookmarks_links_and_page_numbers(reader: PdfReader) -> None:
    guide = parse_guide(PROJECT / "data" / "guides" / "working-with-interpreters.md")
    assert reader.metadata.title == guide.title
    headings = [
        line.lstrip("#").strip() for line in guide.text.splitlines() if line.startswith("##")
    ]
    assert _outline_titles(reader.outline) == [guide.title, *headings]
    first = " ".join(reader.pages[0].extract_text().split())
    assert guide.title in first and f"Page 1 of {len(reader.pages)}" in first
    last = reader.pages[-1].extract_text()
    assert "A fictional case title" in last, "the cases that use the guide are named"
    uris = {
        a.get_object()["/A"]["/URI"]
        for page in reader.pages
        for a in page.get("/Annots") or []
        if a.get_object()["/Subtype"] == "/Link"
    }
    assert "https://www.ncihc.org/" in uris


def test_html_in_a_guide_is_shown_as_text_never_passed_through(tmp_path: Path) -> None:
    guide = Guide("x", tmp_path / "x.md", "A <i>title</i>", "# A\n\n<script>alert(1)</script>\n")
    page = guide_pdf.guide_html(guide, used_in=["<b>case</b>"])
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<i>title</i>" not in page and "<b>case</b>" not in page


def test_the_pdf_fetches_nothing_from_the_network_or_the_disk(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from weasyprint import HTML

    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_error(404)

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    here = f"http://127.0.0.1:{server.server_address[1]}"
    css = tmp_path / "style.css"
    css.write_text("p { color: red }", encoding="utf-8")
    document = (
        f'<link rel="stylesheet" href="{css.as_uri()}"><img src="{here}/a.png">'
        f'<p style="background: url({here}/b.png)">x</p><style>@import "{here}/c.css";</style>'
    )
    try:
        with caplog.at_level("WARNING", logger=guide_pdf.__name__):
            HTML(string=document, url_fetcher=guide_pdf.fetch_nothing()).write_pdf()
    finally:
        server.shutdown()
    assert asked == []
    refused = " ".join(r.getMessage() for r in caplog.records if r.name == guide_pdf.__name__)
    assert css.as_uri() in refused and f"{here}/a.png" in refused
    # A guide's own document asks for nothing at all.
    caplog.clear()
    guide = Guide("g", tmp_path / "g.md", "Guide", "# Guide\n\n[A link](https://example.org/).\n")
    with caplog.at_level("WARNING", logger=guide_pdf.__name__):
        guide_pdf.guide_pdf(guide, used_in=["A case"])
    assert not [r for r in caplog.records if r.name == guide_pdf.__name__]


def test_pdfs_are_cached_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    guide = Guide("g", tmp_path / "g.md", "Guide", "# Guide\n\nText.\n")
    first = guide_pdf.cached_guide_pdf(guide, used_in=[], cache=tmp_path / "cache")

    def fail(*_a: object, **_k: object) -> bytes:
        raise AssertionError("rendered again")

    monkeypatch.setattr(guide_pdf, "guide_pdf", fail)
    assert guide_pdf.cached_guide_pdf(guide, used_in=[], cache=tmp_path / "cache") == first
    edited = Guide("g", guide.path, "Guide", "# Guide\n\nOther text.\n")
    with pytest.raises(AssertionError, match="rendered again"):
        guide_pdf.cached_guide_pdf(edited, used_in=[], cache=tmp_path / "cache")


def test_build_makes_pdfs_and_check_leaves_them_out(workbook: Path) -> None:
    report = build(workbook)
    pdf = workbook / "notebooks" / "guides" / "family-meetings.pdf"
    assert "notebooks/guides/family-meetings.pdf" in report.written
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert build(workbook, check=True).clean, "PDFs are not committed, so --check ignores them"
    assert "notebooks/guides/family-meetings.pdf" in build(workbook).unchanged
    stale = workbook / "notebooks" / "guides" / "gone.pdf"
    stale.write_bytes(b"%PDF-old")
    assert "notebooks/guides/gone.pdf" in build(workbook).removed and not stale.exists()


def test_build_without_pango_still_builds_the_pages(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pango(*_a: object, **_k: object) -> bytes:
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(guide_pdf, "guide_pdf", no_pango)
    monkeypatch.setenv("ESPEC_CACHE_DIR", str(workbook / "empty-cache"))
    report = build(workbook)
    assert (workbook / "notebooks" / "guides" / "family-meetings.ipynb").exists()
    assert any("libpango-1.0-0" in w and "apt-get install" in w for w in report.warnings)


def test_serve_makes_missing_pdfs_before_it_starts(workbook: Path) -> None:
    from espec_widgets import serve

    build(workbook, pdfs=False)
    pdf = workbook / "notebooks" / "guides" / "family-meetings.pdf"
    assert not pdf.exists()
    serve._ensure_pdfs(workbook)
    assert pdf.read_bytes().startswith(b"%PDF-")
