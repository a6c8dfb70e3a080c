"""Event stage: who did what to whom, where and when, in the ACLED taxonomy, with modality.

One pass over the parsed sentences finds trigger words from the lexicon
(data/event_lexicon.json); the dependency parse around each trigger gives the
actors, the place and the time; the words governing it (and the quote stage)
give the modality and who reports or claims it. Candidates naming the same
event (one actor pair, place and day) are merged.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from .document import Document
from .models import Entity, Event, Location, Place, Quote, Time
from .reading.tables import load_table

if TYPE_CHECKING:
    from .event_types import Classifier

ACTOR_KINDS = {"armed_group", "state_force", "coalition", "government", "other"}
VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Riots"}
GOVERNMENT_KINDS = {"state_force", "government"}
TERRITORY_SUBS = {"Government regains territory", "Non-state actor overtakes territory"}
NOT_CONFLICT = {"NATURAL_DISASTER", "MAN_MADE_DISASTER", "ORG_CRIME"}  # CASE classes that are no ACLED event


@dataclass
class Rule:
    phrase: str
    type: str
    sub: str
    needs: str | None
    rank: int


@dataclass
class Lexicon:
    phrases: dict[tuple[str, ...], Rule]
    max_len: int
    place_nouns: frozenset
    victim_nouns: frozenset
    enemy_nouns: frozenset
    cue_modality: dict[str, str]
    protest_signals: tuple[str, ...]
    fatality_re: list[re.Pattern]
    number_words: dict[str, int]
    attack_context: frozenset
    non_event_heads: frozenset
    claim_phrases: tuple[str, ...]
    military_targets: frozenset


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    t = load_table("event_lexicon.json")
    phrases: dict[tuple[str, ...], Rule] = {}
    for row in t["triggers"]:
        for lemma in row["lemmas"]:
            key = tuple(lemma.lower().split())
            phrases[key] = Rule(lemma, row["type"], row["sub"], row.get("needs"), row["rank"])
    cue = {w: mod for mod, words in t["modality_cues"].items() for w in words}
    nums = t["number_words"]
    num = r"(\d[\d,]*|" + "|".join(sorted(map(re.escape, nums), key=len, reverse=True)) + r")"
    nouns = "|".join(t["fatality_nouns"])
    # No two optional runs of spaces in a row ("\s+(?:at least)?\s*"), and runs possessive where
    # nothing after them starts with a space: they backtracked quadratically on a long run of spaces.
    qual = r"(?:(?:at least|more than|over|some|about|nearly|around|up to|as many as)\s*+)?"
    fatality_re = [
        re.compile(r"\b" + qual + num + r"\s++(?:[\w-]+\s++){0,3}?(?:(?:were|have been|had been|was|are)\s*+)?"
                   r"(?:killed|dead|died|slain|lost their lives)\b", re.I),
        re.compile(r"\b(?:killed|killing|kills|kill)\s++" + qual + num + r"\b(?:\s+(?:" + nouns + r"))?", re.I),
        re.compile(r"\bdeath toll\s+(?:\w+\s+){0,3}?(?:to|at|of)\s+" + qual + num, re.I),
        re.compile(r"\b(?:martyrdom|deaths?|killing)\s+of\s+" + qual + num, re.I),
        re.compile(r"\b" + qual + num + r"\s+(?:martyrs|dead|fatalities|deaths)\b", re.I),
    ]
    return Lexicon(
        phrases, max(len(k) for k in phrases), frozenset(t["place_nouns"]), frozenset(t["victim_nouns"]),
        frozenset(t["generic_enemy_nouns"]), cue, tuple(t["protest_signals"]), fatality_re, nums,
        frozenset(t["attack_context"]), frozenset(t["non_event_heads"]), tuple(t["claim_phrases"]),
        frozenset(t["military_targets"]),
    )


@dataclass
class Candidate:
    rule: Rule
    sent_start: int
    sent_end: int
    trigger: str
    actor1: Entity | None = None
    actor2: Entity | None = None
    victim: bool = False
    place: Place | None = None
    near: bool = False
    time: Time | None = None
    background: bool = False
    modality: str = "asserted"
    attributed_to: str | None = None
    fatalities: int | None = None
    extra_spans: list[tuple[int, int]] = field(default_factory=list)
    time_soft: bool = False  # the date may be the report's, not the event's
    intervention: bool = False  # a protest met with force (tear gas, arrests, shots)
    killing: bool = False  # someone was killed in the same sentence
    refined: tuple[str, str] | None = None  # (type, sub-type) the sentence classifier chose over the trigger's


# ---- small helpers over the parse ------------------------------------------------------------


def _span_of(tok) -> tuple[int, int]:
    sub = list(tok.subtree)
    return sub[0].idx, sub[-1].idx + len(sub[-1].text)


def _actors_in(ents: list[Entity], span: tuple[int, int]) -> list[Entity]:
    a, b = span
    return [e for e in ents if a <= e.start and e.end <= b]


def _match_triggers(sent, lex: Lexicon, times: list[Time] = ()):
    """(head token, rule, phrase text) for each trigger in the sentence, longest phrases first."""
    toks = list(sent)
    # Words inside a time expression name no event ("in March").
    used: set[int] = {i for i, t in enumerate(toks) if any(x.start <= t.idx < x.end for x in times)}
    for n in range(lex.max_len, 0, -1):
        for i in range(len(toks) - n + 1):
            if any(j in used for j in range(i, i + n)):
                continue
            window = toks[i:i + n]
            for key in (tuple(t.lemma_.lower() for t in window), tuple(t.lower_ for t in window)):
                rule = lex.phrases.get(key)
                if rule:
                    break
            else:
                continue
            if n == 1 and window[0].pos_ not in ("VERB", "NOUN") and not (
                window[0].pos_ == "PROPN" and window[0].is_sent_start
            ):
                continue
            ids = {t.i for t in window}
            head = next((t for t in window if t.head.i not in ids or t.head.i == t.i), window[-1])
            used.update(range(i, i + n))
            yield head, rule, " ".join(t.text for t in window)


def _children(tok, *deps: str):
    return [c for c in tok.children if c.dep_ in deps]


def _prep_objects(tok, preps: tuple[str, ...]):
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in preps:
            yield from (p for p in c.children if p.dep_ == "pobj")


# ---- the stage -------------------------------------------------------------------------------


def find_events(doc: Document, min_confidence: float = 0.0, classify: bool = True,
                classifier: Classifier | None = None) -> list[Event]:
    """The document's events; ``classifier`` (default: the shipped one) refines their types when ``classify``."""
    sp = doc.spacy
    if sp is None:
        return []
    lex = get_lexicon()
    actors = [e for e in doc.entities if e.actor and e.kind in ACTOR_KINDS]
    dominant = _dominant_armed_group(actors)
    places = [p for p in doc.places if not _is_qualifier(p, doc)]
    cands: list[Candidate] = []
    for sent in sp.sents:
        for head, rule, phrase in _match_triggers(sent, lex, doc.times):
            c = _candidate(head, rule, phrase, sent, doc, actors, places, dominant, lex)
            if c is not None:
                cands.append(c)
    # One sentence's several words for one event first; then drop weak candidates, so that
    # they cannot lend a place or date to others; then the same event across sentences.
    _credit_claimant(doc, cands, actors, lex)
    merged = _merge(cands, same_sentence_only=True)
    per_sentence = Counter(c.sent_start for c in merged)
    for c in merged:
        # A toll the parse did not tie to a clause belongs to the sentence's one event, if it has one.
        if c.fatalities is None and c.rule.type in VIOLENT and per_sentence[c.sent_start] == 1:
            c.fatalities = _fatalities(doc.article.text[c.sent_start:c.sent_end], lex)
    strong = [c for c in merged if _confidence(c) >= min_confidence]
    if classify:
        strong = _classify(doc, strong, classifier)
    return [_to_event(c, doc) for c in _merge(strong)]


