"""The extraction pipeline: an ordered list of registered components over one Document.

Each component is a small function ``(doc: Document, settings: Settings) -> None`` that
adds its annotations to the Document; components that need English are marked so and
are skipped (and said to be skipped) for other languages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from .budget import check_length, run_stage
from .config import Settings
from .document import Document
from .errors import EventwireError
from .models import Article, Entity
from .pieces import Joiner, split_points


@dataclass(frozen=True)
class Component:
    name: str
    func: Callable[[Document, Settings], None]
    english_only: bool = True


REGISTRY: dict[str, Component] = {}


def component(name: str, english_only: bool = True):
    """Register a pipeline component under ``name``."""

    def register(func: Callable[[Document, Settings], None]):
        REGISTRY[name] = Component(name, func, english_only)
        return func

    return register


@component("parse")
def parse(doc: Document, settings: Settings) -> None:
    from .casing import restore_case
    from .nlp import load_spacy

    nlp = load_spacy(settings.model)
    # Long articles come here in pieces (Settings.piece_chars), which bound the parse's memory;
    # spaCy's own guard (max_length) only has to let a piece through.
    nlp.max_length = max(nlp.max_length, len(doc.article.text) + 1)
    # All-lower or all-upper paragraphs are parsed in a case-restored copy of the same length (the
    # model reads case as evidence); the stages' text_of(doc) stays the article's own text.
    cased = restore_case(doc.article.text)
    doc.spacy = nlp(cased or doc.article.text)
    if cased is not None:
        doc.spacy.user_data["eventwire_text"] = doc.article.text
        doc.spacy.user_data["eventwire_parsed"] = cased


@component("actors")
def actors(doc: Document, settings: Settings) -> None:
    from .actors import find_entities

    doc.entities = find_entities(doc.spacy)


@component("places")
def places(doc: Document, settings: Settings) -> None:
    from .places import find_places

    # Known actors are never places; a spaCy PERSON may be a mislabelled town ("Palmyra").
    exclude = [(e.start, e.end) for e in doc.entities if e.actor and e.kind not in ("place", "person")]
    doc.places = find_places(doc.spacy, exclude=exclude)
    # A span resolved as a place is a place, whatever spaCy's organisation label said.
    spans = [(p.start, p.end) for p in doc.places]

    def holds_place(e: Entity) -> bool:  # "Ohio Department of Transportation" stays around "Ohio"
        return any(e.start <= a and b <= e.end and (a, b) != (e.start, e.end) for a, b in spans)

    kept = [
        e for e in doc.entities
        if (e.actor and e.kind != "person") or holds_place(e)
        or not any(e.start < b and a < e.end for a, b in spans)
    ]
    kept += [Entity(p.text, p.start, p.end, "place", None) for p in doc.places
             if not any(e.start <= p.start and p.end <= e.end for e in kept)]
    doc.entities = sorted(kept, key=lambda e: (e.start, e.end))


@component("roles")
def roles(doc: Document, settings: Settings) -> None:
    from .actors import resolve_roles

    doc.entities = resolve_roles(doc.spacy, doc.entities, doc.places)


@component("times")
def times(doc: Document, settings: Settings) -> None:
    from .times import find_times

    doc.times = find_times(doc.article.text, doc.article.published, doc.spacy)


@component("quotes")
def quotes(doc: Document, settings: Settings) -> None:
    from .quotes import find_quotes

    doc.quotes = find_quotes(doc.spacy, doc.entities)
    from .actors import speakers_as_people

    doc.entities = speakers_as_people(doc.article.text, doc.entities, doc.quotes)


@component("detect")
def detect(doc: Document, settings: Settings) -> None:
    from .detector import case_label, get_detector

    detector = settings.event_detector or get_detector()
    if detector is None or doc.spacy is None:
        return
    spans = [(s.start_char, s.end_char) for s in doc.spacy.sents]
    doc.detections = detector.detect(doc.article.text, spans)
    if doc.detections:
        classifier = None
        if settings.classify_events:  # the classifier reads the main detection's passage
            from .event_types import get_classifier

            classifier = settings.event_classifier or get_classifier()
        doc.case_label = case_label(doc.article.text, spans, doc.detections, classifier)


@component("events")
def events(doc: Document, settings: Settings) -> None:
    from .events import find_events

    doc.events = find_events(doc, settings.min_event_confidence, classify=settings.classify_events,
                             classifier=settings.event_classifier)


_WARM_TEXT = (b"Published 1 May 2020\n\nGovernment troops seized the town of Idlib from rebels on Monday, "
              b"killing 3 fighters, the army said in a statement to Reuters.\n")


class Pipeline:
    """Runs the configured components in order over articles."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()
        unknown = [c for c in self.settings.components if c not in REGISTRY]
        if unknown:
            raise EventwireError(f"unknown pipeline component(s): {', '.join(unknown)}")
        self.components = [REGISTRY[c] for c in self.settings.components]
        self._loaded = False

    def __call__(self, article: Article) -> Document:
        """The article's annotated Document; ArticleSkipped (one line) when it is over a limit.

        A text longer than ``piece_chars`` runs in pieces, one after the other (the spaCy Doc
        of a piece is dropped before the next is parsed), and the annotations are joined.
        """
        check_length(len(article.text), self.settings.max_chars)
        self.load()
        return self._annotate(article, self.settings.stage_seconds)

    def _annotate(self, article: Article, seconds: float | None) -> Document:
        doc = Document(article)
        lang = article.language
        active = []
        for comp in self.components:
            if comp.english_only and lang is not None and lang not in self.settings.languages:
                doc.skipped.append(f"{comp.name}: language '{lang}' is not supported by this stage")
            else:
                active.append(comp)
        pieces = split_points(article.text, self.settings.piece_chars)
        if len(pieces) == 1 or not active:
            self._run(active, doc, seconds)
            return doc
        joiner = Joiner(doc)
        for start, end in pieces:
            piece = Document(replace(article, text=article.text[start:end]))
            self._run(active, piece, seconds)
            piece.spacy = None
            joiner.add(piece, start)
        return doc

    def _run(self, components: list[Component], doc: Document, seconds: float | None) -> None:
        for comp in components:
            run_stage(comp.name, seconds, comp.func, doc, self.settings)

    def load(self) -> None:
        """Load the model, gazetteer and tables (on a short article) if not done yet.

        Outside the stages' time budget: loading is the run's cost, not one article's.
        """
        if not self._loaded:
            from .reading import read_article

            self._annotate(read_article(_WARM_TEXT, "warm-up"), None)
            self._loaded = True

    def warm(self) -> None:
        """Load the model, gazetteer and tables now, then hide them from the garbage collector.

        Every full collection would otherwise walk the millions of objects they hold; after
        ``gc.freeze`` collections only walk what the articles themselves allocate (measured:
        about 10 % of a Dask worker's time per article).
        """
        import gc

        self.load()
        gc.collect()
        gc.freeze()

    def pipe(self, articles: Iterable[Article]) -> Iterator[Document]:
        for article in articles:
            yield self(article)
