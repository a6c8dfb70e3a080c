"""An event's arguments from the parse around its trigger: actors, place, date, toll and who claimed it."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ..document import Document
from ..models import Entity, Place, Time
from .agents import PLACEHOLDER, get_table
from .candidates import VIOLENT, Candidate, known_actor
from .lexicon import Lexicon
from .syntax import actors_in, children, span_of


def credit_claimant(doc: Document, cands: list[Candidate], actors: list[Entity], lex: Lexicon) -> None:
    """A group that claims an attack is its author where the reports name no other."""
    text = doc.article.text.lower()
    if not any(p in text for p in lex.claim_phrases):
        return
    claimants = set()
    objects = {"responsibility", "attack", "bombing", "credit", "blast", "assault", "killing"}
    for tok in doc.spacy:
        if tok.lemma_.lower() not in ("claim", "take") or not any(
            c.dep_ == "dobj" and c.lemma_.lower() in objects for c in tok.children
        ):
            continue
        for subj in children(tok, "nsubj"):
            # The subject's own name, not a group named in its relative clause ("X, linked to Y,").
            own = [t for t in subj.subtree if not any(a.dep_ in ("relcl", "acl", "appos") and a.is_ancestor(t)
                                                      for a in subj.subtree)]
            a, b = own[0].idx, own[-1].idx + len(own[-1].text)
            named = [e for e in actors if a <= e.start and e.end <= b and e.kind == "armed_group"]
            if named:
                claimants.add(named[0].actor)
    if len(claimants) != 1:
        return
    who = next(e for e in actors if e.actor in claimants)
    for c in cands:
        if known_actor(c.actor1) is None and c.rule.type in VIOLENT and (
            c.actor2 is None or c.actor2.actor != who.actor
        ):
            c.actor1 = who



# "the al-Qaeda affiliate", "al-Qaeda's branch in the Sahel", "an ISIS-linked group": another group than the
# one named, tied to it.
_AFFILIATE = re.compile(r"^(?:['’]s)?\s*(?:affiliate|branch|franchise|offshoot|ally|allies|wing)s?\b"
                        r"|^-(?:linked|affiliated|allied|aligned|backed|inspired)\b", re.IGNORECASE)


def affiliates(actors: list[Entity], text: str) -> tuple[list[Entity], Entity | None]:
    """The actors with a group's affiliate read as the article's main armed group, and that group.

    "The al-Qaeda affiliate claimed the attack" in a story about al-Shabaab is al-Shabaab; where the
    article names no main group, the affiliate stays unnamed (left out) rather than guessed.
    """
    tied = [e for e in actors if e.kind == "armed_group" and _AFFILIATE.match(text[e.end:e.end + 30])]
    if not tied:
        return actors, dominant_armed_group(actors)
    rest = [e for e in actors if e not in tied]
    main = dominant_armed_group(rest)
    out = [Entity(e.text, e.start, e.end, e.kind, main.actor) for e in tied
           if main is not None and main.actor != e.actor]
    return sorted(rest + out, key=lambda e: e.start), main


def dominant_armed_group(actors: list[Entity]) -> Entity | None:
    counts = Counter(e.actor for e in actors if e.kind == "armed_group" and "(" not in (e.actor or ""))
    if not counts:
        return None
    (name, n), *rest = counts.most_common(2)
    if n >= 2 and (not rest or n >= 2 * rest[0][1]):
        return next(e for e in actors if e.actor == name)
    return None



def is_qualifier(p: Place, doc: Document) -> bool:
    """'USA' in 'USA-backed', 'US' in 'US forces': the place qualifies an actor, it is not a venue."""
    text = doc.article.text
    if text[p.end:p.end + 1] == "-":
        # "USA-backed" qualifies; "the Kisumu-Kakamega road" is a road between two places, both of them places
        return not any(o.start == p.end + 1 for o in doc.places)
    return any(e.start <= p.start and p.end <= e.end and e.kind != "place" for e in doc.entities)



def focus_country(doc: Document, places: list[Place]) -> str | None:
    """The country the article is about (its code): the dateline's, else one named twice or a region's.

    A place named once in passing ("Germany" in a story about Gujarat, a misread "south zone") is
    not the article's focus; a country or region named even once is, when no other country is.
    """
    counts = Counter(p.country for p in places if p.country)
    if not counts:
        return None
    first = min(places, key=lambda p: p.start)
    if first.country and first.start < 80 and "\n" not in doc.article.text[:first.start].strip():
        return first.country  # the dateline ("HAYWARD, Calif. (AP) -")
    (code, n), *rest = counts.most_common(2)
    if rest and rest[0][1] == n:
        return None
    if n >= 2 or any(p.country == code and p.feature in ("country", "admin", "region") for p in places):
        return code
    return None



def dateline_place(doc: Document, places: list[Place]) -> Place | None:
    """The place of the dateline ("HAYWARD, Calif. (AP) -", "ahmedabad:"), the article's own place."""
    text = doc.article.text
    first = min(places, key=lambda p: p.start, default=None)
    if first is None or first.start > 40 or text[:first.start].strip():
        return None
    after = text[first.end:first.end + 40]
    return first if re.match(r"^\s*(?:,[^\n]{0,30}?)?\s*(?:\(\w+\)\s*)?[–—:-]", after) else None



