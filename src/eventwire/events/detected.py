"""The sentence detector's say (``doc.detections``): events where the lexicon found none, support where it did.

The detector (a pipeline component before this stage) gives each sentence it reads as reporting a
happening a CASE 2021 code and a calibrated probability. A code of one of the 25 ACLED sub-types
(data/event_types.json) makes the sentence an event of that sub-type even when no lexicon trigger
survives: its arguments come from the parse around the sentence's predicate (the lexicon's trigger
when the sentence has one, else the sentence's root) by the same readers as a trigger's. A lexicon
candidate in a sentence the detector is sure of may lack the actor its trigger otherwise needs.
Thresholds are in data/event_arguments.json ("detector").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..document import Document
from ..reading.tables import load_table
from .lexicon import Rule
from .syntax import children


@dataclass(frozen=True)
class Support:
    prob: float  # calibrated P(the sentence reports an event)
    label_prob: float  # P(label | an event)
    label: str  # CASE 2021 code
    event_type: str | None  # ACLED type of the code (None: DIPLO, ATTRIB, disasters, organised crime)
    sub_event_type: str | None


@lru_cache(maxsize=1)
def thresholds() -> dict[str, float]:
    return load_table("event_arguments.json")["detector"]


@lru_cache(maxsize=1)
def _label_map() -> dict[str, tuple[str | None, str | None]]:
    from ..event_types import label_map

    return label_map()


def sentence_support(doc: Document, sents) -> dict[int, Support]:
    """The detector's most probable reading of each spaCy sentence it overlaps (by sentence start)."""
    out: dict[int, Support] = {}
    if not doc.detections:
        return out
    names = _label_map()
    for sent in sents:
        a, b = sent.start_char, sent.end_char
        over = [d for d in doc.detections if d.start < b and a < d.end]
        if not over:
            continue
        d = max(over, key=lambda d: (d.prob, d.label_prob, min(b, d.end) - max(a, d.start)))
        etype, sub = names.get(d.label, (None, None))
        out[a] = Support(d.prob, d.label_prob, d.label, etype, sub)
    return out


def sure(s: Support | None, key: str = "support") -> bool:
    """The detector reads an ACLED event in the sentence: P(event) at least the ``key`` threshold, and its
    sub-type the more likely reading ("label" threshold) when the sentence is to be an event of that type alone."""
    th = thresholds()
    if s is None or s.event_type is None or s.prob < th[key]:
        return False
    return key != "alone" or s.label_prob >= th["label"]


def predicate(sent, matches, s: Support, actors=()) -> tuple | None:
    """(head token, rule, phrase) for a detected event: a lexicon trigger of its type, else the verb an
    actor does or undergoes ("protesters have tried to block"), else the sentence's root."""
    same = [m for m in matches if m[1].type == s.event_type]
    if same:
        head, rule, phrase = max(same, key=lambda m: m[1].rank)
        return head, Rule(rule.phrase, s.event_type, s.sub_event_type, None, rule.rank), phrase
    rule = Rule(s.label.lower(), s.event_type, s.sub_event_type, None, 1)
    for t in sent:
        if t.pos_ == "VERB" and t.lemma_.lower() not in telling_verbs() and any(
                a.start <= c.idx < a.end for c in children(t, "nsubj", "nsubjpass", "dobj") for a in actors):
            return t, rule, t.text
    root = sent.root
    # "X reported that ...", "police said ...", "the army accused the regime of coordinating ...":
    # the reported (claimed, planned, denied) clause holds the event, and modality reads the verb above it.
    while root.lemma_.lower() in telling_verbs():
        inner = children(root, "ccomp", "xcomp") or [
            p for t in [root, *children(root, "dobj")] for prep in children(t, "prep") for p in children(prep, "pcomp")]
        if not inner:
            break
        root = inner[0]
    verbs = [t for t in sent if t.pos_ == "VERB" and t.dep_ in ("ROOT", "ccomp", "conj")
             and t.lemma_.lower() not in telling_verbs()]
    if (root.pos_ != "VERB" or root.lemma_.lower() in telling_verbs()) and verbs:
        root = verbs[0]
    if root.lemma_.lower() in telling_verbs():
        return None  # only a telling ("the army accused ..."), no clause of the happening to read
    return root, rule, root.text


@lru_cache(maxsize=1)
def reporting_verbs() -> frozenset:
    """Verbs that report an event rather than name it (the lexicon's 'reported' cues)."""
    return frozenset(load_table("event_lexicon.json")["modality_cues"]["reported"])


@lru_cache(maxsize=1)
def telling_verbs() -> frozenset:
    """Reporting verbs and the verbs that claim, deny, plan, threaten or call for an event (the governors of
    data/event_modality.json): a detected event is the clause they govern, not the telling itself."""
    govs = load_table("event_modality.json")["governors"]
    kinds = ("claimed", "denied", "planned", "threatened", "call", "failed", "prevented")
    return reporting_verbs() | frozenset(w for k in kinds for w in govs.get(k, ()))
