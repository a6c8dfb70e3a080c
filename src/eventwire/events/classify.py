"""The sentence classifier's say on each candidate's event type (event_types.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..document import Document
from .candidates import VIOLENT, Candidate

if TYPE_CHECKING:
    from ..event_types import Classifier


TERRITORY_SUBS = {"Government regains territory", "Non-state actor overtakes territory"}
NOT_CONFLICT = {"NATURAL_DISASTER", "MAN_MADE_DISASTER", "ORG_CRIME"}  # CASE classes that are no ACLED event


def refine_types(doc: Document, cands: list[Candidate], clf: Classifier | None = None) -> list[Candidate]:
    """Let the sentence classifier (event_types.py) refine each candidate's type; drop non-conflict events.

    One batch per document. The trigger's type stands unless the classifier is sure enough: the
    sub-type within the trigger's event type from ``refine_sub_type``, another event type from
    ``change_event_type`` and only for generic triggers (rank up to ``change_max_rank``: "attack",
    "fight", "arrest"; a "protest" or a "riot" keeps its type). A sentence it reads as a disaster or
    organised crime is no political violence. Territory taken by a known actor stays the parse's
    call (who took it decides the sub-type); the rules of ``candidates.sub_type`` (threats, battles with
    protesters, force against protests) apply on top. Without the classifier the lexicon alone decides.
    """
    if not cands:
        return cands
    from ..event_types import get_classifier, thresholds

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
