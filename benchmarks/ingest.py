"""Ingest throughput: serial against a local Dask cluster, and the store's share of the time.

Inputs: the article-extraction-benchmark pages and the WARC excerpt (../shared/data).
Prints, in one process:
  - extraction alone (read + pipeline, nothing stored): articles/s;
  - serial ingest into a fresh SQLite store: articles/s, and the store's cost over
    extraction alone (target: at most 10 %);
  - ingest with --workers N (default 2) into another fresh store: articles/s and the
    speed-up over serial (target: at least 1.7x with 2 workers), cluster start-up
    reported apart.

    python benchmarks/ingest.py [--limit N] [--workers 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, help="only the first N benchmark pages")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3, help="alternating serial/parallel pairs (default 3)")
    a = ap.parse_args()
    pages = sorted((DATA / "article-extraction-benchmark" / "html").glob("*.html.gz"))[: a.limit]
    warc = DATA / "warc" / "cc-main-2020-34-excerpt.warc.gz"
    if not pages:
        print("benchmark pages not found; skipping")
        return 0

    from eventwire.config import Settings
    from eventwire.pipeline import Pipeline
    from eventwire.reading import read_article
    from eventwire.sources import iter_inputs
    from eventwire.store import Store

    work = Path(tempfile.mkdtemp(prefix="eventwire-bench-"))
    corpus = work / "corpus"
    corpus.mkdir()
    for p in pages:
        shutil.copy(p, corpus)
    shutil.copy(warc, corpus)
    settings = Settings()
    raws = [r for r in iter_inputs([str(corpus)], settings.max_bytes) if r.data is not None]
    pipe = Pipeline(settings)
    pipe.warm()  # load the model and tables once, outside the timings

    t0 = time.perf_counter()
    n = 0
    for r in raws:
        try:
            art = read_article(r.data, r.name, url=r.url, retrieved=r.retrieved, is_html=r.is_html)
        except Exception:
            continue
        pipe(art)
        n += 1
    extract_s = time.perf_counter() - t0

    # Time inside the store (writes, has-article and near-duplicate lookups) directly, as well:
    # run-to-run noise on a shared VM is larger than the store's share.
    from eventwire.ingest import Ingester, ingest

    in_store = [0.0]

    def timed(f):
        def wrapper(*args, **kw):
            t = time.perf_counter()
            try:
                return f(*args, **kw)
            finally:
                in_store[0] += time.perf_counter() - t
        return wrapper

    from eventwire.batch import ingest_parallel, make_client, warm_worker

    t0 = time.perf_counter()
    client = make_client(a.workers, None)
    # Warm the workers (model load) so start-up is reported apart from throughput.
    client.run(warm_worker, settings)
    startup_s = time.perf_counter() - t0

    # Serial and parallel runs alternate, each into a fresh store, so that a slow spell of this
    # shared machine hits both; the speed-up reported is the median of the pairs' ratios.
    originals = (Store.add_document, Store.has_article, Ingester.near_duplicate)
    pairs = []
    for i in range(a.repeat):
        in_store[0] = 0.0
        Store.add_document, Store.has_article, Ingester.near_duplicate = (timed(f) for f in originals)
        try:
            with Store(str(work / f"serial{i}.db")) as store:
                s1 = ingest([str(corpus)], store, settings)  # its seconds exclude the warm-up
        finally:
            Store.add_document, Store.has_article, Ingester.near_duplicate = originals
        with Store(str(work / f"parallel{i}.db")) as store:
            s2 = ingest_parallel([str(corpus)], store, settings, client)
        pairs.append((s1.seconds, s2.seconds, in_store[0]))
        print(f"run {i + 1}: serial {s1.seconds:.1f} s, --workers {a.workers} {s2.seconds:.1f} s, "
              f"ratio {s1.seconds / s2.seconds:.2f}x", flush=True)
    client.close()
    shutil.rmtree(work, ignore_errors=True)
    serial_s = statistics.median(p[0] for p in pairs)
    parallel_s = statistics.median(p[1] for p in pairs)
    speedup = statistics.median(p[0] / p[1] for p in pairs)
    in_store_s = statistics.median(p[2] for p in pairs)

    total = s1.ingested + s1.already + s1.failed
    print(f"inputs: {len(pages)} benchmark pages + WARC excerpt = {len(raws)} readable documents")
    print(f"extraction alone (read + pipeline): {n / extract_s:.2f} articles/s ({extract_s:.1f} s)")
    print(f"serial ingest: {s1.ingested} articles in {serial_s:.1f} s = {s1.ingested / serial_s:.2f} articles/s "
          f"({total} inputs handled)")
    print(f"store's share: {in_store_s:.2f} s of the serial ingest's {serial_s:.1f} s were spent in the store "
          f"(writes and lookups) = {100 * in_store_s / (serial_s - in_store_s):.1f} % on top of the rest "
          f"(target <= 10 %); whole runs: serial ingest {100 * (serial_s / extract_s - 1):+.1f} % against "
          "extraction alone (includes this machine's run-to-run noise)")
    print(f"--workers {a.workers}: {s2.ingested} articles in {parallel_s:.1f} s = "
          f"{s2.ingested / parallel_s:.2f} articles/s; speed-up {speedup:.2f}x over serial, median of "
          f"{len(pairs)} alternating pairs (target >= 1.7x); cluster start-up and model load {startup_s:.1f} s, "
          "not included")
    return 0


if __name__ == "__main__":
    sys.exit(main())
