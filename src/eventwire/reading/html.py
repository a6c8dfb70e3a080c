"""HTML pages -> title, dates and body, using trafilatura (and htmldate through it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..errors import InputError

_HTML_HINT = re.compile(rb"<(?:!doctype\s+html|html|head|body|article|div|p|meta|title)\b", re.I)


def looks_like_html(data: bytes) -> bool:
    return bool(_HTML_HINT.search(data[:4096]))


@dataclass
class HtmlPage:
    title: str | None
    published: date | None
    body: str
    url: str | None
    site: str | None
    language: str | None


def read_html(html: str, url: str | None = None) -> HtmlPage:
    """Main text and metadata of one page. Raises InputError when no text can be found."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        deduplicate=False,
        # original_date: the publication date, not the last modification.
        date_extraction_params={"extensive_search": True, "original_date": True},
    )
    if doc is None or not (doc.text or "").strip():
        raise InputError("no article text found in the HTML page")
    text = re.sub(r"\n{2,}", "\n", doc.text.strip()).replace("\n", "\n\n")
    published = None
    if doc.date:
        try:
            published = date.fromisoformat(doc.date[:10])
        except ValueError:
            published = None
    site = doc.sitename or doc.hostname
    return HtmlPage(doc.title, published, text, doc.url or url, site, doc.language)
