"""The store's commands: ingest, events, articles, show, export (the CLI's view layer)."""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import nullcontext

from sqlalchemy.exc import SQLAlchemyError

from .config import Settings
from .errors import EventwireError, UsageError
from .store import Store
from .store.query import ArticleFilter, EventFilter, find_articles, find_events


def cmd_ingest(args: argparse.Namespace) -> int:
    from .ingest import ingest

    settings = Settings(model=args.model, max_bytes=int(args.max_mb * 1_000_000), max_chars=args.max_chars,
                        stage_seconds=args.stage_seconds)
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    with Store(args.db) as store:
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
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _event_filter(args: argparse.Namespace) -> EventFilter:
    f = EventFilter(since=args.since, until=args.until, event_type=args.event_type,
                    sub_event_type=args.sub_event_type, actor=args.actor, country=args.country,
                    radius_km=args.radius, text=args.text, modality=args.modality,
                    include_duplicates=args.include_duplicates, limit=args.limit)
    if args.near:
        f.near = _place_or_latlon(args.near)
    if args.bbox:
        try:
            w, s, e, n = (float(x) for x in args.bbox.split(","))
        except ValueError:
            raise UsageError(f"--bbox {args.bbox}: give MIN_LON,MIN_LAT,MAX_LON,MAX_LAT") from None
        f.bbox = (w, s, e, n)
    return f


def _place_or_latlon(value: str) -> tuple[float, float]:
    parts = value.split(",")
    if len(parts) == 2:
        try:
            return float(parts[0]), float(parts[1])
        except ValueError:
            pass
    from .places import get_gazetteer

    cands = get_gazetteer().candidates(value)
    if not cands:
        raise UsageError(f"--near {value}: no such place in the gazetteer; give LAT,LON instead")
    best = max(cands, key=lambda e: (e.feature == "country", e.population))
    return best.lat, best.lon


def _with_sources(store: Store, events):
    for ev in events:
        yield store.event(ev["id"])


def cmd_events(args: argparse.Namespace) -> int:
    with Store(args.db) as store:
        n = 0
        for ev in find_events(store, _event_filter(args)):
            n += 1
            if args.json:
                print(json.dumps(store.event(ev["id"]), ensure_ascii=False, default=str))
                continue
            loc = ev["location"] or {}
            print(f"{ev['id']}  {ev['date'] or '?':10s}  {ev['event_type']} / {ev['sub_event_type'] or '-'}  "
                  f"{ev['actor1'] or '?'} -> {ev['actor2'] or '?'}  @ {loc.get('name') or '?'}"
                  f"{' (' + loc['country'] + ')' if loc.get('country') else ''}  [{ev['modality']}]"
                  f"{'  fatalities ' + str(ev['fatalities']) if ev['fatalities'] is not None else ''}")
        if not args.json:
            print(f"{n} events", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .export import write_csv, write_geojson, write_json

    with Store(args.db) as store, (open(args.output, "w", encoding="utf-8", newline="")
                                   if args.output else nullcontext(sys.stdout)) as out:
        events = _with_sources(store, find_events(store, _event_filter(args)))
        if args.format == "csv":
            n = write_csv(events, out)
        elif args.format == "json":
            n = write_json(events, out)
        else:
            n, missing = write_geojson(events, out)
            if missing:
                print(f"eventwire: {missing} events without a location left out of the GeoJSON", file=sys.stderr)
    print(f"exported {n} events" + (f" to {args.output}" if args.output else ""), file=sys.stderr)
    return 0


def cmd_articles(args: argparse.Namespace) -> int:
    f = ArticleFilter(since=args.since, until=args.until, site=args.site, text=args.text,
                      duplicates=True if args.duplicates else None, limit=args.limit)
    with Store(args.db) as store:
        for a in find_articles(store, f):
            if args.json:
                print(json.dumps(a, ensure_ascii=False))
            else:
                dup = f"  (copy of {a['duplicate_of']})" if a["duplicate_of"] else ""
                print(f"{a['id']}  {a['published'] or '?':10s}  {a['site'] or '-'}  {a['title'] or a['input']}{dup}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with Store(args.db) as store:
        rec = store.event(args.id) or store.article(args.id)
    if rec is None:
        print(f"eventwire: no event or article with id {args.id}", file=sys.stderr)
        return 1
    print(json.dumps(rec, ensure_ascii=False, indent=2, default=str))
    return 0


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
