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
from ..store.versions import FUSED_EVENTS, bump
from .cluster import Blocks, cluster
from .compare import compare
from .fused import FusedEvent, build
from .reports import load_reports
from .settings import FusionSettings, get_settings
from .splices import link_splices, repeats, report_keys, sentence_sketch, shingles
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
            affected = units_of(load_reports(conn, settings), settings)
            conn.execute(delete(t.fused_reports))
            conn.execute(delete(t.fused_events))
            conn.execute(delete(t.evidence_keys))
        else:
            affected = _affected(conn, settings)
            _drop_fused(conn, [r.id for u in affected for r in u.reports])
        _write_keys(conn, affected, full)
        summary.units = len(affected)
        summary.reports = sum(len(u.reports) for u in affected)
        if affected:
            events = _build_all(conn, affected, settings)
            _write(conn, events)
            summary.fused = len(events)
            summary.merged = sum(1 for e in events if len({u.article_id for u in e.units}) > 1)
        if affected or full:
            bump(conn, FUSED_EVENTS)  # in the same transaction: a reader never sees new rows with the old version
    summary.seconds = time.perf_counter() - t0
    return summary


def unfused_count(store) -> int:
    """Reports in the store that no fused event holds yet (stores from before fusion, interrupted runs)."""
    from sqlalchemy import func

    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(t.events).where(
            t.events.c.id.not_in(select(t.fused_reports.c.event_id)))).scalar_one()


def _reports_of_articles(conn, article_ids: set[str], settings: FusionSettings):
    return load_reports(conn, settings, sorted(article_ids))


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
    """The units of unfused reports and every unit connected to them by a mergeable pair or a
    repeated sentence, found by loading neighbouring days and sketch partners until none is missing."""
    seeds = {r[0] for r in conn.execute(
        select(t.event_sources.c.article_id).where(
            t.event_sources.c.event_id.not_in(select(t.fused_reports.c.event_id))).distinct())}
    if not seeds:
        return []
    loaded_articles = set(seeds)
    reports = _reports_of_articles(conn, seeds, settings)
    seed_units = {u.id for u in units_of(reports, settings)}
    gap = settings.max_date_gap_days
    loaded_days: set[int] = set()
    sketched: set[str] = set()
    memo: dict[tuple[str, str], bool] = {}
    while True:
        units = units_of(reports, settings)
        link_splices(units, settings, memo)
        component = _component(units, seed_units, settings)
        need = {d + k for u in component if u.fusable for d in (u.day,) for k in range(-gap, gap + 1)}
        need -= loaded_days
        loaded_days |= need
        new = _articles_on_days(conn, need) if need else set()
        fresh = [r for u in component for r in u.reports if r.id not in sketched]
        sketched.update(r.id for r in fresh)
        new |= _sketch_partners(conn, fresh, settings)
        new -= loaded_articles
        if not new and not need:
            return component
        loaded_articles |= new
        if new:
            reports = reports + _reports_of_articles(conn, new, settings)
            reports.sort(key=lambda x: (x.article_id, x.start, x.id))


def _sketch_partners(conn, reports, settings: FusionSettings) -> set[str]:
    """Articles holding a report whose sentence repeats (or is repeated by) one of ``reports``:
    candidates share a sketch key, and are kept only if their sentences really are alike."""
    by_key: dict[int, list] = defaultdict(list)
    for r in reports:
        for k in report_keys(r):
            by_key[k].append(r)
    keys = sorted(by_key)
    out: set[str] = set()
    for i in range(0, len(keys), 500):
        q = (select(t.evidence_keys.c.key, t.event_sources.c.event_id, t.event_sources.c.article_id,
                    t.event_sources.c.evidence)
             .join(t.evidence_keys, t.evidence_keys.c.event_id == t.event_sources.c.event_id)
             .where(t.evidence_keys.c.key.in_(keys[i:i + 500])))
        for key, _eid, aid, evidence in conn.execute(q):
            if aid in out:
                continue
            sh = shingles(evidence)
            if any(r.article_id != aid and repeats(sentence_sketch(r)[0], sh, settings)
                   for r in by_key[key]):
                out.add(aid)
    return out


def _write_keys(conn, units: list[Unit], full: bool) -> None:
    """Sketch keys of the units' sentences, so that later runs find the pages that repeat them.
    A sentence never changes, so an incremental run adds the keys of reports that have none."""
    reports = [r for u in units for r in u.reports]
    if not full:
        ids = [r.id for r in reports]
        keyed: set[str] = set()
        for i in range(0, len(ids), 500):
            keyed.update(x[0] for x in conn.execute(select(t.evidence_keys.c.event_id).where(
                t.evidence_keys.c.event_id.in_(ids[i:i + 500])).distinct()))
        reports = [r for r in reports if r.id not in keyed]
    rows = [{"key": k, "event_id": r.id} for r in reports for k in report_keys(r)]
    for i in range(0, len(rows), 5000):
        conn.execute(insert(t.evidence_keys), rows[i:i + 5000])


def _component(units: list[Unit], seeds: set[str], settings: FusionSettings) -> list[Unit]:
    """The seeds and every unit connected to them by a candidate pair that merges or a repeated
    sentence, searched from the seeds pair by pair (not every loaded pair scored), in id order."""
    by_id = {u.id: u for u in units}
    blocks = Blocks(settings, units)
    copies: dict[str, list[str]] = defaultdict(list)
    for u in units:
        if u.copy_of:
            copies[u.copy_of].append(u.id)
    seen = {s for s in seeds if s in by_id}
    stack = list(seen)
    while stack:
        u = by_id[stack.pop()]
        linked = [by_id[x] for x in ([u.copy_of] if u.copy_of in by_id else []) + copies.get(u.id, [])]
        for v in linked:
            if v.id not in seen:
                seen.add(v.id)
                stack.append(v.id)
        for v in blocks.neighbours(u):
            if v.id in seen:
                continue
            a, b = (u, v) if u.id < v.id else (v, u)
            if compare(a, b, settings).merges(settings):
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
    """(copies, sites) of the articles: their stored near-duplicate copies, and every one's outlet."""
    copies: dict[str, list[str]] = defaultdict(list)
    sites: dict[str, str | None] = {}
    ids = sorted(article_ids)
    a = t.articles
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        q = (select(a.c.id, a.c.duplicate_of, t.sites.c.name)
             .join(t.sites, t.sites.c.id == a.c.site_id, isouter=True)
             .where((a.c.id.in_(chunk)) | (a.c.duplicate_of.in_(chunk))))
        for aid, dup, site in conn.execute(q):
            sites[aid] = site
            if dup:
                copies[dup].append(aid)
    return copies, sites


def _build_all(conn, units: list[Unit], settings: FusionSettings) -> list[FusedEvent]:
    link_splices(units, settings)
    clusters, why = cluster(units, settings)
    copies, sites = _article_facts(conn, {u.article_id for u in units})
    return [build(c, why, copies, sites, settings) for c in clusters]


def _write(conn, events: list[FusedEvent]) -> None:
    rows = [e.row for e in events]
    members = [m for e in events for m in e.members]
    for i in range(0, len(rows), 2000):
        conn.execute(insert(t.fused_events), rows[i:i + 2000])
    for i in range(0, len(members), 5000):
        conn.execute(insert(t.fused_reports), members[i:i + 5000])
