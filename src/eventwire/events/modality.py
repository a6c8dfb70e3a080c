"""Whether an event happened, is reported, claimed, denied, threatened, planned or hypothetical, and by whom.

Read from the event word's own clause first ("could attack", "the alleged massacre", "if the
troops advance"), then from the predicates it is the complement of ("vowed to attack",
"ordered the rounding up", "claimed to have shot down", "denied shelling", "called for a
protest"), then from the quote that holds it and the words that report it. Whether anything
happened at all (negation, failure, statistics, ...) is ``factuality.reports_no_event``.
"""

from __future__ import annotations

import re

from ..document import Document
from ..models import Entity, Place, Quote
from .candidates import VIOLENT
from .cues import NO_EVENT, Cues, get_cues
from .factuality import reports_no_event
from .governors import category, clause_verb, subject, walk
from .lexicon import Lexicon, get_lexicon
from .syntax import children, prep_objects, span_of

__all__ = ["cue_modality", "deny_accounts", "implied_agents", "modality", "modality_of", "reports_no_event",
           "sentence_reading", "threat_venue"]


def modality_of(head, doc: Document, quotes: list[Quote] | None = None, actor: Entity | None = None,
                event_type: str | None = None) -> tuple[str, str | None]:
    """(modality, attributed_to) of the event named by ``head`` (spec/output.md's values).

    ``actor`` is the event's doer when known: an armed group that reports its own act claims it.
    ``event_type`` decides what a call is: a call to violence is a threat, a call to protest a plan.
    """
    lex = get_lexicon()
    mod, who = _read(head, doc.quotes if quotes is None else quotes, doc, lex, get_cues(),
                     event_type in VIOLENT if event_type else True)
    if mod == "reported" and who and actor is not None and actor.kind == "armed_group" and _names(who, actor):
        # "we shot down a Chinook", said the Taliban's spokesman: an armed group's word on its own act
        # is its claim (a state's forces reporting their operations stay the report's source).
        mod = "claimed"
    return mod, who


def modality(head, quotes: list[Quote], doc: Document, lex: Lexicon, actor: Entity | None = None,
             event_type: str | None = None) -> tuple[str, str | None]:
    """The event stage's call: ``modality_of`` with the stage's lexicon already loaded."""
    return modality_of(head, doc, quotes, actor, event_type)


def _names(who: str, actor: Entity) -> bool:
    low = who.lower()
    names = [n for n in (actor.actor, actor.text) if n and not n.startswith(("Unidentified", "Civilians"))]
    return any(re.search(r"\b" + re.escape(n.lower()) + r"\b", low) for n in names)


def _read(head, quotes: list[Quote], doc: Document, lex: Lexicon, cues: Cues, violent: bool):
    local = _local(head, lex, cues)
    if local is not None:
        return local, None
    governed = _governed(head, doc, lex, cues, violent)
    if governed is not None:
        return governed
    # Reported or direct speech found by the quote stage.
    for q in quotes:
        if q.start <= head.idx < q.end and not _event_cue(q.cue or "", lex):
            mod = cue_modality(q.cue or "", lex)
            speaker = re.sub(r"^(?:the|a|an)\s+", "", q.speaker, flags=re.I) if q.speaker else None
            # The quote stage also keeps intentions ("X wants to attack ..."): planned, not reported.
            return (mod if mod in ("claimed", "denied", "threatened", "planned") else "reported"), speaker
    return _reported(head, doc, lex)


def _local(head, lex: Lexicon, cues: Cues) -> str | None:
    """Words on the event word itself: 'could attack', 'reportedly killed', 'the alleged massacre', 'if ...'."""
    verb = clause_verb(head)
    # The condition's own participants, not what its verb is about ("if one hears about the arrests").
    core = head.i == verb.i or head.dep_ in ("dobj", "nsubj", "nsubjpass", "attr")
    for tok in {head, verb} if core else {head}:
        if any(m.dep_ == "mark" and m.lower_ in cues.conditional_marks for m in tok.children):
            return "hypothetical"  # "if the troops advance", "if they launch an attack"
        if any(a.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in a.children)
               for a in tok.children) and tok.i == verb.i and head.dep_ not in ("nsubj", "nsubjpass"):
            return "hypothetical"  # "if they advance, the rebels will withdraw": the main clause of a condition
    for ch in head.children:
        w = ch.lower_
        if ch.dep_ == "aux" and w in cues.modal_aux:
            return cues.modal_aux[w]
        if ch.dep_ == "advmod" and w in lex.cue_modality:
            return lex.cue_modality[w]
        if ch.dep_ in ("amod", "det") and cues.modifiers.get(w) not in (None, "none"):
            return cues.modifiers[w]
    return None


