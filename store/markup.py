"""Markdown -> sanitised HTML, for every piece of admin-written copy (products, guides).

Admin Markdown is untrusted: markdown-it renders it (raw HTML passes through only to be cleaned) and
nh3 (the ammonia sanitiser) keeps an allow-list of tags and attributes; scripts, event handlers, style,
iframes and non-http(s)/mailto links are removed.
"""
from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "abbr", "sup", "sub", "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"scope"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(source: str | None) -> str:
    """Render Markdown to HTML that is safe to mark as trusted in templates."""
    if not source:
        return ""
    # h1 belongs to the page title: demote headings one level so copy can't add a second h1.
    html = _md.render(source).replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return sanitize_html(html)


def plain_text(source: str | None) -> str:
    """Markdown to plain text (for meta descriptions, search indexing)."""
    return html_text(_md.render(source or ""))


def html_text(html: str | None) -> str:
    """The plain text of HTML already rendered (a page's structured data reads the kept ``*_html`` columns
    rather than rendering the Markdown again on every request)."""
    return " ".join(nh3.clean(html or "", tags=set()).split())
