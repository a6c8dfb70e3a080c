"""Finding events and articles: filters by date, type, actor, country, place, radius, box, text."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, text

from ..errors import UsageError
from ..geo import km_between
from ..options import period_end, period_start
from . import schema as t
from .store import Store, event_dict


@dataclass
class EventFilter:
    since: str | None = None  # YYYY[-MM[-DD]], inclusive
    until: str | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    actor: str | None = None  # substring of actor1, actor2 or an associated actor (case-insensitive)
    country: str | None = None  # ISO alpha-2
    near: tuple[float, float] | None = None  # (lat, lon)
    radius_km: float = 50.0
    bbox: tuple[float, float, float, float] | None = None  # (min_lon, min_lat, max_lon, max_lat)
    text: str | None = None  # full-text search over the reporting articles
    modality: str | None = None
    include_duplicates: bool = False  # events read only from near-duplicate copies
    limit: int | None = None


def _text_article_ids(store: Store, query: str):
    """A subquery of article ids matching a full-text query."""
    if store.dialect == "sqlite":
        # FTS5 query syntax; quote each word so user punctuation cannot break the query.
        q = " ".join('"' + w.replace('"', '""') + '"' for w in query.split())
        return text("SELECT article_id FROM articles_fts WHERE articles_fts MATCH :q").bindparams(q=q)
    return select(t.articles.c.id).where(text("search @@ websearch_to_tsquery('english', :q)").bindparams(q=query))


def _conditions(store: Store, f: EventFilter, ev) -> list:
    """The filter's WHERE terms on an events-like table (``events`` or ``fused_events``)."""
    conds = []
    if f.since:
        conds.append(ev.c.date >= f.since)
    if f.until:
        # "2017-06" includes every day of June: compare on the prefix.
        conds.append(ev.c.date <= f.until + "~")
    if f.event_type:
        conds.append(ev.c.event_type.ilike(f.event_type))
    if f.sub_event_type:
        conds.append(ev.c.sub_event_type.ilike(f.sub_event_type))
    if f.actor:
        like = f"%{f.actor}%"
        conds.append(or_(ev.c.actor1.ilike(like), ev.c.actor2.ilike(like)))
    if f.country:
        if len(f.country) != 2:
            raise UsageError(f"--country {f.country}: give an ISO 3166-1 alpha-2 code such as SY")
        conds.append(ev.c.country == f.country.upper())
    if f.bbox:
        w, s, e, n = f.bbox
        conds.append(and_(ev.c.lat >= s, ev.c.lat <= n, ev.c.lon >= w, ev.c.lon <= e))
    if f.near:
        lat, lon = f.near
        # A box around the circle narrows the rows; the exact distance is checked below.
        dlat = f.radius_km / 111.0
        dlon = f.radius_km / max(1e-6, 111.0 * math.cos(math.radians(lat)))
        conds.append(and_(ev.c.lat.between(lat - dlat, lat + dlat), ev.c.lon.between(lon - dlon, lon + dlon)))
    return conds


def _rows(store: Store, f: EventFilter, q) -> Iterator:
    n = 0
    with store.engine.connect() as conn:
        for row in conn.execute(q).mappings():
            if f.near and km_between(f.near[0], f.near[1], row["lat"], row["lon"]) > f.radius_km:
                continue
            yield row
            n += 1
            if f.limit and n >= f.limit:
                return


def find_events(store: Store, f: EventFilter) -> Iterator[dict]:
    """Per-article events (reports) matching the filter, newest first."""
    ev = t.events
    conds = _conditions(store, f, ev)
    if f.modality:
        conds.append(ev.c.modality == f.modality)
    src = t.event_sources
    if f.text:
        conds.append(ev.c.id.in_(select(src.c.event_id).where(src.c.article_id.in_(_text_article_ids(store, f.text)))))
    if not f.include_duplicates:
        originals = select(src.c.event_id).join(t.articles, t.articles.c.id == src.c.article_id).where(
            t.articles.c.duplicate_of.is_(None))
        conds.append(ev.c.id.in_(originals))
    q = select(ev).where(*conds).order_by(ev.c.date.desc().nulls_last(), ev.c.id)
    for row in _rows(store, f, q):
        yield event_dict(row)


def find_fused_events(store: Store, f: EventFilter) -> Iterator[dict]:
    """Fused events (one per real-world event) matching the filter, newest first.

    ``--modality denied`` finds contested events (a party denies them); ``--text`` matches any
    reporting article, copies included.
    """
    from .fused import fused_dict

    fe, fr, src = t.fused_events, t.fused_reports, t.event_sources
    conds = _conditions(store, f, fe)
    if f.modality == "denied":
        conds.append(fe.c.contested.is_(True) | (fe.c.modality == "denied"))
    elif f.modality:
        conds.append(fe.c.modality == f.modality)
    if f.text:
        hits = _text_article_ids(store, f.text)
        originals = select(t.articles.c.id).where(t.articles.c.id.in_(hits)).union(
            select(t.articles.c.duplicate_of).where(t.articles.c.id.in_(hits), t.articles.c.duplicate_of.is_not(None)))
        conds.append(fe.c.id.in_(select(fr.c.fused_id).join(src, src.c.event_id == fr.c.event_id)
                                 .where(src.c.article_id.in_(originals))))
    q = select(fe).where(*conds).order_by(fe.c.date.desc().nulls_last(), fe.c.id)
    for row in _rows(store, f, q):
        yield fused_dict(row)


@dataclass
class ArticleFilter:
    since: str | None = None  # YYYY[-MM[-DD]] of publication, inclusive
    until: str | None = None
    site: str | None = None
    text: str | None = None
    duplicates: bool | None = None  # True: only near-duplicates; False: only originals
    limit: int | None = None


def find_articles(store: Store, f: ArticleFilter) -> Iterator[dict]:
    a = t.articles
    conds = []
    if f.since:
        conds.append(a.c.published >= period_start(f.since))
    if f.until:
        conds.append(a.c.published <= period_end(f.until))  # "2017-06": up to 30 June
    if f.site:
        conds.append(t.sites.c.name.ilike(f"%{f.site}%"))
    if f.text:
        conds.append(a.c.id.in_(_text_article_ids(store, f.text)))
    if f.duplicates is True:
        conds.append(a.c.duplicate_of.is_not(None))
    elif f.duplicates is False:
        conds.append(a.c.duplicate_of.is_(None))
    q = (select(a.c.id, a.c.title, a.c.url, a.c.published, a.c.language, a.c.duplicate_of, a.c.input, a.c.case_label,
                t.sites.c.name.label("site"))
         .join(t.sites, t.sites.c.id == a.c.site_id, isouter=True)
         .where(*conds).order_by(a.c.published.desc().nulls_last(), a.c.id))
    if f.limit:
        q = q.limit(f.limit)
    with store.engine.connect() as conn:
        for r in conn.execute(q).mappings():
            d = dict(r)
            d["published"] = d["published"].isoformat() if d["published"] else None
            yield d
