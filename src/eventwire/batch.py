"""Batch ingest on a Dask cluster: workers read and annotate, this process dedups and stores.

The work is split in two steps so that the results are those of a serial run: workers
read each input into an Article (cheap) and send back only its id and MinHash; this
process drops what the store already has and near-duplicates, in input order; workers then
run the pipeline on what is left (the spaCy pipeline loads once per worker process); this
process stores the results in input order. Tasks carry a few articles each: per-task
overhead in this process competes with the workers for the same cores.
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Callable
from functools import lru_cache

from .budget import ArticleSkipped
from .config import Settings
from .document import Document
from .errors import EventwireError, InputError
from .ingest import Ingester, IngestSummary, first_line, fuse_new, skip
from .models import Article
from .sources import RawInput, iter_inputs, store_files
from .store import Store


@lru_cache(maxsize=2)
def _worker_pipeline(settings: Settings):
    from .pipeline import Pipeline

    return Pipeline(settings)


def warm_worker(settings: Settings) -> bool:
    """Load the model, gazetteer and tables on a worker before the stream starts."""
    _worker_pipeline(settings).warm()
    return True


def read_task(raw: RawInput, settings: Settings) -> Article | ArticleSkipped | str:
    """On a worker: the Article, the skip of one over a limit, or a one-line reason it could not be read."""
    from .extract import hints_of, read_input

    try:
        return read_input(raw.data, raw.name, settings, **hints_of(raw))
    except ArticleSkipped as exc:
        return exc
    except InputError as exc:
        return str(exc)
    except Exception as exc:  # a reader bug costs this article, not its chunk
        return f"internal error ({_described(exc)})"


def read_chunk(raws: list[RawInput], settings: Settings) -> list[Article | str]:
    """On a worker: several inputs read at once (fewer, larger tasks cost the scheduler less)."""
    return [read_task(raw, settings) for raw in raws]


def keys_chunk(articles: list[Article | str]) -> list[str | tuple[str, bytes]]:
    """On a worker: each article's id and MinHash, so that only these travel to this process."""
    from .dedup import signature, signature_bytes

    return [(a.id, signature_bytes(signature(a.text))) if isinstance(a, Article) else a for a in articles]


def pick(articles: list[Article | str], i: int) -> Article | str:
    return articles[i]


def annotate_chunk(articles: list[Article | str], picks: list[int], settings: Settings) -> list[Document | str]:
    """On a worker: run the pipeline on the picked articles; the spaCy Docs stay on the worker."""
    out: list[Document | str] = []
    for i in picks:
        try:
            doc = _worker_pipeline(settings)(articles[i])
            doc.spacy = None
            out.append(doc)
        except ArticleSkipped as exc:  # over a stage's time budget: skipped, as in a serial run
            out.append(exc)
        except Exception as exc:  # one article's bug must not cost its chunk
            out.append(f"internal error ({_described(exc)})")
    return out


def _described(exc: Exception) -> str:
    return f"{type(exc).__name__}: {first_line(exc)}"


def _outcome(fut, names: list[str], summary: IngestSummary):
    """A chunk task's result, or None after one line per article when the task failed on its worker."""
    try:
        return fut.result()
    except Exception as exc:  # a lost worker costs these articles, not the run
        for name in names:
            summary.failed += 1
            print(f"eventwire: {name}: failed on a worker ({_described(exc)})", file=sys.stderr)
        return None


