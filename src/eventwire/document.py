"""The annotated document: one article plus everything the pipeline found in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .models import Article, Detection, Entity, Event, Place, Quote, Time


@dataclass
class Document:
    article: Article
    spacy: Any = None  # the spaCy Doc over article.text (None for non-English text)
    entities: list[Entity] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    times: list[Time] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    # Sentences the detector reads as reporting a happening, and the CASE 2021 code of the
    # article's main reported happening (None: it reports none).
    detections: list[Detection] = field(default_factory=list)
    case_label: str | None = None
    skipped: list[str] = field(default_factory=list)  # stages not run, with the reason

    def to_record(self) -> dict:
        """The record of spec/output.md (plus an explanatory ``skipped`` list)."""
        rec = {
            "article": self.article.to_dict(),
            "entities": [e.to_dict() for e in self.entities],
            "places": [p.to_dict() for p in self.places],
            "times": [t.to_dict() for t in self.times],
            "quotes": [q.to_dict() for q in self.quotes],
            "events": [e.to_dict() for e in self.events],
            "case_label": self.case_label,
        }
        if self.skipped:
            rec["skipped"] = list(self.skipped)
        return rec
