"""`eventwire alerts add|list|remove|test|run`: what each does with the store, and what it prints."""

from __future__ import annotations

import argparse
import json
import os
import sys

from ..errors import EventwireError, UsageError
from .rules import Deliveries, Filters, check_types, default_name


def run(args: argparse.Namespace) -> int:
    return {"add": _add, "list": _list, "remove": _remove, "test": _test, "run": _run}[args.alerts_command](args)


def _filters_and_deliveries(args: argparse.Namespace) -> tuple[Filters, Deliveries, str | None]:
    """The rule the options ask for; every problem is a one-line usage error before the store opens."""
    if not (args.near or args.bbox or args.country or args.actor):
        raise UsageError("alerts add: give what to watch: --near PLACE [--radius 50km], --bbox W,S,E,N, "
                         "--country CC or --actor NAME")
    problem = check_types(args.types or [], args.sub_types or [])
    if problem:
        raise UsageError(problem)
    if args.actor is not None and not args.actor.strip():
        raise UsageError("--actor: give a name")
    if (args.secret or args.secret_env) and not args.webhook:
        raise UsageError("--secret and --secret-env go with --webhook URL")
    if args.secret and args.secret_env:
        raise UsageError("give --secret-env VAR or --secret, not both")
    if args.webhook and not (args.secret or args.secret_env):
        raise UsageError("--webhook needs a shared secret to sign with: --secret-env VAR (or --secret)")
    if args.secret is not None and len(args.secret) < 16:
        raise UsageError("--secret: use at least 16 characters (e.g. python -c 'import secrets; "
                         "print(secrets.token_urlsafe())')")
    if args.secret_env and not os.environ.get(args.secret_env):
        print(f"eventwire: warning: ${args.secret_env} is not set here; webhook deliveries wait until it is "
              f"set where alerts run", file=sys.stderr)
    jsonl = None
    if args.jsonl:
        jsonl = os.path.abspath(args.jsonl)
        if os.path.isdir(jsonl):
            raise UsageError(f"--jsonl {args.jsonl}: is a directory; give a file name")
        if not os.path.isdir(os.path.dirname(jsonl)):
            raise UsageError(f"--jsonl {args.jsonl}: directory {os.path.dirname(jsonl)} does not exist")
    f = Filters(near=args.near, bbox=list(args.bbox) if args.bbox else None, country=args.country,
                actor=args.actor.strip() if args.actor else None, types=args.types or [],
                sub_types=args.sub_types or [], modality=args.modality, min_fatalities=args.min_fatalities)
    if args.radius is not None:
        f.radius_km = args.radius
    if args.near:
        from ..geo import place_or_latlon  # the same place resolution as `events --near`

        f.lat, f.lon = place_or_latlon(args.near)
    d = Deliveries(stdout=args.stdout or not (args.jsonl or args.webhook), jsonl=jsonl, webhook=args.webhook,
                   secret_env=args.secret_env)
    return f, d, args.secret


def _open(db: str | None, create: bool):
    from ..store import open_store

    return open_store(db, create)


def _add(args: argparse.Namespace) -> int:
    from ..store.location import locate

    locate(args.db, create=True)
    f, d, secret = _filters_and_deliveries(args)
    from . import registry
    from .run import record

    with _open(args.db, create=True) as store:
        with store.engine.begin() as conn:
            name = args.name.strip() if args.name else registry.unique_name(conn, default_name(f))
            if not name:
                raise UsageError("--name: give a name")
            aid = registry.add(conn, name, f, d, secret, args.backfill)
        summary = record(store)  # starts the alert from the store as it is now
        with store.engine.connect() as conn:
            alert = registry.find(conn, str(aid))
    print(f"added alert {aid} '{name}': {f.describe()} -> {d.describe(secret is not None)}")
    if args.backfill and summary.fired:
        print(f"{summary.fired} alerts recorded for events already stored; 'eventwire alerts run' delivers them")
    elif alert is not None and not args.backfill:
        print("it fires for events that are new or change from now on (--backfill: also for stored ones)")
    return 0


def _list(args: argparse.Namespace) -> int:
    from . import registry

    with _open(args.db, create=False) as store, store.engine.connect() as conn:
        alerts = registry.load(conn)
    for a in alerts:
        if args.json:
            print(json.dumps(a.public(), ensure_ascii=False))
        else:
            print(f"{a.id}  {a.name}  {a.filters.describe()} -> {a.deliveries.describe(a.secret is not None)}")
    if not args.json:
        print(f"{len(alerts)} alert{'s' if len(alerts) != 1 else ''}", file=sys.stderr)
    return 0


def _find(conn, ref: str):
    from . import registry

    alert = registry.find(conn, ref)
    if alert is None:
        raise EventwireError(f"no alert with id or name '{ref}' (see 'eventwire alerts list')")
    return alert


def _remove(args: argparse.Namespace) -> int:
    from . import registry

    with _open(args.db, create=False) as store, store.engine.begin() as conn:
        alert = _find(conn, args.alert)
        registry.remove(conn, alert.id)
    print(f"removed alert {alert.id} '{alert.name}'")
    return 0


def _test(args: argparse.Namespace) -> int:
    from ..commands import _event_line
    from ..store.fused import fused_dict
    from .match import matching

    with _open(args.db, create=False) as store, store.engine.connect() as conn:
        alert = _find(conn, args.alert)
        n = 0
        for row in matching(conn, store, alert.filters):
            print(_event_line(fused_dict(row)))
            n += 1
            if args.limit and n >= args.limit:
                break
    print(f"{n} events match alert {alert.id} '{alert.name}' now", file=sys.stderr)
    return 0


def _run(args: argparse.Namespace) -> int:
    from .run import run_alerts

    with _open(args.db, create=False) as store:
        summary = run_alerts(store)
    print(summary.line(), file=sys.stderr)
    for err in summary.errors[:5]:
        print(f"eventwire: {err}", file=sys.stderr)
    return 0