def _who(gov, doc: Document) -> str | None:
    """Who claims, orders or threatens: the predicate's subject, or a noun's owner ('the army's claim')."""
    if gov.pos_ in ("NOUN", "PROPN"):
        owner = children(gov, "poss") + list(prep_objects(gov, ("by",)))
        if owner:
            return _phrase(owner[0], doc)
        gov = gov.head if gov.dep_ in ("dobj", "attr") else gov
    subj = subject(gov)
    if subj is None:
        return None
    return _antecedent(subj, doc) if subj.pos_ == "PRON" else _phrase(subj, doc)


def _antecedent(tok, doc: Document) -> str | None:
    """'it'/'they' stand for the nearest group named before them in the sentence."""
    if tok is None:
        return None
    ents = [e for e in doc.entities if tok.sent.start_char <= e.start < tok.idx and e.kind != "place"]
    return re.sub(r"^(?:the|a|an)\s+", "", ents[-1].text, flags=re.I) if ents else tok.text


def _governed(head, doc: Document, lex: Lexicon, cues: Cues, violent: bool) -> tuple[str, str | None] | None:
    """The first predicate the event word is the complement of that makes it other than asserted."""
    core = True  # the event word is still the governors' participant, not the topic of a phrase under them
    for step in walk(head, cues):
        gov, via = step.gov, step.via
        if via == "conj":
            continue
        core = core and not via.startswith("prep:")
        cat = category(step, cues)
        if cat is None and via in ("xcomp", "ccomp", "dobj") and gov.pos_ in ("VERB", "AUX"):
            mod = lex.cue_modality.get(gov.lemma_.lower())
            cat = mod if mod in ("claimed", "denied", "threatened", "planned") else None
        if cat in NO_EVENT:
            continue  # "failed to prevent the attack": the negators cancelled (factuality.py)
        if cat == "reported":
            return None  # "reports of clashes": the report's source, if any, is found below
        if cat is not None:
            mod = ("threatened" if violent else "planned") if cat == "call" else cat
            return mod, _who(gov, doc)
        if core and via in ("xcomp", "dobj", "ccomp") and gov.pos_ in ("VERB", "AUX"):
            if any(m.dep_ == "mark" and m.lower_ in cues.conditional_marks for m in gov.children):
                return "hypothetical", None  # "if police try to arrest him"
            modal = next((cues.modal_aux[a.lower_] for a in gov.children
                          if a.dep_ == "aux" and a.lower_ in cues.modal_aux), None)
            if modal is not None:
                return modal, None  # "could launch an attack", "will hold a rally"
    return None


def _reported(head, doc: Document, lex: Lexicon) -> tuple[str, str | None]:
    """Governing words: 'X reported that ...', '..., according to Reuters.'"""
    tok = head
    via_subject = presupposed = False
    while tok.head.i != tok.i:
        via_subject = via_subject or tok.dep_ in ("nsubj", "nsubjpass")
        presupposed = presupposed or tok.dep_ in ("relcl", "acl")
        tok = tok.head
        mod = lex.cue_modality.get(tok.lemma_.lower())
        if via_subject and mod in ("hypothetical", "planned"):
            continue  # "clashes may be the beginning": a modal on the predicate, not on the clashes
        if presupposed and mod not in (None, "reported"):
            continue  # "denied that the men arrested in Kolkata were involved": the arrest is not denied
        if mod and tok.pos_ in ("VERB", "AUX"):
            # Not the subject that holds the trigger itself (a parse slip in "X killed Y, Z said").
            subj = [t for t in children(tok, "nsubj") if not t.is_ancestor(head) and t.i != head.i]
            who = _phrase(subj[0], doc) if subj else None
            return mod, who
        if tok.lower_ == "according":
            objs = list(prep_objects(tok, ("to",)))
            return "reported", _phrase(objs[0], doc) if objs else None
    # "..., according to Reuters." at the end of the sentence.
    for t in head.sent:
        if t.lower_ == "according" and t.i > head.i:
            objs = [p for c in t.children for p in c.children if p.dep_ == "pobj"]
            return "reported", _phrase(objs[0], doc) if objs else None
    return "asserted", None


