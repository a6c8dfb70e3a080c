"""The words that govern an event word: its own clause and the predicates it is the complement of.

An event word's factuality is read from what governs it ("failed to arrest", "ordered the
rounding up", "claimed to have shot down", "the ban on protests"), never from a clause that
only stands beside it ("police stood by while rioters torched shops": the torching happened).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .cues import XCOMP_ONLY, Cues

# Relations through which a predicate governs its complement.
COMPLEMENT = {"dobj", "xcomp", "ccomp", "nsubjpass", "oprd", "acomp", "attr", "acl", "compound", "dative"}
# Relations that open a clause of its own: the walk stops there.
CLAUSE_DEPS = {"advcl", "relcl", "parataxis", "csubj", "csubjpass", "ccomp", "acl", "appos"}


@dataclass
class Step:
    gov: object  # the governing token
    via: str  # how the event word's chain hangs from it: "dobj", "xcomp", "prep:against", "conj", ...
    prep: object | None = None  # the preposition passed on the way, if any


def walk(head, cues: Cues) -> Iterator[Step]:
    """The governors of ``head``, nearest first, up to the first clause that only stands beside it.

    A noun the event word only modifies ends the walk ("pay from the government in a protest":
    the protest is not called for) unless it is a cue or stands for its complement ("responsibility for").
    """
    child, prep = head, None
    while child.head.i != child.i:
        gov = child.head
        dep = child.dep_
        if dep in ("pobj", "pcomp") and gov.dep_ in ("prep", "agent", "dative"):
            child, prep = gov, gov  # the preposition itself governs nothing: its head does
            continue
        if dep == "prep" and child.lower_ in cues.presupposing_preps:
            return  # "wishes to update the public following the demonstrations": they happened
        if dep in ("prep", "agent"):
            via = "prep:" + child.lower_
        elif dep == "acl" and child.tag_ in ("VBN", "VBG"):
            return  # "the members arrested in Kolkata": a reduced relative clause, presupposed
        elif dep == "advcl" and any(a.dep_ == "aux" and a.tag_ == "TO" for a in child.children):
            via = "xcomp"  # "thwarted a plot to bomb", "did not come to arrest him": a purpose, read as a complement
        elif dep in COMPLEMENT or dep == "conj" or dep in ("nsubj", "pobj", "pcomp"):
            via = dep
        else:
            return
        yield Step(gov, via, prep)
        if dep in ("nsubj", "nsubjpass") and gov.pos_ in ("VERB", "AUX"):
            return  # the subject's clause says nothing more about the subject's own words
        lemma = gov.lemma_.lower()
        if gov.pos_ in ("NOUN", "PROPN") and via not in ("conj", "dobj", "nsubjpass", "attr") and not (
            lemma in cues.governors or gov.lower_ in cues.governors or lemma in cues.transparent_nouns
        ):
            return
        child, prep = gov, None


def category(step: Step, cues: Cues) -> str | None:
    """The cue category of a governor reached this way (see data/event_modality.json), or None."""
    gov, via = step.gov, step.via
    cat = cues.governors.get(gov.lemma_.lower()) or cues.governors.get(gov.lower_)
    if cat is None:
        return None
    if gov.lemma_.lower() in XCOMP_ONLY and via != "xcomp":
        return None
    if via.startswith("prep:"):
        # "a ban on protests", "called for a protest": the preposition must introduce the complement.
        return cat if via[5:] in cues.prep_governor_preps else None
    if via in ("nsubj", "conj", "pobj", "pcomp"):
        return None
    if gov.pos_ == "NOUN" and via not in ("acl", "compound", "xcomp"):
        return None  # "the arrest of the plan's author" is not the plan's
    return cat


def negated(tok, cues: Cues) -> bool:
    """'not', 'never' on a predicate ('did not open fire'); not 'not only', 'no fewer than'."""
    for ch in tok.children:
        if ch.dep_ == "neg" or ch.dep_ == "advmod" and ch.lower_ in cues.neg_adverbs:
            nxt = ch.doc[ch.i + 1] if ch.i + 1 < len(ch.doc) else None
            if nxt is None or nxt.lower_ not in cues.not_before:
                return True
        if ch.dep_ == "advmod" and ch.lower_ == "yet" and any(c.dep_ == "xcomp" for c in tok.children):
            return True  # "police are yet to arrest"
    return False


def nobody(tok, cues: Cues) -> bool:
    """'no one', 'nobody', 'no arrests', 'not a single person'."""
    if tok.lower_ in cues.neg_pronouns:
        return True
    for ch in tok.children:
        if ch.dep_ in ("det", "neg", "advmod", "preconj") and ch.lower_ in cues.neg_determiners | {"not"}:
            nxt = tok.doc[ch.i + 1] if ch.i + 1 < len(tok.doc) else None
            if nxt is None or nxt.lower_ not in cues.not_before:
                return True
    return False


def subject(tok):
    """The subject of a governing predicate (the claimant, the one who threatens or orders)."""
    for ch in tok.children:
        if ch.dep_ == "nsubj" and ch.tag_ not in ("WDT", "WP"):
            return ch
        if ch.dep_ == "agent":  # "were accused by the army of ...": the agent, not the accused
            return next((p for p in ch.children if p.dep_ == "pobj"), None)
    if any(ch.dep_ == "nsubjpass" for ch in tok.children):
        return None
    if tok.dep_ in ("xcomp", "conj", "acomp") and tok.head.i != tok.i:
        return subject(tok.head)
    return None


def clause_verb(head):
    tok = head
    while tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i:
        tok = tok.head
    return tok


def own_clause(head) -> list:
    """The tokens of the event word's own clause: its verb's subtree less the clauses beside it."""
    verb = clause_verb(head)
    keep = set(t.i for t in head.ancestors) | {head.i}
    out = []
    for t in verb.subtree:
        tok, inside = t, True
        while tok.i != verb.i:
            if tok.dep_ in CLAUSE_DEPS | {"conj"} and tok.i not in keep and tok.pos_ in ("VERB", "AUX"):
                inside = False
                break
            if tok.dep_ in ("relcl", "acl", "advcl") and tok.i not in keep:
                inside = False
                break
            tok = tok.head
        if inside:
            out.append(t)
    return out
