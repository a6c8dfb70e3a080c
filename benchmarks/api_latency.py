"""Latency of the REST API under concurrent clients: a real ``eventwire serve`` on loopback.

For each back-end (SQLite, and PostgreSQL when a server URL is given) a store of N fused events
(benchmarks/api_store.py: synthetic fused events written straight into ``fused_events``; cached
under build/ for SQLite, a fresh database on the server for PostgreSQL) is served by
``python -m eventwire serve`` on 127.0.0.1, and C client threads (keep-alive HTTP connections, each
opened with one request that is not measured) send a bounded number of requests per scenario, with
a time cap:

- ``page``: a page of 100 events with a random filter (a type and a country, a date range, or a
  country from a month on);
- ``deep``: following next_cursor, each client from a random place in the whole store (deep pages);
- ``weekly``: the weekly aggregate by event type over the whole store, as the dashboard asks on each
  load (the API keeps fused-event counts until a fusion run changes the fused events);
- ``weekly-counted``: the same counted every time (an unknown parameter unique to each request makes
  it an answer never kept);
- ``weekly+filter``: the weekly aggregate with a random filter, counted every time.

It prints p50/p95/max latency and throughput per scenario and back-end, for the full store and for
a baseline store of a tenth of its size (same process, same load): with keyset pages and counts in
the database the ratio stays near 1, where streaming every row would grow it tenfold. Then,
in-process and single-threaded, the previous approach (stream the sorted rows in Python and skip
to the cursor; count in Python over every matching event) against the current one on the full store.

    python benchmarks/api_latency.py                      # 100,000 events, 2,000 requests per scenario
    python benchmarks/api_latency.py --pg-url postgresql://postgres:eventwire@127.0.0.1:5432/postgres
    python benchmarks/api_latency.py --sample             # a few seconds: small stores, few requests

The PostgreSQL URL defaults to $EVENTWIRE_TEST_PG_URL. Timings depend on the machine's load.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

BUILD = HERE.parent / "build"
STORE_VERSION = 2  # bump when api_store.rows changes, so cached stores are rebuilt
SCENARIOS = ("page", "deep", "weekly", "weekly-counted", "weekly+filter")


# ---- stores ----------------------------------------------------------------------------------------


def sqlite_store(n: int, seed: int, folder: Path = BUILD) -> str:
    """A cached SQLite store of ``n`` fused events (built on first use)."""
    import api_store

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"api-latency-{n}-s{seed}-v{STORE_VERSION}.db"
    if not path.exists():
        tmp = path.with_suffix(".part")
        for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            p.unlink(missing_ok=True)
        api_store.build(str(tmp), n, seed)
        tmp.rename(path)
    else:
        from eventwire.store import Store

        Store(str(path)).close()  # brings a cached store to the newest schema
    return str(path)


def pg_store(url: str, n: int, seed: int) -> str:
    """A fresh database ``ew_api_latency_N`` on the server at ``url``, holding ``n`` fused events."""
    import api_store
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"ew_api_latency_{n}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    db = base.set(database=name).render_as_string(hide_password=False)
    api_store.build(db, n, seed)
    eng = create_engine(db, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(text("VACUUM ANALYZE fused_events, fused_day_counts"))  # what autovacuum does after a bulk load
    eng.dispose()
    return db


def positions(db: str, k: int, seed: int) -> list[tuple[str | None, str]]:
    """``k`` random (date, id) rows of the store: where the deep-paging clients start."""
    from sqlalchemy import select

    from eventwire.store import Store
    from eventwire.store import schema as t

    with Store(db, create=False) as store, store.engine.connect() as conn:
        rows = conn.execute(select(t.fused_events.c.date, t.fused_events.c.id)).all()
    rng = random.Random(f"positions:{seed}")
    return [tuple(r) for r in rng.sample(rows, min(k, len(rows)))]


# ---- the server and the clients --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``python -m eventwire serve`` in a child process, until stopped."""

    def __init__(self, db: str, workers: int | None = None):
        self.port = _free_port()
        cmd = [sys.executable, "-m", "eventwire", "serve", "--db", db, "--port", str(self.port)]
        if workers:
            cmd += ["--workers", str(workers)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/api/events?limit=1")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"api_latency: the server did not start: {self.proc.stderr.read()[-2000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _cursor(date: str | None, id_: str) -> str:
    from eventwire.api.cursor import encode

    return encode(date, id_)


def run_scenario(port: int, scenario: str, requests: int, clients: int, time_cap: float, filters: list[dict],
                 starts: list[tuple[str | None, str]], seed: int) -> dict:
    """``requests`` requests (fewer if ``time_cap`` seconds pass) from ``clients`` threads; latencies in ms."""
    lock = threading.Lock()
    issued = [0]
    latencies: list[float] = []
    errors: list[str] = []
    started: list[float] = []  # when every client had its connection: the measured part begins
    ready = threading.Barrier(clients, action=lambda: started.append(time.monotonic()), timeout=120)

    def take() -> bool:
        with lock:
            if issued[0] >= requests or time.monotonic() > started[0] + time_cap:
                return False
            issued[0] += 1
            return True

    def client(k: int) -> None:
        rng = random.Random(f"{seed}:{scenario}:{k}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        start = starts[k % len(starts)]
        cursor = _cursor(*start)
        try:
            # Warm-up, not measured: connect and ask once, so that the figures are of requests on
            # kept-alive connections, not of 20 connections accepted at once by a busy server.
            try:
                conn.request("GET", "/api/events?limit=1")
                conn.getresponse().read()
            finally:
                ready.wait()
            while take():
                if scenario == "page":
                    path = "/api/events?" + urllib.parse.urlencode({"limit": 100, **rng.choice(filters)})
                elif scenario == "deep":
                    path = "/api/events?" + urllib.parse.urlencode({"limit": 100, "cursor": cursor})
                elif scenario == "weekly":  # the dashboard's whole-store count: kept until fusion changes it
                    path = "/api/aggregates?by=week&group=event_type"
                elif scenario == "weekly-counted":  # the same, counted every time (a parameter never asked before)
                    path = f"/api/aggregates?by=week&group=event_type&nocache={k}-{issued[0]}"
                else:  # a random filter, counted every time
                    path = "/api/aggregates?" + urllib.parse.urlencode({"by": "week", "group": "event_type",
                                                                        **rng.choice(filters),
                                                                        "nocache": f"{k}-{issued[0]}"})
                t0 = time.perf_counter()
                conn.request("GET", path)
                resp = conn.getresponse()
                body = resp.read()
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    latencies.append(ms)
                if resp.status != 200:
                    with lock:
                        errors.append(f"{resp.status} {path}")
                    continue
                if scenario == "deep":
                    nxt = json.loads(body)["next_cursor"]
                    cursor = nxt or _cursor(*rng.choice(starts))  # at the end: start again elsewhere
        except (OSError, threading.BrokenBarrierError) as exc:
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.monotonic() - started[0] if started else 0.0
    lat = sorted(latencies)
    return {"requests": len(lat), "errors": len(errors), "first_error": errors[0] if errors else None,
            "p50": _pct(lat, 50), "p95": _pct(lat, 95), "max": lat[-1] if lat else float("nan"),
            "rps": len(lat) / wall if wall else 0.0,
            "capped": bool(started) and time.monotonic() > started[0] + time_cap}


def _pct(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[int(p) - 1]


# ---- in process: the previous approach against the current one ------------------------------------


def _old_page(rows, cur: tuple[str | None, str] | None, limit: int) -> list[dict]:
    """The API's pagination before keyset paging: stream the sorted rows, skip those up to the cursor."""
    def after(date, id_):
        cdate, cid = cur
        if date == cdate:
            return id_ > cid
        if date is None:
            return True
        if cdate is None:
            return False
        return date < cdate

    out = []
    for row in rows:
        if cur and not after(row["date"], row["id"]):
            continue
        out.append(row)
        if len(out) > limit:
            break
    close = getattr(rows, "close", None)
    if close:
        close()
    return out[:limit]


def _old_weekly(events) -> int:
    """The API's weekly count before the database counted: one pass in Python over every event."""
    from collections import Counter

    from eventwire.api.aggregates import period_of

    counts: Counter = Counter()
    for ev in events:
        p = period_of(ev["date"], "week")
        if p is not None:
            counts[(p, ev["event_type"])] += 1
    return len(counts)


def in_process(db: str, starts: list, repeat: int) -> dict:
    """Median ms of a deep page (from the middle of the store) and of the weekly aggregate, before and now."""
    from eventwire.api import aggregates
    from eventwire.store import Store
    from eventwire.store.query import EventFilter, find_fused_events

    def median_ms(fn) -> float:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        return statistics.median(times)

    with Store(db, create=False) as store:
        from sqlalchemy import func, select

        from eventwire.store import schema as t

        with store.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(t.fused_events)).scalar()
            mid = conn.execute(select(t.fused_events.c.date, t.fused_events.c.id)
                               .order_by(t.fused_events.c.date.desc(), t.fused_events.c.id)
                               .offset(total // 2).limit(1)).first()
        cur = (mid[0], mid[1])
        old_page = median_ms(lambda: _old_page(find_fused_events(store, EventFilter()), cur, 100))
        new_page = median_ms(lambda: list(find_fused_events(store, EventFilter(after=cur, limit=101))))
        old_week = median_ms(lambda: _old_weekly(find_fused_events(store, EventFilter())))
        new_week = median_ms(lambda: aggregates.count(store, EventFilter(), False, "week", "event_type"))
    return {"old_page": old_page, "new_page": new_page, "old_week": old_week, "new_week": new_week}


# ---- main ------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=100_000, help="fused events in the store (default 100000)")
    ap.add_argument("--requests", type=int, default=2000, help="requests per scenario (default 2000)")
    ap.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    ap.add_argument("--time-cap", type=float, default=120.0, help="seconds per scenario at most (default 120)")
    ap.add_argument("--pg-url", default=os.environ.get("EVENTWIRE_TEST_PG_URL"),
                    help="a PostgreSQL server to make a fresh database on (default $EVENTWIRE_TEST_PG_URL)")
    ap.add_argument("--backends", default="sqlite,postgresql", help="sqlite, postgresql or both (default)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the store of a tenth of the size")
    ap.add_argument("--workers", type=int, help="serve --workers N")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cache", type=Path, default=BUILD, help="folder of the cached SQLite stores (default build/)")
    ap.add_argument("--sample", action="store_true",
                    help="a few seconds: 1,000 events (baseline 100), 40 requests per scenario, 4 clients")
    a = ap.parse_args()
    if a.sample:
        a.events, a.requests, a.clients, a.time_cap = 1000, 40, 4, 20.0
    backends = [b for b in a.backends.split(",") if b]
    if "postgresql" in backends and not a.pg_url:
        print("api_latency: no PostgreSQL URL (--pg-url or $EVENTWIRE_TEST_PG_URL): SQLite only", file=sys.stderr)
        backends = [b for b in backends if b != "postgresql"]

    import api_store

    filters = api_store.sample_filters(200, a.seed)
    sizes = [a.events] if a.no_baseline else [a.events, max(a.events // 10, 100)]
    cols = ("backend", "events", "scenario", "requests", "errors", "p50 ms", "p95 ms", "max ms", "req/s")
    print(f"{a.clients} clients, up to {a.requests} requests per scenario (cap {a.time_cap:.0f} s)"
          + (f", serve --workers {a.workers}" if a.workers else ""))
    print(f"{cols[0]:<10} {cols[1]:>7} {cols[2]:<14} " + " ".join(f"{c:>8}" for c in cols[3:]))
    results: dict[tuple[str, int, str], dict] = {}
    failed = False
    for backend in backends:
        for n in sizes:
            t0 = time.perf_counter()
            db = sqlite_store(n, a.seed, a.cache) if backend == "sqlite" else pg_store(a.pg_url, n, a.seed)
            built = time.perf_counter() - t0
            starts = positions(db, max(a.clients * 4, 20), a.seed)
            server = Server(db, a.workers)
            try:
                for sc in SCENARIOS:
                    r = run_scenario(server.port, sc, a.requests, a.clients, a.time_cap, filters, starts, a.seed)
                    results[(backend, n, sc)] = r
                    failed |= r["errors"] > 0 or r["requests"] == 0
                    print(f"{backend:<10} {n:>7} {sc:<14} {r['requests']:>8} {r['errors']:>8} {r['p50']:>8.1f} "
                          f"{r['p95']:>8.1f} {r['max']:>8.1f} {r['rps']:>8.1f}"
                          + (" (time cap)" if r["capped"] else ""), flush=True)
                    if r["first_error"]:
                        print(f"  first error: {r['first_error']}", file=sys.stderr)
            finally:
                server.stop()
            if n == a.events:
                ip = in_process(db, starts, 3 if a.sample else 5)
                results[(backend, n, "in-process")] = ip
            print(f"  ({backend} store of {n} events ready in {built:.1f} s)", file=sys.stderr)
    for backend in backends:
        if len(sizes) > 1:
            big, small = sizes
            ratios = " ".join(f"{sc} {results[(backend, big, sc)]['p95'] / results[(backend, small, sc)]['p95']:.2f}x"
                              for sc in SCENARIOS)
            print(f"{backend}: p95 at {sizes[0]} events / at {sizes[1]}: {ratios}")
        ip = results[(backend, a.events, "in-process")]
        print(f"{backend}, in process, one client, {a.events} events: deep page (middle of the store) "
              f"{ip['old_page']:.1f} ms streaming -> {ip['new_page']:.1f} ms keyset "
              f"({ip['old_page'] / ip['new_page']:.0f}x); weekly aggregate {ip['old_week']:.1f} ms in Python -> "
              f"{ip['new_week']:.1f} ms GROUP BY ({ip['old_week'] / ip['new_week']:.0f}x)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