def _classify(doc: Document, cands: list[Candidate], clf: Classifier | None = None) -> list[Candidate]:
    """Let the sentence classifier (event_types.py) refine each candidate's type; drop non-conflict events.

    One batch per document. The trigger's type stands unless the classifier is sure enough: the
    sub-type within the trigger's event type from ``refine_sub_type``, another event type from
    ``change_event_type`` and only for generic triggers (rank up to ``change_max_rank``: "attack",
    "fight", "arrest"; a "protest" or a "riot" keeps its type). A sentence it reads as a disaster or
    organised crime is no political violence. Territory taken by a known actor stays the parse's
    call (who took it decides the sub-type); the rules of ``_sub_type`` (threats, battles with
    protesters, force against protests) apply on top. Without the classifier the lexicon alone decides.
    """
    if not cands:
        return cands
    from .event_types import get_classifier, thresholds

    clf = clf or get_classifier()
    if clf is None:
        return cands
    text = doc.article.text
    spans = sorted({(c.sent_start, c.sent_end) for c in cands})
    preds = dict(zip(spans, clf.classify([text[a:b].strip() for a, b in spans]), strict=True))
    th = thresholds()
    out = []
    for c in cands:
        p = preds[(c.sent_start, c.sent_end)]
        if p.event_type is None or p.sub_event_type is None:
            if p.label in NOT_CONFLICT and p.prob >= th["drop_non_acled"] and c.rule.type in VIOLENT:
                continue
            out.append(c)
            continue
        territory = p.sub_event_type in TERRITORY_SUBS
        if c.rule.sub == "TERRITORY" and (c.actor1 is not None or not territory):
            if p.event_type == c.rule.type or p.prob < th["change_event_type"]:
                out.append(c)  # the parse knows who took the ground
                continue
        same = p.event_type == c.rule.type
        if same and p.prob >= th["refine_sub_type"] or (
            p.prob >= th["change_event_type"] and c.rule.rank <= th["change_max_rank"]
        ):
            c.refined = (p.event_type, p.sub_event_type)
        out.append(c)
    return out


