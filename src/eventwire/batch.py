"""Batch ingest on a Dask cluster: workers read and annotate, this process dedups and stores.

The work is split in two steps so that the results are those of a serial run: workers
read each input into an Article (cheap); this process drops what the store already has
and near-duplicates, in input order; workers then run the pipeline on what is left
(the spaCy pipeline loads once per worker process); this process stores the results in
input order.
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Callable
from functools import lru_cache

from .config import Settings
from .document import Document
from .errors import EventwireError, InputError
from .ingest import Ingester, IngestSummary
from .models import Article
from .sources import RawInput, iter_inputs
from .store import Store


@lru_cache(maxsize=2)
def _worker_pipeline(settings: Settings):
    from .pipeline import Pipeline

    return Pipeline(settings)


def warm_worker(settings: Settings) -> bool:
    """Load the model, gazetteer and tables on a worker before the stream starts."""
    _worker_pipeline(settings).warm()
    return True


def read_task(raw: RawInput, settings: Settings) -> Article | str:
    """On a worker: the Article, or a one-line reason it could not be read."""
    from .reading import read_article

    try:
        return read_article(raw.data, raw.name, url=raw.url, max_bytes=settings.max_bytes,
                            published=raw.published, retrieved=raw.retrieved, title=raw.title, is_html=raw.is_html)
    except InputError as exc:
        return str(exc)


def key_task(article: Article | str) -> str | tuple[str, bytes]:
    """On a worker: the article's id and MinHash, so that only these travel to this process."""
    from .dedup import signature, signature_bytes

    if isinstance(article, str):
        return article
    return article.id, signature_bytes(signature(article.text))


def annotate_task(article: Article, settings: Settings) -> Document:
    """On a worker: run the pipeline; the spaCy Doc stays on the worker."""
    doc = _worker_pipeline(settings)(article)
    doc.spacy = None
    return doc


def _outcome(fut, name: str, summary: IngestSummary):
    """A task's result, or None after one line on stderr when the task failed on its worker."""
    try:
        return fut.result()
    except Exception as exc:  # a bug or a lost worker costs this article, not the run
        summary.failed += 1
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        print(f"eventwire: {name}: failed on a worker ({type(exc).__name__}: {first})", file=sys.stderr)
        return None


def make_client(workers: int | None, scheduler: str | None):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - dask is a pinned dependency
        raise EventwireError("dask[distributed] is not installed") from None
    if scheduler:
        try:
            return Client(scheduler, timeout="30s")
        except OSError as exc:
            raise EventwireError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    import logging

    import dask

    # The workers' sampling profiler and monitors take the GIL from the pipeline many times a
    # second; eventwire needs neither (the settings travel to the spawned workers). Dask's
    # default MALLOC_TRIM_THRESHOLD_ makes glibc hand memory back after every article, which
    # slows spaCy's many small allocations; memory stays flat without it (benchmarks/memory.py).
    single_thread = {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1}
    dask.config.set({"distributed.nanny.pre-spawn-environ": single_thread,
                     "distributed.worker.profile.enabled": False,
                     "distributed.worker.profile.interval": "10s", "distributed.worker.profile.cycle": "1000s",
                     "distributed.admin.system-monitor.interval": "5s"})
    for name in ("distributed", "dask"):
        logging.getLogger(name).setLevel(logging.ERROR)  # the cluster's chatter is not the user's business
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           scheduler_kwargs={"dashboard": False}, silence_logs=logging.ERROR)
    return Client(cluster)


def ingest_parallel(
    paths: list[str], store: Store, settings: Settings, client,
    progress: Callable[[IngestSummary], None] | None = None, window: int | None = None,
) -> IngestSummary:
    """Like ingest.ingest, with reading and annotation on ``client``'s workers."""
    from .dedup import signature_from_bytes

    ingester = Ingester(store, settings, load_pipeline=False)
    summary = IngestSummary()
    client.run(warm_worker, settings)  # every worker loads the pipeline once, all at the same time
    n_workers = max(1, len(client.scheduler_info().get("workers", {})))
    window = window or 32 * n_workers  # deep enough that one long article does not idle the workers
    t0 = time.perf_counter()
    reads: deque = deque()  # (raw, future) in input order
    annotations: deque = deque()  # (article, signature, future) in input order
    inputs = iter(iter_inputs(paths, settings.max_bytes))
    exhausted = False

    def store_ready(block: bool) -> None:
        while annotations and (block or annotations[0][3].done()):
            name, aid, sig, fut = annotations.popleft()
            doc = _outcome(fut, name, summary)
            if doc is not None:
                ingester.store_original(doc, sig, summary)
            ingester.pending.pop(aid, None)

    try:
        while True:
            while not exhausted and len(reads) + len(annotations) < window:
                raw = next(inputs, None)
                if raw is None:
                    exhausted = True
                    break
                if raw.skipped or raw.error or raw.data is None:
                    ingester.ingest_one(raw, summary)  # counted and reported as in a serial run
                    continue
                art = client.submit(read_task, raw, settings, pure=False, priority=10)
                # The article stays on the worker; its id and signature are all this process needs.
                reads.append((raw, art, client.submit(key_task, art, pure=False, priority=10)))
            if not reads and not annotations:
                break
            if reads:
                raw, art, key = reads.popleft()
                got = _outcome(key, raw.name, summary)
                if got is None:
                    pass
                elif isinstance(got, str):
                    summary.failed += 1
                    print(f"eventwire: {raw.name}: {got}", file=sys.stderr)
                elif store.has_article(got[0]):
                    summary.already += 1
                else:
                    aid, sig = got[0], signature_from_bytes(got[1], ingester.dedup)
                    match = ingester.near_duplicate(sig)
                    if match is not None:
                        store_ready(block=True)  # its original must be in the store before the link
                        article = _outcome(art, raw.name, summary)
                        if article is not None:
                            ingester.store_if_duplicate(article, sig, summary, match)
                    else:
                        # Later articles must see this one as an original, as in a serial run.
                        ingester.pending[aid] = sig
                        annotations.append((raw.name, aid, sig,
                                            client.submit(annotate_task, art, settings, pure=False)))
                store_ready(block=False)
            else:
                store_ready(block=True)
            summary.seconds = time.perf_counter() - t0
            if progress:
                progress(summary)
    finally:
        summary.seconds = time.perf_counter() - t0
    return summary
