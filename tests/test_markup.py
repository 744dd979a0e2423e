"""Author Markdown as safe HTML: Markdown renders, raw HTML shows as text, nothing runs, even
after the page reads a cell as Markdown a second time."""

from __future__ import annotations

import pytest
from nbconvert.filters.markdown import markdown2html

from espec_widgets.markup import cell_source, clean, raw_html, render

from .executable import executable
from .payloads import BLOCK_PAYLOAD, PAYLOADS

ATTACKS = [
    *PAYLOADS,
    BLOCK_PAYLOAD,
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    '<a href="&#106;avascript:alert(1)">x</a>',
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](JaVaScRiPt:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](file:///etc/passwd)",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    "![x](https://tracker.example/pixel.png)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<a href="/" onmouseover="alert(1)">x</a>',
    '<p style="width:expression(alert(1))">x</p>',
    "<svg><script>alert(1)</script></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<style>@import 'https://evil.example/x.css';</style>",
    "<iframe srcdoc='&lt;script&gt;alert(1)&lt;/script&gt;'></iframe>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    "<base href=javascript:alert(1)//>",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<!--<img src=x onerror=alert(1)>-->",
    "`<img src=x onerror=alert(1)>` <img src=x onerror=alert(1)>",
    "| a | <img src=x onerror=alert(1)> |\n|---|---|\n| <script>x</script> | [y](javascript:z) |",
    "> <svg onload=alert(1)>\n>\n> [q](javascript:alert(1))",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_nothing_in_author_text_runs_on_the_page(text: str) -> None:
    html = render(text)
    assert executable(html) == []
    assert executable(render(text, inline=True)) == []
    # What Voilà serves: the cell read as Markdown again by nbconvert.
    page = markdown2html(cell_source(html))
    assert executable(page) == [], page


@pytest.mark.parametrize(
    "text",
    ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "<b onclick=x()>bold</b>"],
)
def test_raw_html_is_shown_as_text(text: str) -> None:
    html = render(text)
    assert "&lt;" in html and "<b" not in html and "<img" not in html and "<script" not in html


def test_a_second_markdown_pass_cannot_turn_escaped_text_into_markup() -> None:
    text = (
        "\\[x\\](javascript:alert(1)) and *emphasis*\n\n"
        "```\ncode\n\n\n[y](javascript:alert(2))\n```\n\n"
        "\\[z\\](javascript:alert(3)) &lt;img src=x onerror=alert(4)&gt;"
    )
    source = cell_source(render(text))
    assert source.startswith('<div class="') and source.endswith("</div>\n")
    assert all(line.strip() for line in source.splitlines()), "a blank line ends an HTML block"
    page = markdown2html(source)
    assert "<a " not in page and "<img" not in page
    assert source.strip() in page, "nbconvert passes the cell through as it is"
    assert "[x](javascript:alert(1))" in page, "the escaped text is still shown"


def test_a_cell_that_starts_with_code_is_still_one_html_block() -> None:
    # A cell starting with <pre> would be an HTML block that ends at </pre>.
    source = cell_source(render("```\na\n```\n\n\\[x\\](javascript:alert(1))"))
    assert source.splitlines()[1].startswith("<pre>")
    assert "<a " not in markdown2html(source)


def test_the_page_leaves_author_text_out_of_mathjax() -> None:
    source = cell_source(render("Costs $5 a prescription and $5 a visit."))
    assert 'class="espec-text tex2jax_ignore mathjax_ignore"' in source.splitlines()[0]


def test_markdown_still_renders() -> None:
    html = render(
        "## Heading\n\n"
        "**bold**, *emphasis*, ~~gone~~, `code` and [a page](https://example.org/a).\n\n"
        "- one\n- two\n\n3. three\n4. four\n\n"
        "> quoted\n\n"
        "| Name | Role |\n| :--- | ---: |\n| Ana | daughter |\n\n"
        "Term\n: its definition\n\n"
        "See https://example.org/b and [the guide](../guides/x.ipynb).\n\n"
        "Caf&eacute; &amp; more.\n\n"
        "![A photo of the ward](https://example.org/ward.jpg)"
    )
    for part in (
        "<h2>Heading</h2>",
        "<strong>bold</strong>",
        "<em>emphasis</em>",
        "<del>gone</del>",
        "<code>code</code>",
        '<a href="https://example.org/a" rel="noopener noreferrer">a page</a>',
        "<ul>\n<li>one</li>",
        '<ol start="3">',
        "<blockquote>",
        '<th style="text-align:left">Name</th>',
        '<td style="text-align:right">daughter</td>',
        "<dt>Term</dt>",
        '<a href="https://example.org/b" rel="noopener noreferrer">https://example.org/b</a>',
        '<a href="../guides/x.ipynb">the guide</a>',  # our own pages: no rel
        "Café &amp; more.",
        "<p>A photo of the ward</p>",  # pages load nothing from elsewhere: the description
    ):
        assert part in html, part
    # Code keeps its blank lines, as <br>: a newline in the cell would end its HTML block.
    assert render("```\na\n\n  b\n```") == "<pre><code>a<br><br>  b</code></pre>"
    assert render("1. *Intro* to #care", inline=True) == "1. <em>Intro</em> to #care"
    assert render("", inline=True) == "" and render("") == ""


@pytest.mark.parametrize(
    ("fragment", "kept"),
    [
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="data:text/html,x">x</a>', "<a>x</a>"),
        ('<a href="https://x.org" rel="opener" target="_top">x</a>', '<a href="https://x.org">x</a>'),
        ('<img src="x.png" onerror="alert(1)">', "<img>"),
        ('<img src="data:image/png;base64,AAAA">', "<img>"),
        ('<img src="data:image/svg+xml;base64,AAAA" alt="a">', '<img src="data:image/svg+xml;base64,AAAA" alt="a">'),
        ("<svg onload=alert(1)><circle/></svg>text", "text"),
        ('<iframe src="https://x.org"></iframe>text', "text"),
        ("<script>alert(1)</script>text", "text"),
        ('<p style="color:red" class="x" id="y">text</p>', "<p>text</p>"),
        (
            '<table><tr><td style="text-align:left;position:fixed">t</td></tr></table>',
            '<table><tbody><tr><td style="text-align:left">t</td></tr></tbody></table>',
        ),
        ("<!-- a comment -->text", "text"),
    ],
)  # fmt: skip
def test_clean_keeps_only_what_we_allow(fragment: str, kept: str) -> None:
    assert clean(fragment) == kept


def test_raw_html_is_found_where_markdown_reads_html() -> None:
    text = (
        "`<b>` is code; <b>bold</b> \\<i> not\n\n<div>\nblock\n</div>\n\n```\n<p>\n```\n<!-- c -->"
    )
    found = [(f.offset, f.snippet) for f in raw_html(text)]
    assert found == [
        (15, "<b>"),
        (22, "</b>"),
        (text.index("<div>"), "<div>"),
        (text.index("<!--"), "<!-- c -->"),
    ]
    assert raw_html("See <https://example.org> and a < b > c.") == []