def _credit_claimant(doc: Document, cands: list[Candidate], actors: list[Entity], lex: Lexicon) -> None:
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
        for subj in _children(tok, "nsubj"):
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
        if _known(c.actor1) is None and c.rule.type in VIOLENT and (c.actor2 is None or c.actor2.actor != who.actor):
            c.actor1 = who


def _dominant_armed_group(actors: list[Entity]) -> Entity | None:
    counts = Counter(e.actor for e in actors if e.kind == "armed_group" and "(" not in (e.actor or ""))
    if not counts:
        return None
    (name, n), *rest = counts.most_common(2)
    if n >= 2 and (not rest or n >= 2 * rest[0][1]):
        return next(e for e in actors if e.actor == name)
    return None


def _is_qualifier(p: Place, doc: Document) -> bool:
    """'USA' in 'USA-backed', 'US' in 'US forces': the place qualifies an actor, it is not a venue."""
    text = doc.article.text
    if text[p.end:p.end + 1] == "-":
        return True
    return any(e.start <= p.start and p.end <= e.end and e.kind != "place" for e in doc.entities)


def _candidate(head, rule: Rule, phrase: str, sent, doc: Document, actors, places, dominant, lex) -> Candidate | None:
    if any(c.dep_ == "neg" for c in head.children):
        return None  # "did not attack": no event
    if head.dep_ in ("compound", "amod", "nmod") and head.head.lemma_.lower() in lex.non_event_heads:
        return None  # "rape allegation", "missile defence", "protest movement"
    if rule.needs == "attack_context" and not any(
        t.lower_ in lex.attack_context or t.lemma_.lower() in lex.attack_context for t in sent if t.i != head.i
    ):
        return None  # a rocket on a launch pad is no attack
    c = Candidate(rule, sent.start_char, sent.end_char, phrase)
    is_verb = head.pos_ == "VERB"
    subj_toks, obj_toks = [], []
    if is_verb:
        subj_toks = _children(head, "nsubj") + [p for a in _children(head, "agent") for p in a.children]
        obj_toks = _children(head, "dobj", "nsubjpass", "attr")
        if head.dep_ in ("xcomp", "conj", "advcl") and not subj_toks:
            subj_toks = _children(head.head, "nsubj")
    else:
        # "the massacre of 22 civilians by ADF terrorists": by names the doer, of the victims;
        # "the shelling carried out by the militia": so does the agent of a participle.
        subj_toks = _children(head, "poss", "compound", "nmod") + list(_prep_objects(head, ("by",)))
        subj_toks += [p for acl in _children(head, "acl") for a in _children(acl, "agent") for p in a.children]
        obj_toks = list(_prep_objects(head, ("against", "on", "targeting", "of")))
        # "launched an attack", "carried out strikes": the doer is the light verb's subject.
        if head.dep_ in ("dobj", "nsubj", "pobj") and not _actors_from(subj_toks, actors, dominant, lex):
            gov = head.head if head.dep_ != "pobj" else head.head.head
            if head.dep_ == "dobj":
                subj_toks = subj_toks + _children(gov, "nsubj")
    between = list(_prep_objects(head, ("between",))) or (
        list(_prep_objects(head.head, ("between",))) if head.dep_ == "nsubj" else []
    )
    if between:
        ents = _actors_from(between, actors, dominant, lex, every=True)
        if ents:
            c.actor1 = ents[0]
            c.actor2 = ents[1] if len(ents) > 1 else None
    with_objs = list(_prep_objects(head, ("with",)))
    from_objs = list(_prep_objects(head, ("from",)))

    if is_verb and head.dep_ == "relcl" and not _actors_from(subj_toks, actors, dominant, lex):
        # "protesters who marched": the antecedent does what the clause says.
        if any(t.dep_ == "nsubj" and t.tag_ in ("WP", "WDT") for t in head.children):
            subj_toks = subj_toks + [head.head]
    if c.actor1 is None:
        found = _actors_from(subj_toks, actors, dominant, lex)
        c.actor1 = found[0] if found else None
    if c.actor1 is None and not is_verb:
        c.actor1 = _national_forces(head, doc)
    # Who held the place taken: "captured neighbourhoods outside the Islamic State's capital".
    subj_ids = {t.i for s in subj_toks for t in s.subtree}
    held = [t for t in head.subtree if t.i not in subj_ids and t.i != head.i
            and t.dep_ in ("poss", "compound", "pobj", "npadvmod")] if rule.sub == "TERRITORY" else []
    if c.actor2 is None:
        for group in (obj_toks, with_objs, from_objs if rule.sub == "TERRITORY" else [], held):
            found = [e for e in _actors_from(group, actors, dominant, lex, enemy=True) if e != c.actor1]
            if found:
                c.actor2 = found[0]
                break
    if c.actor2 is None and rule.type in VIOLENT and any(
        t.lemma_.lower() in lex.military_targets for o in obj_toks for t in o.subtree
    ):
        # "attacked an army checkpoint": the state's forces are the other side.
        c.actor2 = _state_forces(c, doc, places)
    if rule.type == "Violence against civilians" and c.actor1 is not None and (c.actor1.actor or "").startswith(
        "Civilians"
    ):
        c.actor1 = None  # civilians are the victims of violence against civilians, not its authors
        c.victim = True
    c.victim = c.victim or any(t.lemma_.lower() in lex.victim_nouns or t.lower_ in lex.victim_nouns
                   for g in (obj_toks,) for tok in g for t in tok.subtree)

    # Relative clauses: "Raqqa, which IS seized in 2014" -> the antecedent is the object/place.
    antecedent = None
    if head.dep_ == "relcl" and any(t.tag_ in ("WDT", "WP", "WRB") or t.lower_ in ("which", "that", "where")
                                    for t in head.children):
        antecedent = head.head
    clause = _clause_span(head)
    # Places inside an actor's own phrase ("forces tied to Iran") are not where it happened.
    own = _span_of(head)

    def in_actor_phrase(p: Place) -> bool:
        for t in subj_toks + between + [x for b in between for x in b.conjuncts]:
            a, b = _span_of(t)
            if a <= p.start and p.end <= b:
                # An antecedent's phrase holds the trigger itself ("protesters who marched in X").
                if t.is_ancestor(head) and own[0] <= p.start and p.end <= own[1]:
                    continue
                return True
        return False

    venues = [p for p in places if not in_actor_phrase(p)]
    c.place, c.near = _pick_place(head, obj_toks, antecedent, venues, clause, doc)
    if rule.needs == "place_object":
        # What was taken must be a place: in the object, its "of"/"over" phrase or the antecedent.
        spans = [_span_of(t) for t in obj_toks + list(_prep_objects(head, ("of", "over")))]
        if antecedent is not None:
            spans.append((antecedent.idx, antecedent.idx + len(antecedent.text)))
        for o in obj_toks:
            spans += [_span_of(t) for t in _prep_objects(o, ("of", "over"))]
        if not any(a <= p.start and p.end <= b for p in venues for a, b in spans) and not _has_place_noun(
            obj_toks, lex
        ):
            return None
    if rule.needs in ("actor", "actor_and_place") and c.actor1 is None and c.actor2 is None:
        return None
    if rule.needs == "actor_and_place" and c.place is None:
        return None
    if rule.needs == "actor_or_victim" and c.actor1 is None and c.actor2 is None and not c.victim:
        return None
    if rule.needs == "protest" and head.lemma_.lower() not in ("protest", "demonstration", "demonstrate"):
        # "rally", "march": only with protesters named ("Trump spoke at a rally" is no protest).
        in_sent = [e for e in actors if sent.start_char <= e.start < sent.end_char]
        if c.actor1 is None and not any(e.actor and e.actor.startswith("Protesters") for e in in_sent):
            return None

    c.time = _pick_time(head, clause, sent, doc.times)
    # A date outside the trigger's own clause ("said on Thursday that ... had been killed")
    # may be the day of the report rather than of the event.
    c.time_soft = c.time is not None and not (clause[0] <= c.time.start < clause[1])
    c.background = head.dep_ in ("relcl", "acl", "advcl", "pcomp") or head.tag_ == "VBN" and head.dep_ == "amod"
    c.modality, c.attributed_to = _modality(head, doc.quotes, doc, lex)
    if rule.type in VIOLENT:
        # The toll in the trigger's own clause (the sentence's is taken after merging, below).
        c.fatalities = _fatalities(doc.article.text[clause[0]:clause[1]], lex)
    if rule.type == "Protests":
        low = sent.text.lower()
        c.intervention = any(sig in low for sig in lex.protest_signals)
        c.killing = bool(re.search(r"\b(?:killed|shot dead|died|dead|killing)\b", low))
    return c


