"""The monitor's sustained throughput and lag, from a local server with 50 feeds.

A server on 127.0.0.1 serves ``--feeds`` RSS feeds; a publisher adds one new article to every
feed each ``--every`` seconds for ``--rounds`` rounds (real news pages: the
article-extraction-benchmark's, read from ../shared/data). `eventwire watch` (the Watcher, in this
process) polls each feed every ``--interval`` seconds until every published item is handled.
Prints:
  - articles/minute sustained (stored articles over the time from the first publication to the last store);
  - lag from an item's publication (its appearance in its feed) to its article being stored, and to
    the end of the fusion round that fused it (p50, p90, max);
  - lag from an item's publication to the arrival of its alert at a signed webhook receiver on 127.0.0.1
    (one alert rule, political violence and demonstrations anywhere, matching a share of the articles; for each alert,
    from the publication of the newest article of the event it reports);
  - the pipeline's share of the time (reading + annotating + storing one article).
One host stands for 50 sites, so the per-host politeness interval is off (``--host-interval 0``).

    python benchmarks/watch_throughput.py [--feeds 50] [--rounds 3] [--every 60] [--interval 15]
    python benchmarks/watch_throughput.py --sample   # 5 feeds, 1 round, the bundled sample pages
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import hmac
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))


def _pages(sample: bool) -> list[bytes]:
    from tests.webserver import sample_pages

    if sample:
        return sample_pages()
    files = sorted((DATA / "article-extraction-benchmark" / "html").glob("*.html.gz"))
    return [gzip.decompress(f.read_bytes()) for f in files] or sample_pages()


HOOK_SECRET_ENV = "EVENTWIRE_BENCH_HOOK_SECRET"
ALERT_TYPES = ["Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots"]


class _Receiver:
    """A webhook receiver on 127.0.0.1: each alert's arrival time, payload and whether its signature holds."""

    def __init__(self, secret: str) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.got: list[tuple[float, dict, bool]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                ts = self.headers.get("X-Eventwire-Timestamp", "")
                want = "sha256=" + hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
                outer.got.append((time.monotonic(), json.loads(body),
                                  hmac.compare_digest(want, self.headers.get("X-Eventwire-Signature", ""))))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_a) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _add_alert(store, url: str) -> None:
    """The alert rule: political violence and demonstrations anywhere (a share of the articles), to the receiver."""
    from eventwire.alerts import registry
    from eventwire.alerts.rules import Deliveries, Filters
    from eventwire.alerts.run import record

    os.environ[HOOK_SECRET_ENV] = os.environ.get(HOOK_SECRET_ENV) or "benchmark-secret-0123456789"
    with store.engine.begin() as conn:
        registry.add(conn, "bench", Filters(bbox=[-180.0, -90.0, 180.0, 90.0], types=ALERT_TYPES),
                     Deliveries(webhook=url, secret_env=HOOK_SECRET_ENV), None, False)
    record(store)


def _urls(payload: dict) -> set[str]:
    """The fetched URLs of the alert's event's reports (a page's own canonical URL may differ)."""
    return {r.get("input") for r in payload["event"].get("reports") or []} | \
        {s.get("url") for s in payload["event"].get("sources") or []}


