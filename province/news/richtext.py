"""The rich text of news: an allow-list of tags and attributes (nh3, the Rust ammonia
sanitiser), applied when an article is saved and again when it is shown, so a row written
by any other path still cannot carry script."""

from __future__ import annotations

import nh3

TAGS = frozenset(
    {"p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "a", "hr"}
    | {"table", "thead", "tbody", "tr", "th", "td", "caption"}
)
ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope", "colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(TAGS),
        attributes={tag: set(attrs) for tag, attrs in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def plain_text(html: str) -> str:
    """The text of ``html`` without any tag (for search and summaries)."""
    return " ".join(nh3.clean(html, tags=set()).split())