def implied_agents(head) -> list:
    """The doer a claim or an accusation names: 'X claimed responsibility for shooting down',
    'accused the rebels of shelling', 'blamed the attack on the rebels'."""
    cues = get_cues()
    prev = head
    for step in walk(head, cues):
        gov = step.gov
        nouns = cues.implied_agents.get(gov.lemma_.lower())
        if nouns is not None and gov.pos_ == "VERB":
            if nouns and prev.lemma_.lower() in nouns and prev.dep_ in ("dobj", "nsubjpass"):
                s = subject(gov)
                return [s] if s is not None else []
            if not nouns and step.via == "dobj":
                # "blamed the attack on the rebels"; "accused the rebels of shelling" (parsed "rebels of")
                return list(prep_objects(gov, ("on",))) if prev.i == head.i else [prev]
            if not nouns:
                return children(gov, "dobj", "nsubjpass")  # "accused the rebels of", "the rebels were accused of"
        prev = gov
    return []


def deny_accounts(doc: Document, cands: list) -> None:
    """"The Government categorically denies these allegations": the events of the last few sentences that
    tell those allegations (reports, claims, accounts) are denied by the party that denies them."""
    if doc.spacy is None:
        return
    cues, lex = get_cues(), get_lexicon()
    sents = list(doc.spacy.sents)
    for k, sent in enumerate(sents):
        for tok in sent:
            if tok.pos_ != "VERB" or lex.cue_modality.get(tok.lemma_.lower()) != "denied":
                continue
            if any(c.dep_ == "neg" for c in tok.children):
                continue  # "did not deny the reports"
            objs = [o for o in children(tok, "dobj") if o.lemma_.lower() in cues.denied_accounts
                    and any(d.dep_ in ("det", "predet") and d.lower_ in cues.account_determiners for d in o.children)]
            if not objs:
                continue
            nouns = {o.lemma_.lower() for o in objs}
            told = {s.start_char for s in sents[max(0, k - cues.denial_window):k]
                    if any(t.lemma_.lower() in nouns for t in s)}
            who = _who(tok, doc)
            for c in cands:
                if c.sent_start in told and c.modality in ("asserted", "reported", "claimed"):
                    c.modality, c.attributed_to = "denied", who


def _event_cue(cue: str, lex: Lexicon) -> bool:
    """A 'quote' whose cue is an event word ("Rebels attacked the town ...") is the event, not speech."""
    words = cue.lower().split()
    if not words or cue_modality(cue, lex) is not None:
        return False
    w = words[0]
    return any((form,) in lex.phrases for form in (w, w[:-1], w[:-2], w[:-3], w[:-3] + "y"))


def cue_modality(cue: str, lex: Lexicon) -> str | None:
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
    for e in doc.entities:
        if e.start <= tok.idx < e.end:
            return re.sub(r"^(?:the|a|an)\s+", "", e.text, flags=re.I)
    words = [t for t in tok.subtree if t.dep_ not in ("relcl", "acl", "appos", "punct")
             and t.i <= tok.i + 2]
    text = " ".join(t.text for t in words) if words else tok.text
    return re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I)


def threat_venue(head, place: Place | None) -> Place | None:
    """Where a threat was made, never its target: 'threatened to attack Europe' is no event in Europe."""
    if place is None:
        return None
    a, b = span_of(head)
    return None if a <= place.start and place.end <= b else place


def sentence_reading(sent, doc: Document, event_type: str | None = None) -> tuple[str | None, str, str | None]:
    """(no-event reason, modality, attributed_to) of a sentence read as one event (its main predicate).

    For events found without a trigger word (a sentence detector): the same reading as a trigger's,
    taken at the sentence's root.
    """
    cues, lex = get_cues(), get_lexicon()
    head = sent.root
    # Down from a governing cue to what it governs: "failed to arrest", "claimed to have shot down", "said that".
    for _ in range(4):
        lemma = head.lemma_.lower()
        comp = [c for c in head.children if c.dep_ in ("xcomp", "ccomp") and c.pos_ in ("VERB", "AUX")]
        if not comp or not (lemma in cues.governors or lemma in lex.cue_modality):
            break
        head = comp[0]
    reason = reports_no_event(head, doc.article.published)
    mod, who = modality_of(head, doc, event_type=event_type)
    return reason, mod, who
