"""Ingest: sources -> articles -> (near-duplicate check) -> pipeline -> store, one article at a time.

Each article is committed on its own, so an interrupted ingest keeps everything it had
committed and re-running the same command skips what is stored (article ids are stable)
and finishes the rest.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .budget import ArticleSkipped
from .config import Settings
from .document import Document
from .errors import EventwireError, InputError
from .extract import hints_of, read_input
from .pipeline import Pipeline
from .sources import RawInput, iter_inputs, store_files
from .store import Store

log = logging.getLogger("eventwire.ingest")


@dataclass
class IngestSummary:
    stored: int = 0  # new original articles, fully annotated
    duplicates: int = 0  # new near-duplicate or syndicated copies, linked to their original
    already: int = 0  # stored by an earlier run
    events: int = 0  # events read from the new articles
    failed: int = 0  # inputs that could not be read (one line each on stderr)
    skipped: Counter = field(default_factory=Counter)  # expected skips by reason (WARC requests, revisits...)
    seconds: float = 0.0
    fusion: object | None = None  # the FusionSummary of the fusion run that ends the ingest
    alerts: object | None = None  # the AlertSummary of the alerts run after it (when the store has alerts)

    @property
    def ingested(self) -> int:
        return self.stored + self.duplicates

    def lines(self) -> list[str]:
        rate = self.ingested / self.seconds if self.seconds else 0.0
        out = [
            f"ingested {_n(self.ingested, 'article')} ({self.stored} new, {self.duplicates} near-duplicates "
            f"linked to their original), {_n(self.events, 'event')}, in {self.seconds:.1f} s ({rate:.2f} articles/s)",
            f"already in the store: {self.already}; unreadable: {self.failed}",
        ]
        if self.skipped:
            out.append("skipped: " + ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items())))
        if self.fusion is not None:
            out.append(self.fusion.line())
        if self.alerts is not None:
            out.append(self.alerts.line())
        return out


def _n(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class Ingester:
    """Holds the pipeline, the store and the near-duplicate index for one ingest run."""

    def __init__(self, store: Store, settings: Settings | None = None, load_pipeline: bool = True):
        from .dedup import DedupSettings

        self.store = store
        self.settings = settings or Settings()
        self.pipeline = Pipeline(self.settings) if load_pipeline else None
        self.dedup = DedupSettings()
        # Originals handed to workers but not stored yet (batch mode); the store holds the rest,
        # so memory does not grow with the size of the store.
        self.pending: dict[str, object] = {}

    def near_duplicate(self, sig) -> tuple[str, float] | None:
        """(original id, similarity) of the closest stored or pending original above the threshold."""
        from .dedup import band_keys

        candidates = self._decoded(self.store.near_duplicate_candidates(band_keys(sig, self.dedup)))
        return self._best(sig, candidates + list(self.pending.items()))

    def _decoded(self, rows: list[tuple[str, bytes]]) -> list[tuple[str, object]]:
        from .dedup import signature_from_bytes

        return [(aid, signature_from_bytes(b, self.dedup)) for aid, b in rows]

    def _best(self, sig, candidates: list[tuple[str, object]]) -> tuple[str, float] | None:
        best: tuple[str, float] | None = None
        for aid, other in candidates:  # oldest first: ties go to the earliest original
            sim = float(sig.jaccard(other))
            if sim >= self.dedup.threshold and (best is None or sim > best[1]):
                best = (aid, sim)
        return best

    def ingest_one(self, raw: RawInput, summary: IngestSummary) -> None:
        from .dedup import signature

        if raw.skipped:
            summary.skipped[raw.skipped] += 1
            return
        if raw.error or raw.data is None:
            summary.failed += 1
            print(f"eventwire: {raw.name}: {raw.error or 'no data'}", file=sys.stderr)
            return
        try:
            article = read_input(raw.data, raw.name, self.settings, **hints_of(raw))
        except ArticleSkipped as exc:
            skip(raw.name, exc, summary)
            return
        except InputError as exc:
            summary.failed += 1
            print(f"eventwire: {raw.name}: {exc}", file=sys.stderr)
            return
        if self.store.has_article(article.id):
            summary.already += 1
            return
        sig = signature(article.text, self.dedup)
        if self.store_if_duplicate(article, sig, summary):
            return
        try:
            doc = self.pipeline(article)
        except ArticleSkipped as exc:  # nothing of it is stored
            skip(raw.name, exc, summary)
            return
        self.store_original(doc, sig, summary)

    def store_original(self, doc: Document, sig, summary: IngestSummary) -> None:
        """Store ``doc`` as an original, unless an original it copies was stored since it was looked up.

        The look-up before the pipeline saves annotating most copies, but another ingest may
        store an original of this one while the pipeline runs: the store is asked again inside
        the transaction that writes, which holds the article's LSH band keys, so of two
        concurrent copies the one stored second is always linked to the first.
        """
        from .dedup import band_keys, signature_bytes

        bands = band_keys(sig, self.dedup)
        with self.store.writing(bands) as w:
            # Only the store: pending originals come later in input order (batch mode) and are
            # stored after this one.
            match = self._best(sig, self._decoded(w.near_duplicate_candidates(bands)))
            if match is not None:
                stored = w.add_document(copy_of(doc.article, *match), duplicate_of=match[0], similarity=match[1])
            else:
                stored = w.add_document(doc, signature=signature_bytes(sig), bands=bands)
        if not stored:
            summary.already += 1
        elif match is not None:
            summary.duplicates += 1
        else:
            summary.stored += 1
            summary.events += len(doc.events)
        self.pending.pop(doc.article.id, None)

    def store_if_duplicate(self, article, sig, summary: IngestSummary,
                           match: tuple[str, float] | None = None) -> bool:
        """Store ``article`` as a linked copy if it near-duplicates a stored original (``match`` if known)."""
        match = match or self.near_duplicate(sig)
        if match is None:
            return False
        original, similarity = match
        if self.store.add_document(copy_of(article, original, similarity), duplicate_of=original,
                                   similarity=similarity):
            summary.duplicates += 1
        else:
            summary.already += 1
        return True


def copy_of(article, original: str, similarity: float) -> Document:
    """The document stored for a near-duplicate: the article alone, linked to its original."""
    # A copy is stored once and linked; its events are its original's, not new ones.
    return Document(article, skipped=[f"all stages: near-duplicate of {original} ({similarity:.2f})"])


def skip(name: str, exc: ArticleSkipped, summary: IngestSummary) -> None:
    """An article over a limit: one line, counted among the skips by its reason."""
    summary.skipped[exc.reason] += 1
    print(f"eventwire: {name}: {exc}", file=sys.stderr)


def ingest(paths: list[str], store: Store, settings: Settings | None = None,
           progress: Callable[[IngestSummary], None] | None = None) -> IngestSummary:
    """Ingest every article under ``paths`` into ``store``; returns the run's summary."""
    settings = settings or Settings()
    ingester = Ingester(store, settings)
    ingester.pipeline.warm()
    summary = IngestSummary()
    t0 = time.perf_counter()
    try:
        for raw in iter_inputs(paths, settings.max_bytes, exclude=store_files(store.path)):
            try:
                ingester.ingest_one(raw, summary)
            except EventwireError:
                raise
            except Exception as exc:  # one bad article must not stop the run; the store error below does
                if _is_store_error(exc):
                    raise EventwireError(f"the store failed: {first_line(exc)}") from exc
                summary.failed += 1
                print(f"eventwire: {raw.name}: internal error ({type(exc).__name__}: {first_line(exc)})",
                      file=sys.stderr)
            summary.seconds = time.perf_counter() - t0
            if progress:
                progress(summary)
    finally:
        summary.seconds = time.perf_counter() - t0
    fuse_new(store, summary)
    return summary


def fuse_new(store: Store, summary: IngestSummary, alerts: bool = True) -> None:
    """Fuse the new reports with the store's events (after every ingest, serial or parallel), then fire
    the store's alerts unless ``alerts`` is False (a caller that runs them itself)."""
    from .fusion import fuse

    summary.fusion = fuse(store)
    if alerts:
        alert_new(store, summary)


def alert_new(store: Store, summary: IngestSummary) -> None:
    """Fire the store's alerts on what fusion changed. A failure here loses nothing (the ingest is
    committed; the next run sees the same changes), so it is one line, not a failed ingest."""
    from .alerts import has_alerts, run_alerts

    try:
        if has_alerts(store):
            summary.alerts = run_alerts(store)
    except Exception as exc:
        if not _is_store_error(exc):
            raise
        print(f"eventwire: alerts not checked: {first_line(exc)} (run 'eventwire alerts run')", file=sys.stderr)


def _is_store_error(exc: Exception) -> bool:
    from sqlalchemy.exc import SQLAlchemyError

    return isinstance(exc, SQLAlchemyError)


def first_line(exc: Exception) -> str:
    s = str(getattr(exc, "orig", None) or exc).strip()
    return s.splitlines()[0] if s else type(exc).__name__
