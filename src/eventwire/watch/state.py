"""The monitor's state in the store: per source (validators, successes, errors, backoff) and items handled.

Order of writes, so that a kill -9 at any moment neither loses nor duplicates an article: the
article is stored (its own transaction) *before* its item is marked seen. Killed in between, the
item is fetched again on restart, the store already has the article (stable ids), and the item is
marked seen then. A feed's ETag/Last-Modified are saved only after all its new items are handled,
so a poll cut short is redone whole, its handled items filtered out by the seen table.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime

from sqlalchemy import select, update

from ..store import schema as t


def source_id(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()


def item_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def utc(value: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: they were written in UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass
class SourceState:
    id: str
    url: str
    name: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_poll: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    items_seen: int = 0
    newest_published: date | None = None
    newest_item_at: datetime | None = None
    failures: int = 0
    next_due: datetime | None = None


_DATES = ("last_poll", "last_success", "last_error_at", "newest_item_at", "next_due")


_COUNTERS = ("id", "items_seen", "newest_published", "newest_item_at")


def _state(row) -> SourceState:
    d = dict(row)
    for k in _DATES:
        d[k] = utc(d[k])
    return SourceState(**d)


class WatchState:
    def __init__(self, store) -> None:
        self.store = store

    def source(self, url: str, name: str | None = None) -> SourceState:
        """The state of ``url``'s source, created on first use."""
        sid = source_id(url)
        with self.store.engine.begin() as conn:
            row = conn.execute(select(t.watch_sources).where(t.watch_sources.c.id == sid)).mappings().first()
            if row is None:
                from ..store.store import _insert_ignore

                conn.execute(_insert_ignore(conn, t.watch_sources).values(id=sid, url=url, name=name, items_seen=0,
                                                                          failures=0))
                return SourceState(sid, url, name)
            if name and row["name"] != name:
                conn.execute(update(t.watch_sources).where(t.watch_sources.c.id == sid).values(name=name))
        st = _state(row)
        st.name = name or st.name
        return st

    def all(self) -> list[SourceState]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(select(t.watch_sources).order_by(t.watch_sources.c.name, t.watch_sources.c.url))
            return [_state(r) for r in rows.mappings()]

    def save(self, st: SourceState) -> None:
        # The item counters are mark_seen's, updated in the database itself: never overwritten from here.
        values = {f.name: getattr(st, f.name) for f in fields(st) if f.name not in _COUNTERS}
        with self.store.engine.begin() as conn:
            conn.execute(update(t.watch_sources).where(t.watch_sources.c.id == st.id).values(**values))

    def unseen(self, urls: list[str]) -> list[str]:
        """``urls`` not handled yet, in their order."""
        keys = {item_key(u): u for u in urls}
        seen: set[str] = set()
        ks = list(keys)
        with self.store.engine.connect() as conn:
            for i in range(0, len(ks), 500):
                seen.update(conn.execute(select(t.watch_items.c.key).where(t.watch_items.c.key.in_(ks[i:i + 500])))
                            .scalars())
        return [u for k, u in keys.items() if k not in seen]

    def mark_seen(self, sid: str, url: str, outcome: str, article_id: str | None = None,
                  published: date | None = None) -> bool:
        """Record an item as handled (after its article is stored); counts it once. False if it was already."""
        from ..store.store import _insert_ignore

        now = datetime.now(UTC)
        with self.store.engine.begin() as conn:
            ins = conn.execute(_insert_ignore(conn, t.watch_items).values(
                key=item_key(url), url=url, source_id=sid, article_id=article_id, outcome=outcome[:32], seen_at=now,
            ).returning(t.watch_items.c.key)).first()
            if ins is None:
                return False
            src = t.watch_sources
            values = {"items_seen": src.c.items_seen + 1, "newest_item_at": now}
            conn.execute(update(src).where(src.c.id == sid).values(**values))
            if published is not None:
                conn.execute(update(src).where(src.c.id == sid)
                             .where((src.c.newest_published.is_(None)) | (src.c.newest_published < published))
                             .values(newest_published=published))
        return True

    def articles_of(self, sid: str | None = None) -> list[str]:
        """Article ids the monitor stored (for tests and status)."""
        q = select(t.watch_items.c.article_id).where(t.watch_items.c.article_id.is_not(None))
        if sid:
            q = q.where(t.watch_items.c.source_id == sid)
        with self.store.engine.connect() as conn:
            return list(conn.execute(q).scalars())
