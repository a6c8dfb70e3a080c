"""A fused event from its units: the agreed facts, every report kept, sources counted honestly.

- Type, actors, place and day: what most independent reports say (ties: the most specific place,
  the earliest day, then the lowest id), so one odd report cannot move the event.
- Fatalities: each source's figure is kept; the fused figure follows the rule in data/fusion.json
  (ACLED: the most conservative credible figure) and says so.
- Sources: a near-duplicate copy (``articles.duplicate_of``) is listed with its original and not
  counted again; so is a spliced page, whose sentence repeats an earlier report's sentence.
- A denial by a party marks the event ``contested``; the denying report keeps modality ``denied``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from .reports import Report
from .settings import FusionSettings
from .units import Unit, fused_id, is_generic

FACT_RANK = {"asserted": 0, "reported": 1, "claimed": 2, "denied": 3}
FACTUAL = ("asserted", "reported")


@dataclass
class FusedEvent:
    id: str
    units: list[Unit]
    row: dict  # the fused_events row
    members: list[dict] = field(default_factory=list)  # fused_reports rows


def _vote(values: list, default=None):
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return default
    best = max(counts.values())
    return min((v for v, n in counts.items() if n == best), key=lambda v: str(v))


def _actor(units: list[Unit], role: str, settings: FusionSettings, exclude: str | None = None) -> str | None:
    values = [getattr(u.lead, role) for u in units]
    named = [a for a in values if a and not is_generic(a, settings) and a != exclude]
    if named:
        return _vote(named)
    generic = [a for a in values if a and a != exclude]
    return _vote(generic)


def build(units: list[Unit], why: dict[str, list[dict]], copies: dict[str, list[str]],
          sites: dict[str, str | None], settings: FusionSettings) -> FusedEvent:
    """The fused event of one cluster. ``copies``: article id -> its stored near-duplicate copies;
    ``sites``: article id (originals and copies) -> outlet name."""
    fid = fused_id([u.id for u in units])
    spliced = {u.id: u.copy_of for u in units if u.copy_of}  # see fusion.splices
    # An article restating the event as background ("Sunday's attack, which killed six soldiers")
    # is listed as a report, but the event's sources are the articles that report it as news.
    originals = [u for u in units if u.id not in spliced]
    independent = [u for u in originals if u.main] or originals or units

    # Type: the commonest (type, sub-type) among independent units' leading reports.
    ty = _vote([(u.lead.event_type, u.lead.sub_event_type or "") for u in independent])
    place_units = [u for u in independent if u.place is not None] or [u for u in units if u.place is not None]
    place: Report | None = None
    if place_units:
        gid = _vote([(u.place.geo_precision or 9, u.place.geonameid or 0, u.place.location or "")
                     for u in place_units])
        place = next(u.place for u in sorted(place_units, key=lambda u: u.id)
                     if (u.place.geo_precision or 9, u.place.geonameid or 0, u.place.location or "") == gid)
    days = [u.day for u in independent if u.day is not None]
    day_counts = Counter(days)
    day = min(day_counts, key=lambda d: (-day_counts[d], d)) if days else None
    actor1 = _actor(independent, "actor1", settings)
    actor2 = _actor(independent, "actor2", settings, exclude=actor1)
    assoc = sorted({a for u in independent for r in u.reports for a in r.assoc_actors} - {actor1, actor2})

    figures = [(u, u.fatalities) for u in independent if u.fatalities is not None]
    credible = [f for u, f in figures if u.modality in FACTUAL]
    fatalities = min(credible) if credible else (min(f for _u, f in figures) if figures else None)
    modality = min((u.modality for u in units), key=lambda m: FACT_RANK.get(m, 9))
    contested = any(r.modality == "denied" for u in units for r in u.reports) and modality != "denied"
    claimant = next((r.attributed_to for u in units for r in u.reports if r.modality == modality
                     and r.attributed_to), None) if modality == "claimed" else None

    articles = sorted({u.article_id for u in units})
    all_articles = articles + sorted({c for a in articles for c in copies.get(a, [])})
    outlets = sorted({s for a in all_articles if (s := sites.get(a))})
    reports = [r for u in units for r in u.reports]
    row = {
        "id": fid, "event_type": ty[0] if ty else units[0].lead.event_type,
        "sub_event_type": (ty[1] or None) if ty else units[0].lead.sub_event_type,
        "actor1": actor1, "actor2": actor2, "assoc_actors": assoc,
        "location": place.location if place else None, "lat": place.lat if place else None,
        "lon": place.lon if place else None, "country": place.country if place else None,
        "geonameid": place.geonameid if place else None, "geo_precision": place.geo_precision if place else None,
        "date": date.fromordinal(day).isoformat() if day is not None else units[0].lead.date,
        "date_precision": "day" if day is not None else units[0].lead.date_precision,
        "fatalities": fatalities,
        "fatalities_min": min((f for _u, f in figures), default=None),
        "fatalities_max": max((f for _u, f in figures), default=None),
        "fatalities_rule": settings.fatalities_rule if len({f for _u, f in figures}) > 1 else None,
        "modality": modality, "contested": contested, "attributed_to": claimant,
        "confidence": max(r.confidence for r in reports),
        "reports": len(reports), "articles": len(all_articles), "sources_independent": len(independent),
        "outlets": "; ".join(outlets) or None,
    }
    members = []
    counted = {u.id for u in independent}
    for u in units:
        role = "source" if u.id in counted else ("copy" if u.id in spliced else "background")
        for r in u.reports:
            members.append({
                "event_id": r.id, "fused_id": fid, "unit_id": u.id,
                "copy_of": spliced.get(u.id) if r is u.lead else None,
                "why": {"merged": why.get(u.id, []), "role": role} if r is u.lead else {"role": role},
            })
    return FusedEvent(fid, units, row, members)


