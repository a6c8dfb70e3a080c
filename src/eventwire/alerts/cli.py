"""`eventwire alerts ...`: the sub-commands' options (argparse, standard library only)."""

from __future__ import annotations

from .. import options as opt
from . import rules


def add_parser(sub, db_option) -> None:
    ap = sub.add_parser("alerts", help="alert rules: new or changed events near a place, in a box, a country "
                                       "or by an actor, sent to stdout, a JSON Lines file or a webhook")
    asub = ap.add_subparsers(dest="alerts_command", metavar="ACTION")
    asub.required = True

    add = asub.add_parser("add", help="add an alert rule (it fires for events that are new or change from now "
                                      "on; --backfill: also for those stored already)")
    db_option(add)
    add.add_argument("--name", help="a name for it (default: made from the filters)")
    add.add_argument("--near", type=opt.near, help="a place name or LAT,LON")
    add.add_argument("--radius", type=rules.radius, help="distance around --near: 50km, 50 (km) or 500m "
                                                         "(default 50 km)")
    add.add_argument("--bbox", type=opt.bbox, help="MIN_LON,MIN_LAT,MAX_LON,MAX_LAT")
    add.add_argument("--country", type=opt.country, help="ISO 3166-1 alpha-2 code, e.g. SY")
    add.add_argument("--actor", help="actor name (substring, either side)")
    add.add_argument("--types", type=rules.types, help="ACLED event types, comma-separated (any of them)")
    add.add_argument("--sub-types", type=rules.sub_types, help="ACLED sub-event types, comma-separated")
    add.add_argument("--modality", type=opt.modality, help="asserted, reported, claimed, denied (also "
                                                           "contested events), threatened, planned, hypothetical")
    add.add_argument("--min-fatalities", type=opt.non_negative_int, help="only events with at least this many dead")
    add.add_argument("--stdout", action="store_true", help="print each alert on standard output (the default "
                                                           "when no other delivery is given)")
    add.add_argument("--jsonl", help="append each alert to this JSON Lines file")
    add.add_argument("--webhook", type=rules.webhook_url, help="POST each alert (JSON, signed) to this URL")
    add.add_argument("--secret-env", type=rules.env_name,
                     help="the webhook's shared secret is in this environment variable (read when sending)")
    add.add_argument("--secret", help="the webhook's shared secret, kept in the store (prefer --secret-env: a "
                                      "command line is visible to other users)")
    add.add_argument("--backfill", action="store_true", help="also fire for the matching events stored now")

    lst = asub.add_parser("list", help="list the alert rules (secrets are not shown)")
    db_option(lst)
    lst.add_argument("--json", action="store_true", help="JSON Lines instead of text")

    rm = asub.add_parser("remove", help="remove an alert rule (by id or name) and its undelivered alerts")
    db_option(rm)
    rm.add_argument("alert", metavar="ID|NAME")

    tst = asub.add_parser("test", help="show which fused events in the store an alert rule matches now")
    db_option(tst)
    tst.add_argument("alert", metavar="ID|NAME")
    tst.add_argument("--limit", type=opt.positive_int, help="at most this many events")

    run = asub.add_parser("run", help="check the store for new or changed events now and deliver what is due "
                                      "(ingest does this itself)")
    db_option(run)


