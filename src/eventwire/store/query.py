"""Finding events and articles: filters by date, type, actor, country, place, radius, box, text."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Table, and_, case, func, or_, select, text

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
    after: tuple[str | None, str] | None = None  # (date, id): only events sorting after it (the API's cursor)


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


def _sorted_scans(when, id_, after: tuple | None) -> list[tuple[list, list]]:
    """The stable sort (``when`` descending, missing last, then id ascending) as (WHERE, ORDER BY) parts.

    Dated rows first, then undated ones: two range scans the databases read off their date index,
    where one ``ORDER BY when DESC NULLS LAST`` makes PostgreSQL sort the whole table. Past the
    cursor (``after``, keyset paging) each page reads only its own rows, however deep it is.
    The dated part orders by plain ``when DESC`` (no NULLS LAST: it has no NULL) so that PostgreSQL
    can read its ascending index backwards.
    """
    dated, undated = [when.desc(), id_], [id_]
    if after is None:
        return [([when.is_not(None)], dated), ([when.is_(None)], undated)]
    at, at_id = after
    if at is None:
        return [([when.is_(None), id_ > at_id], undated)]
    return [([when <= at, or_(when < at, id_ > at_id)], dated), ([when.is_(None)], undated)]


def _rows(store: Store, f: EventFilter, table: Table, conds: list) -> Iterator:
    n = 0
    with store.engine.connect() as conn:
        for where, order in _sorted_scans(table.c.date, table.c.id, f.after):
            q = select(table).where(*conds, *where).order_by(*order)
            if f.limit and not f.near:  # with near, the exact distance drops rows after the query
                q = q.limit(f.limit - n)
            for row in conn.execute(q).mappings():
                if f.near and km_between(f.near[0], f.near[1], row["lat"], row["lon"]) > f.radius_km:
                    continue
                yield row
                n += 1
                if f.limit and n >= f.limit:
                    return


def _report_conditions(store: Store, f: EventFilter) -> list:
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
    return conds


def fused_modality(modality: str):
    """The WHERE term for a fused event's modality: "denied" finds contested events too (a party denies them)."""
    fe = t.fused_events
    if modality == "denied":
        return fe.c.contested.is_(True) | (fe.c.modality == "denied")
    return fe.c.modality == modality


def _fused_conditions(store: Store, f: EventFilter) -> list:
    fe, fr, src = t.fused_events, t.fused_reports, t.event_sources
    conds = _conditions(store, f, fe)
    if f.modality:
        conds.append(fused_modality(f.modality))
    if f.text:
        hits = _text_article_ids(store, f.text)
        originals = select(t.articles.c.id).where(t.articles.c.id.in_(hits)).union(
            select(t.articles.c.duplicate_of).where(t.articles.c.id.in_(hits), t.articles.c.duplicate_of.is_not(None)))
        conds.append(fe.c.id.in_(select(fr.c.fused_id).join(src, src.c.event_id == fr.c.event_id)
                                 .where(src.c.article_id.in_(originals))))
    return conds


def find_events(store: Store, f: EventFilter) -> Iterator[dict]:
    """Per-article events (reports) matching the filter, newest first."""
    for row in _rows(store, f, t.events, _report_conditions(store, f)):
        yield event_dict(row)


def find_fused_events(store: Store, f: EventFilter) -> Iterator[dict]:
    """Fused events (one per real-world event) matching the filter, newest first.

    ``--modality denied`` finds contested events (a party denies them); ``--text`` matches any
    reporting article, copies included.
    """
    from .fused import fused_dict

    for row in _rows(store, f, t.fused_events, _fused_conditions(store, f)):
        yield fused_dict(row)


KEYS = ("event_type", "country", "location", "actors")


def _rollup_serves(f: EventFilter, reports: bool, key: str) -> bool:
    """Whether ``fused_day_counts`` holds the answer: fused events by type, filtered on date and type only.

    Every other field of the filter that ``_fused_conditions`` or ``count_events`` reads (sub-type,
    actor, country, box, place, text, modality) needs the events themselves; ``radius_km`` counts
    only with ``near``; ``include_duplicates``, ``limit`` and ``after`` do not apply to fused counts.
    """
    return (not reports and key == "event_type" and not (
        f.sub_event_type or f.actor or f.country or f.near or f.bbox or f.text or f.modality))


