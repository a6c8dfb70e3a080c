"""Fusion's typed settings, read from ``data/fusion.json`` (curated rules with their provenance)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..reading.tables import load_table


@dataclass(frozen=True)
class FusionSettings:
    modalities_fused: frozenset[str]
    max_date_gap_days: int
    radius_town_km: float
    radius_coarse_km: float
    near_km: float
    cell_degrees: float
    weights: dict[str, float] = field(hash=False)
    similar_text_min: float = 0.2
    min_score: float = 3.0
    splice_min_jaccard: float = 0.6
    generic_actor_prefixes: tuple[str, ...] = ()
    fatalities_rule: str = ""
    disorder_type: dict[str, str] = field(default_factory=dict, hash=False)
    disorder_type_by_sub_event: dict[str, str] = field(default_factory=dict, hash=False)

    def families(self, event_type: str, sub_event_type: str | None) -> frozenset[str]:
        """ACLED disorder types of an event ("Excessive force against protesters" has two)."""
        d = self.disorder_type_by_sub_event.get(sub_event_type or "") or self.disorder_type.get(event_type, event_type)
        return frozenset(x.strip() for x in d.split(";"))


@lru_cache(maxsize=1)
def get_settings() -> FusionSettings:
    raw = load_table("fusion.json")
    acled = load_table("acled.json")
    return FusionSettings(
        modalities_fused=frozenset(raw["modalities_fused"]),
        max_date_gap_days=int(raw["max_date_gap_days"]),
        radius_town_km=float(raw["radius_km"]["town"]),
        radius_coarse_km=float(raw["radius_km"]["coarse"]),
        near_km=float(raw["near_km"]),
        cell_degrees=float(raw["cell_degrees"]),
        weights={k: float(v) for k, v in raw["weights"].items()},
        similar_text_min=float(raw["similar_text_min"]),
        min_score=float(raw["min_score"]),
        splice_min_jaccard=float(raw["splice_min_jaccard"]),
        generic_actor_prefixes=tuple(raw["generic_actor_prefixes"]),
        fatalities_rule=raw["fatalities_rule"],
        disorder_type=acled["disorder_type"],
        disorder_type_by_sub_event=acled["disorder_type_by_sub_event"],
    )
