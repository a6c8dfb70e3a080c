"""A sentence's features, from its text alone (so training and the pipeline compute the same).

- stage 1 (every sentence, cheap): lower-cased words and word pairs (numbers as one token) looked
  up in the trained vocabulary, the count of event_lexicon.json triggers (with their inflections),
  and whether the sentence holds a number;
- stage 2 and the type head (only the sentences stage 1 lets through): the cue counts and two-fact
  features of event_types.Featurizer, the lexicon's modality cues (threatened, planned, hypothetical,
  denied, claimed) and the hard-negative patterns of detector_weak_labels.json (a toll of a period,
  a threat or plan, history, negation, protection, statistics), one count per category.
"""

from __future__ import annotations

import math
import re

import numpy as np

from ..event_types import Featurizer, _word_pattern
from ..reading.tables import load_table

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_NUM = re.compile(r"^\d[\d,.]*$")
_DIGIT = re.compile(r"\d")
WEIGHT = 0.4  # scale of log counts next to unit-length embeddings, as event_types.CUE_WEIGHT


def grams(text: str) -> list[str]:
    """The sentence's words and adjacent word pairs, lower-cased; numbers become '0'."""
    words = ["0" if _NUM.match(w) else w for w in _WORD.findall(text.lower())]
    return words + [a + " " + b for a, b in zip(words, words[1:], strict=False)]


def _alternation(phrases: list[str]) -> re.Pattern:
    return re.compile("|".join(_word_pattern(p) for p in sorted(set(phrases), key=len, reverse=True)), re.I)


class Dense:
    """The dense features of both stages."""

    def __init__(self, featurizer: Featurizer | None = None) -> None:
        self.featurizer = featurizer or Featurizer()
        lex = load_table("event_lexicon.json")
        self.trigger = _alternation([w for r in lex["triggers"] for w in r["lemmas"]])
        self.modality = [_alternation(lex["modality_cues"][k])
                         for k in ("threatened", "planned", "hypothetical", "denied", "claimed")]
        hard = load_table("detector_weak_labels.json")["hard_negative_patterns"]
        self.hard = [re.compile("|".join(v), re.I) for _k, v in sorted(hard.items())]
        self.cheap_size = 2
        self.size = self.featurizer.size + len(self.modality) + len(self.hard)

    def cheap(self, texts: list[str]) -> np.ndarray:
        rows = [[WEIGHT * math.log1p(len(self.trigger.findall(t))), float(bool(_DIGIT.search(t)))] for t in texts]
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), self.cheap_size)

    def rich(self, texts: list[str]) -> np.ndarray:
        # presence, at unit scale: one "threatened to" or "every year" is what decides
        extra = [[float(p.search(t) is not None) for p in (*self.modality, *self.hard)] for t in texts]
        return np.hstack([self.featurizer.table(texts),
                          np.asarray(extra, dtype=np.float32).reshape(len(texts), self.size - self.featurizer.size)])
