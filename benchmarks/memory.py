"""Memory over a long ingest: resident set size every K articles over N (default 10,000).

Articles are built from random sentences of the article-extraction-benchmark's gold
bodies (eight sentences each, so that they are distinct and not near-duplicates) and
ingested one by one into a fresh SQLite store through the same Ingester the CLI uses.
Flat memory means the RSS after the warm-up stays within a few per cent while the
number of articles grows.

    python benchmarks/memory.py [--n 10000] [--every 1000]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "data" / "article-extraction-benchmark" / "ground-truth.json"


def rss_mb() -> float:
    # Current RSS from /proc (ru_maxrss is the peak, which cannot show a plateau).
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--every", type=int, default=1000)
    a = ap.parse_args()
    if not GOLD.exists():
        print("benchmark data not found; skipping")
        return 0
    sentences = [s.strip() for body in (v["articleBody"] for v in json.loads(GOLD.read_text()).values())
                 for s in re.split(r"(?<=[.!?])\s+", body) if 40 <= len(s.strip()) <= 300]
    rng = random.Random(7)

    from eventwire.ingest import Ingester, IngestSummary
    from eventwire.sources import RawInput
    from eventwire.store import Store

    with tempfile.TemporaryDirectory() as tmp, Store(str(Path(tmp) / "mem.db")) as store:
        ing = Ingester(store)
        summary = IngestSummary()
        print(f"{'articles':>9} {'stored':>7} {'dups':>5} {'RSS MB':>8}")
        base = None
        for i in range(1, a.n + 1):
            body = "\n\n".join(rng.sample(sentences, 8))
            text = f"Report number {i}\n\nPublished 1 March 2020\n\n{body}\n"
            ing.ingest_one(RawInput(f"synthetic-{i}.txt", text.encode("utf-8")), summary)
            if i % a.every == 0:
                now = rss_mb()
                base = base or now
                print(f"{i:>9} {summary.stored:>7} {summary.duplicates:>5} {now:>8.0f}  ({now / base - 1:+.1%} "
                      f"since {a.every})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
