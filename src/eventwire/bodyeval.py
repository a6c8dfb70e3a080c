"""The article-extraction-benchmark's metric: 4-gram shingles of \\w+ tokens, macro P/R, F1.

Same definition as scrapinghub/article-extraction-benchmark's evaluate.py: per page,
precision and recall of the predicted body's shingles against the gold body's
shingles; averaged over pages; F1 of the two averages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    toks = _TOKEN.findall(text.lower())
    if len(toks) < n:
        return {tuple(toks)} if toks else set()
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def page_scores(pred: str, gold: str) -> tuple[float, float]:
    """(precision, recall) of one page."""
    p, g = shingles(pred), shingles(gold)
    if not p and not g:
        return 1.0, 1.0
    tp = len(p & g)
    precision = tp / len(p) if p else 0.0
    recall = tp / len(g) if g else 0.0
    return precision, recall


def macro_f1(pairs: Iterable[tuple[float, float]]) -> tuple[float, float, float]:
    """(precision, recall, F1) from per-page (precision, recall) pairs."""
    pairs = list(pairs)
    if not pairs:
        return 0.0, 0.0, 0.0
    p = sum(x for x, _ in pairs) / len(pairs)
    r = sum(y for _, y in pairs) / len(pairs)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
