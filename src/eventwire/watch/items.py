"""One new item: fetch its page (robots.txt first), then store it through the ingest path and mark it seen."""

from __future__ import annotations

import io
from contextlib import redirect_stderr
from dataclasses import dataclass
from datetime import UTC, datetime

from ..fetching.client import Fetcher, FetchError
from ..fetching.robots import Robots
from ..ingest import Ingester, IngestSummary, first_line
from ..sources import RawInput
from .discover import Item
from .state import WatchState

HTML_TYPES = ("text/html", "application/xhtml+xml")
SKIP_ROBOTS = "robots.txt disallows it"


@dataclass
class Fetched:
    item: Item
    raw: RawInput | None = None  # what to ingest
    skip: str | None = None  # a definitive reason not to (the item is marked seen with it)
    error: FetchError | None = None  # a transient failure: the item stays unseen, retried at the next poll


def fetch_item(item: Item, fetcher: Fetcher, robots: Robots) -> Fetched:
    """Runs on a fetching thread; never raises for a bad item."""
    if item.inline is not None:
        return Fetched(item, item.inline)
    try:
        resp = fetcher.get(item.url, allowed=robots.allowed)  # robots.txt asked for every redirect hop too
    except FetchError as exc:
        if exc.kind == "robots":
            hop = f" (redirected to {exc.url})" if exc.url != item.url else ""
            return Fetched(item, skip=SKIP_ROBOTS + hop)
        return Fetched(item, error=exc) if exc.transient else Fetched(item, skip=f"{exc.kind}: {exc}")
    ctype = resp.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype and ctype not in HTML_TYPES and not ctype.startswith("text/"):
        return Fetched(item, skip=f"non-html: {ctype}")
    raw = RawInput(resp.url, resp.body, url=resp.url, published=item.published, title=item.title,
                   retrieved=datetime.now(UTC).date(), is_html=True if ctype in HTML_TYPES else None)
    return Fetched(item, raw)


def ingest_item(f: Fetched, sid: str, ingester: Ingester, state: WatchState, summary: IngestSummary) -> str:
    """Store the item's article (if any), then mark the item seen; returns its outcome.

    In this order, so that a kill between the two only makes the next run find the article stored.
    """
    if f.error is not None:
        return f"retry: {f.error.kind}"
    outcome = f"skipped: {f.skip}" if f.skip else _ingest(f.raw, ingester, summary)
    state.mark_seen(sid, f.item.url, outcome, published=f.item.published)
    return outcome


def _ingest(raw: RawInput, ingester: Ingester, summary: IngestSummary) -> str:
    before = (summary.stored, summary.duplicates, summary.already, summary.failed, sum(summary.skipped.values()))
    said = io.StringIO()  # ingest_one's one-line reasons, kept for the structured log instead of bare stderr
    try:
        with redirect_stderr(said):
            ingester.ingest_one(raw, summary)
    except Exception as exc:
        from ..ingest import _is_store_error

        if _is_store_error(exc):
            raise
        summary.failed += 1
        return f"failed: internal error ({type(exc).__name__}: {first_line(exc)})"
    after = (summary.stored, summary.duplicates, summary.already, summary.failed, sum(summary.skipped.values()))
    names = ("stored", "duplicate", "already", "failed", "skipped")
    outcome = next((n for n, a, b in zip(names, after, before, strict=True) if a > b), "already")
    reason = " ".join(said.getvalue().split()).removeprefix(f"eventwire: {raw.name}: ")
    return f"{outcome}: {reason}" if reason and outcome in ("failed", "skipped") else outcome