def _event_country(c: Candidate, places: list[Place]) -> str | None:
    """The country of the event's place, else the one most of the article's places lie in (its name)."""
    from .actors import country_name

    code = c.place.country if c.place and c.place.country else None
    if code is None:
        counts = Counter(p.country for p in places if p.country)
        code = counts.most_common(1)[0][0] if counts else None
    return country_name(code) if code else None


def _state_forces(c: Candidate, doc: Document, places: list[Place]) -> Entity | None:
    country = _event_country(c, places)
    if country is None:
        return None
    return Entity("", 0, 0, "state_force", f"Military Forces of {country}")


def _national_forces(head, doc: Document) -> Entity | None:
    """'Israeli air strikes', 'Russian shelling': a demonym on the weapon names the state that used it."""
    from .actors import demonym_country

    for ch in head.children:
        if ch.dep_ in ("amod", "compound", "nmod") and ch.i < head.i:
            country = demonym_country(ch.text)
            if country:
                return Entity(ch.text, ch.idx, ch.idx + len(ch.text), "state_force", f"Military Forces of {country}")
    return None


def _actors_from(toks, actors: list[Entity], dominant, lex, every: bool = False, enemy: bool = False) -> list[Entity]:
    out: list[Entity] = []
    for tok in toks:
        found = _actors_in(actors, _span_of(tok))
        if not found and enemy and dominant is not None:
            # "the most wanted terrorist", "the militants": the article's main armed group.
            if any(t.lemma_.lower() in lex.enemy_nouns or t.lower_ in lex.enemy_nouns for t in tok.subtree):
                found = [dominant]
        for conj in tok.conjuncts if every else ():
            found += _actors_in(actors, _span_of(conj))
        for e in found:
            if e not in out:
                out.append(e)
    return out


