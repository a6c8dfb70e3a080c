"""Toponym mentions in a parsed text: spaCy's place entities, a gazetteer scan of capitalised n-grams,
datelines and the places institutions are named after; words that are not places left out."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from ..nlp import text_of
from .gazetteer import DATA, Gazetteer, read_tsv
from .names import normalize

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


class Mention(NamedTuple):
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
    other = _article_variant(key)
    if other is not None and other in gaz.index:
        return other, None
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


# The Arabic article is written al, el or ul in English news, and GeoNames lists only some of the spellings
# ("Al Fasher" for El Fasher, "El Geneina" / "Al Geneina").
_ARTICLE_VARIANTS = {"al": "el", "el": "al"}


def _article_variant(key: str) -> str | None:
    """The same name under the other spelling of its Arabic article, or None."""
    first, _, rest = key.partition(" ")
    return f"{_ARTICLE_VARIANTS[first]} {rest}" if first in _ARTICLE_VARIANTS and rest else None


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


def find_mentions(doc, gaz: Gazetteer, exclude: Sequence[tuple[int, int]]) -> list[Mention]:
    text = text_of(doc)
    taken = [False] * (len(text) + 1)
    out: list[Mention] = []

    def free(s: int, e: int) -> bool:
        if any(s < xe and xs < e for xs, xe in exclude):
            return False
        return not any(taken[s:e])

    def take(m: Mention) -> None:
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
            take(Mention(s, e, key, True, suffix))
        elif suffix is not None:
            take(Mention(s, e, normalize(text[s:e]), True, suffix))  # unknown county: state fallback

    # 2. Gazetteer scan of capitalised n-grams the model missed or mislabelled.
    tagged = {m.key for m in out if not m.key.startswith("@")}
    ent_of = {}
    for ent in doc.ents:
        for t in ent:
            ent_of[t.i] = ent
    n_tok = len(doc)
    opening: list[tuple[int, int, int, int, str, str | None]] = []
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
        # One sense per discourse: a name the parser already tagged as a place here ("Logar province")
        # is that place again when it recurs bare ("Sarkh, Logar").
        if free(s, e) and not person_word(s, e) and not _common_word(doc, i, j, lower_words):
            if key in tagged or _scan_ok(doc, gaz, i, j, key, ent_of):
                take(Mention(s, e, key, False, suffix))
            elif doc[i].is_sent_start and j - i == 1:
                opening.append((i, j, s, e, key, suffix))
        i = j
    # A small town opening a sentence ("Djibo, the main town in Soum province, ...") is a place when the
    # article names it as one elsewhere.
    named = {m.key for m in out}
    for i, j, s, e, key, suffix in opening:
        if key in named and free(s, e) and _scan_ok(doc, gaz, i, j, key, ent_of, opening=True):
            take(Mention(s, e, key, False, suffix))
    # 3. AP state abbreviations in datelines: "Alexandria, La." (never taken on their own).
    for m in list(out):
        ab = re.match(r",\s*([A-Z][A-Za-z]{0,4}\.(?:\s?[A-Z][a-z]?\.)?)", text[m.end:m.end + 12])
        if ab and normalize(ab.group(1)) in gaz.state_abbrev:
            s, e = m.end + ab.start(1), m.end + ab.end(1)
            if free(s, e):
                take(Mention(s, e, f"@state:{gaz.state_abbrev[normalize(ab.group(1))]}", False, None))
    out.sort(key=lambda m: m.start)
    return out


@lru_cache(maxsize=1)
def _institution_heads() -> frozenset[str]:
    return frozenset(row["word"] for row in read_tsv(DATA / "places_institutions.tsv"))


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


def _scan_ok(doc, gaz: Gazetteer, i: int, j: int, key: str, ent_of: dict, opening: bool = False) -> bool:
    """Whether a gazetteer hit outside spaCy's place entities is really a place mention (``opening``: a
    sentence's first word the article names as a place elsewhere)."""
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
    if doc[i].is_sent_start and j - i == 1 and not _strong(gaz, key, 100_000) and not opening:
        return False
    if not _strong(gaz, key, 1000) or (j - i == 1 and doc[i].pos_ not in ("PROPN",) and not
                                         _strong(gaz, key, 100_000)):
        return False
    return True