def _failed(name: str, why: str, summary: IngestSummary) -> None:
    summary.failed += 1
    print(f"eventwire: {name}: {why}", file=sys.stderr)


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
    progress: Callable[[IngestSummary], None] | None = None, window: int | None = None, chunk: int = 4,
) -> IngestSummary:
    """Like ingest.ingest, with reading and annotation on ``client``'s workers, ``chunk`` articles a task."""
    from .dedup import signature_from_bytes

    ingester = Ingester(store, settings, load_pipeline=False)
    summary = IngestSummary()
    client.run(warm_worker, settings)  # every worker loads the pipeline once, all at the same time
    n_workers = max(1, len(client.scheduler_info().get("workers", {})))
    window = window or 32 * n_workers  # articles in flight: deep enough that one long article does not idle a worker
    t0 = time.perf_counter()
    reads: deque = deque()  # (names, articles future, keys future) in input order
    annotations: deque = deque()  # (names, ids, signatures, documents future) in input order
    in_flight = 0
    inputs = iter(iter_inputs(paths, settings.max_bytes, exclude=store_files(store.path)))
    exhausted = False

    def store_ready(block: bool) -> None:
        nonlocal in_flight
        while annotations and (block or annotations[0][3].done()):
            names, ids, sigs, fut = annotations.popleft()
            in_flight -= len(names)
            docs = _outcome(fut, names, summary) or [None] * len(names)
            for name, aid, sig, doc in zip(names, ids, sigs, docs, strict=True):
                if isinstance(doc, str):
                    _failed(name, doc, summary)
                elif isinstance(doc, ArticleSkipped):
                    skip(name, doc, summary)
                elif doc is not None:
                    ingester.store_original(doc, sig, summary)
                ingester.pending.pop(aid, None)

    def submit_reads() -> None:
        nonlocal exhausted, in_flight
        while not exhausted and in_flight < window:
            raws: list[RawInput] = []
            while len(raws) < chunk:
                raw = next(inputs, None)
                if raw is None:
                    exhausted = True
                    break
                if raw.skipped or raw.error or raw.data is None:
                    ingester.ingest_one(raw, summary)  # counted and reported as in a serial run
                else:
                    raws.append(raw)
            if raws:
                arts = client.submit(read_chunk, raws, settings, pure=False, priority=10)
                # The articles stay on the worker; ids and signatures are all this process needs.
                reads.append(([r.name for r in raws], arts, client.submit(keys_chunk, arts, pure=False, priority=10)))
                in_flight += len(raws)

    def send(arts, picks: list[int], names: list[str], ids: list[str], sigs: list) -> None:
        nonlocal in_flight
        if picks:
            annotations.append((names, ids, sigs, client.submit(annotate_chunk, arts, picks, settings, pure=False)))
            in_flight += len(picks)

    def sort_chunk(names: list[str], arts, keys: list) -> None:
        """Drop what the store has, link near-duplicates, send the originals to annotation, in input order."""
        picks: list[int] = []
        originals: tuple[list, list, list] = ([], [], [])  # names, ids, signatures of the picks
        for i, (name, got) in enumerate(zip(names, keys, strict=True)):
            if isinstance(got, str):
                _failed(name, got, summary)
                continue
            if isinstance(got, ArticleSkipped):
                skip(name, got, summary)
                continue
            aid, sig = got[0], signature_from_bytes(got[1], ingester.dedup)
            if store.has_article(aid):
                summary.already += 1
                continue
            match = ingester.near_duplicate(sig)
            if match is not None:
                # Its original may be among the picks so far: it must be in the store before the link.
                send(arts, picks, *originals)
                picks, originals = [], ([], [], [])
                store_ready(block=True)
                if not store.has_article(match[0]):  # the original failed or was skipped: look again
                    match = ingester.near_duplicate(sig)
            if match is None:
                # Later articles must see this one as an original, as in a serial run.
                ingester.pending[aid] = sig
                picks.append(i)
                for part, value in zip(originals, (name, aid, sig), strict=True):
                    part.append(value)
                continue
            article = _outcome(client.submit(pick, arts, i, pure=False), [name], summary)
            if article is not None:
                ingester.store_if_duplicate(article, sig, summary, match)
        send(arts, picks, *originals)

    try:
        while True:
            submit_reads()
            if not reads and not annotations:
                break
            if reads:
                names, arts, keys_fut = reads.popleft()
                in_flight -= len(names)
                keys = _outcome(keys_fut, names, summary)
                if keys is not None:
                    sort_chunk(names, arts, keys)
                store_ready(block=False)
            else:
                store_ready(block=True)
            summary.seconds = time.perf_counter() - t0
            if progress:
                progress(summary)
    finally:
        summary.seconds = time.perf_counter() - t0
    fuse_new(store, summary)
    return summary
