"""Running fusion over a store: all of it, or incrementally around the reports not fused yet.

Incremental runs recompute only the connected part of the candidate graph around new reports:
greedy clustering inside one connected group of mergeable pairs does not depend on anything
outside it, so the result equals a full run over the same store. The group is found by loading
the reports of neighbouring days until no member has an unloaded neighbouring day. Each run is
one transaction under one lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock), so two
concurrent ingests fuse one after the other and the store never holds a half-written fusion.
"""

from __future__ import annotations

import functools
import gc
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, insert, select, text

from ..store import schema as t
from .cluster import Blocks, cluster
from .compare import compare
from .fused import FusedEvent, build
from .reports import from_rows, report_query
from .settings import FusionSettings, get_settings
from .units import Unit, units_of

_FUSION_LOCK = 0x46555345  # "FUSE": PostgreSQL advisory lock key of fusion runs


@dataclass
class FusionSummary:
    reports: int = 0  # reports (per-article events) looked at
    units: int = 0
    fused: int = 0  # fused events written
    merged: int = 0  # fused events with more than one article
    seconds: float = 0.0

    def line(self) -> str:
        return (f"fused {self.reports} reports into {self.fused} events ({self.merged} reported by several "
                f"articles) in {self.seconds:.1f} s")


def _lock(conn) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _FUSION_LOCK})


def _without_gc(fn):
    """Run ``fn`` with the cyclic garbage collector paused. A run allocates a few objects per report
    and keeps them all to the end, so the collector walks the growing heap again and again with
    nothing to free (a third of a 100k-report run, measured by benchmarks/fusion_scale.py).
    Reference counting still frees what a run drops; the collector resumes after it."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        was = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was:
                gc.enable()
    return run


@_without_gc
def fuse(store, full: bool = False, settings: FusionSettings | None = None) -> FusionSummary:
    """Fuse the store's reports: every one (``full``) or those not fused yet and what they touch."""
    settings = settings or get_settings()
    t0 = time.perf_counter()
    summary = FusionSummary()
    with store.engine.begin() as conn:
        _lock(conn)
        if full:
            units = units_of(from_rows(conn.execute(report_query()).mappings(), settings), settings)
            affected = units
            conn.execute(delete(t.fused_reports))
            conn.execute(delete(t.fused_events))
        else:
            affected = _affected(conn, settings)
            _drop_fused(conn, [r.id for u in affected for r in u.reports])
        summary.units = len(affected)
        summary.reports = sum(len(u.reports) for u in affected)
        if affected:
            events = _build_all(conn, affected, settings)
            _write(conn, events)
            summary.fused = len(events)
            summary.merged = sum(1 for e in events if len({u.article_id for u in e.units}) > 1)
    summary.seconds = time.perf_counter() - t0
    return summary


def unfused_count(store) -> int:
    """Reports in the store that no fused event holds yet (stores from before fusion, interrupted runs)."""
    from sqlalchemy import func

    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(t.events).where(
            t.events.c.id.not_in(select(t.fused_reports.c.event_id)))).scalar_one()


def _reports_of_articles(conn, article_ids: set[str], settings: FusionSettings):
    out = []
    ids = sorted(article_ids)
    for i in range(0, len(ids), 500):
        q = report_query().where(t.event_sources.c.article_id.in_(ids[i:i + 500]))
        out.extend(from_rows(conn.execute(q).mappings(), settings))
    return out


def _articles_on_days(conn, days: set[int]) -> set[str]:
    out: set[str] = set()
    for lo, hi in _ranges(sorted(days)):
        a, b = date.fromordinal(lo).isoformat(), date.fromordinal(hi).isoformat()
        q = (select(t.event_sources.c.article_id).join(t.events, t.events.c.id == t.event_sources.c.event_id)
             .where(t.events.c.date >= a, t.events.c.date <= b + "~").distinct())
        out.update(r[0] for r in conn.execute(q))
    return out


