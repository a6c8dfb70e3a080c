"""The sentence event detector: does each sentence report a happening, and which of the 30 CASE codes?

Every sentence of the article (spaCy's sentences) is read. Stage 1, cheap enough for all of them,
scores words, word pairs, event cues and lexicon triggers (features.py); a sentence under its
recall-oriented threshold stops there. The rest are embedded by MiniLM (event_types.Encoder) and
stage 2 gives a calibrated P(event) and the type head P(label | event) (model.py). Lexicon and cues
are features, not gates. A sentence with P(event) >= the model's threshold is a Detection. The
document's main happening is its most probable detection (P(event) * P(label), the earliest of
equals); its ``case_label`` is the code the event-type classifier (event_types.py, trained on whole
snippets) gives the passage of that detection and the detections right beside it (up to three
sentences), or the detection's own code without the classifier; None when there is no detection.
Reading the passage rather than the sentence alone lifts the code's weighted F1 from 0.747 to 0.792
(CASE dev, 5-fold CV, benchmarks/events_approaches.md).

The weights (data/detector.npz) are built by scripts/train_detector.py. Without the model package
the detector is unavailable, like the classifier: ``get_detector()`` logs one warning and returns
None, and the pipeline runs without detections.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib import resources

import numpy as np

from ..models import Detection
from .features import Dense, grams
from .model import DetectorModel

LOG = logging.getLogger(__name__)


class Detector:
    def __init__(self, model: DetectorModel, encoder, dense: Dense | None = None):
        self.model, self.encoder = model, encoder
        self.dense = dense or Dense()

    def score(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(P(event), P(label | event) rows) per text; texts stage 1 stops have P(event) 0 and no label row."""
        m = self.model
        n = len(texts)
        p = np.zeros(n, dtype=np.float32)
        types = np.zeros((n, len(m.classes)), dtype=np.float32)
        if not n:
            return p, types
        s1 = m.stage1([grams(t) for t in texts], self.dense.cheap(texts))
        keep = np.flatnonzero(s1 >= m.s1_threshold)
        if len(keep):
            kept = [texts[i] for i in keep]
            emb, rich = self.encoder.encode(kept), self.dense.rich(kept)
            p[keep] = m.stage2(emb, rich, s1[keep])
            types[keep] = m.types(emb, rich)
        return p, types

    def detect(self, text: str, spans: list[tuple[int, int]]) -> list[Detection]:
        """Detections among the sentences at ``spans`` (character offsets into ``text``)."""
        spans = sentences(text, spans)
        p, types = self.score([text[a:b] for a, b in spans])
        out = []
        for (a, b), pe, row in zip(spans, p, types, strict=True):
            if pe >= self.model.threshold:
                j = int(row.argmax())
                out.append(Detection(a, b, self.model.classes[j], round(float(pe), 4), round(float(row[j]), 4)))
        return out


def sentences(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentence spans without their surrounding white space (and without empty ones)."""
    return [s for s in (_trim(text, a, b) for a, b in spans) if s is not None]


def _trim(text: str, a: int, b: int) -> tuple[int, int] | None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b) if b - a >= 3 else None


def main_detection(detections: list[Detection]) -> Detection | None:
    """The most probable detection (P(event) * P(label)); the earliest of equals; None if none."""
    return max(sorted(detections, key=lambda d: d.start), key=lambda d: d.prob * d.label_prob, default=None)


PASSAGE = 3  # sentences at most around the main detection


def case_label(text: str, spans: list[tuple[int, int]], detections: list[Detection], classifier=None) -> str | None:
    """The code of the document's main happening (see the module's doc); ``spans`` are its sentences."""
    best = main_detection(detections)
    if best is None or classifier is None:
        return best.label if best else None
    order = sentences(text, spans)
    flagged = {(d.start, d.end) for d in detections}
    i = order.index((best.start, best.end)) if (best.start, best.end) in order else None
    a = b = i
    if i is not None:  # widen to the detected sentences right beside it, up to PASSAGE
        while b - a + 1 < PASSAGE:
            if a > 0 and order[a - 1] in flagged:
                a -= 1
            elif b + 1 < len(order) and order[b + 1] in flagged:
                b += 1
            else:
                break
    start, end = (order[a][0], order[b][1]) if i is not None else (best.start, best.end)
    return classifier.classify([text[start:end]])[0].label


def weights_path():
    return resources.files("eventwire").joinpath("data", "detector.npz")


@lru_cache(maxsize=1)
def get_detector() -> Detector | None:
    """The shipped detector, loaded once per process; None (one warning) when it cannot run here."""
    try:
        from ..event_types import get_classifier, load_encoder

        # the classifier's encoder when it runs: one memo, so a sentence both read is embedded once
        classifier = get_classifier()
        encoder = classifier.encoder if classifier is not None else load_encoder()
        with resources.as_file(weights_path()) as path:
            model = DetectorModel.load(path)
        return Detector(model, encoder)
    except Exception as exc:  # a missing package or broken weights must not stop extraction
        LOG.warning("event detector not loaded (%s); no sentence detections, no case_label", exc)
        return None
