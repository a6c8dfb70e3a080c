"""The headline as the lead's neighbour: who and how many, when the lead sentence only alludes to them.

A news lead often restates its headline without the actors ("In addition to the three fatalities
at a fuel plant on Tuesday, ..." under "3 demonstrators killed in clashes with police"). The headline
is read with the same lexicon and parse as the body; its strongest event is anchored in the first
body sentence of the same kind of happening (a trigger of that family, or a toll): the evidence,
date and place are that sentence's, the actors and type the headline's, the toll the sentence's
when it gives one. No body sentence of that kind in the lead: no event (the record cites the body).
"""

from __future__ import annotations

from dataclasses import replace

from ..document import Document
from .arguments import fatalities, localise_actors, pick_time
from .candidates import ACTOR_KINDS, VIOLENT, Candidate, sub_type
from .merging import merge

LEAD_SENTENCES = 3  # the lead: the body's first sentences, where the headline's event is told
# A long text runs through the pipeline in pieces (Settings.piece_chars, 50,000), each with the
# article's title; a piece cannot tell whether it holds the lead, so long texts are not anchored.
MAX_ANCHORED_CHARS = 30_000


def _family(etype: str) -> str:
    return "violence" if etype in VIOLENT or etype == "Protests" else etype


def _nlp(doc: Document):
    """The pipeline the body was parsed with (the cached default); None when the body used another."""
    from ..errors import EventwireError
    from ..nlp import load_spacy

    try:
        nlp = load_spacy(None)
    except EventwireError:  # no default model: no headline reading, the body's events stand
        return None
    return nlp if nlp.vocab is doc.spacy.vocab else None


def headline_candidate(doc: Document, places, lex) -> Candidate | None:
    """The headline's strongest event, read as the body's sentences are (actors, type, toll)."""
    from ..actors import find_entities, resolve_roles
    from .detection import candidate, match_triggers

    title = (doc.article.title or "").strip()
    if not title or doc.spacy is None or len(title) > 300 or len(doc.article.text) > MAX_ANCHORED_CHARS:
        return None
    nlp = _nlp(doc)
    if nlp is None:
        return None
    tdoc = nlp(title)
    ents = resolve_roles(tdoc, find_entities(tdoc), places)
    actors = [e for e in ents if e.actor and e.kind in ACTOR_KINDS]
    head_doc = Document(replace(doc.article, text=title), spacy=tdoc, entities=ents)
    found = []
    for sent in tdoc.sents:
        for head, rule, phrase in match_triggers(sent, lex, []):
            c = candidate(head, rule, phrase, sent, head_doc, actors, [], None, lex)
            if c is not None and c.modality in ("asserted", "reported"):
                c.fatalities = c.fatalities or fatalities(sent.text, lex)
                found.append(c)
    found = merge(found, same_sentence_only=True)
    if not found:
        return None
    return max(found, key=lambda c: ((c.actor1 is not None) + (c.actor2 is not None), c.rule.rank))


def anchor_headline(doc: Document, cands: list[Candidate], places, lex) -> Candidate | None:
    """The headline's event told in the lead sentence of its kind, unless the lead already tells it whole."""
    from .detection import match_triggers

    h = headline_candidate(doc, places, lex)
    if h is None or h.actor1 is None and h.actor2 is None and h.rule.type != "Protests":
        return None  # a headline naming nobody adds nothing (a protest's crowd goes unnamed: it adds its mood)
    family = _family(sub_type(h)[0])
    for sent in list(doc.spacy.sents)[:LEAD_SENTENCES]:
        here = [c for c in cands if c.sent_start == sent.start_char and _family(sub_type(c)[0]) == family]
        if any(c.actor1 is not None and c.actor2 is not None for c in here):
            return None  # the lead names the actors itself
        words = [(head, rule, phrase) for head, rule, phrase in match_triggers(sent, lex, doc.times)
                 if _family(rule.type) == family]
        toll = fatalities(sent.text, lex) if family == "violence" else None
        if not words and toll is None:
            continue
        c = replace(h, sent_start=sent.start_char, sent_end=sent.end_char, extra_spans=[], headline=True)
        if words:
            c.trigger = words[0][2]
        c.fatalities = toll if toll is not None else h.fatalities
        span = (sent.start_char, sent.end_char)
        c.time = pick_time(words[0][0] if words else sent.root, span, sent, doc.times)
        c.time_soft = False
        inside = [p for p in places if span[0] <= p.start and p.end <= span[1]]
        c.place = min(inside, key=lambda p: p.start) if inside else None
        localise_actors(c, doc, places)
        return c
    return None
