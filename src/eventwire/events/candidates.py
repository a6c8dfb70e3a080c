"""One trigger's reading of an event before it becomes a record: what it holds, its type and confidence."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import Entity, Place, Time
from .lexicon import Rule

ACTOR_KINDS = {"armed_group", "state_force", "coalition", "government", "other"}
VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Riots"}
GOVERNMENT_KINDS = {"state_force", "government"}


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
    place_soft: bool = False  # the article's dateline, not a place the event's clause names
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
    headline: bool = False  # read from the headline, anchored in the lead (its type is the headline's)
    support: float | None = None  # the detector's probability that the sentence reports an event
    refined: tuple[str, str] | None = None  # (type, sub-type) the sentence classifier chose over the trigger's
    head_i: int | None = None  # the trigger's token
    result_of: int | None = None  # the trigger a participle of result hangs on ("seized X, killing 12")



def actor_name(e: Entity | None) -> str | None:
    return e.actor if e is not None else None



def known_actor(e: Entity | None) -> str | None:
    """The actor's name unless it is a placeholder ("Unidentified Armed Group"), which fits any group."""
    name = actor_name(e)
    return None if name is None or name.startswith("Unidentified") else name



def sub_type(c: Candidate) -> tuple[str, str]:
    etype, sub = c.refined or (c.rule.type, c.rule.sub)
    if sub == "TERRITORY":
        kind = c.actor1.kind if c.actor1 else None
        sub = "Government regains territory" if kind in GOVERNMENT_KINDS else "Non-state actor overtakes territory"
    if etype == "Violence against civilians" and forces_on_protesters(c):
        etype, sub = "Protests", "Excessive force against protesters"  # protesters killed by police or troops
    if etype == "Violence against civilians" and c.actor2 is not None and c.actor2.kind != "other" and not c.victim:
        etype, sub = "Battles", "Armed clash"  # armed on both sides: a battle, not violence against civilians
    if etype == "Protests" and (c.fatalities or c.killing):
        sub = "Excessive force against protesters"
    elif etype == "Protests" and c.intervention:
        sub = "Protest with intervention"
    names = (actor_name(c.actor1) or "", actor_name(c.actor2) or "")
    if etype == "Battles" and any(n.startswith(("Protesters", "Rioters")) for n in names):
        etype, sub = "Riots", "Violent demonstration"  # crowds fighting police riot; they do not battle
    if c.modality == "threatened":
        etype, sub = "Strategic developments", "Other"  # a threat is not the attack it threatens
    return etype, sub



def forces_on_protesters(c: Candidate) -> bool:
    """The state's forces act against protesters (ACLED codes the protesters actor1 then)."""
    return (c.actor1 is not None and c.actor1.kind in GOVERNMENT_KINDS and c.actor2 is not None
            and (c.actor2.actor or "").startswith("Protesters"))



def confidence(c: Candidate) -> float:
    score = 0.3
    score += 0.2 if c.actor1 else 0.0
    score += 0.1 if c.actor2 else 0.0
    if c.place:
        score += 0.15 if c.place.feature in ("city", "locality", "admin") and not c.place_soft else 0.05
    score += 0.15 if c.time else 0.0
    if c.background and not c.time:
        score -= 0.3  # a background fact with no date cannot be placed in time
    if c.modality == "hypothetical":
        score -= 0.1
    if c.support is not None:
        score += 0.2  # the trained detector reads an event in the sentence, whatever the parse found
    return round(max(0.0, min(1.0, score)), 2)
