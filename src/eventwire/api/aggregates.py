"""Counts of matching events by day, week or month and by a group; ACLED's weekly change view.

Counted over the same queries as ``eventwire events`` (so every filter means the same), in one pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

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


def _admin1(loc: dict | None) -> str | None:
    """The first-level division, as the ACLED CSV names it (country-wide places have none)."""
    from ..export import _country_geonameids, _towns, countries

    if not loc or not loc.get("country") or loc["country"] not in countries():
        return None
    if loc.get("geonameid") is not None and _country_geonameids().get(loc["geonameid"]) == loc["country"]:
        return None
    return _towns().admin(loc["country"], loc["lat"], loc["lon"])[0] or None


def groups_of(ev: dict, group: str) -> list[str | None]:
    """The group(s) an event counts in: an event between two actors counts once for each."""
    if group == "event_type":
        return [ev["event_type"]]
    if group == "country":
        return [(ev["location"] or {}).get("country")]
    if group == "admin1":
        return [_admin1(ev["location"])]
    actors = list(dict.fromkeys(a for a in (ev["actor1"], ev["actor2"]) if a))
    return actors or [None]


def count(events: Iterable[dict], by: str, group: str) -> tuple[list[dict], int]:
    """Buckets sorted by period then group (events without the group last), and the undated count."""
    counts: Counter = Counter()
    undated = 0
    for ev in events:
        p = period_of(ev["date"], by)
        if p is None:
            undated += 1
            continue
        for g in groups_of(ev, group):
            counts[(p, g)] += 1
    buckets = [{"period": p, "group": g, "count": n}
               for (p, g), n in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1] is None, kv[0][1] or ""))]
    return buckets, undated


def change(events: Iterable[dict]) -> tuple[str | None, list[dict]]:
    """Per event type: the latest week's count against the mean of the 4 and of the 52 weeks before it.

    The latest week is the week (Monday to Sunday) of the newest day-dated matching event.
    """
    weekly: Counter = Counter()
    for ev in events:
        w = period_of(ev["date"], "week")
        if w is not None:
            weekly[(date.fromisoformat(w), ev["event_type"])] += 1
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
