"""The monitor's commands: `eventwire sources add/list/remove` and `eventwire watch` (view layer only).

Nothing heavy is imported before the options, the source list and the store's location are
checked; the pipeline loads only for a real watch run. Progress: one updating line on a
terminal, JSON Lines on stderr otherwise (logs for cron jobs and services).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

from ..errors import UsageError
from . import sourcelist


def cmd_sources(args: argparse.Namespace) -> int:
    path = sourcelist.resolve(args.sources)
    if args.action == "add":
        src = sourcelist.Source(args.url, args.name or sourcelist.default_name(args.url),
                                args.interval or sourcelist.DEFAULT_INTERVAL, args.kind, args.allow_private)
        sourcelist.add(path, src)
        print(f"eventwire: added {src.name} ({src.url}, every {sourcelist.format_interval(src.interval)}) "
              f"to {path}", file=sys.stderr)
        return 0
    if args.action == "remove":
        gone = sourcelist.remove(path, args.key)
        print(f"eventwire: removed {gone.name} ({gone.url}) from {path}", file=sys.stderr)
        return 0
    sources = sourcelist.load(path)
    if args.json:
        for s in sources:
            print(json.dumps({"name": s.name, "url": s.url, "interval_s": s.interval, "kind": s.kind,
                              "allow_private": s.allow_private}))
        return 0
    if not sources:
        print(f"eventwire: no sources in {path} (add one with 'eventwire sources add URL')", file=sys.stderr)
        return 0
    for s in sources:
        extra = (f" {s.kind}" if s.kind else "") + (" allow-private" if s.allow_private else "")
        print(f"{s.name}\t{s.url}\tevery {sourcelist.format_interval(s.interval)}{extra}")
    return 0


def _check(args: argparse.Namespace) -> list[sourcelist.Source]:
    if args.json and not args.status:
        raise UsageError("--json goes with --status")
    if args.status and (args.once or args.rounds or args.archive):
        raise UsageError("--status only shows the state; it takes no --once, --rounds or --archive")
    if args.archive and os.path.exists(args.archive) and not os.path.isdir(args.archive):
        raise UsageError(f"--archive {args.archive}: not a directory")
    path = sourcelist.resolve(args.sources)
    sources = sourcelist.load(path)
    if not sources and not args.status:
        raise UsageError(f"no sources in {path} (add one with 'eventwire sources add URL')")
    return sources


def on_fused_hook() -> Callable | None:
    """What runs after each fusion round and at start: the store's alerts (once a round: the loop's
    fusion leaves them to the hook). At start it delivers the alerts of a run killed between fusing
    and alerting (run_alerts is idempotent: a second call finds nothing new).
    """
    from ..ingest import IngestSummary, alert_new

    return lambda store: alert_new(store, IngestSummary())


def cmd_watch(args: argparse.Namespace) -> int:
    from ..store import open_store

    sources = _check(args)
    if args.status:
        from .status import rows, table

        with open_store(args.db, create=False) as store:
            rs = rows(store, sources or None)
        if args.json:
            for r in rs:
                print(json.dumps(r, ensure_ascii=False))
        else:
            print(table(rs))
        return 0
    from ..config import Settings

    settings = Settings(model=args.model, max_bytes=int(args.max_mb * 1_000_000), max_chars=args.max_chars,
                        stage_seconds=args.stage_seconds)
    with open_store(args.db, create=True) as store:
        from .loop import Watcher

        report = _Progress() if sys.stderr.isatty() else _json_log
        from ..fetching.settings import FetchSettings

        fetch = FetchSettings.load(max_bytes=settings.max_bytes)  # --max-mb caps every response too
        watcher = Watcher(store, sources, settings, fetch=fetch, archive=args.archive, workers=args.workers,
                          on_fused=on_fused_hook(), report=report)
        _on_signals(watcher)
        try:
            watcher.run(once=args.once, max_rounds=args.rounds)
        finally:
            watcher.close()
        if isinstance(report, _Progress):
            report.end()
        report("stopped" if watcher.stop.is_set() else "done", {})
    return 0


def _on_signals(watcher) -> None:
    """SIGINT/SIGTERM: finish the article in hand and stop; a second one stops at once."""
    def handler(signum, _frame):
        if watcher.stop.is_set():
            raise KeyboardInterrupt
        watcher.stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def _json_log(event: str, data: dict) -> None:
    rec = {"ts": datetime.now(UTC).isoformat(timespec="milliseconds"), "event": event, **data}
    sys.stderr.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
    sys.stderr.flush()


class _Progress:
    """One line on the terminal, rewritten in place: rounds, items stored, errors."""

    def __init__(self) -> None:
        self.rounds = self.stored = self.items = self.errors = 0
        self.t0 = time.monotonic()

    def __call__(self, event: str, data: dict) -> None:
        if event == "round":
            self.rounds += 1
        elif event == "item":
            self.items += 1
            self.stored += data["outcome"] in ("stored", "duplicate")
        elif event == "error":
            self.errors += 1
        elif event in ("done", "stopped"):
            sys.stderr.write(f"eventwire: watch {event}\n")
            return
        sys.stderr.write(f"\r\x1b[Kwatch: round {self.rounds}, {self.items} new items, {self.stored} stored, "
                         f"{self.errors} source errors, {time.monotonic() - self.t0:.0f} s")
        sys.stderr.flush()

    def end(self) -> None:
        sys.stderr.write("\n")
