"""The store's commands: ingest, events, articles, show, export, serve (the CLI's view layer).

Reading commands load no language model; they and ingest check the store's location
before the database library is imported (see :mod:`eventwire.store.location`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, TextIO

from .config import Settings
from .errors import EventwireError, UsageError
from .geo import place_or_latlon
from .store import open_store
from .store.location import locate
from .watch.cli import cmd_sources, cmd_watch  # noqa: F401  (dispatched by name: the monitor, issue 12)

if TYPE_CHECKING:
    from .store import Store
    from .store.query import EventFilter


def cmd_ingest(args: argparse.Namespace) -> int:
    settings = Settings(model=args.model, max_bytes=int(args.max_mb * 1_000_000), max_chars=args.max_chars,
                        stage_seconds=args.stage_seconds)
    with open_store(args.db, create=True) as store:
        from sqlalchemy.exc import SQLAlchemyError

        from .ingest import ingest  # the pipeline's modules: only once the store is known to be usable

        bar = _progress_bar(args.quiet)
        try:
            if args.workers or args.scheduler:
                from .batch import ingest_parallel, make_client

                with make_client(args.workers, args.scheduler) as client:
                    summary = ingest_parallel(args.paths, store, settings, client,
                                              progress=bar.update if bar else None)
            else:
                summary = ingest(args.paths, store, settings, progress=bar.update if bar else None)
        except SQLAlchemyError as exc:
            msg = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or ["database error"])[0]
            raise EventwireError(f"the store failed: {msg}; what was committed before is kept") from None
        finally:
            if bar:
                bar.close()
        if not args.quiet:
            for line in summary.lines():
                print(line)
            print(f"store: {_safe_url(store.url)}")
    # Failure only when nothing at all could be taken in (a rerun that finds everything stored succeeds).
    if summary.ingested == 0 and summary.already == 0:
        print("eventwire: nothing could be ingested", file=sys.stderr)
        return 1
    return 0


class _Bar:
    def __init__(self):
        from tqdm import tqdm

        self.bar = tqdm(unit=" articles", file=sys.stderr, dynamic_ncols=True)
        self.seen = 0

    def update(self, s) -> None:
        done = s.ingested + s.already + s.failed + sum(s.skipped.values())
        self.bar.update(done - self.seen)
        self.seen = done
        self.bar.set_postfix(new=s.stored, dup=s.duplicates, events=s.events, skipped=sum(s.skipped.values()),
                             failed=s.failed, refresh=False)

    def close(self) -> None:
        self.bar.close()


def _progress_bar(quiet: bool) -> _Bar | None:
    return _Bar() if not quiet and sys.stderr.isatty() else None


def _safe_url(url: str) -> str:
    from .store.db import safe_url

    return safe_url(url)


def _event_filter(args: argparse.Namespace) -> EventFilter:
    """The filter the options ask for (values checked by the parser); --near PLACE loads the gazetteer."""
    from .store.query import EventFilter

    f = EventFilter(since=args.since, until=args.until, event_type=args.event_type,
                    sub_event_type=args.sub_event_type, actor=args.actor, country=args.country,
                    text=args.text, modality=args.modality, include_duplicates=args.include_duplicates,
                    limit=args.limit, bbox=args.bbox)
    if args.radius is not None:
        f.radius_km = args.radius
    if args.near:
        f.near = place_or_latlon(args.near)
    return f


def _with_sources(store: Store, events, fused: bool):
    for ev in events:
        yield store.fused_event(ev["id"]) if fused else store.event(ev["id"])


def _find(store: Store, f: EventFilter, reports: bool):
    """Fused events (the default) or per-article events (``--reports``)."""
    from .store.query import find_events, find_fused_events

    if not reports:
        _warn_unfused(store)
    return find_events(store, f) if reports else find_fused_events(store, f)


def _warn_unfused(store: Store) -> None:
    from .fusion import unfused_count

    n = unfused_count(store)
    if n:
        print(f"eventwire: {n} events in this store are not fused yet (a store from before fusion or an "
              f"interrupted ingest): run 'eventwire fuse' to fuse them", file=sys.stderr)


def _event_line(ev: dict) -> str:
    loc = ev["location"] or {}
    mod = ev["modality"] + (", contested" if ev.get("contested") else "")
    line = (f"{ev['id']}  {ev['date'] or '?':10s}  {ev['event_type']} / {ev['sub_event_type'] or '-'}  "
            f"{ev['actor1'] or '?'} -> {ev['actor2'] or '?'}  @ {loc.get('name') or '?'}"
            f"{' (' + loc['country'] + ')' if loc.get('country') else ''}  [{mod}]")
    if ev["fatalities"] is not None:
        rng = ev.get("fatalities_range")
        line += f"  fatalities {ev['fatalities']}" + (f" ({rng[0]}-{rng[1]} by source)" if rng and rng[0] != rng[1]
                                                      else "")
    if ev.get("fused"):
        line += (f"  {ev['articles']} article{'s' if ev['articles'] != 1 else ''}, "
                 f"{ev['sources_independent']} independent")
    return line


def cmd_events(args: argparse.Namespace) -> int:
    locate(args.db, create=False)  # before the database library loads
    f = _event_filter(args)  # a place not in the gazetteer is a usage error before the store is opened
    with open_store(args.db, create=False) as store:
        n = 0
        for ev in _find(store, f, args.reports):
            n += 1
            if args.json:
                full = store.event(ev["id"]) if args.reports else store.fused_event(ev["id"])
                print(json.dumps(full, ensure_ascii=False, default=str))
                continue
            print(_event_line(ev))
        if not args.json:
            print(f"{n} {'events (per article)' if args.reports else 'events'}", file=sys.stderr)
    return 0


@contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    """Standard output, or a file that appears only when complete (written beside it, then renamed)."""
    if not path:
        with nullcontext(sys.stdout) as out:
            yield out
        return
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".eventwire-", suffix=".part", dir=folder)
    except OSError as exc:
        raise EventwireError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            yield out
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as open() would have made it (mkstemp makes it private)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def cmd_export(args: argparse.Namespace) -> int:
    locate(args.db, create=False)  # before the database library loads
    from .export import write_csv, write_geojson, write_json

    f = _event_filter(args)
    with open_store(args.db, create=False) as store, _output(args.output) as out:
        events = _with_sources(store, _find(store, f, args.reports), fused=not args.reports)
        if args.format == "csv":
            n, left_out = write_csv(events, out, extra=not args.acled_only)
            for reason, k in sorted(left_out.items()):
                print(f"eventwire: {k} events left out of the ACLED CSV: {reason}", file=sys.stderr)
        elif args.format == "json":
            n = write_json(events, out)
        else:
            n, missing = write_geojson(events, out)
            if missing:
                print(f"eventwire: {missing} events without a location left out of the GeoJSON", file=sys.stderr)
    print(f"exported {n} events" + (f" to {args.output}" if args.output else ""), file=sys.stderr)
    return 0


def cmd_articles(args: argparse.Namespace) -> int:
    locate(args.db, create=False)  # before the database library loads
    from .store.query import ArticleFilter, find_articles

    f = ArticleFilter(since=args.since, until=args.until, site=args.site, text=args.text,
                      duplicates=True if args.duplicates else None, limit=args.limit)
    with open_store(args.db, create=False) as store:
        for a in find_articles(store, f):
            if args.json:
                print(json.dumps(a, ensure_ascii=False))
            else:
                dup = f"  (copy of {a['duplicate_of']})" if a["duplicate_of"] else ""
                print(f"{a['id']}  {a['published'] or '?':10s}  {a['site'] or '-'}  {a['title'] or a['input']}{dup}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with open_store(args.db, create=False) as store:
        rec = store.fused_event(args.id) or store.event(args.id) or store.article(args.id)
    if rec is None:
        print(f"eventwire: no event or article with id {args.id}", file=sys.stderr)
        return 1
    if args.why:
        if not rec.get("fused"):
            print(f"eventwire: {args.id} is not a fused event (--why explains fused events; "
                  f"see its 'fused_into' for the one it belongs to)", file=sys.stderr)
            return 1
        from .fusion.explain import explain

        print(explain(rec))
        return 0
    print(json.dumps(rec, ensure_ascii=False, indent=2, default=str))
    return 0


def cmd_fuse(args: argparse.Namespace) -> int:
    with open_store(args.db, create=False) as store:
        from .fusion import fuse

        summary = fuse(store, full=args.full)
        print(summary.line())
        from .alerts import has_alerts, run_alerts

        if has_alerts(store):  # what fusion changed may fire alerts, as after an ingest
            print(run_alerts(store).line())
    return 0


def listening_socket(host: str, port: int):
    """The server's socket, bound here so that a port in use or a bad address is one line (uvicorn would
    log it and exit 3).

    IPPROTO_TCP is named: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on sockets that say
    they are TCP; without it each answer on a kept-alive connection waited ~40 ms for the client's
    delayed ACK.
    """
    import socket

    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise EventwireError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def cmd_serve(args: argparse.Namespace) -> int:
    if args.port > 65535:
        raise UsageError(f"--port {args.port}: give a port from 1 to 65535")
    token = _token(args.token if args.token is not None else os.environ.get("EVENTWIRE_API_TOKEN"),
                   "--token" if args.token is not None else "EVENTWIRE_API_TOKEN")
    locate(args.db, create=False)  # a missing store: the reading commands' one-line error, before FastAPI loads
    import uvicorn

    from .api import create_app

    settings = Settings(model=args.model, max_bytes=int(args.max_mb * 1_000_000), max_chars=args.max_chars,
                        stage_seconds=args.stage_seconds)
    workers = args.workers
    if token and workers > 1:
        # Jobs are queued in the process that took the upload: another worker could not answer their polls.
        raise UsageError(f"--workers {workers} with a token: the write endpoints and their jobs need one process; "
                         "serve writing with --workers 1 (and reading elsewhere with more)")
    app = create_app(args.db, token=token, max_upload_bytes=int(args.max_upload_mb * 1_000_000), settings=settings)
    sock = listening_socket(args.host, args.port)
    print(f"eventwire: serving {_safe_url(app.state.store.url)} at http://{args.host}:{args.port}/api "
          f"(OpenAPI: /openapi.json, docs: /docs)" + (f" with {workers} workers" if workers > 1 else ""),
          file=sys.stderr)
    print("eventwire: write endpoints " + ("enabled for requests bearing the token (uploads up to "
                                           f"{args.max_upload_mb:g} MB)" if token else
                                           "disabled (start with --token or $EVENTWIRE_API_TOKEN to enable them)"),
          file=sys.stderr)
    if token and args.host not in ("127.0.0.1", "localhost", "::1"):
        print("eventwire: warning: the token travels in clear over plain HTTP: put a TLS proxy in front of a server "
              "others can reach", file=sys.stderr)
    if workers > 1:
        # Each worker process opens the store itself (uvicorn imports the app by name in each).
        from uvicorn.supervisors import Multiprocess

        from .api.workers import DB_VARIABLE

        os.environ[DB_VARIABLE] = app.state.store.url
        app.state.store.close()
        config = uvicorn.Config("eventwire.api.workers:app", factory=True, workers=workers, log_level="warning")
        Multiprocess(config, sockets=[sock]).run()
        return 0
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
    return 0


MIN_TOKEN_CHARS = 16


def _token(value: str | None, where: str) -> str | None:
    """The write token, if any; a short or unsendable one is a usage error (it is never printed)."""
    if value is None or value == "":
        return None
    if len(value) < MIN_TOKEN_CHARS:
        raise UsageError(f"{where}: use a token of at least {MIN_TOKEN_CHARS} characters "
                         f"(e.g. python -c 'import secrets; print(secrets.token_urlsafe())')")
    if not all(33 <= ord(c) <= 126 for c in value):
        raise UsageError(f"{where}: a token is printable ASCII without spaces (it is sent in an HTTP header)")
    return value


def cmd_alerts(args: argparse.Namespace) -> int:
    from .alerts.commands import run

    return run(args)


def cmd_eval(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from .evaluation import evaluate

    report = evaluate(args.stage, args.path, limit=args.limit)
    if args.json:
        rec = asdict(report)
        if not args.errors:
            rec.pop("errors")
        print(json.dumps(rec, ensure_ascii=False))
    else:
        print("\n".join(report.lines(show_errors=args.errors)))
    return 0
