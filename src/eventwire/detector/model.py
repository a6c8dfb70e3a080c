"""The detector's weights: a sparse stage-1 model, a calibrated stage-2 event model, a type head.

- stage 1 (every sentence): logistic regression over words/pairs (vocabulary) and dense features;
  sentences scoring under ``s1_threshold`` (chosen for recall on held-out positives) stop here;
- stage 2 (the rest): logistic regression over the MiniLM embedding, the dense features and the
  stage-1 score, then Platt scaling fitted on held-out scores: calibrated P(event);
- the type head: multinomial logistic regression over [embedding, dense features] on positives
  only: P(label | event) over the 30 CASE 2021 codes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


@dataclass
class DetectorModel:
    vocab: dict[str, int]  # word or word pair -> column of s1_w
    s1_w: np.ndarray  # (len(vocab),)
    s1_dense: np.ndarray  # (cheap dense features,)
    s1_b: float
    s1_threshold: float  # stage-1 logit under which a sentence is no event
    s2_w: np.ndarray  # (384 + rich dense features + 1,)
    s2_b: float
    platt: tuple[float, float]  # P(event) = sigmoid(a * stage-2 logit + b)
    type_W: np.ndarray  # (384 + rich dense features, classes)
    type_b: np.ndarray
    classes: list[str]
    threshold: float = 0.5  # calibrated P(event) from which a sentence is a detection
    meta: dict = field(default_factory=dict)

    def stage1(self, grams: list[list[str]], cheap: np.ndarray) -> np.ndarray:
        v, w = self.vocab, self.s1_w
        sparse = np.array([sum(float(w[v[g]]) for g in gs if g in v) for gs in grams], dtype=np.float32)
        return sparse + cheap @ self.s1_dense + self.s1_b

    def stage2(self, emb: np.ndarray, dense: np.ndarray, s1: np.ndarray) -> np.ndarray:
        """Calibrated P(event) of each row."""
        z = np.hstack([emb, dense, s1[:, None]]) @ self.s2_w + self.s2_b
        a, b = self.platt
        return _sigmoid(a * z + b)

    def types(self, emb: np.ndarray, dense: np.ndarray) -> np.ndarray:
        z = np.hstack([emb, dense]) @ self.type_W + self.type_b
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        words = sorted(self.vocab, key=self.vocab.get)
        np.savez_compressed(
            path, vocab=np.array(words), s1_w=self.s1_w.astype(np.float32), s1_dense=self.s1_dense.astype(np.float32),
            s1=np.array([self.s1_b, self.s1_threshold, self.s2_b, *self.platt, self.threshold], dtype=np.float64),
            s2_w=self.s2_w.astype(np.float32), type_W=self.type_W.astype(np.float32),
            type_b=self.type_b.astype(np.float32), classes=np.array(self.classes), meta=np.array(json.dumps(self.meta)))

    @classmethod
    def load(cls, path) -> DetectorModel:
        with np.load(path, allow_pickle=False) as z:
            s = [float(x) for x in z["s1"]]
            return cls({str(w): i for i, w in enumerate(z["vocab"])}, z["s1_w"], z["s1_dense"], s[0], s[1],
                       z["s2_w"], s[2], (s[3], s[4]), z["type_W"], z["type_b"], [str(c) for c in z["classes"]],
                       s[5], json.loads(str(z["meta"])))
