"""Alerts on a large store: what a check costs when little changed, and the lag from a fused event
being written to its alert arriving at a webhook receiver on loopback.

A synthetic store (benchmarks/fusion_synthetic.py: planted events reported by 1-6 articles, no NLP)
of N reports is written and fused in full, then K alert rules are added (countries, places with a
radius, a box, a type; every one delivering to a signed webhook on 127.0.0.1). Timed:

- `first add s`: the first rule's `alerts add` (its recording step): every fused event gets its
  event key (alert_lineage), and the rule records the events it matches now, silently;
- `add s`: a further rule's (the lineage is there; only its matching events are recorded);
- `idle s`: `run_alerts` when nothing changed (median of 5): the one-join change check;
- then fresh news (M reports of new events in the store's last week) is written and fused
  incrementally (`fuse s`), and `run_alerts` records and delivers (`run s`, `fired`);
- `lag ms`: from the incremental fusion's commit to each alert's arrival at the receiver (p50, max).
  Publication-to-alert in `eventwire watch` adds the poll interval and the pipeline's time per
  article (benchmarks/throughput.py) to this.

`python benchmarks/alerts_lag.py` (30,000 reports); `--reports 100000`; `--sample` (3,000, quick).
Results: benchmarks/alerts_lag.md.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

SECRET = "benchmark-secret-0123456789"


class Receiver:
    def __init__(self):
        self.arrivals: list[tuple[float, bool]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                ts = self.headers.get("X-Eventwire-Timestamp", "")
                want = "sha256=" + hmac.new(SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
                outer.arrivals.append((time.perf_counter(),
                                       hmac.compare_digest(want, self.headers.get("X-Eventwire-Signature", ""))))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()


def _rules(n: int):
    from fusion_synthetic import REGIONS, Generator

    from eventwire.alerts.rules import Filters

    towns = Generator(1).towns
    out = [Filters(bbox=[-180.0, -90.0, 180.0, 90.0], types=["Battles"])]
    for i in range(1, n):
        r = REGIONS[i % len(REGIONS)]
        if i % 3 == 0:
            town = towns[i % len(towns)][i]
            out.append(Filters(near=town.name, lat=town.lat, lon=town.lon, radius_km=50.0))
        elif i % 3 == 1:
            out.append(Filters(country=r[4]))
        else:
            out.append(Filters(country=r[4], types=["Violence against civilians", "Explosions/Remote violence"],
                               min_fatalities=1))
    return out


def run(n_reports: int, n_alerts: int, fresh: int, seed: int) -> dict:
    from fusion_synthetic import DAYS, START, Generator, write

    from eventwire.alerts import registry, run_alerts
    from eventwire.alerts.rules import Deliveries
    from eventwire.alerts.run import record
    from eventwire.fusion import fuse
    from eventwire.store import Store

    out: dict = {}
    rx = Receiver()
    with tempfile.TemporaryDirectory(prefix="eventwire-alerts-lag-") as tmp, Store(str(Path(tmp) / "a.db")) as store:
        bundles = Generator(seed).bundles(n_reports)
        write(store, bundles)
        out["reports"] = sum(len(b.events) for b in bundles)
        s = fuse(store, full=True)
        out["fused"], out["full_fuse_s"] = s.fused, s.seconds
        adds = []
        for i, f in enumerate(_rules(n_alerts)):
            with store.engine.begin() as conn:
                registry.add(conn, f"rule{i}", f, Deliveries(webhook=rx.url), SECRET, False)
            t0 = time.perf_counter()
            record(store)
            adds.append(time.perf_counter() - t0)
        out["first_add_s"], out["add_s"] = adds[0], statistics.median(adds[1:]) if len(adds) > 1 else 0.0
        idle = []
        for _ in range(5):
            t0 = time.perf_counter()
            sm = run_alerts(store)
            idle.append(time.perf_counter() - t0)
            assert sm.fired == 0
        out["idle_s"] = statistics.median(idle)
        news = Generator(seed, days=7, first_day=START + DAYS - 7).bundles(fresh, tag="fresh")
        write(store, news)
        out["fresh_reports"] = sum(len(b.events) for b in news)
        s = fuse(store)
        written = time.perf_counter()
        out["fuse_s"] = s.seconds
        sm = run_alerts(store)
        out["run_s"], out["changed"], out["fired"], out["delivered"] = sm.seconds, sm.changed, sm.fired, sm.delivered
        deadline = time.monotonic() + 10
        while len(rx.arrivals) < sm.delivered and time.monotonic() < deadline:
            time.sleep(0.01)
        lags = sorted((a - written) * 1000 for a, _ok in rx.arrivals)
        out["signed"] = all(ok for _a, ok in rx.arrivals)
        out["lag_p50_ms"] = statistics.median(lags) if lags else float("nan")
        out["lag_max_ms"] = lags[-1] if lags else float("nan")
        out["received"] = len(lags)
    rx.server.shutdown()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=30_000, help="synthetic reports in the store (default 30000)")
    ap.add_argument("--alerts", type=int, default=10, help="alert rules (default 10)")
    ap.add_argument("--fresh", type=int, default=60, help="reports of fresh news written after (default 60)")
    ap.add_argument("--sample", action="store_true", help="a quick run: 3000 reports, 4 rules")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    n, k = (3000, 4) if a.sample else (a.reports, a.alerts)
    r = run(n, k, a.fresh, a.seed)
    print(f"store: {r['reports']} reports in {r['fused']} fused events (full fusion {r['full_fuse_s']:.1f} s); "
          f"{k} alert rules, each posting to a webhook on loopback")
    print(f"first alerts add: {r['first_add_s']:.2f} s (event keys for every fused event); "
          f"another: {r['add_s']:.2f} s; a check with nothing changed: {r['idle_s'] * 1000:.0f} ms")
    print(f"fresh news: {r['fresh_reports']} reports, incremental fusion {r['fuse_s']:.2f} s; run_alerts "
          f"{r['run_s']:.2f} s: {r['changed']} changed events, {r['fired']} alerts fired, {r['delivered']} delivered, "
          f"{r['received']} received, signatures {'ok' if r['signed'] else 'BAD'}")
    print(f"lag from fused event written to alert received: p50 {r['lag_p50_ms']:.0f} ms, "
          f"max {r['lag_max_ms']:.0f} ms")
    return 0 if r["signed"] and r["received"] == r["delivered"] else 1


if __name__ == "__main__":
    sys.exit(main())
