"""Stage-1 features of a sentence: cheap enough for every sentence of every article.

Lower-cased words and word pairs (numbers as one token), looked up in the trained vocabulary, and
a few dense features: the cue counts and two-fact features of event_types.Featurizer, the count of
event_lexicon.json triggers (with their inflections), and whether the sentence holds a number.
Both training and the pipeline compute them from the sentence's text alone, so they agree.
"""

from __future__ import annotations

import math
import re

import numpy as np

from ..event_types import Featurizer, _word_pattern
from ..reading.tables import load_table

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_NUM = re.compile(r"^\d[\d,.]*$")


def grams(text: str) -> list[str]:
    """The sentence's words and adjacent word pairs, lower-cased; numbers become '0'."""
    words = ["0" if _NUM.match(w) else w for w in _WORD.findall(text.lower())]
    return words + [a + " " + b for a, b in zip(words, words[1:], strict=False)]


class Dense:
    """The dense stage-1 features (Featurizer's cues and relations, lexicon triggers, numbers)."""

    def __init__(self, featurizer: Featurizer | None = None) -> None:
        self.featurizer = featurizer or Featurizer()
        lex = load_table("event_lexicon.json")
        lemmas = sorted({w for r in lex["triggers"] for w in r["lemmas"]}, key=len, reverse=True)
        self.trigger = re.compile("|".join(_word_pattern(w) for w in lemmas), re.I)
        self.size = self.featurizer.size + 2

    def table(self, texts: list[str]) -> np.ndarray:
        base = self.featurizer.table(texts)
        extra = np.array([[0.4 * math.log1p(len(self.trigger.findall(t))), float(bool(re.search(r"\d", t)))]
                          for t in texts], dtype=np.float32).reshape(len(texts), 2)
        return np.hstack([base, extra])