def event_country(c: Candidate, places: list[Place], doc: Document | None = None) -> str | None:
    """The country of the event's place, else the article's focus (its name)."""
    from ..actors import country_name

    code = c.place.country if c.place and c.place.country else None
    if code is None and doc is not None:
        code = focus_country(doc, places)
    elif code is None:
        counts = Counter(p.country for p in places if p.country)
        code = counts.most_common(1)[0][0] if counts else None
    return country_name(code) if code else None



def _template(e: Entity) -> str | None:
    """The actor's name with a slot for the country, when its words name none: 'police', 'the army'.

    'Syrian army' and named groups have none: their country is their own.
    """
    if PLACEHOLDER in (e.actor or ""):
        return e.actor
    from ..actors import role_template

    return role_template(e.text)



def localise(e: Entity | None, country: str | None) -> Entity | None:
    """The actor named with the event's country when its words name none ('police' in Gujarat)."""
    if e is None or not e.actor:
        return e
    template = _template(e)
    if template is None or PLACEHOLDER not in template:
        return e
    if not e.actor.startswith(template.split(" (" + PLACEHOLDER)[0].split(" of " + PLACEHOLDER)[0]):
        return e  # "its fighters" read as the group "its" stands for keeps that group's name
    if country:
        name = template.replace(PLACEHOLDER, country)
    else:
        name = template.replace(" of " + PLACEHOLDER, "").replace(" (" + PLACEHOLDER + ")", "")
    return e if name == e.actor else Entity(e.text, e.start, e.end, e.kind, name)



def localise_actors(c: Candidate, doc: Document, places: list[Place]) -> None:
    """Generic actors take the country of the event's place or the article's focus, never a passing mention."""
    country = event_country(c, places, doc)
    c.actor1, c.actor2 = localise(c.actor1, country), localise(c.actor2, country)



def state_forces(c: Candidate, doc: Document, places: list[Place]) -> Entity | None:
    country = event_country(c, places)
    if country is None:
        return None
    return Entity("", 0, 0, "state_force", f"Military Forces of {country}")



def national_forces(head, doc: Document) -> Entity | None:
    """'Israeli air strikes', 'Russian shelling': a demonym on the weapon names the state that used it."""
    from ..actors import demonym_country

    for ch in head.children:
        if ch.dep_ in ("amod", "compound", "nmod") and ch.i < head.i:
            country = demonym_country(ch.text)
            if country:
                return Entity(ch.text, ch.idx, ch.idx + len(ch.text), "state_force", f"Military Forces of {country}")
    return None



