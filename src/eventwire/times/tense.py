"""Which way a relative expression points (past, future, the nearer one), from the parse's tense and modality."""

from __future__ import annotations

from typing import Any

from .patterns import WORD_SETS, WORDS

# Direction of a relative expression, from tense and modality.
PAST, UNKNOWN, FUTURE = -1, 0, 1
NEAR = 2  # either way is plausible ("planned a rally on Saturday", "would travel Thursday"): the nearer one

_FUTURE_AUX = set(WORDS["future_modals"])

_UNCERTAIN_AUX = set(WORDS["uncertain_modals"])


def _is_past(v: Any) -> bool:
    auxes = [c for c in v.children if c.dep_ in ("aux", "auxpass")]
    return v.tag_ == "VBD" or any(a.tag_ == "VBD" or a.lemma_ == "have" for a in auxes)


def doc_direction(doc: Any, start: int, end: int) -> int:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return UNKNOWN
    verb = span.root
    prep = verb.head.lower_ if verb.dep_ == "pobj" else ""
    via_noun = False  # "deplores the massacre on Saturday": the time belongs to the noun
    scheduled = False  # "the Jan. 14 deadline", "the March 12 summit": fixed ahead of time, either side of now
    for _ in range(6):  # climb to the verb that governs the time expression
        if verb.pos_ in ("VERB", "AUX") or verb.head is verb:
            break
        verb = verb.head
        via_noun = via_noun or verb.pos_ in ("NOUN", "PROPN")
        scheduled = scheduled or (verb.pos_ == "NOUN" and verb.lemma_.lower() in WORD_SETS["scheduled_nouns"])
    if verb.pos_ not in ("VERB", "AUX"):
        return NEAR if scheduled else UNKNOWN
    chain = [verb]
    while (
        chain[-1].dep_ in ("xcomp", "ccomp", "advcl", "conj")
        and len(chain) < 4
        and chain[-1].head is not chain[-1]
    ):
        chain.append(chain[-1].head)
    planner = next((v for v in chain[1:] if v.lemma_ in WORD_SETS["future_lemmas"]), None)
    if planner is not None:
        # "plans to leave on Thursday" lies ahead; "planned to leave on Thursday" may be either side now.
        return NEAR if _is_past(planner) else FUTURE
    for v in chain:
        auxes = [c for c in v.children if c.dep_ in ("aux", "auxpass")]
        perfect = any(a.lemma_ == "have" for a in auxes)
        present = v.tag_ in ("VBZ", "VBP") or any(a.tag_ in ("VBZ", "VBP") for a in auxes)
        if v.lemma_ in WORD_SETS["future_lemmas"] and present:
            return FUTURE  # "is scheduled for Monday"
        if v is verb and v.lemma_ in WORD_SETS["postponing_lemmas"] and prep in WORD_SETS["target_prepositions"]:
            return FUTURE  # "postponed until Tuesday": news of a delay points past the report
        if (
            v is verb
            and v.lemma_ in WORD_SETS["scheduling_lemmas"]
            and (via_noun or prep in WORD_SETS["target_prepositions"] or any(c.dep_ == "dobj" for c in v.children))
        ):
            return NEAR  # "was planned for early March", "planned a rally on Saturday", "postponed until Tuesday"
        if any(a.lower_ in _FUTURE_AUX for a in auxes) and not perfect:
            return FUTURE
        if any(a.lower_ in _UNCERTAIN_AUX for a in auxes):
            return PAST if perfect else NEAR  # "would travel Thursday", "could come as early as Tuesday"
        if v.head.lemma_ == "go" and v.head.tag_ == "VBG" and any(c.lower_ == "to" for c in v.children):
            return FUTURE
        if v.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes) or perfect:
            return NEAR if scheduled else PAST
        if (
            v is verb
            and not via_noun
            and v.tag_ in ("VBZ", "VBP")
            and not auxes
            and v.lemma_ not in WORD_SETS["reporting_lemmas"]
            and v.lemma_ not in ("be", "have")
        ):
            return FUTURE  # news present for scheduled events: "the talks resume Monday"
        if v.tag_ == "VB" and any(a.lower_ == "to" for a in auxes):
            continue  # infinitive: the head decides
        if v.tag_ in ("VBZ", "VBP", "VB") or auxes:
            return UNKNOWN
    return UNKNOWN
