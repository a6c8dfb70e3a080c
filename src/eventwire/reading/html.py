"""HTML pages -> title, dates and body, using trafilatura (and htmldate through it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..errors import InputError
from .language import detect_language
from .pagedate import page_date
from .plaintext import is_furniture

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


def stated_date(html: str, url: str | None, title: str | None, body: str) -> date | None:
    """The publication date the page states (byline stamp, URL, metadata), or None."""
    import lxml.html
    from lxml.etree import ParserError

    # lxml refuses a str that still carries an XML encoding declaration (XHTML pages).
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html[:500]) + html[500:]
    try:
        root = lxml.html.document_fromstring(html)
    except (ParserError, ValueError):
        return None
    # The language only orders "05/10/2018"; a short sample is enough and cheap.
    return page_date(root, url, title, body[:200], detect_language(body[:800]))[0]


# favor_precision drops more boilerplate (captions, share and newsletter lines) but now and
# then loses most of an article; a short precision result is checked against the default mode.
SHORT_BODY = 1000  # characters: below this the precision result is double-checked
KEEP_SHARE = 0.5  # ... and replaced when it is under this share of the default mode's text


def _extract(html: str, url: str | None, metadata: bool, precision: bool):
    import trafilatura

    return trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=metadata,
        include_comments=False,
        include_tables=True,
        include_images=False,
        deduplicate=False,
        favor_precision=precision,
        # htmldate (a fallback behind pagedate): the original date, from markup only, not free text.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )


def _words(s: str) -> str:
    return " ".join(re.findall(r"\w+", s.lower()))


def _drop_furniture(paras: list[str], title: str | None) -> str:
    """The body without the headline repeated on top and the boilerplate table's share/nav lines."""
    head = _words(title or "")
    while paras and head and _words(paras[0]) == head:
        paras = paras[1:]
    return "\n\n".join(p for p in paras if not is_furniture(p))


def read_html(html: str, url: str | None = None) -> HtmlPage:
    """Main text and metadata of one page. Raises InputError when no text can be found."""
    doc = _extract(html, url, metadata=True, precision=True)
    body = (doc.text or "").strip() if doc is not None else ""
    if len(body) < SHORT_BODY:
        plain = _extract(html, url, metadata=doc is None, precision=False)
        other = (plain.text or "").strip() if plain is not None else ""
        if len(body) < KEEP_SHARE * len(other):
            body = other
            doc = doc or plain
    if doc is None or not body:
        raise InputError("no article text found in the HTML page")
    text = _drop_furniture(re.sub(r"\n{2,}", "\n", body).split("\n"), doc.title)
    if not text:
        raise InputError("no article text found in the HTML page")
    published = stated_date(html, url, doc.title, text)
    if published is None and doc.date:
        try:  # htmldate's guess, through trafilatura, when the page's own stamps say nothing
            published = date.fromisoformat(doc.date[:10])
        except ValueError:
            published = None
    site = doc.sitename or doc.hostname
    return HtmlPage(doc.title, published, text, doc.url or url, site, doc.language)
