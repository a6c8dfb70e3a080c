"""Fusion at scale: synthetic per-article events with planted real-world events, fused in a real store.

For each size N (reports, i.e. per-article events) a fresh SQLite store gets about N reports written
straight into its tables (benchmarks/fusion_synthetic.py: planted events reported by 1-6 articles
with noise, look-alike distractors; no NLP), then:

- ``fuse(store, full=True)`` is timed, with the peak resident memory of the process that ran it
  (its own child process, so sizes do not share a peak; ``base`` is that process before fusing);
- 1% more articles are written (new events and late reports of stored ones, on any day) and the
  incremental ``fuse(store)`` is timed ("incr s"); then 1% more of fresh news (new events of the
  store's last 7 days, what a daily ingest brings) and its incremental run ("fresh s"); a second full
  run must then give the same fused events ("incr = full");
- the fused partition is scored against the planted one: pairwise precision and recall of article
  pairs (sharing a planted event vs put in one fused event), over all reports and over those fusion
  can place (a day and a town or district; the rest stay alone by design).

    python benchmarks/fusion_scale.py                  # 10k, 30k, 100k
    python benchmarks/fusion_scale.py --sizes 20000    # one size
    python benchmarks/fusion_scale.py --quick          # 2k, 5k (the CI sample)
    python benchmarks/fusion_scale.py --constant-density   # 10k in 73 days ... 100k in 730 days

By default every size spans the same two years, so a larger store is also a denser one: each report
has more look-alikes (same days, neighbouring places) to compare with, as in a real store that
grows by covering the same conflicts more closely. ``--constant-density`` spreads the sizes over
days in proportion instead, as a store that grows by covering more time.

Timings depend on the machine's load; the growth ratio (largest / smallest size, same run) is the
figure to compare with linear growth.
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

FULL = [10_000, 30_000, 100_000]
DAYS = 730  # the synthetic reports' span (fusion_synthetic.DAYS)
QUICK = [2_000, 5_000]


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def _prepare(n: int, folder: Path, seed: int, days: int) -> dict:
    """Child: write the store (about n reports) and keep 1% more articles for the incremental run."""
    from fusion_synthetic import START, Generator, truth, write

    from eventwire.store import Store

    bundles = Generator(seed, days=days).bundles(n + n // 100)
    cut, count = 0, 0
    while count < n:
        count += len(bundles[cut].events)
        cut += 1
    base, extra = bundles[:cut], bundles[cut:]
    t0 = time.perf_counter()
    with Store(str(folder / "fusion.db")) as store:
        write(store, base)
    fresh = Generator(seed, days=7, first_day=START + days - 7).bundles(n // 100, tag="fresh")
    (folder / "extra.pickle").write_bytes(pickle.dumps((extra, fresh)))
    (folder / "truth.json").write_text(json.dumps(truth(bundles + fresh)))
    return {"reports": sum(len(b.events) for b in base), "articles": len(base) + sum(len(b.copies) for b in base),
            "extra_reports": sum(len(b.events) for b in extra), "extra_articles": len(extra),
            "write_s": time.perf_counter() - t0}


def _partition(store) -> dict[str, tuple[str, ...]]:
    from sqlalchemy import select

    from eventwire.store import schema as t

    out: dict[str, list[str]] = {}
    with store.engine.connect() as conn:
        for rid, fid in conn.execute(select(t.fused_reports.c.event_id, t.fused_reports.c.fused_id)):
            out.setdefault(fid, []).append(rid)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _fuse(folder: Path) -> dict:
    """Child: time the full and the incremental run, measure the peak, score the partition."""
    from fusion_synthetic import pairwise, write
    from sqlalchemy import select

    from eventwire.fusion import fuse, get_settings
    from eventwire.store import Store
    from eventwire.store import schema as t

    get_settings()
    out: dict = {}
    with Store(str(folder / "fusion.db")) as store:
        out["base_mb"] = _rss_mb()
        s = fuse(store, full=True)
        out.update(full_s=s.seconds, fused=s.fused, merged=s.merged, peak_mb=_maxrss_mb())
        extra, fresh = pickle.loads((folder / "extra.pickle").read_bytes())
        write(store, extra)
        s = fuse(store)
        out.update(incr_s=s.seconds)
        write(store, fresh)
        s = fuse(store)
        out.update(fresh_s=s.seconds, fresh_reports=sum(len(b.events) for b in fresh))
        after_incr = _partition(store)
        out["full2_s"] = fuse(store, full=True).seconds
        out["incr_equals_full"] = after_incr == _partition(store)
        with store.engine.connect() as conn:
            fused = {r: f for f, rs in after_incr.items() for r in rs}
            rows = conn.execute(select(t.events.c.id, t.event_sources.c.article_id, t.events.c.geo_precision,
                                       t.events.c.date_precision)
                                .join(t.event_sources, t.event_sources.c.event_id == t.events.c.id)).all()
    planted = json.loads((folder / "truth.json").read_text())
    articles = {r[0]: r[1] for r in rows}
    out["precision"], out["recall"] = pairwise(planted, fused, articles)
    placed = {r[0] for r in rows if r[2] in (1, 2) and r[3] == "day"}
    out["precision_placed"], out["recall_placed"] = pairwise(
        {k: v for k, v in planted.items() if k in placed}, {k: v for k, v in fused.items() if k in placed}, articles)
    return out


def _child(kind: str, n: int, folder: Path, seed: int, days: int) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, "--sizes", str(n), "--dir", str(folder), "--seed", str(seed),
           "--days", str(days)]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"fusion_scale: {kind} {n} failed:\n{res.stderr[-2000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", help="comma-separated numbers of reports (default 10000,30000,100000)")
    ap.add_argument("--quick", action="store_true", help="2000 and 5000 reports (a quick sample)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--constant-density", action="store_true",
                    help="spread each size over days in proportion (the largest over two years), so that a report "
                         "has as many look-alikes at every size")
    ap.add_argument("--days", type=int, default=DAYS, help=argparse.SUPPRESS)
    ap.add_argument("--child", choices=["prepare", "fuse"], help=argparse.SUPPRESS)
    ap.add_argument("--dir", help=argparse.SUPPRESS)
    a = ap.parse_args()
    sizes = [int(x) for x in a.sizes.split(",")] if a.sizes else (QUICK if a.quick else FULL)
    if a.child:
        folder = Path(a.dir)
        res = _prepare(sizes[0], folder, a.seed, a.days) if a.child == "prepare" else _fuse(folder)
        print(json.dumps(res))
        return 0

    cols = [("reports", "{reports}"), ("articles", "{articles}"), ("days", "{days}"), ("full s", "{full_s:.2f}"),
            ("reports/s", "{rate:.0f}"), ("incr s", "{incr_s:.2f}"), ("+reports", "{extra_reports}"),
            ("fresh s", "{fresh_s:.2f}"), ("+reports", "{fresh_reports}"), ("peak MB", "{peak_mb:.0f}"),
            ("base MB", "{base_mb:.0f}"), ("fused", "{fused}"), ("P", "{precision:.3f}"), ("R", "{recall:.3f}"),
            ("P placed", "{precision_placed:.3f}"), ("R placed", "{recall_placed:.3f}"), ("incr=full", "{same}")]
    print(" ".join(f"{name:>9}" for name, _ in cols))
    results = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="eventwire-fusion-scale-") as tmp:
            days = max(7, round(DAYS * n / max(sizes))) if a.constant_density else DAYS
            prep = _child("prepare", n, Path(tmp), a.seed, days)
            r = {**prep, **_child("fuse", n, Path(tmp), a.seed, days), "days": days}
        r.update(rate=r["reports"] / r["full_s"], same="yes" if r["incr_equals_full"] else "NO")
        results.append(r)
        print(" ".join(f"{fmt.format(**r):>9}" for _name, fmt in cols), flush=True)
    if len(results) > 1:
        lo, hi = results[0], results[-1]
        size = hi["reports"] / lo["reports"]
        print(f"growth: {size:.1f}x the reports; full run {hi['full_s'] / lo['full_s']:.1f}x longer (linear: "
              f"{size:.1f}x); incremental run {hi['incr_s'] / lo['incr_s']:.1f}x; fresh-news run "
              f"{hi['fresh_s'] / lo['fresh_s']:.1f}x")
    return 0 if all(r["incr_equals_full"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
