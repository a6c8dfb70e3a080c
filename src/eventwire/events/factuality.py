"""Whether an event word reports something that happened at all.

No event: negated or failed actions ("did not open fire", "failed to arrest", "no one was
arrested"), prevented ones ("foiled an attack", "a ban on protests"), protection against
something ("protection against Russian airstrikes"), counts over a period or a population
("2,500 civilians have been killed so far this year"), history and commemorations ("the
anniversary of the massacre", "18 years after Washington invaded"), and generic habitual
statements ("police often arrest vendors"). Negators cancel in pairs: "failed to prevent
the attack" reports an attack.
"""

from __future__ import annotations

import re

from .cues import Cues, get_cues
from .governors import category, clause_verb, negated, nobody, own_clause, walk

PERFECT = {"have", "has", "had", "'ve", "'d"}
YEAR = re.compile(r"^(1[89]|20)\d\d$")


def reports_no_event(head, published: object = None) -> str | None:
    """Why the event word ``head`` names no event that happened, or None when it may name one.

    ``published`` (a date or "YYYY-MM-DD") dates the article: "the 2001 attacks" is history in 2019.
    """
    cues = get_cues()
    return (_negation(head, cues) or _statistic(head, cues) or _history(head, cues, str(published or "")[:4])
            or _habitual(head, cues))


def _participant_negated(tok, cues: Cues) -> bool:
    """'no one was arrested', 'police arrested nobody', 'no arrests were made' (on the word itself)."""
    if tok.pos_ != "VERB":
        return nobody(tok, cues)
    return any(ch.dep_ in ("nsubjpass", "dobj", "nsubj") and nobody(ch, cues) for ch in tok.children)


def _negation(head, cues: Cues) -> str | None:
    if any(ch.dep_ in ("amod", "det") and cues.modifiers.get(ch.lower_) == "none" for ch in head.children):
        return "prevented"  # "a foiled attack", "a mock attack"
    flips, reason = 0, None
    if negated(head, cues) or _participant_negated(head, cues):
        flips, reason = 1, "negated"
    for step in walk(head, cues):
        gov, via = step.gov, step.via
        if step.prep is not None:
            p = step.prep
            before = p.doc[p.i - 1].lower_ + " " if p.i > 0 else ""
            if p.lower_ in cues.neg_preps or any(before + p.lower_ == ph for ph in cues.neg_prep_phrases):
                flips, reason = flips + 1, reason or "negated"  # "without opening fire", "instead of arresting"
            elif p.lower_ in cues.protection_preps and _protection(p, cues):
                flips, reason = flips + 1, reason or "protection"
        if via == "conj":
            continue  # "did not fire but arrested five": the first conjunct's 'not' is its own
        cat = category(step, cues)
        if cat == "history":
            return "history"
        if cat in ("failed", "prevented"):
            flips, reason = flips + 1, reason or cat
        elif cat is not None:
            break  # a claim, a plan, a report: modality, not factuality, from here on
        light = via in ("dobj", "xcomp") or (
            via in ("nsubj", "nsubjpass") and gov.lemma_.lower() in cues.occurrence_verbs)
        if light and (negated(gov, cues) or via == "xcomp" and _participant_negated(gov, cues)):
            flips, reason = flips + 1, reason or "negated"  # "did not open fire", "the march did not take place"
    return reason if flips % 2 == 1 else None


def _protection(prep, cues: Cues) -> bool:
    """'protection to civilians against airstrikes', 'shelters from air raids': a shield named by the clause."""
    verb = clause_verb(prep)
    chain, tok = [], prep.head
    while True:
        chain.append(tok)
        if tok.i == verb.i or tok.head.i == tok.i:
            break
        tok = tok.head
    near = list(chain)
    for t in chain:
        near += [c for c in t.children if c.dep_ in ("dobj", "acomp", "attr", "amod", "compound")]
        near += [p for c in t.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children]
    return any(t.lemma_.lower() in cues.protection_words or t.lower_ in cues.protection_words for t in near)


def _has(text: str, phrases) -> bool:
    return any(f" {p} " in text for p in phrases)


