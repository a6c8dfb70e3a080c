"""MiniLM embeddings kept between runs (training and evaluation embed the same sentences again and again).

The encoder is frozen, so a text's embedding never changes; they are kept in eventwire's cache folder
(cache.py), keyed by the text itself, and written back when new ones were computed.
"""

from __future__ import annotations

import numpy as np

from ..cache import cache_paths, write_cached

NAME = "detector-minilm-embeddings-v1.npz"


class CachedEncoder:
    """An Encoder's ``encode`` with a memory of every text it has embedded (and those of earlier runs)."""

    def __init__(self, encoder):
        self.encoder = encoder
        self.width = encoder.width
        self.memo: dict[str, np.ndarray] = {}
        self.new = 0
        for p in cache_paths(NAME):
            try:
                with np.load(p, allow_pickle=False) as z:
                    self.memo = dict(zip((str(t) for t in z["texts"]), z["vectors"], strict=True))
                break
            except Exception:  # absent or unreadable: derive again
                continue

    def encode(self, texts: list[str]) -> np.ndarray:
        todo = sorted({t for t in texts if t not in self.memo})
        if todo:
            for t, v in zip(todo, self.encoder.encode(todo), strict=True):
                self.memo[t] = v
            self.new += len(todo)
        out = np.zeros((len(texts), self.width), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i] = self.memo[t]
        return out

    def save(self) -> None:
        if not self.new:
            return
        texts = list(self.memo)

        def write(f):
            np.savez(f, texts=np.array(texts), vectors=np.stack([self.memo[t] for t in texts]).astype(np.float32))

        write_cached(cache_paths(NAME), write)
        self.new = 0
