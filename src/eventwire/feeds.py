"""RSS and Atom feeds -> one RawInput per item (feedparser does the parsing)."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from .prolog import skip_prolog
from .sources import RawInput

SKIP_EMPTY = "empty"  # an item with neither content nor summary
SKIP_TOO_LARGE = "too-large"  # an item body over max_bytes
SKIP_REASONS: tuple[str, ...] = (SKIP_EMPTY, SKIP_TOO_LARGE)

FEED_EXTENSIONS = (".rss", ".atom")  # always read as feeds; ".xml" only when looks_like_feed agrees
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})

# The root element decides: anything before it may only be the XML prolog (declaration,
# stylesheet instructions, comments, a DOCTYPE), so an HTML page that merely mentions
# "<rss" is not taken for a feed. The prolog is skipped by a scanner (see prolog.py), the
# root tag matched at one offset: no pattern here can backtrack over the input.
_ROOT = re.compile(rb"<(rss|rdf:RDF|feed)\b([^>]*)>", re.I)
_ATOM_NS = (b"http://www.w3.org/2005/Atom", b"http://purl.org/atom/ns#")
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")


def _tags_end(value: str) -> int:
    # _TAG only ever matches up to the last ">": searching past it, every "<a" would scan to
    # the end of the text and fail (quadratic on a long run of "<a" without ">").
    return value.rfind(">") + 1


def looks_like_feed(data: bytes) -> bool:
    """True when the bytes are an RSS 0.9x/2.0, RSS 1.0 (RDF) or Atom document."""
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 feeds exist; sniff their ASCII skeleton.
        head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    start = skip_prolog(head)
    m = _ROOT.match(head, start) if start is not None else None
    if not m:
        return False
    root = m.group(1).lower()
    if root == b"feed":
        return any(ns in m.group(2) for ns in _ATOM_NS)
    return True


def _local_date(raw: str | None) -> date | None:
    # The publisher's own calendar day: "Mon, 02 Mar 2020 00:30:00 +0200" is 2 March, although
    # feedparser's *_parsed (normalised to UTC) says 1 March.
    if not raw:
        return None
    raw = raw.strip()
    try:
        return parsedate_to_datetime(raw).date()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(raw).date()
    except ValueError:
        return None


def _item_date(entry: Any) -> date | None:
    for key in ("published", "updated", "created"):
        # dict.get: feedparser's own get() maps a missing "updated" to "published", with a warning.
        parsed = dict.get(entry, f"{key}_parsed")
        if not parsed:
            continue  # absent, or a date feedparser could not read ("2 hours ago")
        local = _local_date(dict.get(entry, key))
        if local is not None:
            return local
        try:
            return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
        except ValueError:
            continue
    return None


def _plain(value: str, kind: str | None) -> str:
    if kind in HTML_TYPES:
        cut = _tags_end(value)
        value = html.unescape(_TAG.sub(" ", value[:cut]) + value[cut:])
    return " ".join(value.split())


def _body(entry: Any) -> tuple[str, bool] | None:
    """The richest body an item has: (text, is_html), or None."""
    contents = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    if contents:
        # Several <content> elements: prefer HTML, then the longest.
        best = max(contents, key=lambda c: (c.get("type") in HTML_TYPES, len(c.get("value") or "")))
        value, kind = best["value"], best.get("type")
    else:
        value = entry.get("summary") or ""
        kind = (entry.get("summary_detail") or {}).get("type")
    if not value.strip():
        return None
    # RSS descriptions are labelled text/html whatever they hold; without any tag it is text.
    if kind in HTML_TYPES and _TAG.search(value, 0, _tags_end(value)):
        return value, True
    if kind in HTML_TYPES:
        value = html.unescape(value)
    return value.strip(), False


def _page(body: str, title: str | None) -> str:
    # A whole document with a declared charset, so the HTML reader decodes and recognises it.
    head = f"<title>{html.escape(title)}</title>" if title else ""
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8">{head}</head>\n'
            f"<body><article>\n{body}\n</article></body></html>\n")


def _one_line(exc: object) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def iter_feed(data: bytes, name: str, max_bytes: int) -> Iterator[RawInput]:
    """Yield one RawInput per item of an RSS or Atom feed, in feed order.

    ``name`` of each item is ``f"{name}#{n}"`` with ``n`` the item's position, counting from 1.
    HTML bodies come as a small UTF-8 HTML document (``is_html=True``); plain-text bodies as
    UTF-8 text (``is_html=False``). Items without a body are ``skipped="empty"``; a feed that
    cannot be parsed at all gives one RawInput with ``error``; a feed without items one
    ``skipped="empty"``.
    """
    # A stream, never the bytes themselves: feedparser treats a str/bytes argument that looks
    # like a URL or a path as one and would fetch or open it.
    try:
        parsed = feedparser.parse(io.BytesIO(data))
    except Exception as exc:  # feedparser is lenient, but one bad feed must not stop the others
        yield RawInput(name, None, f"not a readable feed: {_one_line(exc)}")
        return
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            yield RawInput(name, None, f"not a readable feed: {_one_line(parsed.get('bozo_exception'))}")
        else:
            yield RawInput(name, None, skipped=SKIP_EMPTY)
        return
    site = (parsed.get("feed") or {}).get("link")
    for n, entry in enumerate(entries, 1):
        link = entry.get("link") or None
        if link and site:
            link = urljoin(site, link)  # relative item links are relative to the channel's site
        if link and urlsplit(link).scheme not in ("http", "https"):
            link = None  # feedparser falls back to an entry's id ("tag:...", "urn:uuid:..."): not a page
        title_raw = entry.get("title")
        title = _plain(title_raw, (entry.get("title_detail") or {}).get("type")) if title_raw else None
        meta = {"url": link, "published": _item_date(entry), "title": title or None}
        body = _body(entry)
        if body is None:
            yield RawInput(f"{name}#{n}", None, skipped=SKIP_EMPTY, **meta)
            continue
        text, is_html = body
        out = (_page(text, title) if is_html else text).encode("utf-8")
        if len(out) > max_bytes:
            yield RawInput(f"{name}#{n}", None, skipped=SKIP_TOO_LARGE, **meta)
            continue
        yield RawInput(f"{name}#{n}", out, is_html=is_html, **meta)
