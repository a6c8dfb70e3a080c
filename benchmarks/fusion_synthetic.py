"""Synthetic per-article events with planted real-world events, written straight into a store.

Used by benchmarks/fusion_scale.py (fusion at 10k-100k reports) and tests/test_fusion_store.py
(incremental = full, order independence, SQLite = PostgreSQL). No NLP runs: rows go into
``sites``, ``articles``, ``events``, ``event_sources`` and ``places`` through SQLAlchemy Core in bulk.

A planted event is a happening at a town on a day, of one ACLED type, by a named actor; it is
reported by 1-6 articles with the noise real reports have: a nearby village a few km off or only
the district, the next day, a generic or missing actor, another sub-type, other fatality figures,
sometimes no place or only a month (those cannot be fused, by design). Look-alike distractors are
planted events of their own: the same town and actor a few days later, or the same day and actor
100-300 km away. Some articles also mention an older event in passing (its own planted event), and
a few have a syndicated copy (``duplicate_of``, no events of its own).

Everything is derived from the seed and each item's key, never from the order of writing, so the
same bundles written in any order give the same rows.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

# Land-ish boxes (lat0, lat1, lon0, lon1, country code), where conflict data is dense.
REGIONS = [
    (5.0, 12.5, 4.0, 13.5, "NG"), (12.0, 15.5, -4.5, 1.5, "BF"), (13.0, 17.5, -4.0, 3.5, "ML"),
    (0.0, 9.5, 42.0, 48.0, "SO"), (46.5, 51.5, 25.0, 38.0, "UA"), (32.5, 36.8, 36.3, 41.5, "SY"),
    (11.0, 19.0, 23.0, 34.0, "SD"), (-8.0, 3.0, 18.0, 29.5, "CD"), (31.0, 36.0, 62.0, 70.0, "AF"),
    (17.0, 25.0, 94.0, 98.0, "MM"), (16.0, 25.0, -106.0, -96.0, "MX"), (2.0, 9.0, -76.5, -72.0, "CO"),
]
TYPES = [  # (event type, sub-types, weight)
    ("Battles", ["Armed clash", "Government regains territory"], 30),
    ("Violence against civilians", ["Attack", "Abduction/forced disappearance"], 25),
    ("Explosions/Remote violence", ["Air/drone strike", "Shelling/artillery/missile attack",
                                    "Remote explosive/landmine/IED"], 20),
    ("Protests", ["Peaceful protest", "Protest with intervention"], 15),
    ("Riots", ["Violent demonstration", "Mob violence"], 10),
]
ARMED = ["Boko Haram", "ISWAP", "JNIM", "Islamic State Sahel", "Al Shabaab", "Rapid Support Forces",
         "M23", "Wagner Group", "Taliban", "Arakan Army", "CJNG", "ELN", "Ansaroul Islam", "ADF",
         "Military Forces of Nigeria", "Military Forces of Mali", "Military Forces of Sudan",
         "Military Forces of Ukraine", "Military Forces of Russia", "Police Forces of Mexico"]
SITES = ["Reuters", "AFP", "AP", "BBC", "Al Jazeera", "Premium Times", "Daily Trust", "Garowe Online",
         "Kyiv Independent", "Radio Okapi", "Sudan Tribune", "Le Monde", "Xinhua", "Anadolu", "VOA",
         "Channels TV", "The Punch", "Hiiraan", "Ukrainska Pravda", "Dabanga", "Tolo News", "Irrawaddy",
         "El Universal", "El Tiempo", "Mali Web", "Burkina24", "Actualite CD", "Shabelle", "Sahara Reporters",
         "The Guardian"]
_SYL = ["ka", "ru", "ma", "di", "go", "ba", "ne", "lo", "sa", "ti", "ye", "wa", "zu", "fa", "ko", "mi",
        "da", "he", "ra", "no", "bu", "le", "si", "ta", "ol", "an", "ur", "ek", "am", "id"]
_VERBS = {
    "Battles": ["clashed with", "fought", "battled", "exchanged fire with"],
    "Violence against civilians": ["attacked", "raided", "killed residents of", "abducted villagers in"],
    "Explosions/Remote violence": ["shelled", "struck", "bombed", "hit"],
    "Protests": ["marched in", "rallied in", "demonstrated in", "gathered in"],
    "Riots": ["rioted in", "clashed with police in", "torched shops in", "stormed offices in"],
}
_FILLER = ["officials", "residents", "witnesses", "local", "sources", "according", "authorities", "security",
           "statement", "overnight", "morning", "evening", "district", "village", "town", "reported", "region",
           "confirmed", "hospital", "wounded", "gunmen", "fighters", "troops", "police", "community", "leaders"]
START = date(2022, 1, 1).toordinal()
DAYS = 730


def _h(*parts) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode("utf-8")).hexdigest()


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYL) for _ in range(rng.randint(2, 3))).capitalize()


@dataclass
class Bundle:
    """One article with its rows: what one ingest of it would store."""

    article: dict
    events: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    copies: list[dict] = field(default_factory=list)  # near-duplicate copies (no events of their own)
    places: list[dict] = field(default_factory=list)  # place mentions (span rows), as the pipeline stores them
    truth: dict[str, str] = field(default_factory=dict)  # report id -> planted event key
    site: str | None = None

    @property
    def id(self) -> str:
        return self.article["id"]


@dataclass
class _Town:
    id: int
    name: str
    lat: float
    lon: float
    country: str


def _offset(lat: float, lon: float, km: float, rng: random.Random) -> tuple[float, float]:
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = km * math.cos(bearing) / 111.0
    dlon = km * math.sin(bearing) / (111.0 * max(math.cos(math.radians(lat)), 0.05))
    return round(lat + dlat, 5), round(lon + dlon, 5)


class Generator:
    """Planted events and their reports, deterministic in ``seed``."""

    def __init__(self, seed: int = 1, days: int = DAYS, first_day: int = START):
        # Fewer days: denser, more look-alikes per day and place; a later first day: fresh news.
        self.seed, self.days, self.first_day = seed, days, first_day
        rng = random.Random(f"towns:{seed}")
        self.towns: list[list[_Town]] = []
        for r, (la0, la1, lo0, lo1, cc) in enumerate(REGIONS):
            self.towns.append([_Town(1_000_000 + r * 10_000 + i, _name(rng), round(rng.uniform(la0, la1), 5),
                                     round(rng.uniform(lo0, lo1), 5), cc) for i in range(300)])
        self.types = [t for t in TYPES for _ in range(t[2])]

    def bundles(self, n_reports: int, tag: str = "") -> list[Bundle]:
        """Articles holding about ``n_reports`` reports (per-article events). ``tag`` names an
        independent draw (another batch of new events)."""
        out: list[Bundle] = []
        count = 0
        k = 0
        while count < n_reports:
            for b in self._event_family(f"{tag}e{k}"):
                out.append(b)
                count += len(b.events)
            k += 1
        return out

    # -- planted events ---------------------------------------------------------------------

    def _event_family(self, key: str) -> list[Bundle]:
        """A planted event's reports, and sometimes a look-alike distractor's."""
        rng = random.Random(f"{self.seed}:{key}")
        region = rng.randrange(len(REGIONS))
        town = rng.choice(self.towns[region])
        day = self.first_day + rng.randrange(self.days)
        etype, subs, _w = rng.choice(self.types)
        sub = rng.choice(subs)
        actor = rng.choice(ARMED)
        victims = f"Civilians ({town.country})" if etype == "Violence against civilians" else rng.choice(
            [None, rng.choice(ARMED)])
        ev = dict(key=key, town=town, day=day, type=etype, sub=sub, subs=subs, actor=actor, actor2=victims,
                  fatalities=rng.choice([0, 0, 1, 2, 3, 5, 8, 12, 20, 35]))
        out = self._reports(ev, rng)
        roll = rng.random()
        if roll < 0.08:  # the same town and actor, another day (2-10 days later)
            out += self._reports(dict(ev, key=key + "d1", day=day + rng.randint(2, 10)), rng)
        elif roll < 0.16:  # the same day and actor, a town 100-300 km away
            lat, lon = _offset(town.lat, town.lon, rng.uniform(100, 300), rng)
            far = _Town(town.id + 500_000, _name(rng), lat, lon, town.country)
            out += self._reports(dict(ev, key=key + "d2", town=far), rng)
        return out

    def _reports(self, ev: dict, rng: random.Random) -> list[Bundle]:
        n = rng.choices([1, 2, 3, 4, 5, 6], weights=[30, 25, 20, 12, 8, 5])[0]
        out = []
        for j in range(n):
            aid = "s" + _h(self.seed, ev["key"], j)[:23]
            pub = date.fromordinal(ev["day"] + rng.choice([0, 0, 1, 1, 2, 3]))
            site = rng.choice(SITES)
            b = Bundle(article={}, site=site)
            sentence = self._report(b, aid, 0, ev, rng)
            text = sentence
            if rng.random() < 0.15:  # an older event mentioned in passing: its own planted event
                text += " " + self._background(b, aid, len(text) + 1, ev, rng)
            if b.events[0]["location"] is None and rng.random() < 0.5:
                # The sentence names no place, the article does (fusion may take the article's place).
                town = ev["town"]
                text += f" Residents of {town.name} fled."
                b.places.append(_place(aid, len(text) - len(town.name) - 6, town.name, town.id, town.lat, town.lon,
                                       town.country, 1))
            text += f" {' '.join(rng.sample(_FILLER, 6))}."
            title = f"{ev['town'].name}: {ev['type'].lower()} reported"
            b.article = _article(aid, site, title, text, pub)
            if rng.random() < 0.03:
                cid = "c" + aid[1:]
                b.copies.append(dict(_article(cid, rng.choice(SITES), title + " (copy)", text,
                                              pub + timedelta(days=1)), duplicate_of=aid, similarity=0.9))
            out.append(b)
        return out

    def _report(self, b: Bundle, aid: str, start: int, ev: dict, rng: random.Random) -> str:
        town: _Town = ev["town"]
        roll = rng.random()
        location, lat, lon, gid, prec = town.name, town.lat, town.lon, town.id, 1
        if roll < 0.22:  # a nearby village, a few km off
            v = rng.randrange(3)
            vr = random.Random(f"{self.seed}:{town.id}:{v}")
            lat, lon = _offset(town.lat, town.lon, vr.uniform(2, 8), vr)
            location, gid = f"{town.name} {['North', 'South', 'East'][v]}", town.id * 10 + v
        elif roll < 0.30:  # only the district
            lat, lon = _offset(town.lat, town.lon, rng.uniform(5, 25), rng)
            location, gid, prec = f"{town.name} District", town.id * 10 + 9, 2
        elif roll < 0.36:  # no place
            location, lat, lon, gid, prec = None, None, None, None, None
        d = rng.random()
        day, dprec = date.fromordinal(ev["day"]).isoformat(), "day"
        if d < 0.12:
            day = date.fromordinal(ev["day"] + 1).isoformat()
        elif d < 0.17:
            day, dprec = day[:7], "month"
        a = rng.random()
        actor1 = ev["actor"] if a < 0.7 else (f"Unidentified Armed Group ({town.country})" if a < 0.9 else None)
        sub = ev["sub"] if rng.random() < 0.85 else rng.choice(ev["subs"])
        fat = None if rng.random() < 0.15 else max(0, ev["fatalities"] + rng.choice([0, 0, 0, -1, 1, 2, 5]))
        modality = rng.choices(["reported", "asserted", "claimed"], weights=[60, 35, 5])[0]
        verb = rng.choice(_VERBS[ev["type"]])
        who = actor1 or "Unknown assailants"
        sentence = (f"{who} {verb} {location or 'the area'} on {day}"
                    + (f", leaving {fat} dead" if fat else "") + f", {rng.choice(_FILLER)} said.")
        rid = _h(aid, start)[:20]
        if location:
            b.places.append(_place(aid, start + sentence.index(location), location, gid, lat, lon, town.country,
                                   prec))
        b.events.append(dict(
            id=rid, event_type=ev["type"], sub_event_type=sub, actor1=actor1, actor2=ev["actor2"], assoc_actors=[],
            location=location, lat=lat, lon=lon, country=town.country, geonameid=gid, geo_precision=prec,
            date=day, date_precision=dprec, fatalities=fat, modality=modality,
            attributed_to=who if modality == "claimed" else None, confidence=round(rng.uniform(0.5, 0.95), 3)))
        b.sources.append(dict(event_id=rid, article_id=aid, start=start, end=start + len(sentence),
                              evidence=sentence, modality=modality,
                              attributed_to=who if modality == "claimed" else None, trigger=verb.split()[0]))
        b.truth[rid] = ev["key"]
        return sentence

    def _background(self, b: Bundle, aid: str, start: int, ev: dict, rng: random.Random) -> str:
        etype, subs, _w = rng.choice(self.types)
        old = dict(ev, key=f"{ev['key']}:bg:{aid}", day=ev["day"] - rng.randint(20, 400), type=etype,
                   sub=rng.choice(subs), subs=subs, actor=rng.choice(ARMED))
        return self._report(b, aid, start, old, rng)


def _place(aid: str, start: int, name: str, gid: int | None, lat: float | None, lon: float | None, country: str,
           precision: int | None) -> dict:
    return dict(article_id=aid, start=start, end=start + len(name), text=name, name=name, geonameid=gid, lat=lat,
                lon=lon, country=country, admin1=None, feature="city" if precision == 1 else "admin")


def _article(aid: str, site: str, title: str, text: str, published: date) -> dict:
    return dict(id=aid, site=site, url=f"https://example.org/{aid}", input=f"{aid}.txt", title=title,
                published=published, retrieved=published, language="en", text=text,
                content_hash=_h(text), duplicate_of=None, similarity=None,
                ingested_at=datetime(2025, 1, 1, tzinfo=UTC))


def write(store, bundles: list[Bundle], chunk: int = 5000) -> None:
    """Store the bundles' rows in one transaction, in the given order, in bulk."""
    from eventwire.store import schema as t
    from eventwire.store.store import _insert_ignore

    with store.engine.begin() as conn:
        names = sorted({b.site for b in bundles} | {c["site"] for b in bundles for c in b.copies})
        if names:
            conn.execute(_insert_ignore(conn, t.sites), [{"name": n} for n in names])
        site_id = dict(conn.execute(select(t.sites.c.name, t.sites.c.id)).all())

        def rows(items):
            return [{k: v for k, v in dict(a, site_id=site_id[a["site"]]).items() if k != "site"} for a in items]

        arts = rows([b.article for b in bundles]) + rows([c for b in bundles for c in b.copies])
        events = [e for b in bundles for e in b.events]
        sources = [s for b in bundles for s in b.sources]
        places = [p for b in bundles for p in b.places]
        for table, items in ((t.articles, arts), (t.events, events), (t.event_sources, sources), (t.places, places)):
            for i in range(0, len(items), chunk):
                conn.execute(insert(table), items[i:i + chunk])


def truth(bundles: list[Bundle]) -> dict[str, str]:
    """Report id -> planted event key, over all bundles."""
    return {rid: key for b in bundles for rid, key in b.truth.items()}


def pairwise(planted: dict[str, str], fused: dict[str, str], articles: dict[str, str]) -> tuple[float, float]:
    """Precision and recall of article pairs: sharing a planted event vs sharing a fused event.

    ``planted`` and ``fused``: report id -> event key; ``articles``: report id -> article id."""
    def pairs(assign: dict[str, str]) -> set[tuple[str, str]]:
        groups: dict[str, set[str]] = {}
        for rid, key in assign.items():
            groups.setdefault(key, set()).add(articles[rid])
        out = set()
        for arts in groups.values():
            s = sorted(arts)
            out.update((x, y) for i, x in enumerate(s) for y in s[i + 1:])
        return out

    gold, pred = pairs(planted), pairs(fused)
    tp = len(gold & pred)
    return (tp / len(pred) if pred else 0.0), (tp / len(gold) if gold else 0.0)
