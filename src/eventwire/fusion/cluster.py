"""Units into events: candidate pairs by blocking, then merges from the strongest pair down.

Blocking: a unit is compared only with units of the same disorder type whose day is within the
date gap and whose place falls in a neighbouring grid cell, so cost grows with the number of units
(times the few that share a day and a cell), never with all pairs.

Clustering: the pairs that score at least ``min_score`` are taken strongest first (ties broken by
ids), and two groups merge only when no pair across them is vetoed (another day, another place,
one article). The result depends on the set of units alone, not on the order they were stored in.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator

from .compare import Match, compare, veto
from .settings import FusionSettings
from .units import Unit


def _spans(settings: FusionSettings, lat: float) -> tuple[int, int]:
    radius = max(settings.radius_town_km, settings.radius_coarse_km)
    dlat = math.ceil(radius / (111.0 * settings.cell_degrees))
    coslat = max(math.cos(math.radians(min(abs(lat) + dlat * settings.cell_degrees, 89.0))), 0.01)
    dlon = min(math.ceil(radius / (111.0 * coslat * settings.cell_degrees)), int(360 / settings.cell_degrees))
    return dlat, dlon


def candidate_pairs(units: Iterable[Unit], settings: FusionSettings) -> Iterator[tuple[Unit, Unit]]:
    """Pairs (a, b), a.id < b.id, of fusable units close enough in day and place to be compared."""
    # One row of cells per (day, cell latitude), sorted by cell longitude: a unit finds its
    # neighbouring cells of a row by bisection instead of a lookup per cell (the same pairs).
    rows: dict[tuple[int, int], list[tuple[int, str, Unit]]] = defaultdict(list)
    fusable = [u for u in units if u.fusable]
    for u in fusable:
        rows[(u.day, u.cell[0])].append((u.cell[1], u.id, u))
    cols: dict[tuple[int, int], list[int]] = {}
    for key, row in rows.items():
        row.sort(key=lambda x: (x[0], x[1]))
        cols[key] = [x[0] for x in row]
    gap = settings.max_date_gap_days
    for u in fusable:
        dlat, dlon = _spans(settings, u.place.lat)
        ci, cj = u.cell
        for day in range(u.day - gap, u.day + gap + 1):
            for i in range(ci - dlat, ci + dlat + 1):
                row = rows.get((day, i))
                if row is None:
                    continue
                js = cols[(day, i)]
                for _j, vid, v in row[bisect_left(js, cj - dlon):bisect_right(js, cj + dlon)]:
                    if u.id < vid and u.families & v.families:
                        yield u, v


def scored_pairs(units: Iterable[Unit], settings: FusionSettings) -> list[tuple[Unit, Unit, Match]]:
    """Candidate pairs that merge, strongest first (ties by ids, so the order is the same every run)."""
    out = []
    for a, b in candidate_pairs(units, settings):
        m = compare(a, b, settings)
        if m.merges(settings):
            out.append((a, b, m))
    out.sort(key=lambda x: (-x[2].score, x[0].id, x[1].id))
    return out


def cluster(units: list[Unit], settings: FusionSettings) -> tuple[list[list[Unit]], dict[str, list[dict]]]:
    """The partition of ``units`` into events, and for each merged unit the merges it took part
    in: the other unit and the pair's reasons (what ``show`` prints)."""
    group: dict[str, list[Unit]] = {u.id: [u] for u in units}
    owner: dict[str, str] = {u.id: u.id for u in units}
    why: dict[str, list[dict]] = defaultdict(list)
    for a, b, m in scored_pairs(units, settings):
        ga, gb = owner[a.id], owner[b.id]
        if ga == gb:
            continue
        if any(veto(x, y, settings) for x in group[ga] for y in group[gb]):
            continue
        keep, gone = (ga, gb) if ga < gb else (gb, ga)
        for u in group[gone]:
            owner[u.id] = keep
        group[keep].extend(group.pop(gone))
        why[a.id].append({"with": b.id, **m.why()})
        why[b.id].append({"with": a.id, **m.why()})
    clusters = [sorted(g, key=lambda u: u.id) for g in group.values()]
    clusters.sort(key=lambda g: g[0].id)
    return clusters, dict(why)
