"""New item URLs in a polled response: a feed's items (eventwire.feeds) or a section page's article links."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from html.parser import HTMLParser
from importlib import resources
from urllib.parse import urldefrag, urljoin, urlsplit

from ..feeds import iter_feed, looks_like_feed
from ..sources import RawInput


class NotAFeed(Exception):
    """A source that should be a feed but cannot be read as one (one line)."""


@dataclass(frozen=True)
class Item:
    url: str  # the article page to fetch (or the feed item's own key when it has no link)
    published: date | None = None
    title: str | None = None
    inline: RawInput | None = None  # a feed item without a link: its body is the article


@lru_cache(maxsize=1)
def _patterns() -> tuple[list[re.Pattern], list[re.Pattern]]:
    raw = json.loads(resources.files("eventwire").joinpath("data", "watch_links.json").read_text("utf-8"))
    return ([re.compile(p, re.I) for p in raw["article"]], [re.compile(p, re.I) for p in raw["not_article"]])


def is_feed(body: bytes, kind: str | None) -> bool:
    return kind == "feed" or (kind is None and looks_like_feed(body))


def items(body: bytes, base_url: str, kind: str | None, max_bytes: int) -> list[Item]:
    """The items of a feed or the article links of a page, in document order, without repeats."""
    if is_feed(body, kind):
        found = feed_items(body, base_url, max_bytes)
        if not found and not looks_like_feed(body):
            # feedparser reads an HTML page as an empty feed: say what it is.
            raise NotAFeed(f"{base_url}: not an RSS or Atom feed (the source list says kind = feed)")
    else:
        found = page_links(body, base_url)
    seen: set[str] = set()
    return [i for i in found if not (i.url in seen or seen.add(i.url))]


def feed_items(body: bytes, base_url: str, max_bytes: int) -> list[Item]:
    out = []
    for raw in iter_feed(body, base_url, max_bytes):
        if raw.error and not raw.url:
            raise NotAFeed(f"{base_url}: {raw.error}")
        if raw.url:
            out.append(Item(urldefrag(urljoin(base_url, raw.url))[0], raw.published, raw.title))
        elif raw.data is not None:
            # No page to fetch: the item's body is the article, keyed by the feed and the body itself
            # (its position in the feed changes as new items come in).
            key = f"{base_url}#sha256={hashlib.sha256(raw.data).hexdigest()[:32]}"
            out.append(Item(key, raw.published, raw.title, inline=raw))
    return out


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def looks_like_article(url: str) -> bool:
    path = urlsplit(url).path
    article, not_article = _patterns()
    return any(p.search(path) for p in article) and not any(p.search(path) for p in not_article)


def page_links(body: bytes, base_url: str) -> list[Item]:
    """Links on the section page's own site whose path looks like an article's (data/watch_links.json)."""
    parser = _Links()
    try:
        parser.feed(body.decode("utf-8", errors="replace"))
        parser.close()
    except Exception:  # a broken page gives the links read so far
        pass
    site = (urlsplit(base_url).hostname or "").lower()
    out = []
    for href in parser.hrefs:
        url = urldefrag(urljoin(base_url, href.strip()))[0]
        p = urlsplit(url)
        if p.scheme in ("http", "https") and (p.hostname or "").lower() == site and url != base_url \
                and looks_like_article(url):
            out.append(Item(url))
    return out
