"""Where the places found in police-events articles lie: place mentions per country over the first N
articles (Times of India, March 2002, lower-cased as scraped and read through eventwire.casing).

There is no place gold here; the articles are Indian local news, so India's share of the place mentions
(and of its neighbours) is a rough measure of precision, and the list of the most frequent places outside
India and its neighbours shows the false places left (common words, parts of institution names).

    python benchmarks/places_police.py [--docs N] [--show K]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
NEAR_INDIA = {"IN", "PK", "BD", "NP", "LK", "BT", "CN", "MM", "AF"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100, help="articles read (default 100)")
    ap.add_argument("--show", type=int, default=25, help="far places listed (default 25)")
    a = ap.parse_args()
    path = SHARED / "police-events" / "docs.jsonl"
    if not path.exists():
        print(f"no {path}; skipping")
        return 0

    from eventwire.extract import read_input
    from eventwire.pipeline import Pipeline

    pipe = Pipeline()
    by_country: Counter[str] = Counter()
    far: Counter[tuple[str, str, str]] = Counter()
    unresolved_events = events = 0
    for line in path.read_text(encoding="utf-8").splitlines()[:a.docs]:
        item = json.loads(line)
        article = read_input(item["doc_text"].encode("utf-8"), f"police-{item['doc_id']}.txt", pipe.settings)
        doc = pipe(article)
        for p in doc.places:
            by_country[p.country or "-"] += 1
            if p.country not in NEAR_INDIA:
                far[(p.text.lower(), p.name, p.country or "-")] += 1
        events += len(doc.events)
        unresolved_events += sum(1 for e in doc.events if not e.location)
    total = sum(by_country.values())
    near = sum(n for c, n in by_country.items() if c in NEAR_INDIA)
    india = by_country["IN"]
    print(f"{a.docs} articles: {total} place mentions; India {india} ({india / max(total, 1):.1%}), "
          f"India and neighbours {near} ({near / max(total, 1):.1%}), elsewhere {total - near}")
    print("by country: " + ", ".join(f"{c} {n}" for c, n in by_country.most_common(15)))
    print(f"events {events}, without a location {unresolved_events}")
    print("most frequent places outside India and its neighbours (text -> name, country: mentions):")
    for (t, name, c), n in far.most_common(a.show):
        print(f"  {t!r} -> {name}, {c}: {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
