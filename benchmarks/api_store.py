"""Synthetic fused events written straight into a store: what the API benchmark reads.

Fusing 100,000 events out of ~200,000 synthetic reports (benchmarks/fusion_scale.py) takes minutes
and over a gigabyte, and the API's list and aggregate endpoints read only ``fused_events``; so the
rows are drawn here directly, with the look of real fused events: the twelve conflict regions,
ACLED types and actors of benchmarks/fusion_synthetic.py, over two years, 5 % dated only to a month,
1 % undated, 6 % with no place, 1-6 reporting articles. Deterministic in the seed.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import date

from fusion_synthetic import ARMED, DAYS, REGIONS, SITES, START, TYPES
from sqlalchemy import insert

MODALITIES = ["reported", "reported", "reported", "asserted", "asserted", "claimed", "denied"]


def rows(n: int, seed: int = 1) -> list[dict]:
    """``n`` fused-event rows."""
    rng = random.Random(f"api-store:{seed}")
    types = [t for t in TYPES for _ in range(t[2])]
    out = []
    for i in range(n):
        etype, subs, _w = rng.choice(types)
        r = rng.randrange(len(REGIONS))
        la0, la1, lo0, lo1, cc = REGIONS[r]
        day = date.fromordinal(START + rng.randrange(DAYS)).isoformat()
        roll = rng.random()
        when, prec = (day, "day") if roll < 0.94 else ((day[:7], "month") if roll < 0.99 else (None, None))
        placed = rng.random() >= 0.06
        lat, lon = (round(rng.uniform(la0, la1), 5), round(rng.uniform(lo0, lo1), 5)) if placed else (None, None)
        actor1 = rng.choice(ARMED) if rng.random() < 0.8 else (f"Unidentified Armed Group ({cc})"
                                                                 if rng.random() < 0.7 else None)
        actor2 = f"Civilians ({cc})" if etype == "Violence against civilians" else rng.choice([None, rng.choice(ARMED)])
        n_art = rng.choices([1, 2, 3, 4, 5, 6], weights=[30, 25, 20, 12, 8, 5])[0]
        fat = rng.choice([None, 0, 0, 1, 2, 3, 5, 8, 12, 20, 35])
        modality = rng.choice(MODALITIES)
        out.append(dict(
            id=hashlib.sha256(f"{seed}:{i}".encode()).hexdigest()[:20], event_type=etype,
            sub_event_type=rng.choice(subs), actor1=actor1, actor2=actor2, assoc_actors=[],
            location=f"Town {r}-{rng.randrange(300)}" if placed else None, lat=lat, lon=lon,
            country=cc, geonameid=1_000_000 + r * 10_000 + rng.randrange(300) if placed else None,
            geo_precision=1 if placed else None, date=when, date_precision=prec, fatalities=fat,
            fatalities_min=fat, fatalities_max=fat, fatalities_rule=None, modality=modality,
            contested=modality == "denied", attributed_to=actor1 if modality == "claimed" else None,
            confidence=round(rng.uniform(0.5, 0.95), 3), reports=n_art, articles=n_art,
            sources_independent=n_art, outlets="; ".join(rng.sample(SITES, n_art))))
    return out


def build(db: str, n: int, seed: int = 1, chunk: int = 5000) -> None:
    """A new store at ``db`` (SQLite path or postgresql:// URL) holding ``n`` fused events."""
    from eventwire.store import Store
    from eventwire.store import schema as t

    data = rows(n, seed)
    with Store(db) as store, store.engine.begin() as conn:
        for i in range(0, len(data), chunk):
            conn.execute(insert(t.fused_events), data[i:i + chunk])
        if store.dialect == "postgresql":
            conn.exec_driver_sql("ANALYZE fused_events")
        else:
            conn.exec_driver_sql("ANALYZE")


def sample_filters(n: int, seed: int = 2) -> list[dict]:
    """Random filters of the kinds a dashboard sends: a type and a country, a date range, a country and a range."""
    rng = random.Random(f"api-filters:{seed}")
    out = []
    for _ in range(n):
        kind = rng.randrange(3)
        start = date.fromordinal(START + rng.randrange(DAYS - 60))
        end = date.fromordinal(start.toordinal() + rng.randrange(7, 60))
        if kind == 0:
            f = {"type": rng.choice(TYPES)[0], "country": rng.choice(REGIONS)[4]}
        elif kind == 1:
            f = {"since": start.isoformat(), "until": end.isoformat()}
        else:
            f = {"country": rng.choice(REGIONS)[4], "since": start.isoformat()[:7]}
        out.append(f)
    return out


if __name__ == "__main__":  # a quick look at the rows
    print(json.dumps(rows(2), indent=1))
