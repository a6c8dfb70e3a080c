"""Units: one article's reports of one happening, the things fusion merges across articles.

An article tells its event in several sentences ("Jihadists overran the base on Tuesday", "the
attackers came in gun trucks", "the army repelled them"), and the event stage may read more than
one event from them. Reports of one article that could be the same happening (ACLED's disorder type
shared, not on different days, not at different places, no contradicting actors) form one unit,
led by the first of them in the text. Units of one article are never merged with each other: the
event stage has already told them apart.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from ..geo import km_between
from .reports import Report
from .settings import FusionSettings


@dataclass
class Unit:
    id: str  # the leading report's id
    article_id: str
    reports: list[Report]
    families: frozenset[str]
    types: frozenset[str]
    sub_types: frozenset[str]
    day: int | None
    place: Report | None  # the first report located by its own sentence, else the article's main place
    actors: frozenset[str]
    victims: bool  # civilians named as the target
    words: frozenset[str]
    fatalities: int | None
    modality: str
    fusable: bool = False
    copy_of: str | None = None  # the earlier unit whose sentence it repeats (fusion.splices)
    main: bool = False  # what its article newly reports (its first placed and dated account), not background
    cell: tuple[int, int] | None = field(default=None, repr=False)

    @property
    def lead(self) -> Report:
        return self.reports[0]


def is_generic(actor: str | None, settings: FusionSettings) -> bool:
    return not actor or actor.startswith(settings.generic_actor_prefixes)


def named_actors(r: Report, settings: FusionSettings) -> set[str]:
    return {a for a in (r.actor1, r.actor2, *r.assoc_actors) if not is_generic(a, settings)}


def _fits(unit: list[Report], r: Report, settings: FusionSettings) -> bool:
    lead = unit[0]
    if not (lead.families & r.families) or (lead.modality in settings.modalities_fused) != (
            r.modality in settings.modalities_fused):
        return False
    days = {x.day for x in unit if x.day is not None}
    if r.day is not None and days and r.day not in days:
        return False
    if r.day is None and r.date and days and not any(date.fromordinal(d).isoformat().startswith(r.date)
                                                     for d in days):
        return False  # "in 2016", "since May": another time than the unit's day
    places = [x for x in unit if x.own_place]
    if r.own_place and places:
        radius = settings.radius_town_km if r.geo_precision == 1 and places[0].geo_precision == 1 \
            else settings.radius_coarse_km
        if km_between(r.lat, r.lon, places[0].lat, places[0].lon) > radius:
            return False
    return True


def article_units(reports: list[Report], settings: FusionSettings) -> list[Unit]:
    """The units of one article's reports (given in text order)."""
    groups: list[list[Report]] = []
    for r in reports:
        home = next((g for g in groups if _fits(g, r, settings)), None)
        if home is None:
            groups.append([r])
        else:
            home.append(r)
    units = [_unit(g, settings) for g in groups]
    if units:
        next((u for u in units if u.fusable), units[0]).main = True
    return units


def _unit(group: list[Report], settings: FusionSettings) -> Unit:
    lead = group[0]
    place = next((r for r in group if r.own_place), None) or next((r for r in group if r.located), None)
    day = next((r.day for r in group if r.day is not None), None)
    fat = lead.fatalities if lead.fatalities is not None else next(
        (r.fatalities for r in group if r.fatalities is not None), None)
    actors: set[str] = set()
    for r in group:
        actors |= named_actors(r, settings)
    u = Unit(
        id=lead.id, article_id=lead.article_id, reports=group,
        families=frozenset().union(*(r.families for r in group)),
        types=frozenset(r.event_type for r in group),
        sub_types=frozenset(r.sub_event_type for r in group if r.sub_event_type),
        day=day, place=place, actors=frozenset(actors),
        victims=any((r.actor2 or "").startswith("Civilians") for r in group),
        words=frozenset().union(*(r.words for r in group)), fatalities=fat, modality=lead.modality,
    )
    u.fusable = lead.modality in settings.modalities_fused and day is not None and place is not None
    if place is not None:
        u.cell = (int(place.lat // settings.cell_degrees), int(place.lon // settings.cell_degrees))
    return u


def units_of(reports: list[Report], settings: FusionSettings) -> list[Unit]:
    """Every article's units (``reports`` in article and text order), ordered by id."""
    out: list[Unit] = []
    start = 0
    for i in range(1, len(reports) + 1):
        if i == len(reports) or reports[i].article_id != reports[start].article_id:
            out.extend(article_units(reports[start:i], settings))
            start = i
    out.sort(key=lambda u: u.id)
    return out


def fused_id(unit_ids: list[str]) -> str:
    """A fused event's id: from its members alone, so any run over the same store gives it again."""
    return "F" + hashlib.sha256(min(unit_ids).encode("utf-8")).hexdigest()[:19]
