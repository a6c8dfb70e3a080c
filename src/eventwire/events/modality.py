"""Whether an event happened, is reported, claimed, denied, threatened, planned or hypothetical, and by whom."""

from __future__ import annotations

import re

from ..document import Document
from ..models import Quote
from .lexicon import Lexicon
from .syntax import children, prep_objects, span_of


def modality(head, quotes: list[Quote], doc: Document, lex: Lexicon) -> tuple[str, str | None]:
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
            mod = cue_modality(q.cue or "", lex)
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
    a, b = span_of(tok)
    for e in doc.entities:
        if e.start <= tok.idx < e.end:
            return re.sub(r"^(?:the|a|an)\s+", "", e.text, flags=re.I)
    words = [t for t in tok.subtree if t.dep_ not in ("relcl", "acl", "appos", "punct")
             and t.i <= tok.i + 2]
    text = " ".join(t.text for t in words) if words else tok.text
    return re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I)