def _ranges(days: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for d in days:
        if out and d == out[-1][1] + 1:
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def _affected(conn, settings: FusionSettings) -> list[Unit]:
    """The units of unfused reports and every unit connected to them by a mergeable pair."""
    seeds = {r[0] for r in conn.execute(
        select(t.event_sources.c.article_id).where(
            t.event_sources.c.event_id.not_in(select(t.fused_reports.c.event_id))).distinct())}
    if not seeds:
        return []
    loaded_articles = set(seeds)
    units = units_of(_reports_of_articles(conn, seeds, settings), settings)
    seed_units = {u.id for u in units}
    by_id = {u.id: u for u in units}
    blocks = Blocks(settings, units)
    merges: dict[tuple[str, str], bool] = {}
    gap = settings.max_date_gap_days
    loaded_days: set[int] = set()
    while True:
        # Units are made per article, so those of newly loaded articles are the ones a run over
        # everything loaded would make; the component is searched from the seeds, pair by pair.
        component = _component(blocks, by_id, seed_units, merges, settings)
        need = {d + k for u in component if u.fusable for d in (u.day,) for k in range(-gap, gap + 1)}
        need -= loaded_days
        if not need:
            return component
        loaded_days |= need
        new = _articles_on_days(conn, need) - loaded_articles
        loaded_articles |= new
        if new:
            fresh = units_of(_reports_of_articles(conn, new, settings), settings)
            by_id.update((u.id, u) for u in fresh)
            blocks.add(fresh)


def _component(blocks: Blocks, by_id: dict[str, Unit], seeds: set[str], merges: dict[tuple[str, str], bool],
               settings: FusionSettings) -> list[Unit]:
    """The seeds and every unit connected to them by a candidate pair that merges (among the units
    loaded), in id order. ``merges`` keeps pairs already scored, across calls."""
    seen = {s for s in seeds if s in by_id}
    stack = list(seen)
    while stack:
        u = by_id[stack.pop()]
        for v in blocks.neighbours(u):
            if v.id in seen:
                continue
            a, b = (u, v) if u.id < v.id else (v, u)
            key = (a.id, b.id)
            if key not in merges:
                merges[key] = compare(a, b, settings).merges(settings)
            if merges[key]:
                seen.add(v.id)
                stack.append(v.id)
    return [by_id[i] for i in sorted(seen)]


def _drop_fused(conn, report_ids: list[str]) -> None:
    fids: set[str] = set()
    for i in range(0, len(report_ids), 500):
        fids.update(r[0] for r in conn.execute(select(t.fused_reports.c.fused_id).where(
            t.fused_reports.c.event_id.in_(report_ids[i:i + 500]))))
    ids = sorted(fids)
    for i in range(0, len(ids), 500):
        conn.execute(delete(t.fused_reports).where(t.fused_reports.c.fused_id.in_(ids[i:i + 500])))
        conn.execute(delete(t.fused_events).where(t.fused_events.c.id.in_(ids[i:i + 500])))


def _article_facts(conn, article_ids: set[str]):
    """(order, copies, sites) of the articles: (published, id) for splice direction, stored copies, outlets."""
    order: dict[str, tuple] = {}
    copies: dict[str, list[str]] = defaultdict(list)
    sites: dict[str, str | None] = {}
    ids = sorted(article_ids)
    a = t.articles
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        q = (select(a.c.id, a.c.published, a.c.duplicate_of, t.sites.c.name)
             .join(t.sites, t.sites.c.id == a.c.site_id, isouter=True)
             .where((a.c.id.in_(chunk)) | (a.c.duplicate_of.in_(chunk))))
        for aid, pub, dup, site in conn.execute(q):
            order[aid] = (pub.isoformat() if pub else "9999", aid)
            sites[aid] = site
            if dup:
                copies[dup].append(aid)
    return order, copies, sites


def _build_all(conn, units: list[Unit], settings: FusionSettings) -> list[FusedEvent]:
    clusters, why = cluster(units, settings)
    order, copies, sites = _article_facts(conn, {u.article_id for u in units})
    return [build(c, why, order, copies, sites, settings) for c in clusters]


def _write(conn, events: list[FusedEvent]) -> None:
    rows = [e.row for e in events]
    members = [m for e in events for m in e.members]
    for i in range(0, len(rows), 2000):
        conn.execute(insert(t.fused_events), rows[i:i + 2000])
    for i in range(0, len(members), 5000):
        conn.execute(insert(t.fused_reports), members[i:i + 5000])
