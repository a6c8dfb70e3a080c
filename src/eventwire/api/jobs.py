"""Ingestion jobs of the write endpoints: a registry and one worker thread that runs them in order.

Each job ingests one uploaded article or WARC through the ingest command's own code
(:class:`eventwire.ingest.Ingester`: reading, near-duplicate check, pipeline, store; then
fusion), so an upload is stored exactly as ``eventwire ingest`` would store it. One worker
runs the jobs one after the other: the language pipeline is loaded once, at the first job,
and kept for the next ones (ingests are serial in the CLI too).

Jobs live in memory only: a restarted server forgets finished jobs (their articles and
events are in the store). A job is never dropped silently: its upload stays on disk until
the job ends, and at shutdown the server says which jobs had not finished and keeps their
uploads, naming the command that ingests them.
"""

from __future__ import annotations

import contextlib
import io
import logging
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the pipeline's modules load with the first job, never for reading
    from ..config import Settings
    from ..store import Store

log = logging.getLogger("eventwire.api.jobs")

KEEP_FINISHED = 1000  # finished jobs remembered for GET /api/jobs (oldest forgotten first)
MAX_MESSAGES = 50  # per job: one-line reasons for unreadable or skipped inputs
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class Job:
    """One upload to ingest; ``counts`` and ``articles`` grow while it runs (polling shows progress)."""

    id: str
    kind: str  # "article" or "warc"
    name: str  # what its records are called ("upload.txt", "crawl.warc.gz#1234")
    path: Path  # the uploaded bytes, on disk until the job ends
    size: int
    url: str | None = None  # article uploads: what the client says about it (never fetched)
    published: date | None = None
    title: str | None = None
    is_html: bool | None = None
    status: str = QUEUED
    submitted: str = field(default_factory=_now)
    started: str | None = None
    finished: str | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("inputs", "new", "duplicates", "already", "skipped", "failed", "events"), 0))
    skipped: dict[str, int] = field(default_factory=dict)  # skips by reason (WARC requests, non-html, ...)
    articles: list[dict] = field(default_factory=list)  # {"id", "outcome", ...} for each article stored or found
    messages: list[str] = field(default_factory=list)
    messages_left_out: int = 0
    fusion: str | None = None
    error: str | None = None
    keep_upload: bool = False  # not (fully) ingested when the server stopped: the upload is left for the CLI

    def out(self) -> dict[str, Any]:
        """The job as GET /api/jobs/{id} answers it."""
        return {"job": self.id, "status": self.status, "url": f"/api/jobs/{self.id}", "kind": self.kind,
                "name": self.name, "size_bytes": self.size, "submitted": self.submitted, "started": self.started,
                "finished": self.finished, "counts": dict(self.counts), "skipped": dict(self.skipped),
                "articles": list(self.articles), "messages": list(self.messages),
                "messages_left_out": self.messages_left_out, "fusion": self.fusion, "error": self.error}

    def note(self, line: str) -> None:
        if len(self.messages) < MAX_MESSAGES:
            self.messages.append(line)
        else:
            self.messages_left_out += 1


class QueueFull(Exception):
    """More jobs are waiting than the server takes (the client should retry later)."""


