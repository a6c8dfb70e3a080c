"""Long texts: time and peak memory of one article of 10k, 100k, 1M and 5M characters.

Each text is real prose: the article-extraction-benchmark's gold bodies, read at run
time, joined as paragraphs (over again when the size asks for more) under a dateline.
Each size runs in a fresh process through the real path of ``eventwire extract``
(reading, pipeline, record as JSON), with no --max-chars cap; the child reports its
wall time and its peak resident set size (ru_maxrss), and its RSS once the pipeline is
loaded, so that what one article costs shows apart from the models and tables.

    python benchmarks/long_text.py [--sizes 10000,100000,1000000,5000000] [--piece-chars N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "data" / "article-extraction-benchmark" / "ground-truth.json"


def build_text(size: int) -> str:
    bodies = [v["articleBody"].strip() for v in json.loads(GOLD.read_text()).values()]
    parts, n, i = ["Published 1 May 2020"], 0, 0
    while n < size:
        parts.append(bodies[i % len(bodies)])
        n += len(parts[-1]) + 2
        i += 1
    return "\n\n".join(parts)[:size]


def child(path: str, piece_chars: int | None) -> None:
    from eventwire.config import Settings
    from eventwire.extract import extract_bytes
    from eventwire.pipeline import Pipeline

    settings = Settings(max_chars=None, **({"piece_chars": piece_chars} if piece_chars else {}))
    pipeline = Pipeline(settings)
    pipeline.warm()
    with open("/proc/self/statm") as fh:
        loaded = int(fh.read().split()[1]) * resource.getpagesize()
    data = Path(path).read_bytes()
    t0 = time.perf_counter()
    doc = extract_bytes(data, Path(path).name, pipeline)
    out = json.dumps(doc.to_record(), ensure_ascii=False)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "chars": len(doc.article.text), "record_bytes": len(out),
                      "events": len(doc.events), "entities": len(doc.entities),
                      "loaded_rss": loaded, "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000,5000000")
    ap.add_argument("--piece-chars", type=int, help="Settings.piece_chars (default: the Settings default)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.child, a.piece_chars)
        return 0
    if not GOLD.exists():
        print("benchmark data not found; skipping")
        return 0
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"{'chars':>10} {'seconds':>8} {'chars/s':>8} {'peak RSS MB':>12} {'loaded MB':>10} {'peak-loaded':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in a.sizes.split(",")):
            path = Path(tmp) / f"long-{size}.txt"
            path.write_text(build_text(size), encoding="utf-8")
            cmd = [sys.executable, __file__, "--child", str(path)]
            if a.piece_chars:
                cmd += ["--piece-chars", str(a.piece_chars)]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"{size:>10} failed: {(proc.stderr.strip().splitlines() or ['?'])[-1]}")
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            mb = 1e6
            print(f"{r['chars']:>10} {r['seconds']:>8.1f} {r['chars'] / r['seconds']:>8.0f} "
                  f"{r['peak_rss'] / mb:>12.0f} {r['loaded_rss'] / mb:>10.0f} "
                  f"{(r['peak_rss'] - r['loaded_rss']) / mb:>12.0f}", flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
