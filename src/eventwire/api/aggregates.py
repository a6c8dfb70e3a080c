"""Counts of matching events by day, week or month and by a group; ACLED's weekly change view.

The database counts the matching events per date and group (one GROUP BY over the same filters as
``eventwire events``, so every filter means the same); here those counts are summed into days,
weeks or months: a few thousand rows, whatever the store's size.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from ..store import Store
from ..store.query import EventFilter, count_events

PERIODS = ("day", "week", "month")
GROUPS = ("event_type", "country", "admin1", "actor")


def _day(value: str | None) -> date | None:
    """The event's day, or None when its date is missing or only a month or a year."""
    if not value or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def period_of(value: str | None, by: str) -> str | None:
    """The bucket: the day, the week's Monday or the month's first day (ISO dates)."""
    if by == "month":
        return value[:7] + "-01" if value and len(value) >= 7 else None
    d = _day(value)
    if d is None:
        return None
    return (d - timedelta(days=d.weekday())).isoformat() if by == "week" else d.isoformat()


def _admin1(loc: tuple | None) -> str | None:
    """The first-level division of a (country, geonameid, lat, lon) place, as the ACLED CSV names it
    (country-wide places have none)."""
    from ..export import _country_geonameids, _towns, countries

    if not loc:
        return None
    country, geonameid, lat, lon = loc
    if not country or country not in countries():
        return None
    if geonameid is not None and _country_geonameids().get(geonameid) == country:
        return None
    return _towns().admin(country, lat, lon)[0] or None


def count(store: Store, f: EventFilter, reports: bool, by: str, group: str) -> tuple[list[dict], int]:
    """Buckets sorted by period then group (events without the group last), and the undated count.

    An event between two actors counts once for each (group ``actor``); ``undated``: matching
    events whose date is missing or coarser than the period.
    """
    periods: dict[str | None, str | None] = {}  # a few thousand distinct dates: bucket each once
    admin1: dict[tuple | None, str | None] = {}
    counts: Counter = Counter()
    undated = 0
    key = {"admin1": "location", "actor": "actors"}.get(group, group)
    for day, value, n in count_events(store, f, reports, key):
        p = periods[day] if day in periods else periods.setdefault(day, period_of(day, by))
        if p is None:
            undated += n
            continue
        if group == "admin1":
            value = admin1[value] if value in admin1 else admin1.setdefault(value, _admin1(value))
        elif group == "actor":  # an event between two actors counts once for each
            for actor in dict.fromkeys(a for a in value if a) or [None]:
                counts[(p, actor)] += n
            continue
        counts[(p, value)] += n
    buckets = [{"period": p, "group": g, "count": n}
               for (p, g), n in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1] is None, kv[0][1] or ""))]
    return buckets, undated


def change(store: Store, f: EventFilter, reports: bool) -> tuple[str | None, list[dict]]:
    """Per event type: the latest week's count against the mean of the 4 and of the 52 weeks before it.

    The latest week is the week (Monday to Sunday) of the newest day-dated matching event.
    """
    weekly: Counter = Counter()
    weeks: dict[str | None, str | None] = {}
    for day, etype, n in count_events(store, f, reports, "event_type"):
        if day not in weeks:
            weeks[day] = period_of(day, "week")
        if weeks[day] is not None:
            weekly[(date.fromisoformat(weeks[day]), etype)] += n
    if not weekly:
        return None, []
    latest = max(w for w, _t in weekly)
    out = []
    for etype in sorted({t for _w, t in weekly}):
        before = [weekly[(latest - timedelta(weeks=k), etype)] for k in range(1, 53)]
        now, m4, m52 = weekly[(latest, etype)], sum(before[:4]) / 4, sum(before) / 52
        if not now and not any(before):
            continue  # a type seen only more than a year before the latest week
        out.append({"event_type": etype, "latest": now, "mean_4_weeks": m4, "mean_52_weeks": m52,
                    "change_4_weeks": now / m4 - 1 if m4 else None,
                    "change_52_weeks": now / m52 - 1 if m52 else None})
    return latest.isoformat(), out
