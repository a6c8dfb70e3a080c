"""Long texts in pieces: where to cut, and how to join the pieces' annotations into one Document.

Each piece runs through the pipeline as a Document of its own; its annotations come back
shifted by the piece's start, so that every offset indexes the whole article's text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

from .document import Document
from .events.merging import absorb_event, event_key, same_event
from .models import Event

# Cut points, best first: a paragraph break, a line break, a sentence end, any space.
_BOUNDARIES = (
    re.compile(r"\n[ \t\r\f\v]*\n\s*"),
    re.compile(r"\n\s*"),
    re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+"),
    re.compile(r"\s+"),
)


def split_points(text: str, size: int) -> list[tuple[int, int]]:
    """(start, end) of consecutive pieces of ``text``, each at most ``size`` characters long.

    A piece ends after a boundary in its second half (whitespace stays with the piece before),
    so that no sentence is cut where the text has any structure.
    """
    n = len(text)
    out: list[tuple[int, int]] = []
    start = 0
    while n - start > size:
        end = _cut(text, start + max(1, size // 2), start + size)
        out.append((start, end))
        start = end
    out.append((start, n))
    return out


def _cut(text: str, lo: int, hi: int) -> int:
    for pattern in _BOUNDARIES:
        last = None
        for last in pattern.finditer(text, lo, hi):  # noqa: B007 - the last match is the one wanted
            pass
        if last is not None:
            return last.end()
    return hi


class Joiner:
    """Gathers the pieces' annotations into ``doc``, offsets shifted; events merged across pieces."""

    def __init__(self, doc: Document):
        self.doc = doc
        # Earlier pieces' events by what must be equal for two of them to be one event.
        self._events: dict[tuple, list[Event]] = defaultdict(list)
        self._best = -1.0  # P(event) * P(label) of the main detection so far

    def add(self, piece: Document, offset: int) -> None:
        def shift(x, **more):
            return replace(x, start=x.start + offset, end=x.end + offset, **more)

        doc = self.doc
        doc.entities += [shift(e) for e in piece.entities]
        doc.places += [shift(p) for p in piece.places]
        doc.times += [shift(t) for t in piece.times]
        doc.quotes += [shift(q, speaker_start=None if q.speaker_start is None else q.speaker_start + offset,
                             speaker_end=None if q.speaker_end is None else q.speaker_end + offset)
                       for q in piece.quotes]
        doc.detections += [shift(d) for d in piece.detections]
        if piece.detections:  # the article's main happening: the piece holding its most probable detection
            from .detector import main_detection

            best = main_detection(piece.detections)
            if best.prob * best.label_prob > self._best:  # the earliest of equals
                self._best = best.prob * best.label_prob
                doc.case_label = piece.case_label
        new = []
        for ev in piece.events:
            ev = shift(ev)
            # The event stage merges the reports of one event within a piece; across pieces, here.
            same = next((o for o in self._events[event_key(ev)] if same_event(o, ev)), None)
            if same is None:
                doc.events.append(ev)
                new.append(ev)
            else:
                absorb_event(same, ev)
        for ev in new:
            self._events[event_key(ev)].append(ev)
