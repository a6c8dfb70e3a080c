"""The watch loop: poll due sources, fetch their new items on a thread pool, ingest in order, fuse, call on_fused.

Fetching runs ahead on ``workers`` threads (each host held to its own rate and concurrency by
fetching.limits); articles are read and stored on the calling thread, one at a time and in feed
order, through the same ``Ingester`` as `eventwire ingest` (pipeline loaded once). After a round
that stored anything the new reports are fused and ``on_fused(store)`` runs (the alerts' seam: given
a hook, fusion leaves the store's alerts to it, so they are checked once a round; without one,
fusion fires them as `eventwire ingest` does).
``stop`` (set by SIGINT/SIGTERM) is checked before each article: the article in hand is finished
and marked seen, the rest are left for the next run.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial

from ..config import Settings
from ..fetching.archive import WarcArchive
from ..fetching.client import Fetcher, FetchError
from ..fetching.guard import Guard
from ..fetching.robots import Robots
from ..fetching.settings import FetchSettings
from ..ingest import Ingester, IngestSummary, fuse_new
from ..store import Store
from .discover import Item, NotAFeed, items
from .items import Fetched, fetch_item, ingest_item
from .sourcelist import Source
from .state import SourceState, WatchState

Report = Callable[[str, dict], None]


@dataclass
class RoundSummary:
    sources: int = 0
    not_modified: int = 0
    failed: int = 0  # sources whose poll failed
    new_items: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    ingest: IngestSummary = field(default_factory=IngestSummary)
    fused: bool = False


class Watcher:
    def __init__(self, store: Store, sources: list[Source], settings: Settings | None = None,
                 fetch: FetchSettings | None = None, archive: str | None = None, workers: int = 4,
                 on_fused: Callable[[Store], None] | None = None, report: Report | None = None,
                 ingester: Ingester | None = None) -> None:
        self.store = store
        self.sources = sources
        self.settings = settings or Settings()
        guard = Guard(s.host for s in sources if s.allow_private)
        self.fetcher = Fetcher(fetch, guard, archive=WarcArchive(archive) if archive else None)
        self.robots = Robots(self.fetcher)
        self.state = WatchState(store)
        self.workers = workers
        self.on_fused = on_fused
        self.report = report or (lambda _event, _data: None)
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._validators: dict[str, tuple[str | None, str | None]] = {}
        if ingester is None:
            ingester = Ingester(store, self.settings)
            ingester.pipeline.warm()
        self.ingester = ingester

    def close(self) -> None:
        self.fetcher.close()

    def run(self, once: bool = False, max_rounds: int | None = None, max_seconds: float | None = None) -> int:
        """Poll until stopped (``once``: every source one time); returns the rounds run."""
        t_end = time.monotonic() + max_seconds if max_seconds else None
        states = {s.url: self.state.source(s.url, s.name) for s in self.sources}
        self.catch_up()
        rounds = 0
        while not self.stop.is_set():
            now = datetime.now(UTC)
            due = [s for s in self.sources if once or (states[s.url].next_due or now) <= now]
            if due:
                self.round(due, states)
                rounds += 1
            if once or (max_rounds and rounds >= max_rounds):
                break
            nxt = min((states[s.url].next_due or now) for s in self.sources) if self.sources else now
            wait = max(0.05, (nxt - datetime.now(UTC)).total_seconds())
            if t_end is not None:
                if time.monotonic() >= t_end:
                    break
                wait = min(wait, t_end - time.monotonic())
            self.stop.wait(min(wait, 1.0))
        return rounds

    def catch_up(self) -> None:
        """What an interrupted run left undone: fuse reports stored but not fused, then run ``on_fused``.

        A run killed after storing articles but before fusing them, or after fusing but before the hook
        finished, would otherwise wait for the next new article; the hook must be idempotent (it may see
        the same fused events again).
        """
        from ..fusion import unfused_count

        if unfused_count(self.store):
            summary = IngestSummary()
            fuse_new(self.store, summary, alerts=self.on_fused is None)  # the hook runs them, just below
            self.report("catch-up", {"fused": summary.fusion.line()})
        if self.on_fused is not None:
            self.on_fused(self.store)

    def round(self, due: list[Source], states: dict[str, SourceState]) -> RoundSummary:
        """Poll ``due``; as each poll answers, its items' fetches start, and its articles are read in feed order.

        Sources are handled in the order their polls answer, so a slow or failing host holds up nobody else.
        """
        out = RoundSummary(sources=len(due))
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="eventwire-fetch")
        answered: queue.Queue = queue.Queue()

        def polled(src: Source, fut: Future) -> None:  # on the polling thread: start the item fetches at once
            try:
                new = fut.result()
                futs = [pool.submit(fetch_item, it, self.fetcher, self.robots) for it in new] if new else []
            except BaseException as exc:  # noqa: B036 (handed to the main thread, raised there)
                answered.put((src, exc, []))
                return
            answered.put((src, new, futs))

        try:
            for src in due:
                pool.submit(self._poll, src, states[src.url]).add_done_callback(partial(polled, src))
            for _ in due:
                got = self._next(answered)
                if got is None:
                    break
                src, new, futs = got
                if isinstance(new, BaseException):
                    raise new
                if new is None:
                    out.failed += 1
                elif new is False:
                    out.not_modified += 1
                elif new:
                    out.new_items += len(new)
                    self._ingest_source(src, states[src.url], futs, out)
        finally:
            pool.shutdown(wait=not self.stop.is_set(), cancel_futures=True)
        if out.ingest.ingested:
            fuse_new(self.store, out.ingest, alerts=self.on_fused is None)  # with a hook, the hook's turn
            out.fused = True
            if self.on_fused is not None:
                self.on_fused(self.store)
        self.report("round", {"sources": out.sources, "not_modified": out.not_modified, "failed": out.failed,
                              "new_items": out.new_items, **out.outcomes,
                              "fused": out.ingest.fusion.line() if out.ingest.fusion else None})
        return out

    def _ingest_source(self, src: Source, st: SourceState, futs: list[Future], out: RoundSummary) -> None:
        """The source's new articles, in feed order; its poll is complete when none is left to retry."""
        left = len(futs)
        for fut in futs:
            f: Fetched | None = self._wait(fut)
            if f is None:
                break
            outcome = ingest_item(f, st.id, self.ingester, self.state, out.ingest)
            key = outcome.split(":", 1)[0]
            out.outcomes[key] = out.outcomes.get(key, 0) + 1
            if key != "retry":
                left -= 1
            self.report("item", {"source": src.name, "url": f.item.url, "outcome": outcome})
        self._finish(st, complete=left == 0)

    def _next(self, answered: queue.Queue):
        """The next answered poll, or None as soon as ``stop`` is set."""
        while not self.stop.is_set():
            try:
                return answered.get(timeout=0.2)
            except queue.Empty:
                continue
        return None

    def _poll(self, src: Source, st: SourceState) -> list[Item] | bool | None:
        """The source's unseen items; False when unchanged (304); None when the poll failed (state saved)."""
        now = datetime.now(UTC)
        st.last_poll = now
        try:
            resp = self.fetcher.get(src.url, etag=st.etag, last_modified=st.last_modified, allowed=self.robots.allowed)
        except FetchError as exc:
            return self._failed(src, st, str(exc))
        if resp.not_modified:
            self._succeed(st, src, resp.etag or st.etag, resp.last_modified or st.last_modified)
            self.report("poll", {"source": src.name, "status": 304, "new": 0})
            return False
        try:
            found = items(resp.body, resp.url, src.kind, self.settings.max_bytes)
        except NotAFeed as exc:
            return self._failed(src, st, str(exc))
        unseen = set(self.state.unseen([i.url for i in found]))
        new = [i for i in found if i.url in unseen]
        # Validators are kept aside until every new item is handled (see state.py).
        with self._lock:
            self._validators[src.url] = (resp.etag, resp.last_modified)
        self.report("poll", {"source": src.name, "status": resp.status, "items": len(found), "new": len(new)})
        if not new:
            self._finish(st, complete=True)
        return new

    def _failed(self, src: Source, st: SourceState, error: str) -> None:
        """A failed poll: recorded, and the source waits its interval doubled per consecutive failure."""
        now = datetime.now(UTC)
        st.failures += 1
        st.last_error, st.last_error_at = error, now
        backoff = min(src.interval * 2 ** st.failures, max(src.interval, self.fetcher.settings.poll_backoff_max))
        st.next_due = now + timedelta(seconds=backoff)
        self.state.save(st)
        self.report("error", {"source": src.name, "url": src.url, "error": error, "retry_in_s": round(backoff, 1)})
        return None

    def _wait(self, fut: Future):
        """The future's result, or None as soon as ``stop`` is set (a fetch in flight is not the article in hand)."""
        while not self.stop.is_set():
            try:
                return fut.result(timeout=0.2)
            except FuturesTimeout:
                continue
        return None

    def _succeed(self, st: SourceState, src: Source, etag: str | None, last_modified: str | None) -> None:
        now = datetime.now(UTC)
        st.etag, st.last_modified = etag, last_modified
        st.last_success, st.failures = now, 0
        st.next_due = now + timedelta(seconds=src.interval)
        self.state.save(st)

    def _finish(self, st: SourceState, complete: bool) -> None:
        """A poll whose items were handled: its validators are saved only if all were (``complete``)."""
        src = next(s for s in self.sources if s.url == st.url)
        with self._lock:
            etag, lm = self._validators.pop(st.url, (None, None))
        if complete:
            self._succeed(st, src, etag, lm)
        else:
            # Items left (stopped, or a transient failure): read the feed whole again, and soon if stopped.
            self._succeed(st, src, None, None)
            if self.stop.is_set():
                st.next_due = datetime.now(UTC)
                self.state.save(st)
