"""Candidates become Event records (spec/output.md): location precision, date, unnamed actors."""

from __future__ import annotations

import re

from ..document import Document
from ..models import Event, Location
from .arguments import event_country
from .candidates import Candidate, actor_name, confidence, forces_on_protesters, sub_type

# ACLED names an unnamed crowd by what it does: protesters protest, rioters riot.
CROWDS = {"Protests": "Protesters", "Riots": "Rioters"}
_DIVISION_WORD = re.compile(r"\s+(region|province|state|governorate|oblast|prefecture|district|area)\b", re.I)
CIVILIAN_TARGETS = ("Violence against civilians", "Explosions/Remote violence")


def _civilians(c: Candidate, doc: Document, who: str = "Civilians") -> str | None:
    """ACLED names unnamed victims 'Civilians (<country>)' and unnamed crowds 'Protesters (<country>)',
    'Rioters (<country>)'."""
    country = event_country(c, doc.places, doc)
    return f"{who} ({country})" if country else who



def to_event(c: Candidate, doc: Document) -> Event:
    text = doc.article.text
    s, e = c.sent_start, c.sent_end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    etype, sub = sub_type(c)
    loc = None
    if c.place is not None and not (c.modality == "threatened" and _many_places(doc, c)):
        p = c.place
        precision = 3 if p.feature in ("country", "region") else (2 if c.near or p.feature == "admin" else 1)
        # "in the Gao region": the town a region is named after stands for it, at the region's precision.
        named_as = _DIVISION_WORD.match(text[p.end:p.end + 20])
        if named_as:
            precision = max(precision, 2 if named_as.group(1).lower() in ("district", "area") else 3)
        loc = Location(p.name, p.lat, p.lon, p.country, p.geonameid, precision)
    date = precision_name = None
    if c.time is not None:
        m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", c.time.value)
        if m:
            date = m.group(0)
            precision_name = "day" if m.group(3) else ("month" if m.group(2) else "year")
    first, second = c.actor1, c.actor2
    if etype == "Protests" and forces_on_protesters(c):
        first, second = second, first  # the protesters are actor1 of a protest met with force
    if etype in CROWDS and (actor_name(first) or "").startswith("Civilians"):
        first = None  # "residents marched": a crowd that protests (riots) is ACLED's protesters (rioters)
    return Event(
        event_type=etype,
        sub_event_type=sub,
        evidence=text[s:e],
        start=s,
        end=e,
        actor1=actor_name(first) or (_civilians(c, doc, CROWDS[etype]) if etype in CROWDS else None),
        # ACLED names civilian victims actor2 of violence against them and of remote violence that struck them
        # (a bombing of a market), never of a battle.
        actor2=actor_name(second) or (_civilians(c, doc) if etype in CIVILIAN_TARGETS and c.victim else None),
        location=loc,
        date=date,
        date_precision=precision_name,
        fatalities=c.fatalities,
        modality=c.modality,
        attributed_to=c.attributed_to,
        confidence=confidence(c),
        trigger=c.trigger,
    )



def _many_places(doc: Document, c: Candidate) -> bool:
    """A threat against a list of countries has no single location."""
    return sum(1 for p in doc.places if c.sent_start <= p.start < c.sent_end) >= 3
