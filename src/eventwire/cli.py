"""The eventwire command line."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections import Counter

from . import __version__
from . import options as opt
from .config import Settings
from .errors import EventwireError, InputError, UsageError

log = logging.getLogger("eventwire")


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors on one line (exit 2): the reason and where to find help."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def limits(p: argparse.ArgumentParser) -> None:
    """What one input may cost: bytes read, characters processed, seconds per stage."""
    p.add_argument("--max-mb", type=opt.positive_float, default=20.0, help="refuse inputs larger than this (MB)")
    p.add_argument("--max-chars", type=opt.chars_option, default=Settings.max_chars,
                   help=f"skip articles whose text is longer (default {Settings.max_chars:,}; 0: no cap)")
    p.add_argument("--stage-seconds", type=opt.seconds_option, default=Settings.stage_seconds,
                   help=f"skip an article when one stage runs longer on it (default {Settings.stage_seconds:g} s; "
                        "0: no budget)")


def _parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="eventwire", description="Turn news articles into event records.")
    ap.add_argument("--version", action="version", version=f"eventwire {__version__}")
    ap.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    ex = sub.add_parser("extract", help="print the record of each article (JSON; JSON Lines for several)")
    ex.add_argument("paths", nargs="+", metavar="PATH",
                    help="file, folder, http(s) URL (fetched once) or - for standard input")
    ex.add_argument("--model", default=os.environ.get("EVENTWIRE_MODEL") or None,
                    help="spaCy pipeline to use (default: $EVENTWIRE_MODEL, else en_core_web_sm)")
    ex.add_argument("--url", help="the page's URL, when reading a single page")
    ex.add_argument("--pretty", action="store_true", help="indent each record (for reading one record)")
    limits(ex)

    def db_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", help="SQLite file or postgresql:// URL (default: $EVENTWIRE_DB, else the "
                                    "user data directory's eventwire.db)")

    ing = sub.add_parser("ingest", help="read articles, feeds and WARC files into the event store")
    ing.add_argument("paths", nargs="+", metavar="PATH",
                     help="file, folder, .warc(.gz), feed, http(s) URL (fetched once), or - for stdin")
    db_option(ing)
    ing.add_argument("--model", default=os.environ.get("EVENTWIRE_MODEL") or None, help="spaCy pipeline to use")
    limits(ing)
    ing.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    ing.add_argument("--workers", type=opt.positive_int, help="run on a local Dask cluster of N worker processes")
    ing.add_argument("--scheduler", help="run on a running Dask cluster (tcp://host:8786)")

    def filters(p: argparse.ArgumentParser) -> None:
        db_option(p)
        p.add_argument("--since", type=opt.period, help="from this date (YYYY, YYYY-MM or YYYY-MM-DD)")
        p.add_argument("--until", type=opt.period, help="up to this date, inclusive")
        p.add_argument("--type", dest="event_type", type=opt.event_type, help="ACLED event type, e.g. Battles")
        p.add_argument("--sub-type", dest="sub_event_type", type=opt.sub_event_type,
                       help="ACLED sub-event type, e.g. 'Armed clash'")
        p.add_argument("--actor", help="actor name (substring, either side)")
        p.add_argument("--country", type=opt.country, help="ISO 3166-1 alpha-2 code, e.g. SY")
        p.add_argument("--near", type=opt.near, help="a place name or LAT,LON")
        p.add_argument("--radius", type=opt.positive_float, help="km around --near (default 50)")
        p.add_argument("--bbox", type=opt.bbox, help="MIN_LON,MIN_LAT,MAX_LON,MAX_LAT")
        p.add_argument("--text", help="full-text search in the reporting articles")
        p.add_argument("--modality", type=opt.modality,
                       help="asserted, reported, claimed, denied, threatened, planned, hypothetical")
        p.add_argument("--include-duplicates", action="store_true",
                       help="with --reports: also events read only from near-duplicate copies")
        p.add_argument("--reports", action="store_true",
                       help="each article's events (reports) instead of fused events (one per real-world event)")
        p.add_argument("--limit", type=opt.positive_int, help="at most this many events")

    evp = sub.add_parser("events", help="list events in the store")
    filters(evp)
    evp.add_argument("--json", action="store_true", help="JSON Lines instead of a table")
    exp = sub.add_parser("export", help="export events as CSV (ACLED columns), JSON or GeoJSON")
    filters(exp)
    exp.add_argument("--format", choices=["csv", "json", "geojson"], default="csv")
    exp.add_argument("-o", "--output", help="file to write (default: standard output)")
    exp.add_argument("--acled-only", action="store_true",
                     help="CSV: only ACLED's 31 columns, without eventwire's own (modality, confidence, ids)")
    arp = sub.add_parser("articles", help="list articles in the store")
    db_option(arp)
    arp.add_argument("--since", type=opt.period, help="published from this date (YYYY, YYYY-MM or YYYY-MM-DD)")
    arp.add_argument("--until", type=opt.period, help="published up to this date, inclusive")
    arp.add_argument("--site")
    arp.add_argument("--text", help="full-text search")
    arp.add_argument("--duplicates", action="store_true", help="only near-duplicate copies")
    arp.add_argument("--limit", type=opt.positive_int, default=50, help="at most this many articles (default 50)")
    arp.add_argument("--json", action="store_true", help="JSON Lines instead of a table")
    shp = sub.add_parser("show", help="show an event (with its evidence and sources) or an article")
    shp.add_argument("id", help="fused event, per-article event or article id")
    db_option(shp)
    shp.add_argument("--why", action="store_true",
                     help="a fused event as text: each report and why it was merged, instead of JSON")
    fsp = sub.add_parser("fuse", help="fuse the store's events across articles (ingest does this itself)")
    db_option(fsp)
    fsp.add_argument("--full", action="store_true", help="recompute every fused event, not only around new reports")
    srv = sub.add_parser("serve", help="serve the store over HTTP: a REST API (/api, /docs); with a token, "
                                       "uploads for ingestion too")
    db_option(srv)
    srv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    srv.add_argument("--port", type=opt.positive_int, default=8000, help="port to listen on (default 8000)")
    srv.add_argument("--token", help="enable the write endpoints (POST /api/articles, /api/warc) for requests "
                                     "with 'Authorization: Bearer TOKEN' (default: $EVENTWIRE_API_TOKEN; prefer it, "
                                     "a command line is visible to other users); without one they answer 403")
    srv.add_argument("--max-upload-mb", type=opt.positive_float, default=50.0,
                     help="refuse larger uploads (default 50 MB; an article is also held to --max-mb)")
    srv.add_argument("--model", default=os.environ.get("EVENTWIRE_MODEL") or None,
                     help="spaCy pipeline for uploads")
    limits(srv)
    srv.add_argument("--workers", type=opt.positive_int, default=1,
                     help="server processes sharing the port (default 1; one per CPU core serves more clients)")
    _watch_parsers(sub, db_option)
    from .alerts.cli import add_parser as add_alerts_parser

    add_alerts_parser(sub, db_option)
    evl = sub.add_parser("eval", help="score a stage on its public benchmark (articles, dates, events, "
                                      "places, times, quotes, police, fusion)")
    evl.add_argument("stage", help="articles, dates, events, places, times, quotes, police or fusion")
    evl.add_argument("path", nargs="?", help="the benchmark's data (default: its folder under ../shared/data "
                                             "or $EVENTWIRE_DATA)")
    evl.add_argument("--errors", action="store_true", help="also list the misses, one line each")
    evl.add_argument("--limit", type=opt.positive_int, help="only the first N documents (a quick sample)")
    evl.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    return ap



def _watch_parsers(sub, db_option) -> None:
    """`eventwire sources add/list/remove` and `eventwire watch` (issue 12's monitor)."""
    def sources_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--sources", metavar="FILE", help="the source list (default: $EVENTWIRE_SOURCES, else "
                                                         "sources.toml in the user config directory)")

    srp = sub.add_parser("sources", help="the feeds and section pages `eventwire watch` polls: add, list, remove")
    act = srp.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = act.add_parser("add", help="add a feed or section page to the source list")
    add.add_argument("url", type=opt.http_url, help="an RSS/Atom feed or a site's section page (http/https)")
    add.add_argument("--name", help="a short name (default: from the URL)")
    add.add_argument("--interval", type=opt.interval, help="how often to poll it: 90s, 15m, 2h, 1d (default 15m)")
    add.add_argument("--kind", choices=["feed", "page"], help="feed or page (default: sniffed at each poll)")
    add.add_argument("--allow-private", action="store_true",
                     help="the host is on your own network (a private or loopback address): allow it")
    sources_option(add)
    lsp = act.add_parser("list", help="list the sources")
    lsp.add_argument("--json", action="store_true", help="JSON Lines instead of a table")
    sources_option(lsp)
    rmp = act.add_parser("remove", help="remove a source by URL or name")
    rmp.add_argument("key", metavar="URL|NAME")
    sources_option(rmp)

    wp = sub.add_parser("watch", help="poll the source list and ingest new articles as they appear")
    sources_option(wp)
    db_option(wp)
    wp.add_argument("--once", action="store_true", help="poll every source once and exit (for cron jobs)")
    wp.add_argument("--status", action="store_true", help="show each source's last success, last error, items "
                                                          "seen and lag, and exit")
    wp.add_argument("--json", action="store_true", help="with --status: JSON Lines instead of a table")
    wp.add_argument("--archive", metavar="DIR", help="also write every raw response to DIR/*.warc.gz "
                                                     "(replay with 'eventwire ingest DIR')")
    wp.add_argument("--workers", type=opt.positive_int, default=4, help="fetching threads (default 4)")
    wp.add_argument("--rounds", type=opt.positive_int, help="stop after this many polling rounds")
    wp.add_argument("--model", default=os.environ.get("EVENTWIRE_MODEL") or None, help="spaCy pipeline to use")
    limits(wp)


def cmd_extract(args: argparse.Namespace) -> int:
    from .extract import extract_raw
    from .pipeline import Pipeline
    from .sources import iter_inputs

    settings = Settings(model=args.model, max_bytes=int(args.max_mb * 1_000_000), max_chars=args.max_chars,
                        stage_seconds=args.stage_seconds)
    pipeline = Pipeline(settings)
    pipeline.warm()  # models and tables loaded once and kept out of the garbage collector's walks
    done = failed = 0
    skipped: Counter = Counter()
    for raw in iter_inputs(args.paths, settings.max_bytes):
        if raw.skipped:
            skipped[raw.skipped] += 1  # WARC requests, revisits, non-HTML...: expected, counted
            continue
        if raw.error or raw.data is None:
            _fail(raw.name, raw.error or "no data")
            failed += 1
            continue
        if args.url and raw.url is None:
            raw.url = args.url
        try:
            doc = extract_raw(raw, pipeline)
        except InputError as exc:
            _fail(raw.name, str(exc))
            failed += 1
            continue
        except EventwireError:
            raise
        except Exception as exc:  # one bad article must not stop the others
            if args.debug:
                raise
            _fail(raw.name, f"internal error ({type(exc).__name__}: {exc}); rerun with --debug")
            failed += 1
            continue
        # One record per line: a single record is a JSON document, several are JSON Lines.
        rec = doc.to_record()
        sys.stdout.write(json.dumps(rec, ensure_ascii=False, indent=2 if args.pretty else None) + "\n")
        sys.stdout.flush()
        done += 1
    if skipped:
        print("eventwire: skipped " + ", ".join(f"{n} {why}" for why, n in sorted(skipped.items())),
              file=sys.stderr)
    if failed and not done:
        return 1
    return 0


def _check(args: argparse.Namespace) -> None:
    """What the options say together, and the paths: usage errors before anything is loaded."""
    from .sources import check_paths

    problems = [
        opt.check_period(getattr(args, "since", None), getattr(args, "until", None)),
        opt.check_types(getattr(args, "event_type", None), getattr(args, "sub_event_type", None)),
    ]
    if getattr(args, "radius", None) is not None and not getattr(args, "near", None):
        problems.append("--radius needs --near PLACE or --near LAT,LON")
    for problem in problems:
        if problem:
            raise UsageError(problem)
    if getattr(args, "paths", None):
        check_paths(args.paths)
    out = getattr(args, "output", None)
    if out:
        parent = os.path.dirname(os.path.abspath(out))
        if os.path.isdir(out):
            raise UsageError(f"-o {out}: is a directory; give a file name")
        if not os.path.isdir(parent):
            raise UsageError(f"-o {out}: directory {parent} does not exist")


def _fail(name: str, message: str) -> None:
    print(f"eventwire: {name}: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(format="eventwire: %(levelname)s: %(message)s", level=logging.WARNING)
    # Third-party extractors log their own diagnostics at WARNING; keep the user's stderr ours.
    for noisy in ("trafilatura", "htmldate", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    ap = _parser()
    args = ap.parse_args(argv)
    if not args.command:
        ap.print_help(sys.stderr)
        return 2
    try:
        _check(args)
        if args.command == "extract":
            return cmd_extract(args)
        from . import commands

        return getattr(commands, "cmd_" + args.command)(args)
    except UsageError as exc:
        print(f"eventwire: {exc}", file=sys.stderr)
        return 2
    except EventwireError as exc:
        print(f"eventwire: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("eventwire: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        # A database failure met while reading (a damaged file, a server gone): one line, not a traceback.
        if args.debug or not type(exc).__module__.startswith("sqlalchemy"):
            raise
        msg = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__])[0]
        print(f"eventwire: the store failed: {msg}", file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
