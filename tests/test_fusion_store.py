"""Fusion in a real store, on SQLite and (when a server is configured) PostgreSQL.

Incremental runs after each batch give what one full run gives; the order articles are stored in
does not matter; both back-ends give the same fused events; a parallel ingest fuses as a serial one;
two concurrent ingests of one event end with one fused event holding both articles. The synthetic
articles (planted events with noisy reports and look-alike distractors) are the benchmark's
(benchmarks/fusion_synthetic.py), made dense here (a few weeks) so that fused groups meet and
split across batches.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from benchmarks.fusion_synthetic import Bundle, Generator, write
from eventwire.fusion import fuse, unfused_count
from eventwire.store import Store
from eventwire.store import schema as t

from .conftest import DATA, need
from .test_store import BACKENDS, PG_URL, _fresh_pg_database

REPORTS = 1200
DAYS = 20  # 1200 reports in 20 days over 12 regions: as dense as the benchmark's 100k in two years


def _database(backend: str, tmp_path: Path, name: str) -> str:
    if backend == "sqlite":
        return str(tmp_path / f"{name}.db")
    return _fresh_pg_database(PG_URL, f"{tmp_path.name}{name}")


def _open(backend: str, tmp_path: Path, name: str) -> Store:
    return Store(_database(backend, tmp_path, name))


@pytest.fixture(scope="module")
def bundles() -> list[Bundle]:
    return Generator(seed=5, days=DAYS).bundles(REPORTS)


def snapshot(store: Store) -> tuple[dict, list]:
    """Every fused_events row by id, and every fused_reports row (why as sorted JSON)."""
    with store.engine.connect() as conn:
        events = {r["id"]: dict(r) for r in conn.execute(select(t.fused_events)).mappings()}
        members = sorted((r.event_id, r.fused_id, r.unit_id, r.copy_of, json.dumps(r.why, sort_keys=True))
                         for r in conn.execute(select(t.fused_reports)))
    return events, members


def partition_of(snap: tuple[dict, list]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for rid, fid, *_ in snap[1]:
        out.setdefault(fid, set()).add(rid)
    return out


def _batches(items: list, n: int) -> list[list]:
    size = -(-len(items) // n)
    return [items[i:i + size] for i in range(0, len(items), size)]


def _fuse_in_batches(store: Store, batches: list[list[Bundle]]) -> None:
    for batch in batches:
        write(store, batch)
        fuse(store)
        assert unfused_count(store) == 0


def _assert_whole(store: Store, snap: tuple[dict, list]) -> None:
    """Every report in exactly one fused event, every fused event with members."""
    events, members = snap
    with store.engine.connect() as conn:
        reports = conn.execute(select(func.count()).select_from(t.events)).scalar_one()
    assert len(members) == len({m[0] for m in members}) == reports
    assert {m[1] for m in members} == set(events)
    assert sum(e["reports"] for e in events.values()) == reports


@pytest.mark.parametrize("backend", BACKENDS)
def test_incremental_runs_after_each_batch_equal_one_full_run(backend: str, tmp_path: Path, bundles):
    order = bundles[:]
    random.Random(1).shuffle(order)  # a planted event's reports land in different batches
    batches = _batches(order, 4)
    batch_of = {rid: k for k, batch in enumerate(batches) for b in batch for rid in b.truth}
    with _open(backend, tmp_path, "inc") as store:
        _fuse_in_batches(store, batches)
        incremental = snapshot(store)
        summary = fuse(store, full=True)
        full = snapshot(store)
        _assert_whole(store, full)
    assert summary.reports == sum(len(b.events) for b in bundles)
    # The test means something: events merged across articles, and across batches.
    assert summary.merged > 100
    spans = [len({batch_of[r] for r in rs}) for rs in partition_of(full).values()]
    assert max(spans) >= 3
    assert sorted(incremental[0]) == sorted(full[0])  # the same fused ids
    assert incremental == full  # the same rows: membership, facts, reasons


@pytest.mark.parametrize("backend", BACKENDS)
def test_storing_order_and_batches_do_not_change_the_result(backend: str, tmp_path: Path, bundles):
    one, two = bundles[:], bundles[::-1]
    random.Random(2).shuffle(one)
    with _open(backend, tmp_path, "one") as a, _open(backend, tmp_path, "two") as b:
        _fuse_in_batches(a, _batches(one, 3))
        _fuse_in_batches(b, _batches(two, 5))
        first, second = snapshot(a), snapshot(b)
        _assert_whole(a, first)
    assert partition_of(first) == partition_of(second)
    assert first == second


@pytest.mark.skipif(not PG_URL, reason="EVENTWIRE_TEST_PG_URL is not set")
def test_sqlite_and_postgresql_give_the_same_fused_events(tmp_path: Path, bundles):
    with _open("sqlite", tmp_path, "lite") as lite, _open("postgresql", tmp_path, "pg") as pg:
        for store in (lite, pg):
            write(store, bundles)
            fuse(store, full=True)
        a, b = snapshot(lite), snapshot(pg)
    assert len(a[0]) > 100
    assert a == b


def _fused_by_input(db: str) -> tuple[dict, set]:
    """Fused rows by id, and each fused event's members as (article input, start) — what a user
    would compare between two stores of the same files."""
    with Store(db) as store:
        events, _ = snapshot(store)
        with store.engine.connect() as conn:
            rows = conn.execute(select(t.fused_reports.c.fused_id, t.articles.c.input, t.event_sources.c.start)
                                .join(t.event_sources, t.event_sources.c.event_id == t.fused_reports.c.event_id)
                                .join(t.articles, t.articles.c.id == t.event_sources.c.article_id)).all()
    groups: dict[str, set] = {}
    for fid, inp, start in rows:
        groups.setdefault(fid, set()).add((Path(inp).name, start))
    return events, {(fid, frozenset(g)) for fid, g in groups.items()}


def _ingest(db: str, files: list[Path], *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwire", "ingest", "--db", db, *extra, *map(str, files)],
                          capture_output=True, text=True, timeout=900)


def test_parallel_ingest_fuses_as_a_serial_one(tmp_path: Path):
    root = need(DATA / "fusion-dev")
    gold = json.loads((root / "gold.json").read_text("utf-8"))
    # Two reported events, three articles each (one is a syndicated copy): the first two in the gold file.
    files = [root / f"{a}.txt" for e in gold["events"][:2] for a in e["articles"][:3]]
    serial, parallel = str(tmp_path / "serial.db"), str(tmp_path / "parallel.db")
    for res in (_ingest(serial, files), _ingest(parallel, files, "--workers", "2")):
        assert res.returncode == 0, res.stderr[-1000:]
        assert "fused " in res.stdout
    s_events, s_groups = _fused_by_input(serial)
    p_events, p_groups = _fused_by_input(parallel)
    assert any(len({inp for inp, _ in g}) > 1 for _fid, g in s_groups)  # something was fused across articles
    assert p_groups == s_groups
    assert p_events == s_events


# Two invented wire reports of one attack (the same town and day told differently), for the race.
REPORT_A = """Gunmen kill nine in attack on Karu market

