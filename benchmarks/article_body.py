"""Article-body extraction on the article-extraction-benchmark (181 pages).

Prints the benchmark's own metric (4-gram shingle precision/recall, macro-averaged,
F1 of the averages), the share of pages read with the publication date they state
(hand-checked gold in benchmarks/data/article-dates.tsv; `eventwire eval dates` also
scores the seed), pages/second of the reading stage, and how many pages the full
pipeline handled without an error.

    python benchmarks/article_body.py [--data ../shared/data/article-extraction-benchmark] [--full]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from eventwire.bodyeval import macro_f1, page_scores
from eventwire.errors import InputError
from eventwire.evaluation.dates import GOLD, load_gold
from eventwire.reading import read_article

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(ROOT.parent / "shared/data/article-extraction-benchmark"))
    ap.add_argument("--full", action="store_true", help="also run the whole pipeline on every page")
    ap.add_argument("--errors", type=int, default=0, help="list the N worst pages")
    a = ap.parse_args()
    root = Path(a.data)
    if not (root / "ground-truth.json").exists():
        print(f"benchmark data not found at {root}; skipping")
        return 0
    gt = json.loads((root / "ground-truth.json").read_text("utf-8"))
    pairs, worst, failed = [], [], 0
    gold_dates = load_gold() if GOLD.exists() else {}
    dated = right = 0
    t0 = time.perf_counter()
    articles = []
    for pid, gold in sorted(gt.items()):
        data = (root / "html" / f"{pid}.html.gz").read_bytes()
        try:
            art = read_article(data, pid, url=gold.get("url"))
            pred = art.text
            articles.append(art)
            if gold_dates.get(pid):
                dated, right = dated + 1, right + (art.published == gold_dates[pid])
        except InputError as exc:
            print(f"  {pid}: {exc}", file=sys.stderr)
            pred, failed = "", failed + 1
        p, r = page_scores(pred, gold["articleBody"])
        pairs.append((p, r))
        worst.append((2 * p * r / (p + r) if p + r else 0.0, pid, p, r))
    dt = time.perf_counter() - t0
    p, r, f1 = macro_f1(pairs)
    print(f"pages: {len(pairs)}, unreadable: {failed}")
    print(f"body precision {p:.4f}  recall {r:.4f}  F1 {f1:.4f}")
    if dated:
        print(f"publication date: {right}/{dated} right ({right / dated:.3f})")
    print(f"reading stage: {len(pairs) / dt:.1f} pages/s")
    for f, pid, pp, rr in sorted(worst)[: a.errors]:
        print(f"  F1 {f:.3f} P {pp:.3f} R {rr:.3f}  {pid}")
    if a.full:
        from eventwire.pipeline import Pipeline

        pipe, errors = Pipeline(), 0
        t0 = time.perf_counter()
        for art in articles:
            try:
                pipe(art)
            except Exception as exc:  # a crash here is what this run is looking for
                errors += 1
                print(f"  pipeline error on {art.input}: {type(exc).__name__}: {exc}", file=sys.stderr)
        dt = time.perf_counter() - t0
        print(f"full pipeline: {len(articles)} pages, {errors} errors, {len(articles) / dt:.1f} pages/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
