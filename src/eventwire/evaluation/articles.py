"""Article bodies on the article-extraction-benchmark: 4-gram shingle P/R/F1 (its own metric)."""

from __future__ import annotations

import json
from pathlib import Path

from ..bodyeval import macro_f1, page_scores
from ..errors import InputError, UsageError
from ..reading import read_article
from . import Report


def evaluate(path: Path, limit: int | None = None) -> Report:
    truth = path / "ground-truth.json"
    if not truth.exists():
        raise UsageError(f"{path} is not the article-extraction-benchmark (no ground-truth.json)")
    gt = json.loads(truth.read_text("utf-8"))
    pairs, misses, unreadable = [], [], 0
    for pid, gold in sorted(gt.items())[:limit]:
        page = path / "html" / f"{pid}.html.gz"
        try:
            pred = read_article(page.read_bytes(), pid, url=gold.get("url")).text
        except (InputError, OSError) as exc:
            pred, unreadable = "", unreadable + 1
            misses.append((0.0, f"{pid}: unreadable ({exc})"))
        p, r = page_scores(pred, gold["articleBody"])
        pairs.append((p, r))
        f = 2 * p * r / (p + r) if p + r else 0.0
        if f < 0.9:
            misses.append((f, f"{pid}: F1 {f:.3f} (precision {p:.3f}, recall {r:.3f})"))
    p, r, f1 = macro_f1(pairs)
    return Report(
        stage="articles",
        data=f"article-extraction-benchmark ({len(pairs)} pages, {unreadable} unreadable)",
        metrics={"precision": p, "recall": r, "f1": f1},
        targets={"f1": 0.965},
        errors=[line for _, line in sorted(misses)],
    )
