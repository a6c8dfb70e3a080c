"""Great-circle distance (the store's radius queries, fusion) and the points that `--near` names."""

from __future__ import annotations

import math


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in kilometres on a sphere of the Earth's mean radius."""
    r = math.pi / 180
    a = (math.sin((lat2 - lat1) * r / 2) ** 2
         + math.cos(lat1 * r) * math.cos(lat2 * r) * math.sin((lon2 - lon1) * r / 2) ** 2)
    return 12742 * math.asin(math.sqrt(min(1.0, a)))


def place_or_latlon(value: str) -> tuple[float, float]:
    """``LAT,LON``, or a place name resolved in the gazetteer (a country before a town of that name,
    then the most populous); an unknown name is a UsageError."""
    from .options import latlon

    pair = latlon(value)
    if pair is not None:
        return pair
    from .errors import UsageError
    from .places import get_gazetteer

    cands = get_gazetteer().candidates(value)
    if not cands:
        raise UsageError(f"--near {value}: no such place in the gazetteer; give LAT,LON instead")
    best = max(cands, key=lambda e: (e.feature == "country", e.population))
    return best.lat, best.lon