def _statistic(head, cues: Cues) -> str | None:
    toks = own_clause(head)
    text = " " + " ".join(t.lower_ for t in toks) + " "
    words = {t.lower_ for t in toks} | {t.lemma_.lower() for t in toks}
    if _has(text, cues.cumulative) and words & cues.period_nouns:
        return "statistic"  # "killed so far this year"
    if _has(text, cues.frequency) or _has(text, cues.statistic_words):
        return "statistic"  # "every year", "per cent", "on average"
    verb = clause_verb(head)
    perfect = any(c.dep_ in ("aux", "auxpass") and c.lower_ in PERFECT for c in verb.children)
    for t in toks:
        # "in the past five years", "over the previous months" (not "last month": one event's date)
        if t.lemma_.lower() in cues.period_nouns and t.dep_ == "pobj" and t.head.lower_ in (
            "in", "over", "during", "within", "throughout"
        ) and t.head.head.i in (verb.i, head.i):
            mods = [c.lower_ for c in t.children if c.dep_ == "amod"]
            if any(m in cues.recent_periods and (m != "last" or t.tag_ == "NNS") for m in mods):
                return "statistic"
    # The count must be the event's own: its verb's participants ("15,000 fled in the wake of the murder
    # of 21": the murder's toll is 21).
    own = head.i == verb.i or head.dep_ == "pobj" and head.head.head.i == verb.i
    if own and _large_count(verb, cues) and any(
        YEAR.match(t.text) and t.dep_ == "pobj" or t.pos_ == "NOUN" and t.lemma_.lower() in cues.period_nouns
        for t in toks
    ):
        return "statistic"  # "nearly 10,000 people were killed in the conflict in 2019"
    if perfect:
        # "have been killed since 2011", "since the war began"
        for t in verb.subtree:
            if t.lower_ != "since":
                continue
            phrase = list(t.subtree) if t.dep_ == "prep" else list(t.head.subtree)
            if any(YEAR.match(p.text) or p.lemma_.lower() in cues.period_nouns for p in phrase):
                return "statistic"
    return None


def _large_count(verb, cues: Cues) -> bool:
    """A participant counted in thousands: '10,000 people', 'thousands of civilians'."""
    for p in verb.children:
        if p.dep_ not in ("nsubj", "nsubjpass", "dobj"):
            continue
        if p.lemma_.lower() in cues.count_words:
            return True
        for n in p.children:
            if n.dep_ == "nummod":
                digits = n.text.replace(",", "")
                if digits.isdigit() and int(digits) >= cues.large_count or n.lemma_.lower() in cues.count_words:
                    return True
    return False


def _history(head, cues: Cues, year: str) -> str | None:
    if head.pos_ != "VERB" and year:
        # "the 2001 attacks", "the 1994 genocide": an event named by an earlier year.
        for ch in head.children:
            if ch.dep_ in ("nummod", "compound", "amod", "npadvmod") and YEAR.match(ch.text) and ch.text < year:
                return "history"
    for tok in {head, clause_verb(head)}:
        # "two decades ago", "18 years after Washington invaded": a count of years before the report.
        for ch in tok.children:
            if ch.lower_ in cues.ago_words and any(_years(g, cues) for g in ch.children):
                return "history"
        if any(m.dep_ == "mark" and m.lower_ in cues.ago_words for m in tok.children) and any(
            _years(g, cues) for g in tok.children
        ):
            return "history"
    return None


def _years(tok, cues: Cues) -> bool:
    """'18 years', 'two decades', 'a century' (not 'last year', one event's date)."""
    return tok.dep_ == "npadvmod" and tok.lemma_.lower() in cues.ago_units and any(
        c.dep_ == "nummod" or c.lower_ in ("a", "several", "many", "few") for c in tok.children
    )


def _habitual(head, cues: Cues) -> str | None:
    for tok in {head, clause_verb(head)}:
        if any(ch.dep_ == "advmod" and ch.lower_ in cues.habitual for ch in tok.children):
            return "habitual"
        gov = tok.head
        nxt = gov.doc[gov.i + 1].lower_ if gov.i + 1 < len(gov.doc) else ""
        if tok.dep_ == "xcomp" and gov.lemma_.lower() in ("tend", "use") and gov.tag_ in ("VBD", "VBP", "VBZ") \
                and nxt == "to":
            return "habitual"  # "militants tend to attack", "police used to arrest" (not "used force to")
    return None
