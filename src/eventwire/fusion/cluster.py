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


class Blocks:
    """The blocking index of fusable units: one row of cells per (day, cell latitude), sorted by cell
    longitude, so a unit finds the units of its neighbouring cells by bisection. Units can be added
    as they are loaded (incremental runs)."""

    def __init__(self, settings: FusionSettings, units: Iterable[Unit] = ()):
        self.settings = settings
        self.rows: dict[tuple[int, int], list[tuple[int, str, Unit]]] = defaultdict(list)
        self.cols: dict[tuple[int, int], list[int]] = {}
        self.add(units)

    def add(self, units: Iterable[Unit]) -> None:
        touched = set()
        for u in units:
            if u.fusable:
                key = (u.day, u.cell[0])
                self.rows[key].append((u.cell[1], u.id, u))
                touched.add(key)
        for key in touched:
            row = self.rows[key]
            row.sort(key=lambda x: (x[0], x[1]))
            self.cols[key] = [x[0] for x in row]

    def _window(self, u: Unit, dlon: int) -> Iterator[Unit]:
        dlat = _spans(self.settings, 0.0)[0]
        gap = self.settings.max_date_gap_days
        ci, cj = u.cell
        for day in range(u.day - gap, u.day + gap + 1):
            for i in range(ci - dlat, ci + dlat + 1):
                row = self.rows.get((day, i))
                if row is None:
                    continue
                js = self.cols[(day, i)]
                for _j, _vid, v in row[bisect_left(js, cj - dlon):bisect_right(js, cj + dlon)]:
                    yield v

    def forward(self, u: Unit) -> Iterator[Unit]:
        """Units ``v`` with ``(u, v)`` a candidate pair (u.id < v.id)."""
        for v in self._window(u, _spans(self.settings, u.place.lat)[1]):
            if u.id < v.id and u.families & v.families:
                yield v

    def neighbours(self, u: Unit) -> Iterator[Unit]:
        """Units ``v`` with ``(u, v)`` or ``(v, u)`` a candidate pair. A pair is found from the unit
        with the lower id, whose reach in longitude depends on its latitude: the window here is as
        wide as the widest reach of any unit in the rows it spans, then narrowed exactly."""
        if not u.fusable:
            return
        cd = self.settings.cell_degrees
        dlat = _spans(self.settings, 0.0)[0]
        far = max(abs((u.cell[0] - dlat) * cd), abs((u.cell[0] + dlat + 1) * cd))
        for v in self._window(u, _spans(self.settings, far)[1]):
            if v.id == u.id or not u.families & v.families:
                continue
            a, b = (u, v) if u.id < v.id else (v, u)
            if abs(a.cell[1] - b.cell[1]) <= _spans(self.settings, a.place.lat)[1]:
                yield v


def candidate_pairs(units: Iterable[Unit], settings: FusionSettings) -> Iterator[tuple[Unit, Unit]]:
    """Pairs (a, b), a.id < b.id, of fusable units close enough in day and place to be compared."""
    units = list(units)
    blocks = Blocks(settings, units)
    for u in units:
        if u.fusable:
            for v in blocks.forward(u):
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
