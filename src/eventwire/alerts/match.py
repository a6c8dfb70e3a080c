"""Which fused events an alert rule matches: the WHERE terms of `eventwire events` (store.query), so
a rule selects exactly what the same filters select on the command line, plus an id restriction.

Several types (or sub-types) match any of them: the union of `events --type A` and `--type B`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import or_, select

from ..geo import km_between
from ..store import schema as t
from ..store.query import EventFilter, _conditions, fused_modality
from .rules import Filters

_CHUNK = 500


def event_filter(f: Filters) -> EventFilter:
    """The query filter of a rule (types and sub-types apart: see :func:`_terms`)."""
    ef = EventFilter(actor=f.actor, country=f.country, modality=f.modality,
                     bbox=tuple(f.bbox) if f.bbox else None)
    if f.lat is not None:
        ef.near = (f.lat, f.lon)
        ef.radius_km = f.radius_km
    return ef


def _terms(store, f: Filters) -> list:
    fe = t.fused_events
    ef = event_filter(f)
    conds = _conditions(store, ef, fe)
    if f.modality:  # as `eventwire events`: "denied" finds contested events too
        conds.append(fused_modality(f.modality))
    if f.types:
        conds.append(or_(*[fe.c.event_type.ilike(x) for x in f.types]))
    if f.sub_types:
        conds.append(or_(*[fe.c.sub_event_type.ilike(x) for x in f.sub_types]))
    if f.min_fatalities is not None:
        conds.append(fe.c.fatalities >= f.min_fatalities)
    return conds


def matching(conn, store, f: Filters, ids: Iterable[str] | None = None) -> Iterator:
    """Rows of the fused events matching ``f`` (only among ``ids`` when given), in id order."""
    fe = t.fused_events
    conds = _terms(store, f)
    chunks: Iterable[list[str] | None]
    if ids is None:
        chunks = [None]
    else:
        ids = sorted(set(ids))
        chunks = [ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)]
    for chunk in chunks:
        q = select(fe).where(*conds)
        if chunk is not None:
            q = q.where(fe.c.id.in_(chunk))
        for row in conn.execute(q.order_by(fe.c.id)).mappings():
            if f.lat is not None and km_between(f.lat, f.lon, row["lat"], row["lon"]) > f.radius_km:
                continue
            yield row