def actors_from(toks, actors: list[Entity], dominant, lex, every: bool = False, enemy: bool = False) -> list[Entity]:
    out: list[Entity] = []
    for tok in toks:
        found = actors_in(actors, span_of(tok))
        if not found and enemy and dominant is not None:
            # "the most wanted terrorist", "the militants": the article's main armed group.
            if any(t.lemma_.lower() in lex.enemy_nouns or t.lower_ in lex.enemy_nouns for t in tok.subtree):
                found = [dominant]
        for conj in tok.conjuncts if every else ():
            found += actors_in(actors, span_of(conj))
        # "Fighters of Hayat Tahrir al-Sham": the named group, not the placeholder of its members.
        found = sorted(found, key=lambda e: bool(e.actor and e.actor.startswith("Unidentified")))
        for e in found:
            if e not in out:
                out.append(e)
    return out



def has_place_noun(toks, lex: Lexicon) -> bool:
    return any(t.lemma_.lower() in lex.place_nouns for tok in toks for t in tok.subtree)



# A place named only as the reference point of another: "south of the capital Kabul", "30 km north-east
# of Gao". Not "near Aleppo", "outside Mosul", "on the outskirts of Djibo" or "northern Syria": those say
# where it happened (at or next to the place).
_REFERENCE = re.compile(
    r"\b(?:north|south|east|west)(?:-?(?:east|west))?(?:ward)?\s+of\s+"
    r"(?:the\s+)?(?:(?:provincial\s+|regional\s+|state\s+)?(?:capital|city|town|village)\s+(?:of\s+)?)?$",
    re.IGNORECASE,
)
# A place inside an actor's phrase that the parse may have hung on the actor rather than the event:
# "an attack by armed groups in the Gao region". Taken only when the clause names no other place.
LOCATIVE = re.compile(
    r"\b(?:in|at|near|outside|around|(?:on\s+)?the\s+outskirts\s+of)\s+(?:the\s+)?"
    r"(?:(?:town|city|village|region|province|district|area)\s+of\s+)?$",
    re.IGNORECASE,
)


def is_venue(p: Place) -> bool:
    """A place an event can be coded at: one in a country (not "West Africa", "Lake Chad", "the Sahel",
    regions across borders that name no country ACLED could code)."""
    return p.country is not None


def pick_place(head, obj_toks, antecedent, places: list[Place], clause, doc) -> tuple[Place | None, bool]:
    order = {"city": 0, "locality": 0, "admin": 1, "region": 2, "country": 3}

    home = dateline_place(doc, doc.places)

    def best(cands: list[Place]) -> Place | None:
        cands = [p for p in cands if is_venue(p)]
        # "crashed in Logar province south of the capital Kabul": Kabul only locates Logar.
        cands = [p for p in cands if not _REFERENCE.search(doc.article.text[max(0, p.start - 40):p.start])] or cands
        # "KINSHASA, Nov 7 - ... an attack on a neighbourhood of Beni": the dateline is where the story was
        # filed; it is the venue only when the sentence names no other place.
        cands = [p for p in cands if p is not home] or cands
        if not cands:
            return None
        return sorted(cands, key=lambda p: (order.get(p.feature, 1), abs(p.start - head.idx)))[0]

    spans = []
    if antecedent is not None:
        spans.append((antecedent.idx, antecedent.idx + len(antecedent.text)))
    spans += [span_of(t) for t in obj_toks]
    spans += [span_of(p) for p in head.children if p.dep_ == "prep" and p.lower_ not in ("by", "from", "with")]
    spans.append(clause)  # not the whole sentence: "Jordan expressed concern that ..." is no venue
    for a, b in spans:
        p = best([p for p in places if a <= p.start and p.end <= b])
        if p is not None:
            before = doc.article.text[max(a, p.start - 30):p.start].lower()
            near = any(w in before for w in ("outside", "near", "outskirts", "western", "eastern",
                                             "northern", "southern", "around", "west of", "east of",
                                             "north of", "south of", "province", "countryside"))
            return p, near
    return None, False



def _dated(t: Time) -> bool:
    return bool(re.match(r"^\d{4}(-\d{2}(-\d{2})?)?", t.value or "")) and t.type in ("DATE", "TIME")