class JobRunner:
    """The job registry and its worker thread (started by the first job, stopped by ``shutdown``).

    At most ``max_queued`` jobs wait (uploads beyond get a 503): their uploads are on disk meanwhile.
    """

    def __init__(self, store: Store, settings: Settings | None = None, max_queued: int = 20,
                 spool_dir: str | None = None) -> None:
        self.store = store
        self._settings = settings
        self.max_queued = max_queued
        self._spool_parent = spool_dir
        self._spool: Path | None = None
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._queue: deque[Job] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._ingester = None  # made by the worker at its first job: the pipeline is loaded once

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from ..config import Settings

            self._settings = Settings()
        return self._settings

    # ---- the request side ------------------------------------------------------------------

    def new_id(self) -> str:
        return secrets.token_hex(8)

    def spool_path(self, job_id: str) -> Path:
        """Where an upload for ``job_id`` is written (a private folder, made at the first upload)."""
        with self._lock:
            if self._spool is None:
                self._spool = Path(tempfile.mkdtemp(prefix="eventwire-uploads-", dir=self._spool_parent))
            return self._spool / f"{job_id}.upload"

    def check_room(self) -> None:
        """QueueFull when the queue is full or the server is stopping (checked before an upload is read)."""
        with self._lock:
            if self._stopping:
                raise QueueFull("the server is shutting down")
            if len(self._queue) >= self.max_queued:
                raise QueueFull(f"{len(self._queue)} jobs are waiting already; try again later")

    def submit(self, job: Job) -> Job:
        with self._lock:
            if self._stopping or len(self._queue) >= self.max_queued:
                raise QueueFull("the server is shutting down" if self._stopping
                                else f"{len(self._queue)} jobs are waiting already; try again later")
            self._jobs[job.id] = job
            self._forget_old()
            self._queue.append(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="eventwire-jobs", daemon=True)
                self._thread.start()
            self._wake.notify()
        log.info("job %s queued: %s %s (%d bytes)", job.id, job.kind, job.name, job.size)
        return job

    def get(self, job_id: str) -> dict | None:
        with self._lock:
            job = self._jobs.get(job_id)
            return job.out() if job else None

    def recent(self, limit: int) -> list[dict]:
        with self._lock:
            return [j.out() for j in reversed(list(self._jobs.values())[-limit:])]

    def _forget_old(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.status in (DONE, FAILED)]
        for k in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            del self._jobs[k]

    # ---- shutdown ---------------------------------------------------------------------------

    def shutdown(self, timeout: float = 30.0) -> list[str]:
        """Stop after the article in hand; the lines say what had not finished (nothing: all done)."""
        with self._lock:
            self._stopping = True
            left = list(self._queue)
            self._queue.clear()
            running = next((j for j in self._jobs.values() if j.status == RUNNING), None)
            self._wake.notify_all()
        lines = []
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive() and running is not None:
                running.keep_upload = True
                lines.append(f"job {running.id} ({running.kind} {running.name}) was still running after "
                             f"{timeout:g} s and is abandoned: {_rerun(running)}")
            elif running is not None and running.keep_upload:
                lines.append(f"job {running.id} ({running.kind} {running.name}) was stopped after "
                             f"{running.counts['inputs']} inputs: {_rerun(running)}")
        for job in left:
            job.status, job.error, job.keep_upload = FAILED, "not run: the server shut down", True
            lines.append(f"job {job.id} ({job.kind} {job.name}) was not run: {_rerun(job)}")
        if self._spool is not None and not any(j.keep_upload for j in self._jobs.values()):
            shutil.rmtree(self._spool, ignore_errors=True)
        return lines

    # ---- the worker -------------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._stopping:
                    self._wake.wait()
                if self._stopping:
                    return
                job = self._queue.popleft()
                job.status, job.started = RUNNING, _now()
            try:
                self._run(job)
            except Exception as exc:  # the worker must outlive any one job (the traceback goes to the log)
                log.exception("job %s failed", job.id)
                job.error = f"internal error ({type(exc).__name__}: {_first_line(exc)})"
                job.status = FAILED
            finally:
                job.finished = _now()
                if job.status == RUNNING:
                    job.status = DONE
                if not job.keep_upload:
                    job.path.unlink(missing_ok=True)
            log.info("job %s %s: %s", job.id, job.status, job.counts)

    def _inputs(self, job: Job):
        from ..sources import RawInput

        if job.kind == "warc":
            from ..warc import iter_warc

            prefix = str(job.path)
            for raw in iter_warc(prefix, self.settings.max_bytes):
                # Records are named after the upload ("crawl.warc.gz#1234"), not the spool file.
                yield replace(raw, name=job.name + raw.name[len(prefix):] if raw.name.startswith(prefix)
                              else job.name)
            return
        yield RawInput(job.name, job.path.read_bytes(), url=job.url, published=job.published, title=job.title,
                       is_html=job.is_html)

    def _run(self, job: Job) -> None:
        from ..errors import EventwireError
        from ..ingest import IngestSummary, first_line, fuse_new

        ingester = self._get_ingester()
        summary = IngestSummary()
        ingester.job = job
        t0 = time.perf_counter()
        stopped = False
        try:
            for raw in self._inputs(job):
                if self._stopping:
                    stopped = True
                    break
                job.counts["inputs"] += 1
                ingester.current = raw.name
                with _lines_about(job):
                    try:
                        ingester.ingest_one(raw, summary)
                    except EventwireError:
                        raise
                    except Exception as exc:  # as the ingest command: one bad article does not stop the job
                        if _is_store_error(exc):
                            raise EventwireError(f"the store failed: {first_line(exc)}") from exc
                        summary.failed += 1
                        print(f"eventwire: {raw.name}: internal error ({type(exc).__name__}: {first_line(exc)})",
                              file=sys.stderr)
                _count(job, summary)
        except EventwireError as exc:
            job.status, job.error = FAILED, str(exc)
        finally:
            ingester.job = None
            summary.seconds = time.perf_counter() - t0
        if summary.ingested:
            fuse_new(self.store, summary)  # also after a stop: what was stored is fused
            job.fusion = summary.fusion.line()
        _count(job, summary)
        if job.status == FAILED:
            return
        if stopped:
            job.status, job.keep_upload = FAILED, True
            job.error = f"stopped by the server's shutdown after {job.counts['inputs']} inputs; what was stored is kept"
        elif summary.ingested == 0 and summary.already == 0:
            # As `eventwire ingest` exits 1: nothing at all could be taken in.
            job.status = FAILED
            job.error = job.messages[0].split(": ", 1)[-1] if job.messages else _nothing(summary)

    def _get_ingester(self):
        if self._ingester is None:
            self._ingester = _recording_ingester(self.store, self.settings)
        return self._ingester


