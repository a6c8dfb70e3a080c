"""One input (bytes) -> one Article: decode, pick the reader, clean, identify."""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date
from urllib.parse import urlsplit, urlunsplit

from ..errors import InputError
from ..models import Article
from .decode import declared_charset, decode_text, looks_binary, maybe_gunzip
from .html import looks_like_html, read_html
from .language import detect_language
from .plaintext import read_plaintext
from .repair import repair_mojibake, repair_spacing

MAX_BYTES = 20_000_000  # a news page is never this large; bigger inputs are refused


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no trailing slash: one id per page."""
    p = urlsplit(url.strip())
    path = p.path.rstrip("/") or "/"
    return urlunsplit((p.scheme.lower() or "http", p.netloc.lower(), path, p.query, ""))


def article_id(url: str | None, text: str) -> str:
    key = "url:" + canonical_url(url) if url else "text:" + " ".join(text.split())
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def read_article(
    data: bytes,
    input_name: str | None = None,
    url: str | None = None,
    max_bytes: int = MAX_BYTES,
    published: date | None = None,
    retrieved: date | None = None,
    title: str | None = None,
    is_html: bool | None = None,
) -> Article:
    """Read one article from raw bytes (HTML, plain text, either gzipped).

    ``published``, ``retrieved`` and ``title`` are what the container says (a feed item's
    date and title, a WARC record's capture date); the page's own metadata fills what they lack.
    """
    hint_published, hint_retrieved, hint_title = published, retrieved, title
    if len(data) > max_bytes:
        raise InputError(f"input is {len(data) / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit")
    data = maybe_gunzip(data, max_bytes)
    if not data.strip():
        raise InputError("input is empty")
    if looks_binary(data):
        raise InputError("input is binary, not text or HTML")
    text, _enc = decode_text(data, declared_charset(data))
    text = repair_mojibake(text)

    retrieved = None
    site = None
    if is_html if is_html is not None else looks_like_html(data):
        page = read_html(text, url, hint_retrieved)
        title, published, body, url, site = page.title, page.published, page.body, page.url, page.site
    else:
        cap = read_plaintext(text)
        title, published, retrieved, body = cap.title, cap.published, cap.retrieved, cap.body
        site = cap.agency
        if not body.strip() and title:
            # A text of one line (a wire snippet, a headline-only item) was taken for a headline:
            # that line is all the article says, so it is also its text.
            body = title
    # A feed's item date is the publisher's own statement; the page's date fills in otherwise.
    published = hint_published or published
    retrieved = hint_retrieved or retrieved
    if published and retrieved and (published - retrieved).days > 1:
        published = None  # a page is not published after it was captured (a day's grace for zones)
    title = title or hint_title
    if published is None and input_name:
        # Archives often name files by day ("outlet_2016-09-12_slug.txt"): the last resort.
        m = re.search(r"(?<!\d)((?:19|20)\d{2})-(\d{2})-(\d{2})(?!\d)", os.path.basename(input_name))
        if m:
            published = _safe_date(*map(int, m.groups()))
    body = repair_spacing(body)
    if title:
        title = repair_spacing(" ".join(title.split()))
    if not body.strip():
        raise InputError("no article text found")
    language = detect_language(body)
    return Article(
        id=article_id(url, body),
        text=body,
        input=input_name,
        url=url,
        site=site,
        title=title,
        published=published,
        retrieved=retrieved,
        language=language,
    )