def _clause_span(head) -> tuple[int, int]:
    """The smallest verb clause around the trigger (for dates and places that belong to it)."""
    tok = head
    while tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i:
        tok = tok.head
    return _span_of(tok)


def _has_place_noun(toks, lex: Lexicon) -> bool:
    return any(t.lemma_.lower() in lex.place_nouns for tok in toks for t in tok.subtree)


def _pick_place(head, obj_toks, antecedent, places: list[Place], clause, doc) -> tuple[Place | None, bool]:
    order = {"city": 0, "locality": 0, "admin": 1, "region": 2, "country": 3}

    def best(cands: list[Place]) -> Place | None:
        if not cands:
            return None
        return sorted(cands, key=lambda p: (order.get(p.feature, 1), abs(p.start - head.idx)))[0]

    spans = []
    if antecedent is not None:
        spans.append((antecedent.idx, antecedent.idx + len(antecedent.text)))
    spans += [_span_of(t) for t in obj_toks]
    spans += [_span_of(p) for p in head.children if p.dep_ == "prep" and p.lower_ not in ("by", "from", "with")]
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


def _pick_time(head, clause, sent, times: list[Time]) -> Time | None:
    def dated(t: Time) -> bool:
        return bool(re.match(r"^\d{4}(-\d{2}(-\d{2})?)?", t.value or "")) and t.type in ("DATE", "TIME")

    for a, b in (clause, (sent.start_char, sent.end_char)):
        inside = [t for t in times if a <= t.start and t.end <= b and dated(t)]
        if inside:
            return min(inside, key=lambda t: abs(t.start - head.idx))
    return None


