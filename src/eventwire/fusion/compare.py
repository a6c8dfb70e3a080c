"""Are two units (from different articles) reports of one real-world event? A score with its reasons.

Hard rules first, in ACLED's terms (one event per actor pair, location and day): another disorder
type, another day (or the next day with another event type), another place beyond the radius, the
same article: never the same event. Then agreeing facts add up (same place, same day, same type,
a named actor in common, similar wording) and contradicting actors subtract; a pair merges at
``min_score``. Every part is kept so that ``eventwire show`` can say why two reports were merged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..geo import km_between
from .settings import FusionSettings
from .units import Unit


@dataclass
class Match:
    score: float
    veto: str | None = None  # why the two can never be one event
    parts: dict[str, float] = field(default_factory=dict)  # what each fact added
    km: float | None = None
    day_gap: int | None = None
    similarity: float = 0.0
    shared_actors: list[str] = field(default_factory=list)

    def merges(self, settings: FusionSettings) -> bool:
        return self.veto is None and self.score >= settings.min_score

    def why(self) -> dict:
        """The explanation stored with a merged report (JSON)."""
        return {"score": round(self.score, 3), "km": None if self.km is None else round(self.km, 1),
                "day_gap": self.day_gap, "similarity": round(self.similarity, 3),
                "shared_actors": self.shared_actors, "parts": {k: round(v, 3) for k, v in self.parts.items()}}


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def veto(a: Unit, b: Unit, settings: FusionSettings) -> str | None:
    """Why ``a`` and ``b`` cannot be one event, or None."""
    if a.article_id == b.article_id:
        return "same article"
    if not (a.fusable and b.fusable):
        return "not fusable"
    if not a.families & b.families:
        return "other disorder type"
    gap = abs(a.day - b.day)
    if gap > settings.max_date_gap_days:
        return f"{gap} days apart"
    if gap and not a.types & b.types:
        return "next day, other event type"
    km = km_between(a.place.lat, a.place.lon, b.place.lat, b.place.lon)
    same_place = a.place.geonameid is not None and a.place.geonameid == b.place.geonameid
    coarse = (a.place.geo_precision != 1 or b.place.geo_precision != 1 or a.place.place_inherited
              or b.place.place_inherited)
    if not same_place and km > (settings.radius_coarse_km if coarse else settings.radius_town_km):
        return f"{km:.0f} km apart"
    return None


def compare(a: Unit, b: Unit, settings: FusionSettings) -> Match:
    why_not = veto(a, b, settings)
    if why_not:
        return Match(score=0.0, veto=why_not)
    w = settings.weights
    m = Match(score=0.0)
    m.day_gap = abs(a.day - b.day)
    m.parts["date"] = w["same_day"] if m.day_gap == 0 else w["next_day"]
    m.km = km_between(a.place.lat, a.place.lon, b.place.lat, b.place.lon)
    same_place = a.place.geonameid is not None and a.place.geonameid == b.place.geonameid
    m.parts["place"] = w["same_place"] if same_place or m.km <= settings.near_km else w["within_radius"]
    if a.place.place_inherited or b.place.place_inherited:
        m.parts["place"] *= w["inherited_place_factor"]  # the article's main place, not the sentence's
    if a.sub_types & b.sub_types:
        m.parts["type"] = w["same_sub_event_type"]
    elif a.types & b.types:
        m.parts["type"] = w["same_event_type"]
    else:  # one attack told as a battle by one outlet and as an attack on civilians by another: allowed, weaker
        m.parts["type"] = w["other_event_type"]
    shared = sorted(a.actors & b.actors)
    m.shared_actors = shared
    if shared:
        m.parts["actors"] = w["shared_actor"]
    elif a.victims and b.victims:
        m.parts["actors"] = w["shared_victims"]
    elif a.actors and b.actors:
        m.parts["actors"] = w["conflicting_actors"]
    m.similarity = jaccard(a.words, b.words)
    if m.similarity >= settings.similar_text_min:
        m.parts["text"] = w["similar_text"]
    m.score = sum(m.parts.values())
    return m
