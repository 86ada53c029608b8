"""News Markdown to HTML that is safe to put in a page.

markdown-it-py renders CommonMark with raw HTML disabled (typed tags come out as text), then
nh3 keeps only the tags, attributes and URL schemes listed here: even if a renderer bug or a
future option let something through, the sanitizer decides what reaches the reader.
"""

import nh3
from markdown_it import MarkdownIt

from aigo.i18n import resolve

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
    "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Tags whose text is dropped with them, not kept as text.
DROPPED_WITH_CONTENT = {"script", "style", "svg", "math", "iframe", "object", "template"}
LINK_REL = "nofollow noopener"

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")


def render_markdown(text: str | None) -> str:
    """Sanitized HTML for Markdown `text` ("" for none)."""
    if not text:
        return ""
    return nh3.clean(
        _markdown.render(text),
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        # Relative and protocol-less URLs are refused too: only the schemes above.
        url_relative="deny",
        link_rel=LINK_REL,
    )


def render_localized(content: dict | None, locale: str) -> str:
    """The sanitized HTML of `content` for `locale` (with the usual fallback)."""
    return render_markdown(resolve(content, locale))