Published 14 March 2024

KARU, Nigeria - Gunmen on motorcycles attacked the market in Karu, Nasarawa State, on Tuesday, killing nine
people and burning dozens of shops, local officials said.

The attackers fired into the crowd for nearly an hour before police reinforcements arrived from Lafia,
residents said. A police spokesman confirmed the attack and said three suspects had been arrested.
"""
REPORT_B = """Nasarawa: at least eleven dead after raid on Karu

Published 13 March 2024

At least eleven people were killed when gunmen attacked a busy market in Karu in Nigeria's Nasarawa State
on Tuesday, a local government official told reporters.

Witnesses said the assailants arrived on motorcycles shortly after dusk and set fire to stalls. The state
governor condemned the killings and ordered more troops to the area.
"""
TRIALS = 2


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_ingests_of_one_event_end_in_one_fused_event(backend: str, tmp_path: Path):
    files = [tmp_path / "a.txt", tmp_path / "b.txt"]
    files[0].write_text(REPORT_A, "utf-8")
    files[1].write_text(REPORT_B, "utf-8")
    for trial in range(TRIALS):
        db = _database(backend, tmp_path, f"race{trial}")
        Store(db).close()  # the schema exists before the race, so the race is the ingests' alone
        procs = [subprocess.Popen([sys.executable, "-m", "eventwire", "ingest", "--db", db, str(f)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in files]
        outs = [p.communicate(timeout=600) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], [o[1][-800:] for o in outs]
        with Store(db) as store:
            raced = snapshot(store)
            _assert_whole(store, raced)
            assert unfused_count(store) == 0
            with store.engine.connect() as conn:
                arts = dict(conn.execute(select(t.event_sources.c.event_id, t.articles.c.input)
                                         .join(t.articles, t.articles.c.id == t.event_sources.c.article_id)).all())
            both = [fid for fid, rids in partition_of(raced).items()
                    if {Path(arts[r]).name for r in rids} == {"a.txt", "b.txt"}]
            assert len(both) == 1, partition_of(raced)
            assert raced[0][both[0]]["articles"] == 2
            # What the two runs left is what one run over the finished store gives.
            fuse(store, full=True)
            assert snapshot(store) == raced