def pick_time(head, clause, sent, times: list[Time]) -> Time | None:
    for a, b in (clause, (sent.start_char, sent.end_char)):
        inside = [t for t in times if a <= t.start and t.end <= b and _dated(t)]
        if inside:
            return min(inside, key=lambda t: abs(t.start - head.idx))
    return None


def restated_time(head, sent, times: list[Time]) -> Time | None:
    """The date of a neighbouring sentence that restates the same action, when the event's own has none.

    "The Taliban claimed responsibility for shooting down the helicopter." / "'... shot down ... last
    night,' the spokesman said": the second tells when. Only the next and the previous sentence, and
    only where the trigger's verb comes back (same lemma, a verb), so a date of another happening is not taken.
    """
    if head.pos_ != "VERB":
        return None  # a noun ("the protest", "the attack") comes back for other happenings too
    doc = sent.doc
    neighbours = []
    if sent.end < len(doc):
        neighbours.append(doc[sent.end].sent)
    if sent.start > 0:
        neighbours.append(doc[sent.start - 1].sent)
    for other in neighbours:
        again = [t for t in other if t.lemma_ == head.lemma_ and t.pos_ == head.pos_ and not t.is_stop]
        if not again:
            continue
        inside = [t for t in times if other.start_char <= t.start and t.end <= other.end_char and _dated(t)]
        if inside:
            return min(inside, key=lambda t: min(abs(t.start - w.idx) for w in again))
    return None



def fatalities(sentence: str, lex: Lexicon) -> int | None:
    """The toll a sentence gives one event, ACLED's way: the most conservative figure reported.

    A number inside a breakdown ("12 killed, including 3 children") is no toll; a toll counted
    over a period ("the toll so far rose to 500") is the sum of many events, no event's toll.
    """
    table = get_table()
    low = sentence.lower()
    found: list[int] = []
    if any(re.search(r"\b" + re.escape(p) + r"\b", low) for p in table.period_markers):
        return None  # "2,500 civilians have been killed so far this year"
    for k, pat in enumerate(lex.fatality_re):
        for m in pat.finditer(sentence):
            before = low[max(0, m.start() - 16):m.start()]
            if any(before.rstrip(" ,").endswith(x) for x in table.count_exclusions):
                continue
            if k == 2 and any(re.search(r"\b" + re.escape(p) + r"\b", low) for p in table.toll_period_markers):
                continue  # "the death toll since March rose to 500"
            n = _count(m.group(1), lex)
            if n is not None:
                found.append(n)
    # "a man has been stabbed to death": one.
    if _one_death_re(table.death_participles, tuple(sorted(lex.victim_nouns))).search(sentence):
        found.append(1)
    # "shot dead four men": a killing verb's counted object.
    for m in _killing_re(table.killing_phrases, tuple(lex.number_words)).finditer(sentence):
        n = _count(m.group(1), lex)
        if n is not None:
            found.append(n)
    return min(found) if found else None


def _count(raw: str, lex: Lexicon) -> int | None:
    raw = raw.lower().replace(",", "")
    n = int(raw) if raw.isdigit() else lex.number_words.get(raw)
    return n if n is not None and n < 100000 else None


@lru_cache(maxsize=1)
def _one_death_re(participles: tuple[str, ...], nouns: tuple[str, ...]) -> re.Pattern:
    singular = "|".join(re.escape(n) for n in nouns if not n.endswith(("s", "men", "people", "children")))
    verbs = "|".join(re.escape(p) for p in participles)
    return re.compile(r"\b(?:a|an|one)\s+(?:[\w-]+\s+){0,2}?(?:" + singular + r")\s+(?:has been|had been|was|is)\s+(?:"
                      + verbs + r")\b", re.I)


@lru_cache(maxsize=1)
def _killing_re(phrases: tuple[str, ...], words: tuple[str, ...]) -> re.Pattern:
    num = r"(\d[\d,]*|" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")"
    verbs = "|".join(re.escape(p) for p in phrases)
    return re.compile(r"\b(?:" + verbs + r")\s+(?:at least\s+|some\s+|about\s+)?" + num + r"\b", re.I)
