"""Event stage: who did what to whom, where and when, in the ACLED taxonomy, with modality.

One pass over the parsed sentences finds trigger words from the lexicon
(data/event_lexicon.json); the dependency parse around each trigger gives the
actors, the place and the time; the words governing it (and the quote stage)
give the modality and who reports or claims it. Candidates naming the same
event (one actor pair, place and day) are merged.

Modules, in the order the data flows: ``lexicon`` (the data file), ``candidates``
(what one trigger's reading holds, its type and confidence), ``syntax`` (walks over
the parse), ``arguments`` (actors' country, place, date, toll, claimant), ``agents`` (doers in
nominals and passives, implicit arresters, force typed by its target) and ``modality``,
``detection`` (triggers to candidates), ``detected`` (the sentence detector's say: events where no
trigger stands, support where one does), ``headline`` (the headline's actors for the lead that only
counts), ``merging`` (one event's several reports), ``classify`` (the sentence classifier's say on
the type), ``records`` (candidates to Event records). This module runs them in turn.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..document import Document
from ..models import Event
from .arguments import affiliates, credit_claimant, dateline_place, fatalities, is_qualifier
from .candidates import ACTOR_KINDS, VIOLENT, Candidate, confidence, sub_type
from .classify import refine_types
from .detected import predicate, sentence_support, sure
from .detection import candidate, match_triggers
from .headline import anchor_headline
from .lexicon import Lexicon, Rule, get_lexicon
from .merging import merge
from .modality import deny_accounts
from .records import to_event

if TYPE_CHECKING:
    from ..event_types import Classifier

__all__ = ["Lexicon", "Rule", "find_events", "get_lexicon"]


def find_events(doc: Document, min_confidence: float = 0.0, classify: bool = True,
                classifier: Classifier | None = None) -> list[Event]:
    """The document's events; ``classifier`` (default: the shipped one) refines their types when ``classify``."""
    sp = doc.spacy
    if sp is None:
        return []
    lex = get_lexicon()
    actors = [e for e in doc.entities if e.actor and e.kind in ACTOR_KINDS]
    actors, dominant = affiliates(actors, doc.article.text)  # "the al-Qaeda affiliate" is not al-Qaeda
    places = [p for p in doc.places if not is_qualifier(p, doc)]
    cands: list[Candidate] = []
    sents = list(sp.sents)
    support = sentence_support(doc, sents)
    for sent in sents:
        sup = support.get(sent.start_char)
        matches = list(match_triggers(sent, lex, doc.times))
        found = [c for m in matches for c in [candidate(*m, sent, doc, actors, places, dominant, lex)] if c]
        if not found and sure(sup):
            # The detector is sure of an event the triggers' argument rules dropped ("fighting erupted"
            # with no actor named): the triggers of its type stand. Only then: they lend nothing to a
            # full reading.
            found = [c for m in matches if m[1].type == sup.event_type
                     for c in [candidate(*m, sent, doc, actors, places, dominant, lex, supported=True)] if c]
        if not matches and sure(sup, "alone"):
            # The detector reads an event no trigger names: its sub-type, with arguments read around
            # the sentence's predicate. (A sentence whose triggers were read as no event, "banned
            # protests", "did not attack", stays without one: the detector does not overrule that.)
            pred = predicate(sent, matches, sup, actors)
            c = None if pred is None else candidate(*pred, sent, doc, actors, places, dominant, lex, supported=True)
            # Whose event it is must be read too (ACLED codes no event without an actor); a protest's
            # crowd goes unnamed ("Protesters (country)").
            if c is not None and (c.actor1 or c.actor2 or c.victim or sup.event_type == "Protests"):
                c.refined = (sup.event_type, sup.sub_event_type)
                found.append(c)
        for c in found:
            c.support = sup.prob if sure(sup) else None
        cands += found
    lead = anchor_headline(doc, cands, places, lex)
    if lead is not None:
        cands.insert(0, lead)  # first: the headline's reading leads its sentence's merge
    # One sentence's several words for one event first; then drop weak candidates, so that
    # they cannot lend a place or date to others; then the same event across sentences.
    credit_claimant(doc, cands, actors, lex)
    # Coordinated predicates are several events ("police arrested 4,000 rioters and shot dead 98"):
    # an arrest and a killing in one sentence are not one event's two words.
    merged = by_predicate(cands, lambda group: merge(group, same_sentence_only=True))
    per_sentence = Counter(c.sent_start for c in merged)
    for c in merged:
        # A toll the parse did not tie to a clause belongs to the sentence's one event, if it has one.
        if c.fatalities is None and c.rule.type in VIOLENT and per_sentence[c.sent_start] == 1:
            c.fatalities = fatalities(doc.article.text[c.sent_start:c.sent_end], lex)
    # The dateline is the place of an event whose own clause names none (ACLED's location of
    # last resort): it counts as a coarse place for the confidence and is filled in last, so that
    # it never keeps two reports of one event apart.
    home = dateline_place(doc, places)
    date_denials(merged)
    strong = [c for c in merged if confidence(c) + (0.05 if c.place is None and home else 0.0) >= min_confidence]
    if classify:
        # The classifier reads the lead sentence alone; a headline-anchored event's type is the headline's.
        # Nor does its one label per sentence retype one of a sentence's several events ("fired 6,500
        # rounds ... and arrested 10,000 people").
        many = Counter(c.sent_start for c in strong)
        keep = [c for c in strong if c.headline or many[c.sent_start] > 1]
        kept = {id(c) for c in keep}
        strong = refine_types(doc, [c for c in strong if id(c) not in kept], classifier) + keep
    events = by_predicate(strong, merge)
    deny_accounts(doc, events)  # "The Government categorically denies these allegations" (modality.py)
    for c in events:
        if c.place is None and home is not None:
            c.place, c.place_soft = home, True
    return [to_event(c, doc) for c in events]


def date_denials(cands: list[Candidate]) -> None:
    """"On Saturday, the government denied that any civilians had been killed": Saturday is the denial's
    day; the killing denied is the one the article told before it, on that report's day and at its place."""
    for c in cands:
        if c.modality != "denied" or c.time is not None:
            continue
        told = [o for o in cands if o.sent_start < c.sent_start and o.modality != "denied" and o.time is not None
                and not o.time_soft and o.rule.type in VIOLENT and c.rule.type in VIOLENT]
        if told:
            last = max(told, key=lambda o: o.sent_start)
            c.time = last.time
            if c.place is None:
                c.place, c.near = last.place, last.near


def by_predicate(cands: list[Candidate], merge_group) -> list[Candidate]:
    """Merge arrests with arrests and the rest with the rest: "arrested 300 and shot dead four" is two events."""
    arrests = [c for c in cands if sub_type(c)[1] == "Arrests"]
    others = [c for c in cands if sub_type(c)[1] != "Arrests"]
    # In text order, so that an event's first report (the lead) is the one kept and the others lend to it.
    def first(cs: list[Candidate]) -> list[Candidate]:
        return sorted(cs, key=lambda c: c.sent_start)

    return first(merge_group(first(arrests)) + merge_group(first(others)))