def _day(value: str | None):
    from datetime import date

    try:
        return date.fromisoformat(value[:10]) if value and len(value) >= 10 else None
    except ValueError:
        return None


def _dates_compatible(a: Candidate, b: Candidate) -> bool:
    """Same day, or one undated, or one only the day it was reported (on or up to a week after)."""
    ta, tb = (a.time.value if a.time else None), (b.time.value if b.time else None)
    if ta is None or tb is None or ta == tb:
        return True
    if a.time_soft == b.time_soft:
        return False
    hard, soft = (ta, tb) if b.time_soft else (tb, ta)
    dh, ds = _day(hard), _day(soft)
    return dh is not None and ds is not None and 0 <= (ds - dh).days <= 7


def _modality(head, quotes: list[Quote], doc: Document, lex: Lexicon) -> tuple[str, str | None]:
    # Words on the trigger itself: "could attack", "will march", "reportedly killed".
    for ch in head.children:
        w = ch.lower_
        if ch.dep_ == "aux" and lex.cue_modality.get(w) in ("hypothetical", "planned"):
            return lex.cue_modality[w], None
        if ch.dep_ == "advmod" and w in lex.cue_modality:
            return lex.cue_modality[w], None
    # Reported or direct speech found by the quote stage.
    for q in quotes:
        if q.start <= head.idx < q.end:
            mod = _cue_modality(q.cue or "", lex)
            speaker = re.sub(r"^(?:the|a|an)\s+", "", q.speaker, flags=re.I) if q.speaker else None
            # The quote stage also keeps intentions ("X wants to attack ..."): planned, not reported.
            return (mod if mod in ("claimed", "denied", "threatened", "planned") else "reported"), speaker
    # Governing words: "X reported that ...", "called on followers to launch attacks".
    tok = head
    via_subject = False
    while tok.head.i != tok.i:
        via_subject = via_subject or tok.dep_ in ("nsubj", "nsubjpass")
        tok = tok.head
        mod = lex.cue_modality.get(tok.lemma_.lower())
        if via_subject and mod in ("hypothetical", "planned"):
            continue  # "clashes may be the beginning": a modal on the predicate, not on the clashes
        if mod and tok.pos_ in ("VERB", "AUX"):
            # Not the subject that holds the trigger itself (a parse slip in "X killed Y, Z said").
            subj = [t for t in _children(tok, "nsubj") if not t.is_ancestor(head) and t.i != head.i]
            who = _phrase(subj[0], doc) if subj else None
            return mod, who
        if tok.lower_ == "according":
            objs = list(_prep_objects(tok, ("to",)))
            return "reported", _phrase(objs[0], doc) if objs else None
    # "..., according to Reuters." at the end of the sentence.
    for t in head.sent:
        if t.lower_ == "according" and t.i > head.i:
            objs = [p for c in t.children for p in c.children if p.dep_ == "pobj"]
            return "reported", _phrase(objs[0], doc) if objs else None
    return "asserted", None


