"""What makes a fused event worth alerting about again: its material facts and how they changed.

The facts: the fused fatalities figure, the count of independent sources, and whether it is
denied (contested, or denied outright). An alert fires again only when, compared with what it
last fired on, a figure is new (one appears or changes), an independent source is added (the
count goes above the last one), or a denial appears. Anything else (another copy of an article,
a re-spun wording, an actor name agreed differently, a source lost) does not fire.
"""

from __future__ import annotations


def fingerprint(row) -> dict:
    """The material facts of a fused event row (``fused_events`` columns)."""
    return {
        "fatalities": row["fatalities"],
        "sources": int(row["sources_independent"] or 0),
        "denied": bool(row["contested"]) or row["modality"] == "denied",
    }


def changes(last: dict, now: dict) -> list[str]:
    """Why ``now`` is a material change from ``last`` (empty: it is not): 'fatalities', 'sources', 'denied'."""
    out = []
    if now.get("fatalities") is not None and now.get("fatalities") != last.get("fatalities"):
        out.append("fatalities")
    if now.get("sources", 0) > last.get("sources", 0):
        out.append("sources")
    if now.get("denied") and not last.get("denied"):
        out.append("denied")
    return out


def merged(states: list[dict]) -> dict:
    """What two or more events an alert knew say together once fusion merged them into one:
    the most sources, denied if any was, and the figure of the one with the most sources (ties: the
    first given, the surviving event's)."""
    best = max(states, key=lambda s: (s.get("sources", 0), s.get("fatalities") is not None))
    return {"fatalities": best.get("fatalities"), "sources": max(s.get("sources", 0) for s in states),
            "denied": any(s.get("denied") for s in states)}
