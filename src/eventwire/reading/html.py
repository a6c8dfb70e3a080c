"""HTML pages -> title, dates and body, using trafilatura (and htmldate through it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..errors import InputError
from .consent import drop_consent
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


def _htmldate_params(latest: date | None) -> dict:
    """htmldate's settings: the original (not the last modified) date, extensive search."""
    params: dict = {"extensive_search": True, "original_date": True}
    if latest:  # the capture day, with a day's grace for the page's zone (as in pagedate.decide)
        params["max_date"] = (latest + timedelta(days=1)).isoformat()
    return params


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def htmldate_day(html: str, url: str | None, latest: date | None = None) -> date | None:
    """htmldate alone on the page (with its URL), as the reader runs it through trafilatura."""
    from htmldate import find_date

    try:
        return _day(find_date(html, url=url, **_htmldate_params(latest)))
    except (ValueError, TypeError):  # a page htmldate cannot parse has no date from it
        return None


def stated_date(html: str, url: str | None, title: str | None, body: str, base: date | None = None,
                latest: date | None = None) -> date | None:
    """The publication date: htmldate's (``base``), unless the page's own stamps, URL and
    metadata agree on another day (reading/pagedate.py). ``latest``: the capture day, which
    it cannot follow."""
    import lxml.html
    from lxml.etree import ParserError

    # lxml refuses a str that still carries an XML encoding declaration (XHTML pages).
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html[:500]) + html[500:]
    try:
        root = lxml.html.document_fromstring(html)
    except (ParserError, ValueError):
        return base
    # The language only orders "05/10/2018"; a short sample is enough and cheap.
    return page_date(root, url, title, body[:200], detect_language(body[:800]), base, latest)[0]


# favor_precision drops more boilerplate (captions, share and newsletter lines) but now and
# then loses most of an article; a short precision result is checked against the default mode.
SHORT_BODY = 1000  # characters: below this the precision result is double-checked
KEEP_SHARE = 0.5  # ... and replaced when it is under this share of the default mode's text


def _extract(html: str, url: str | None, metadata: bool, precision: bool, latest: date | None = None):
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
        # htmldate's date, the base of stated_date (the same answer as htmldate alone on the
        # 181 benchmark pages; trafilatura hands it the page's canonical URL when it states one).
        date_extraction_params=_htmldate_params(latest),
    )


def _words(s: str) -> str:
    return " ".join(re.findall(r"\w+", s.lower()))


def _drop_furniture(paras: list[str], title: str | None) -> str:
    """The body without the headline repeated on top, cookie banners and the boilerplate table's
    share/nav lines."""
    paras = drop_consent(paras)
    head = _words(title or "")
    while paras and head and _words(paras[0]) == head:
        paras = paras[1:]
    return "\n\n".join(p for p in paras if not is_furniture(p))


def read_html(html: str, url: str | None = None, retrieved: date | None = None) -> HtmlPage:
    """Main text and metadata of one page. Raises InputError when no text can be found.

    ``retrieved`` (the capture day, when the container states it) bounds the publication date."""
    doc = _extract(html, url, metadata=True, precision=True, latest=retrieved)
    body = (doc.text or "").strip() if doc is not None else ""
    if len(body) < SHORT_BODY:
        plain = _extract(html, url, metadata=doc is None, precision=False, latest=retrieved)
        other = (plain.text or "").strip() if plain is not None else ""
        if len(body) < KEEP_SHARE * len(other):
            body = other
            doc = doc or plain
    if doc is None or not body:
        raise InputError("no article text found in the HTML page")
    text = _drop_furniture(re.sub(r"\n{2,}", "\n", body).split("\n"), doc.title)
    if not text:
        raise InputError("no article text found in the HTML page")
    published = stated_date(html, url, doc.title, text, _day(doc.date), retrieved)
    site = doc.sitename or doc.hostname
    return HtmlPage(doc.title, published, text, doc.url or url, site, doc.language)