def _cue_modality(cue: str, lex: Lexicon) -> str | None:
    """Modality of a speech cue as written ("denied", "claims", "according to")."""
    words = cue.lower().split()
    if not words:
        return None
    w = words[0]
    for form in (w, w[:-3] + "y" if w.endswith("ied") else w, w[:-2], w[:-1], w[:-3]):
        if form in lex.cue_modality:
            return lex.cue_modality[form]
    return None


def _phrase(tok, doc: Document) -> str:
    """The name of a speaker/source: its entity when known, else the noun phrase without 'the'."""
    a, b = _span_of(tok)
    for e in doc.entities:
        if e.start <= tok.idx < e.end:
            return re.sub(r"^(?:the|a|an)\s+", "", e.text, flags=re.I)
    words = [t for t in tok.subtree if t.dep_ not in ("relcl", "acl", "appos", "punct")
             and t.i <= tok.i + 2]
    text = " ".join(t.text for t in words) if words else tok.text
    return re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I)


def _fatalities(sentence: str, lex: Lexicon) -> int | None:
    for pat in lex.fatality_re:
        m = pat.search(sentence)
        if m:
            raw = m.group(1).lower().replace(",", "")
            n = int(raw) if raw.isdigit() else lex.number_words.get(raw)
            if n is not None and n < 100000:
                return n
    return None


# ---- merging and output ----------------------------------------------------------------------


def _name(e: Entity | None) -> str | None:
    return e.actor if e is not None else None


def _known(e: Entity | None) -> str | None:
    """The actor's name unless it is a placeholder ("Unidentified Armed Group"), which fits any group."""
    name = _name(e)
    return None if name is None or name.startswith("Unidentified") else name


def _compatible(a: Candidate, b: Candidate, same_sentence: bool) -> bool:
    if same_sentence:
        # One sentence, several words for one event ("killed in an air strike").
        return all(
            x is None or y is None or x == y
            for x, y in ((_name(a.actor1), _name(b.actor1)), (_name(a.actor2), _name(b.actor2)))
        )
    if _sub_type(a)[0] != _sub_type(b)[0]:
        return False
    a1, b1, a2, b2 = (_known(a.actor1), _known(b.actor1), _known(a.actor2), _known(b.actor2))
    if a1 and b1 and a1 != b1 or a2 and b2 and a2 != b2:
        return False
    # Across sentences the reports must share a named actor in the same role (or civilian victims).
    if not (a1 and a1 == b1 or a2 and a2 == b2 or a.victim and b.victim and not (a2 or b2)):
        return False
    if a.place and b.place and a.place.name != b.place.name:
        return False
    return _dates_compatible(a, b)


def _absorb(a: Candidate, b: Candidate) -> Candidate:
    """Keep the stronger trigger; fill what it lacks from the other."""
    if (b.rule.rank, b.actor1 is not None) > (a.rule.rank, a.actor1 is not None) and a.sent_start == b.sent_start:
        a, b = b, a
    for f in ("actor1", "actor2"):
        if _known(getattr(a, f)) is None and _known(getattr(b, f)) is not None:
            setattr(a, f, getattr(b, f))  # a named group beats "unidentified gunmen"
    for f in ("actor1", "actor2", "place", "time", "fatalities", "attributed_to"):
        if getattr(a, f) is None and getattr(b, f) is not None:
            setattr(a, f, getattr(b, f))
            if f == "time":
                a.time_soft = b.time_soft
    if a.time_soft and b.time is not None and not b.time_soft:
        a.time, a.time_soft = b.time, False
    if a.modality == "asserted" and b.modality in ("reported", "claimed"):
        a.modality = b.modality
    a.background = a.background and b.background
    a.victim = a.victim or b.victim
    if b.sent_start != a.sent_start:
        a.extra_spans.append((b.sent_start, b.sent_end))
    return a


