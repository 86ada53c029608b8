"""Markdown to HTML: known XSS payloads never come out as markup that runs."""

from html.parser import HTMLParser

import pytest

from news.rendering import ALLOWED_TAGS, render_markdown


class _Elements(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    "<svg onload=alert(1)><script>alert(2)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](jav&#x61;script:alert(1))",
    "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1))",
    "[click](java%73cript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click]( javascript:alert(1) )",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x](https://example.com/a.png "t" onerror="alert(1)")',
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!-- --><script>alert(1)</script> -->",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "`<script>alert(1)</script>`",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_payload_does_not_survive(payload):
    html = render_markdown(payload)
    for tag, attrs in _Elements(html).elements:
        assert tag in ALLOWED_TAGS, html
        assert not any(name.startswith("on") or name == "style" for name in attrs), html
        for name in ("href", "src"):
            if name in attrs:
                assert attrs[name].split(":", 1)[0].lower() in {"http", "https", "mailto"}, html
    assert "<script" not in html.lower()


def test_links_get_nofollow_noopener_and_markdown_still_renders():
    html = render_markdown("## News\n\n**Bold** [site](https://example.com) and `code`\n\n- one\n- two")
    assert '<a href="https://example.com" rel="nofollow noopener">site</a>' in html
    assert "<h2>News</h2>" in html and "<strong>Bold</strong>" in html and "<code>code</code>" in html
    assert "<li>one</li>" in html


def test_raw_html_is_shown_as_text_not_markup():
    assert render_markdown("<b>hi</b>") == "<p>&lt;b&gt;hi&lt;/b&gt;</p>\n"


def test_relative_links_lose_their_target():
    elements = _Elements(render_markdown("[x](/admin/) [y](//evil.example/)")).elements
    assert [attrs.get("href") for tag, attrs in elements if tag == "a"] == [None, None]


def test_empty_content_renders_empty():
    assert render_markdown(None) == "" and render_markdown("") == ""
