"""Training the detector (scripts/train_detector.py ships it; evaluation trains one per fold).

Positives: each CASE 2021 snippet's sentences and, for a snippet of several sentences, the whole
snippet, labelled with the snippet's code. Negatives: weak-labelled news sentences (corpus.py).
Held-out scores come from cross-fitting by group (a snippet's sentences, an article's sentences stay
together): stage 1's recall threshold, stage 2's training inputs and its Platt scaling are all fitted
on scores of examples the scoring model did not see.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..event_types import prior_examples, train_head
from ..reading.tables import load_table
from .corpus import snippet_sentences
from .features import Dense, grams
from .model import DetectorModel

INNER = 3  # cross-fitting folds inside one training
S1_C = 1.0
S2_C = 5.0
HARD_WEIGHT = 3.0  # hard negatives are few and the ones that teach what is no event
TYPE_C = 30.0
S1_SNIPPET_RECALL = 0.97  # stage 1 lets through a sentence of at least this share of positive snippets
S1_SENTENCE_RECALL = 0.90  # ... and at least this share of positive sentences
MIN_DF = 2


@dataclass
class Example:
    text: str
    y: int  # 1 event, 0 none
    label: str | None  # CASE code of a positive
    group: str  # snippet or article id: cross-fitting keeps a group together
    whole: bool = False  # a whole multi-sentence snippet (not a sentence of one)
    hard: bool = False  # a hard negative (a cue, and a pattern saying it is no event)


def examples(snippets: Sequence[tuple[str, str, str]], negatives: Sequence[tuple[str, str, str]]) -> list[Example]:
    """Positive examples from (id, snippet, code) rows, negatives from (article id, sentence, weak label)."""
    out = []
    for sid, text, label in snippets:
        parts = snippet_sentences(text)
        out += [Example(s, 1, label, f"case:{sid}") for s in parts]
        if len(parts) > 1:
            out.append(Example(" ".join(text.split()), 1, label, f"case:{sid}", whole=True))
    out += [Example(s, 0, None, doc, hard=kind == "hard") for doc, s, kind in negatives]
    return out


def group_fold(group: str, k: int, salt: str = "") -> int:
    return zlib.crc32((salt + group).encode("utf-8")) % k


def train_binary(X, y: np.ndarray, C: float, weight: np.ndarray | None = None,
                 max_iter: int = 300) -> tuple[np.ndarray, float]:
    """Weighted L2 logistic regression (bias unpenalised) by L-BFGS; X dense or scipy-sparse."""
    from scipy.optimize import minimize

    n, d = X.shape
    wt = np.ones(n) if weight is None else weight
    yy = y.astype(np.float64)

    def loss(theta):
        w, b = theta[:d], theta[d]
        z = X @ w + b
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))
        ll = np.logaddexp(0, z) - yy * z
        g = C * wt * (p - yy)
        return C * float(wt @ ll) + 0.5 * float(w @ w), np.concatenate([X.T @ g + w, [g.sum()]])

    res = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", options={"maxiter": max_iter})
    return res.x[:d].astype(np.float32), float(res.x[d])


def _balanced(y: np.ndarray) -> np.ndarray:
    n1, n0 = max(int(y.sum()), 1), max(int((1 - y).sum()), 1)
    return np.where(y == 1, len(y) / (2 * n1), len(y) / (2 * n0))


def platt(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(a, b) of sigmoid(a*z + b) by maximum likelihood (Platt 1999, with his smoothed targets)."""
    from scipy.optimize import minimize

    n1, n0 = int(y.sum()), int(len(y) - y.sum())
    t = np.where(y == 1, (n1 + 1) / (n1 + 2), 1 / (n0 + 2))

    def loss(ab):
        s = ab[0] * z + ab[1]
        p = 1.0 / (1.0 + np.exp(-np.clip(s, -40, 40)))
        return float(np.sum(np.logaddexp(0, s) - t * s)), np.array([float((p - t) @ z), float((p - t).sum())])

    res = minimize(loss, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
    return float(res.x[0]), float(res.x[1])


class Sparse:
    """Examples' word/pair features as a binary CSR matrix over a vocabulary."""

    def __init__(self, texts: list[str], min_df: int = MIN_DF):
        self.rows = [set(grams(t)) for t in texts]
        df = Counter(g for r in self.rows for g in r)
        self.vocab = {g: i for i, g in enumerate(sorted(g for g, c in df.items() if c >= min_df))}

    def matrix(self, idx: Sequence[int]):
        from scipy.sparse import csr_matrix

        ind, ptr = [], [0]
        for i in idx:
            ind += [self.vocab[g] for g in self.rows[i] if g in self.vocab]
            ptr.append(len(ind))
        return csr_matrix((np.ones(len(ind), np.float64), ind, ptr), shape=(len(idx), len(self.vocab)))


def _stage1(sp: Sparse, D: np.ndarray, y: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    from scipy.sparse import hstack

    X = hstack([sp.matrix(idx), D[idx]]).tocsr()
    w, b = train_binary(X, y[idx], S1_C, _balanced(y[idx]))
    nv = len(sp.vocab)
    return w[:nv], w[nv:], b


def _s1_score(sp: Sparse, D: np.ndarray, w, wd, b, idx) -> np.ndarray:
    return np.asarray(sp.matrix(idx) @ w + D[idx] @ wd + b, dtype=np.float32)


def train(snippets: Sequence[tuple[str, str, str]], negatives: Sequence[tuple[str, str, str]],
          embed: Callable[[list[str]], np.ndarray], dense: Dense, encoder=None,
          log: Callable[[str], None] = lambda s: None) -> DetectorModel:
    """A detector from labelled snippets and negative sentences; ``embed`` maps texts to MiniLM rows.

    ``encoder`` (the Encoder) embeds the class glosses of the type head's prior, as event_types does.
    """
    ex = examples(snippets, negatives)
    texts = [e.text for e in ex]
    y = np.array([e.y for e in ex], dtype=np.int64)
    D = dense.cheap(texts)
    sp = Sparse(texts)
    fold = np.array([group_fold(e.group, INNER, "inner") for e in ex])
    every = np.arange(len(ex))
    # Stage 1, cross-fitted: held-out scores for the threshold and for stage 2's inputs.
    s1_oof = np.zeros(len(ex), dtype=np.float32)
    for k in range(INNER):
        tr, te = every[fold != k], every[fold == k]
        s1_oof[te] = _s1_score(sp, D, *_stage1(sp, D, y, tr), te)
    w1, wd1, b1 = _stage1(sp, D, y, every)
    pos = [i for i in every if y[i] == 1 and not ex[i].whole]
    best: dict[str, float] = {}
    for i in pos:
        best[ex[i].group] = max(best.get(ex[i].group, -1e9), float(s1_oof[i]))
    th1 = float(min(np.quantile(list(best.values()), 1 - S1_SNIPPET_RECALL),
                    np.quantile(s1_oof[pos], 1 - S1_SENTENCE_RECALL)))
    passed = every[s1_oof >= th1]
    log(f"stage 1: {len(sp.vocab)} words/pairs; threshold {th1:.2f} passes "
        f"{np.mean(s1_oof[y == 0] >= th1):.3f} of held-out negatives, {np.mean(s1_oof[pos] >= th1):.3f} of positive "
        f"sentences")
    # Stage 2 on what stage 1 lets through, again cross-fitted for Platt scaling.
    E = embed([texts[i] for i in passed])
    R = dense.rich([texts[i] for i in passed])
    X2 = np.hstack([E, R, s1_oof[passed, None]]).astype(np.float64)
    y2 = y[passed]
    wt2 = np.array([HARD_WEIGHT if ex[i].hard else 1.0 for i in passed])
    z_oof = np.zeros(len(passed))
    f2 = fold[passed]
    for k in range(INNER):
        tr, te = np.flatnonzero(f2 != k), np.flatnonzero(f2 == k)
        w, b = train_binary(X2[tr], y2[tr], S2_C, wt2[tr])
        z_oof[te] = X2[te] @ w + b
    a, c = platt(z_oof, y2)
    w2, b2 = train_binary(X2, y2, S2_C, wt2)
    # The type head: positives only (whole snippets too), plus each class's gloss as a prior example.
    tp = np.flatnonzero(y2 == 1)
    XT = np.hstack([E[tp], R[tp]])
    labels = [ex[passed[i]].label for i in tp]
    if encoder is not None:
        gx, gy = prior_examples(encoder, dense.featurizer)  # rows [whole, mean, cues]: keep the embedding
        glosses = load_table("event_types.json")["labels"]
        XT = np.vstack([XT, np.hstack([gx[:, :E.shape[1]], dense.rich([glosses[k]["gloss"] for k in gy])])])
        labels += gy
    head = train_head(XT, labels, C=TYPE_C)
    return DetectorModel(sp.vocab, w1[:len(sp.vocab)], wd1, b1, th1, w2, b2, (a, c), head.W, head.b, head.classes,
                         meta={"examples": len(ex), "positives": int(y.sum()), "stage2_examples": int(len(passed))})