def _rerun(job: Job) -> str:
    return (f"what it stored is kept, and its upload is kept at {job.path}: 'eventwire ingest --db DB {job.path}' "
            f"ingests the rest")


def _nothing(summary) -> str:
    why = ", ".join(f"{n} {r}" for r, n in sorted(summary.skipped.items()))
    return "nothing could be ingested" + (f" (skipped: {why})" if why else "")


def _count(job: Job, summary) -> None:
    job.counts.update(new=summary.stored, duplicates=summary.duplicates, already=summary.already,
                      skipped=sum(summary.skipped.values()), failed=summary.failed, events=summary.events)
    job.skipped = dict(summary.skipped)


def _is_store_error(exc: Exception) -> bool:
    from sqlalchemy.exc import SQLAlchemyError

    return isinstance(exc, SQLAlchemyError)


def _first_line(exc: BaseException) -> str:
    s = str(getattr(exc, "orig", None) or exc).strip()
    return s.splitlines()[0] if s else type(exc).__name__


class _Lines(io.TextIOBase):
    """stderr while one input is ingested: the ingest code's one-line reasons about this job's
    inputs are kept on the job, and every line still reaches the server's own stderr."""

    def __init__(self, job: Job, out) -> None:
        self.job, self.out, self.buf = job, out, ""
        self.prefix = f"eventwire: {job.name}"

    def write(self, s: str) -> int:
        self.out.write(s)
        self.buf += s
        while "\n" in self.buf:
            line, self.buf = self.buf.split("\n", 1)
            if line.startswith(self.prefix):
                self.job.note(line[len("eventwire: "):])
        return len(s)

    def flush(self) -> None:
        self.out.flush()


@contextlib.contextmanager
def _lines_about(job: Job):
    # The ingest code reports an unreadable or skipped input with one print to stderr (the CLI's
    # voice); the job keeps those lines. Only lines naming this job's inputs are kept, so a line
    # another thread prints meanwhile is passed on, not misfiled.
    with contextlib.redirect_stderr(_Lines(job, sys.stderr)):
        yield


def _recording_ingester(store: Store, settings: Settings):
    """An Ingester that also notes, on the job in hand, each article's id and what became of it."""
    from ..ingest import Ingester

    class _Watched:
        """The store, seen through ``has_article``: an article found there is 'already' stored."""

        def __init__(self, inner, owner) -> None:
            self._inner, self._owner = inner, owner

        def has_article(self, article_id: str) -> bool:
            found = self._inner.has_article(article_id)
            if found:
                self._owner.record(article_id, "already")
            return found

        def __getattr__(self, name: str):
            return getattr(self._inner, name)

    class Recording(Ingester):
        job: Job | None = None
        current = ""  # the input in hand


        def record(self, article_id: str, outcome: str, **more) -> None:
            if self.job is not None:
                self.job.articles.append({"id": article_id, "outcome": outcome, **more})

        def store_original(self, doc, sig, summary) -> None:
            before = (summary.stored, summary.duplicates)
            super().store_original(doc, sig, summary)
            if summary.stored > before[0]:
                self.record(doc.article.id, "new", events=len(doc.events))
                lang = doc.article.language
                if lang and lang not in self.settings.languages and self.job is not None:
                    self.job.note(f"{self.current}: language '{lang}' is not supported: stored without events")
            elif summary.duplicates > before[1]:
                self.record(doc.article.id, "duplicate")  # its original was stored while it was annotated
            else:
                self.record(doc.article.id, "already")

        def store_if_duplicate(self, article, sig, summary, match=None) -> bool:
            match = match or self.near_duplicate(sig)
            if match is None:
                return False
            before = summary.duplicates
            super().store_if_duplicate(article, sig, summary, match)
            self.record(article.id, "duplicate" if summary.duplicates > before else "already",
                        duplicate_of=match[0], similarity=round(match[1], 3))
            return True

    from ..pipeline import Pipeline

    ing = Recording(store, settings, load_pipeline=False)
    ing.store = _Watched(store, ing)
    ing.pipeline = Pipeline(settings)
    ing.pipeline.warm()  # as the ingest command: loaded once, kept out of the collector's walks
    return ing


def describe(lines: list[str]) -> None:
    """Say at shutdown what had not finished (stderr: where `eventwire serve` speaks)."""
    for line in lines:
        print(f"eventwire: {line}", file=sys.stderr)
    sys.stderr.flush()


__all__ = ["Job", "JobRunner", "QueueFull", "describe", "DONE", "FAILED", "QUEUED", "RUNNING"]
