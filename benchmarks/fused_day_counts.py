"""Whole-store counts from ``fused_day_counts`` against the GROUP BY over every fused event, and what its
triggers cost the writes. In-process, one back-end at a time, ratios in the same process.

- migrate: opening a store made before revision 0009 counts its fused events into the table (once);
- read: ``count_events`` (fused events per date and type, no filter) and the API's weekly aggregate
  (``api.aggregates.count``, by week and type) over the whole store, median of ``--runs``, from the
  base table (``rollup=False``) and from the rollup; and with a date range and a type;
- write: deleting and inserting ``--write`` fused events in batches as fusion does (500-row deletes,
  2000-row inserts), with the triggers and without them (dropped inside a transaction rolled back).

    python benchmarks/fused_day_counts.py                  # build/api-latency-100000-s1-v2.db, copied
    python benchmarks/fused_day_counts.py --db other.db
    python benchmarks/fused_day_counts.py --pg-url postgresql://postgres:eventwire@127.0.0.1:5432/postgres

A SQLite store is copied to a temporary folder first (the migration changes it); on PostgreSQL a fresh
database ``ew_bench_rollup`` gets ``--n`` synthetic fused events (benchmarks/api_store.py). Timings
depend on the machine's load.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

DEFAULT_DB = HERE.parent / "build" / "api-latency-100000-s1-v2.db"


def _medians_ms(fns: list, runs: int) -> list[float]:
    """Each function's median time, the functions taking turns (a change of the machine's load hits all)."""
    times: list[list[float]] = [[] for _ in fns]
    for fn in fns:
        fn()  # warm: the pages in the cache, the statement compiled
    for _ in range(runs):
        for fn, ts in zip(fns, times, strict=True):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
    return [statistics.median(ts) * 1000 for ts in times]


PG_DATABASE = "ew_bench_rollup"
DROP_PG = f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'


def _pg_admin(url: str, *statements: str) -> str:
    """Runs statements on the server's ``postgres`` database; the benchmark database's URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for sql in statements:
            conn.execute(text(sql))
    admin.dispose()
    return base.set(database=PG_DATABASE).render_as_string(hide_password=False)


def _pg_database(url: str, n: int) -> str:
    import api_store

    db = _pg_admin(url, DROP_PG, f'CREATE DATABASE "{PG_DATABASE}"')
    t0 = time.perf_counter()
    api_store.build(db, n)
    print(f"built {n} fused events (triggers on): {time.perf_counter() - t0:.1f} s")
    return db


def vacuum(store) -> None:
    """PostgreSQL: what autovacuum does soon after a bulk write (each statement's upsert leaves a dead
    version of every key it touched in fused_day_counts; rolled-back passes leave theirs too)."""
    if store.dialect == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE fused_events, fused_day_counts")


def read(store, runs: int) -> None:
    from eventwire.api import aggregates
    from eventwire.store.query import EventFilter, count_events

    real = aggregates.count_events
    for label, f in [("whole store", EventFilter()),
                     ("2022 Battles", EventFilter(since="2022-03", until="2022-08", event_type="Battles"))]:
        def weekly(f=f, rollup=True):
            aggregates.count_events = lambda *a, **kw: real(*a, **kw, rollup=rollup)
            try:
                return aggregates.count(store, f, False, "week", "event_type")
            finally:
                aggregates.count_events = real

        fig = {}
        fig["count_events", False], fig["count_events", True], fig["weekly", False], fig["weekly", True] = _medians_ms(
            [lambda f=f: list(count_events(store, f, False, "event_type", rollup=False)),
             lambda f=f: list(count_events(store, f, False, "event_type")),
             lambda f=f: weekly(f, rollup=False), lambda f=f: weekly(f)], runs)
        for what in ("count_events", "weekly"):
            base, rolled = fig[what, False], fig[what, True]
            print(f"read  {label:12} {what:12}  base {base:8.2f} ms   rollup {rolled:7.2f} ms   "
                  f"ratio {base / rolled:6.1f}x   (median of {runs})")


def rollup_matches(conn) -> bool:
    from sqlalchemy import text

    base = text("SELECT coalesce(date, ''), date IS NULL, event_type, count(*) FROM fused_events GROUP BY 1, 2, 3")
    rolled = text("SELECT date, undated, event_type, n FROM fused_day_counts WHERE n > 0")
    return sorted(map(tuple, conn.execute(base))) == sorted(map(tuple, conn.execute(rolled)))


def write(store, k: int) -> None:
    from sqlalchemy import delete, insert, select, text

    from eventwire.store import schema as t

    fe = t.fused_events
    drops = ["fused_day_counts_insert", "fused_day_counts_delete", "fused_day_counts_update"]
    if store.dialect == "postgresql":
        drops.append("fused_day_counts_truncate")
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(fe).order_by(fe.c.id).limit(k)).mappings()]
    ids = [r["id"] for r in rows]
    secs = {}
    for triggers in (False, True, False, True):  # twice each, alternating: the second pass is timed
        vacuum(store)
        with store.engine.connect() as conn:
            trans = conn.begin()
            if store.dialect == "sqlite":
                conn.exec_driver_sql("BEGIN")  # pysqlite would run the DROP outside the transaction
            if not triggers:
                for name in drops:
                    conn.execute(text(f"DROP TRIGGER {name}" + (" ON fused_events"
                                                                if store.dialect == "postgresql" else "")))
            t0 = time.perf_counter()
            for i in range(0, len(ids), 500):
                conn.execute(delete(fe).where(fe.c.id.in_(ids[i:i + 500])))
            for i in range(0, len(rows), 2000):
                conn.execute(insert(fe), rows[i:i + 2000])
            secs[triggers] = time.perf_counter() - t0
            trans.rollback()
        with store.engine.connect() as conn:  # the rollback brought the triggers back
            assert rollup_matches(conn), "fused_day_counts differs from fused_events"
    print(f"write {k} deleted + inserted in batches:  without triggers {secs[False]:.3f} s   "
          f"with {secs[True]:.3f} s   ratio {secs[True] / secs[False]:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default=str(DEFAULT_DB), help="a SQLite store (copied first)")
    ap.add_argument("--pg-url", help="a PostgreSQL server: a fresh database of --n synthetic fused events")
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--write", type=int, default=20_000, help="fused events deleted and inserted again")
    args = ap.parse_args()

    from eventwire.store import Store
    from eventwire.store.db import safe_url

    if args.pg_url:
        db = _pg_database(args.pg_url, args.n)
        tmp = None
    else:
        src = Path(args.db)
        if not src.exists():
            sys.exit(f"{src}: no such store (benchmarks/api_latency.py builds it)")
        tmp = tempfile.TemporaryDirectory()
        db = str(Path(tmp.name) / src.name)
        for suffix in ("", "-wal", "-shm"):
            if Path(str(src) + suffix).exists():
                shutil.copy(str(src) + suffix, db + suffix)
    t0 = time.perf_counter()
    store = Store(db)
    what = f"open {safe_url(db)}" if tmp is None else f"open + migrate to head (the backfill) {args.db}"
    print(f"{what}: {time.perf_counter() - t0:.2f} s")
    with store.engine.connect() as conn:
        assert rollup_matches(conn), "fused_day_counts differs from fused_events"
    vacuum(store)
    try:
        read(store, args.runs)
        if args.write:
            write(store, args.write)
    finally:
        store.close()
        if tmp is not None:
            tmp.cleanup()
        else:
            _pg_admin(args.pg_url, DROP_PG)  # the server is shared: leave nothing behind


if __name__ == "__main__":
    main()