def _rollup_counts(store: Store, f: EventFilter) -> Iterator[tuple]:
    """(date, event_type, count) from ``fused_day_counts``: the GROUP BY over fused events, precounted."""
    r = t.fused_day_counts
    conds = _conditions(store, EventFilter(since=f.since, until=f.until, event_type=f.event_type), r)
    if f.since or f.until:
        conds.append(r.c.undated.is_(False))  # '' sorts before every "until": undated events never match
    # The undated key back to None in SQL: the rows are then the answer as fetched (no pass in Python).
    day = case((r.c.undated, None), else_=r.c.date)
    q = select(day, r.c.event_type, r.c.n).where(*conds, r.c.n > 0)  # a key whose events all went holds 0
    with store.engine.connect() as conn:
        return iter(conn.execute(q).all())


def count_events(store: Store, f: EventFilter, reports: bool, key: str, rollup: bool = True) -> Iterator[tuple]:
    """How many matching events there are per date and ``key``, counted by the database (GROUP BY).

    Yields (date, value, count). ``key``: ``event_type``; ``country`` (of the event's location, None
    without one, as its record says); ``location`` (a (country, geonameid, lat, lon) tuple or None);
    ``actors`` (an (actor1, actor2) tuple). ``f.limit`` and ``f.after`` do not apply.
    Fused events by type filtered on date and type only are read from ``fused_day_counts`` (the same
    answer from a few thousand rows) unless ``rollup`` is False.
    """
    if key not in KEYS:
        raise ValueError(f"count_events: key {key!r}")
    if rollup and _rollup_serves(f, reports, key):
        return _rollup_counts(store, f)
    table = t.events if reports else t.fused_events
    conds = _report_conditions(store, f) if reports else _fused_conditions(store, f)
    c = table.c
    # With near, the exact distance is checked here, so the place is grouped on too.
    at = [c.lat, c.lon] if f.near else []
    cols = {"event_type": [c.event_type],
            "country": [case((c.lat.is_(None), None), else_=c.country)],
            "location": [c.country, c.geonameid, c.lat, c.lon], "actors": [c.actor1, c.actor2]}[key]
    extra = [x for x in at if key != "location"]
    q = select(c.date, *cols, *extra, func.count()).where(*conds).group_by(c.date, *cols, *extra)
    with store.engine.connect() as conn:
        rows = conn.execute(q).all()  # a few thousand grouped rows: fetched at once, the connection freed
    if f.near:  # lat and lon are the last two columns before the count
        rows = [r for r in rows if km_between(f.near[0], f.near[1], r[-3], r[-2]) <= f.radius_km]
    if key == "location":
        return ((r[0], None if r[3] is None else tuple(r[1:5]), r[-1]) for r in rows)
    if key == "actors":
        return ((r[0], (r[1], r[2]), r[-1]) for r in rows)
    return ((r[0], r[1], r[-1]) for r in rows)


@dataclass
class ArticleFilter:
    since: str | None = None  # YYYY[-MM[-DD]] of publication, inclusive
    until: str | None = None
    site: str | None = None
    text: str | None = None
    duplicates: bool | None = None  # True: only near-duplicates; False: only originals
    limit: int | None = None
    after: tuple[date | None, str] | None = None  # (published, id): only articles sorting after it


def find_articles(store: Store, f: ArticleFilter) -> Iterator[dict]:
    """Articles matching the filter, newest first (missing dates last, then by id)."""
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
    base = (select(a.c.id, a.c.title, a.c.url, a.c.published, a.c.language, a.c.duplicate_of, a.c.input,
                   a.c.case_label, t.sites.c.name.label("site"))
            .join(t.sites, t.sites.c.id == a.c.site_id, isouter=True).where(*conds))
    n = 0
    with store.engine.connect() as conn:
        for where, order in _sorted_scans(a.c.published, a.c.id, f.after):
            q = base.where(*where).order_by(*order)
            if f.limit:
                q = q.limit(f.limit - n)
            for r in conn.execute(q).mappings():
                d = dict(r)
                d["published"] = d["published"].isoformat() if d["published"] else None
                yield d
                n += 1
            if f.limit and n >= f.limit:
                return