def _alert_lags(got: list[tuple[float, dict, bool]], published: dict[str, float]) -> list[float]:
    """Each alert's arrival minus the publication of the newest of its event's articles (the one it reports)."""
    lags = []
    for at, payload, _ok in got:
        pubs = [published[u] for u in _urls(payload) if u in published]
        if pubs:
            lags.append(at - max(pubs))
    return lags


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=3, help="publication rounds (one new article per feed each)")
    ap.add_argument("--every", type=float, default=60.0, help="seconds between publication rounds")
    ap.add_argument("--interval", type=float, default=15.0, help="each feed's polling interval (s)")
    ap.add_argument("--workers", type=int, default=4, help="fetching threads")
    ap.add_argument("--host-interval", type=float, default=0.0)
    ap.add_argument("--max-seconds", type=float, default=3600.0, help="stop the watcher after this long")
    ap.add_argument("--sample", action="store_true", help="5 feeds, 1 round, the bundled pages: a quick check")
    a = ap.parse_args()
    if a.sample:
        a.feeds, a.rounds, a.every, a.interval = 5, 1, 1.0, 2.0
    from eventwire.config import Settings
    from eventwire.fetching.settings import FetchSettings
    from eventwire.ingest import Ingester
    from eventwire.store import Store
    from eventwire.watch.loop import Watcher
    from eventwire.watch.sourcelist import Source
    from tests.webserver import Site, rss

    pages = _pages(a.sample)
    total = a.feeds * a.rounds
    if total > len(pages):
        print(f"only {len(pages)} distinct pages for {total} articles: lower --feeds or --rounds")
        return 2
    site = Site()
    feeds: list[list[tuple[str, str]]] = [[] for _ in range(a.feeds)]
    published: dict[str, float] = {}
    for f in range(a.feeds):
        site.set(f"/feeds/{f}.xml", rss([]), content_type="application/rss+xml")

    def publish(r: int) -> None:
        for f in range(a.feeds):
            n = r * a.feeds + f
            path = f"/news/2026/12/feed-{f}-story-{n}"
            site.set(path, pages[n])
            feeds[f].insert(0, (site.url(path), f"story {n}"))
            published[site.url(path)] = time.monotonic()
            site.set(f"/feeds/{f}.xml", rss(feeds[f]), content_type="application/rss+xml", etag=f'"{r}"')

    stored_at: dict[str, float] = {}
    fused_at: dict[str, float] = {}
    pending_fuse: list[str] = []
    in_pipeline = [0.0]

    def report(event: str, data: dict) -> None:
        now = time.monotonic()
        if event == "item" and data["outcome"] in ("stored", "duplicate", "already"):
            stored_at[data["url"]] = now
            pending_fuse.append(data["url"])
        elif event == "round" and data.get("fused"):
            for u in pending_fuse:
                fused_at[u] = now
            pending_fuse.clear()

    receiver = _Receiver(os.environ.get(HOOK_SECRET_ENV) or "benchmark-secret-0123456789")
    with tempfile.TemporaryDirectory() as tmp, Store(str(Path(tmp) / "bench.db")) as store:
        _add_alert(store, receiver.url)
        settings = Settings()
        ingester = Ingester(store, settings)
        ingester.pipeline.warm()
        inner = ingester.ingest_one

        def timed(raw, summary):
            t0 = time.perf_counter()
            try:
                inner(raw, summary)
            finally:
                in_pipeline[0] += time.perf_counter() - t0

        ingester.ingest_one = timed
        sources = [Source(site.url(f"/feeds/{f}.xml"), f"feed-{f}", a.interval, "feed", allow_private=True)
                   for f in range(a.feeds)]
        fetch = FetchSettings.load(host_interval=a.host_interval, host_concurrency=max(2, a.workers))
        w = Watcher(store, sources, settings, fetch=fetch, workers=a.workers, report=report, ingester=ingester)
        t_start = time.monotonic()

        def publisher() -> None:
            for r in range(a.rounds):
                publish(r)
                if r + 1 < a.rounds and w.stop.wait(a.every):
                    return

        def done_watch() -> None:
            while not w.stop.wait(0.5):
                if len(fused_at) >= total or time.monotonic() - t_start > a.max_seconds:
                    w.stop.set()

        threads = [threading.Thread(target=publisher, daemon=True), threading.Thread(target=done_watch, daemon=True)]
        for th in threads:
            th.start()
        w.run(max_seconds=a.max_seconds)
        w.close()
        counts = store.counts()
    site.close()
    receiver.close()
    first = min(published.values())
    last = max(stored_at.values()) if stored_at else first
    minutes = (last - first) / 60
    lag_s = [stored_at[u] - published[u] for u in stored_at]
    lag_f = [fused_at[u] - published[u] for u in fused_at]
    print(f"feeds {a.feeds}, rounds {a.rounds} every {a.every:g} s, polled every {a.interval:g} s, "
          f"{a.workers} fetching threads")
    print(f"published {total}, stored {len(stored_at)} ({counts['articles']} articles in the store, "
          f"{counts['duplicates']} near-duplicates), in {last - first:.1f} s")
    print(f"throughput: {len(stored_at) / minutes if minutes else float('nan'):.1f} articles/minute sustained")
    for name, xs in (("stored", lag_s), ("fused", lag_f)):
        print(f"lag publication -> {name}: p50 {statistics.median(xs) if xs else float('nan'):.1f} s, "
              f"p90 {_pct(xs, 0.9):.1f} s, max {max(xs) if xs else float('nan'):.1f} s")
    lag_a = _alert_lags(receiver.got, published)
    alerted = {u for _at, p, _ok in receiver.got for u in _urls(p)} & set(published)
    print(f"alerts: {len(receiver.got)} received ({sum(ok for *_x, ok in receiver.got)} signed), on "
          f"{len({p['event_key'] for _at, p, _ok in receiver.got})} events from {len(alerted)} of {total} articles "
          f"(rule: {', '.join(ALERT_TYPES)}, anywhere)")
    print(f"lag publication -> alert: p50 {statistics.median(lag_a) if lag_a else float('nan'):.1f} s, "
          f"p90 {_pct(lag_a, 0.9):.1f} s, max {max(lag_a) if lag_a else float('nan'):.1f} s")
    print(f"pipeline share of the time: {100 * in_pipeline[0] / (last - first) if last > first else 0:.0f} %")
    return 0 if len(fused_at) == total else 1


if __name__ == "__main__":
    sys.exit(main())
