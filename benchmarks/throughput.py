"""Throughput and peak memory of `eventwire extract`, against spaCy's own nlp.pipe.

Reads the seed capture and the article-extraction-benchmark pages, then in one
process times (1) spaCy's nlp.pipe over the cleaned texts alone (the baseline),
(2) the whole of eventwire (reading + every pipeline stage) over the same
inputs, and prints articles/second, the ratio of the two, each stage's share,
and peak memory (tracemalloc for Python allocations, ru_maxrss for the process).

Also times, in the same run, eventwire without the trained event-type classifier
(the lexicon alone: the pipeline before issue 4), so its cost is measured, not guessed.

    python benchmarks/throughput.py [--limit N] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def inputs(limit: int | None) -> list[tuple[str, bytes]]:
    out = []
    seed = SHARED / "acceptance/seed/raqqa-2017-06.txt"
    if seed.exists():
        out.append((seed.name, seed.read_bytes()))
    bench = SHARED / "data/article-extraction-benchmark/html"
    if bench.exists():
        out += [(p.name, p.read_bytes()) for p in sorted(bench.glob("*.html.gz"))]
    return out[:limit] if limit else out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, help="only the first N inputs")
    ap.add_argument("--repeat", type=int, default=1, help="best of R timings")
    a = ap.parse_args()

    from eventwire.config import Settings
    from eventwire.nlp import load_spacy
    from eventwire.pipeline import Pipeline
    from eventwire.reading import read_article

    data = inputs(a.limit)
    if not data:
        print("no inputs found under ../shared; skipping")
        return 0
    nlp = load_spacy()
    pipe = Pipeline()
    texts = [read_article(raw, name).text for name, raw in data]  # warm-up and baseline texts
    lexicon_only = Pipeline(Settings(classify_events=False))
    pipe.warm()  # load every stage's tables once, as `eventwire extract` does, then freeze them out of the GC
    words = sum(len(t.split()) for t in texts)

    best_spacy = best_ew = best_lex = float("inf")
    stage: dict[str, float] = defaultdict(float)
    rss_eventwire = 0
    for _ in range(a.repeat):
        # Time each stage by wrapping the registered functions for this run.
        originals = {c.name: c.func for c in pipe.components}
        try:
            for comp in pipe.components:
                def timed(doc, settings, _f=comp.func, _n=comp.name):
                    t = time.perf_counter()
                    _f(doc, settings)
                    stage[_n] += time.perf_counter() - t

                object.__setattr__(comp, "func", timed)
            t0 = time.perf_counter()
            for name, raw in data:
                t = time.perf_counter()
                art = read_article(raw, name)
                stage["read"] += time.perf_counter() - t
                pipe(art)
            best_ew = min(best_ew, time.perf_counter() - t0)
        finally:
            for comp in pipe.components:
                object.__setattr__(comp, "func", originals[comp.name])
        rss_eventwire = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        # The pipeline without the event-type classifier (the lexicon alone decides).
        t0 = time.perf_counter()
        for name, raw in data:
            lexicon_only(read_article(raw, name))
        best_lex = min(best_lex, time.perf_counter() - t0)

        # The baseline: spaCy alone over the same cleaned texts, batched as nlp.pipe does by default.
        t0 = time.perf_counter()
        for _doc in nlp.pipe(texts):
            pass
        best_spacy = min(best_spacy, time.perf_counter() - t0)

    tracemalloc.start()
    for name, raw in data[:20]:
        pipe(read_article(raw, name))
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    n = len(data)
    total = sum(stage.values())
    print(f"inputs: {n} articles, {words} words (seed + article-extraction-benchmark pages)")
    print(f"spaCy nlp.pipe alone: {n / best_spacy:.2f} articles/s ({best_spacy:.1f} s)")
    print(f"eventwire extract:    {n / best_ew:.2f} articles/s ({best_ew:.1f} s)")
    print(f"cost ratio eventwire / spaCy: {best_ew / best_spacy:.2f}x (target <= 1.5x)")
    print(f"without the event-type classifier: {n / best_lex:.2f} articles/s ({best_lex:.1f} s), "
          f"{best_lex / best_spacy:.2f}x spaCy; the classifier costs {100 * (best_ew / best_lex - 1):+.1f} %")
    print("share of eventwire's time by stage:")
    for k, v in sorted(stage.items(), key=lambda kv: -kv[1]):
        print(f"  {k:8s} {100 * v / total:5.1f}%  ({v / a.repeat:.2f} s)")
    print(f"peak Python allocations over 20 articles: {peak / 1e6:.1f} MB")
    print(f"peak resident set size after eventwire's run: {rss_eventwire / 1e3:.0f} MB "
          "(spaCy model, gazetteer index and one article at a time)")
    print(json.dumps({"articles": n, "spacy_s": round(best_spacy, 2), "eventwire_s": round(best_ew, 2),
                      "ratio": round(best_ew / best_spacy, 3),
                      "lexicon_only_s": round(best_lex, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