def _merge(cands: list[Candidate], same_sentence_only: bool = False) -> list[Candidate]:
    out: list[Candidate] = []
    for c in cands:
        for i, o in enumerate(out):
            same = o.sent_start == c.sent_start
            if same_sentence_only and not same:
                continue
            if _compatible(o, c, same):
                out[i] = _absorb(o, c)
                break
        else:
            out.append(c)
    return out


def _sub_type(c: Candidate) -> tuple[str, str]:
    etype, sub = c.refined or (c.rule.type, c.rule.sub)
    if sub == "TERRITORY":
        kind = c.actor1.kind if c.actor1 else None
        sub = "Government regains territory" if kind in GOVERNMENT_KINDS else "Non-state actor overtakes territory"
    if etype == "Violence against civilians" and c.actor2 is not None and c.actor2.kind != "other" and not c.victim:
        etype, sub = "Battles", "Armed clash"  # armed on both sides: a battle, not violence against civilians
    if etype == "Protests" and (c.fatalities or c.killing):
        sub = "Excessive force against protesters"
    elif etype == "Protests" and c.intervention:
        sub = "Protest with intervention"
    names = (_name(c.actor1) or "", _name(c.actor2) or "")
    if etype == "Battles" and any(n.startswith(("Protesters", "Rioters")) for n in names):
        etype, sub = "Riots", "Violent demonstration"  # crowds fighting police riot; they do not battle
    if c.modality == "threatened":
        etype, sub = "Strategic developments", "Other"  # a threat is not the attack it threatens
    return etype, sub


def _confidence(c: Candidate) -> float:
    score = 0.3
    score += 0.2 if c.actor1 else 0.0
    score += 0.1 if c.actor2 else 0.0
    if c.place:
        score += 0.15 if c.place.feature in ("city", "locality", "admin") else 0.05
    score += 0.15 if c.time else 0.0
    if c.background and not c.time:
        score -= 0.3  # a background fact with no date cannot be placed in time
    if c.modality == "hypothetical":
        score -= 0.1
    return round(max(0.0, min(1.0, score)), 2)


def _civilians(c: Candidate, doc: Document, who: str = "Civilians") -> str | None:
    """ACLED names unnamed victims 'Civilians (<country>)' and unnamed crowds 'Protesters (<country>)'."""
    country = _event_country(c, doc.places)
    return f"{who} ({country})" if country else who


def _to_event(c: Candidate, doc: Document) -> Event:
    text = doc.article.text
    s, e = c.sent_start, c.sent_end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    etype, sub = _sub_type(c)
    loc = None
    if c.place is not None and not (c.modality == "threatened" and _many_places(doc, c)):
        p = c.place
        precision = 3 if p.feature in ("country", "region") else (2 if c.near or p.feature == "admin" else 1)
        loc = Location(p.name, p.lat, p.lon, p.country, p.geonameid, precision)
    date = precision_name = None
    if c.time is not None:
        m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", c.time.value)
        if m:
            date = m.group(0)
            precision_name = "day" if m.group(3) else ("month" if m.group(2) else "year")
    return Event(
        event_type=etype,
        sub_event_type=sub,
        evidence=text[s:e],
        start=s,
        end=e,
        actor1=_name(c.actor1) or (_civilians(c, doc, "Protesters") if etype == "Protests" else None),
        actor2=_name(c.actor2) or (_civilians(c, doc) if etype == "Violence against civilians" and c.victim
                                   else None),
        location=loc,
        date=date,
        date_precision=precision_name,
        fatalities=c.fatalities,
        modality=c.modality,
        attributed_to=c.attributed_to,
        confidence=_confidence(c),
        trigger=c.trigger,
    )


def _many_places(doc: Document, c: Candidate) -> bool:
    """A threat against a list of countries has no single location."""
    return sum(1 for p in doc.places if c.sent_start <= p.start < c.sent_end) >= 3
