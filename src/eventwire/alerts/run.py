"""Checking the store for alerts and delivering them: ``run_alerts(store)`` after each fusion round.

A run has two steps. Recording, in one transaction under the alerts lock: find the fused events
that changed since the last run (their reports are new or moved, see state.py), give each its
event key, and for every alert compare the matching ones with what it last fired on; an alert
that fires writes its outbox rows and its new record together, so after a crash either both are
there or neither (and the next run sees the same changes again). Delivering, after the commit:
each due outbox row is leased, sent, and marked delivered; a failure stays in the outbox for a
later run, with a growing wait. Delivery is at least once: a crash after sending and before
marking sends it again on the next run, with the same delivery id (JSON Lines files are checked
for it; webhook receivers can drop the repeat by ``X-Eventwire-Delivery``).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass, field

from ..store import schema as t
from . import registry, state
from .deliver import DeliveryError, DeliverySettings, to_jsonl, to_stdout, to_webhook
from .match import matching
from .material import changes, fingerprint

# Test hook: a process that records alerts ends at once after the commit, before delivering
# (tests/test_alerts_webhook.py checks a restart delivers exactly once). Never set it otherwise.
_EXIT_AFTER_RECORD = "EVENTWIRE_TEST_EXIT_AFTER_RECORD"


@dataclass
class AlertSummary:
    changed: int = 0  # fused events changed since the last run
    fired: int = 0  # alerts fired (one per alert and event)
    delivered: int = 0
    failed: int = 0  # deliveries that failed in this run (kept for a later one)
    pending: int = 0  # deliveries left in the outbox (failed, or not due yet)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        out = (f"alerts: {self.fired} fired on {self.changed} changed events, {self.delivered} delivered"
               + (f", {self.pending} pending" if self.pending else ""))
        return out + (f" ({self.errors[0]})" if self.errors else "")


def has_alerts(store) -> bool:
    with store.engine.connect() as conn:
        return registry.count(conn) > 0


def run_alerts(store, now: float | None = None, deliver: bool = True,
               settings: DeliverySettings | None = None) -> AlertSummary:
    """Record what the store's changes fire, then deliver every due delivery (also earlier ones)."""
    t0 = time.perf_counter()
    summary = AlertSummary()
    record(store, summary, now)
    if os.environ.get(_EXIT_AFTER_RECORD):
        os._exit(9)
    if deliver:
        deliver_pending(store, summary, settings=settings)
    summary.seconds = time.perf_counter() - t0
    return summary


def record(store, summary: AlertSummary | None = None, now: float | None = None) -> AlertSummary:
    """The recording step alone (``alerts add`` runs it to start a new alert from the store as it is)."""
    summary = summary or AlertSummary()
    now = time.time() if now is None else now
    with store.engine.begin() as conn:
        state.lock(conn)
        alerts = registry.load(conn)
        if not alerts:
            return summary
        changed = state.changed_fused_ids(conn)
        summary.changed = len(changed)
        keys = state.sync_lineage(conn, changed).keys
        for alert in alerts:
            if alert.baselined:
                summary.fired += _check(conn, store, alert, changed, keys, now)
            else:
                summary.fired += _baseline(conn, store, alert, now)
    return summary


def _check(conn, store, alert, changed: list[str], keys: dict[str, str], now: float) -> int:
    rows = list(matching(conn, store, alert.filters, changed)) if changed else []
    known = state.states(conn, alert.id, [keys[r["id"]] for r in rows])
    fired = 0
    for row in rows:
        key = keys[row["id"]]
        fp = fingerprint(row)
        last = known.get(key)
        reasons = ["new"] if last is None else changes(last["fingerprint"], fp)
        if reasons:
            _fire(conn, alert, row["id"], key, reasons, last["fingerprint"] if last else None, now)
            state.put_state(conn, alert.id, key, row["id"], fp, now, exists=last is not None)
            fired += 1
        elif last["fused_id"] != row["id"]:
            state.move_state(conn, alert.id, key, row["id"])
    return fired


def _baseline(conn, store, alert, now: float) -> int:
    """A new alert: record the events it matches now, silently, or firing for each (``backfill``)."""
    from sqlalchemy import update

    rows = list(matching(conn, store, alert.filters))
    keys = state.keys_of(conn, [r["id"] for r in rows])
    have = state.states(conn, alert.id, list(keys.values()))
    new = []
    for row in rows:
        key = keys.get(row["id"], row["id"])
        if key in have:
            continue
        have[key] = {}
        if alert.backfill:
            _fire(conn, alert, row["id"], key, ["new"], None, now)
        new.append({"alert_id": alert.id, "event_key": key, "fused_id": row["id"], "fingerprint": fingerprint(row),
                    "fired_at": now if alert.backfill else None})
    state.put_states(conn, new)
    conn.execute(update(t.alerts).where(t.alerts.c.id == alert.id).values(baselined=True))
    return len(rows) if alert.backfill else 0


def _fire(conn, alert, fid: str, key: str, reasons: list[str], previous: dict | None, now: float) -> None:
    from ..store.fused import read_fused

    event = read_fused(conn, fid)
    for channel, target in alert.deliveries.channels():
        did = uuid.uuid4().hex
        payload = {"delivery_id": did, "alert": {"id": alert.id, "name": alert.name}, "event_key": key,
                   "reasons": reasons, "previous": previous, "fired_at": now, "event": event}
        state.add_delivery(conn, did, alert.id, key, channel, target,
                           json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str), now)


def deliver_pending(store, summary: AlertSummary | None = None, now: float | None = None,
                    settings: DeliverySettings | None = None) -> AlertSummary:
    """Send every due delivery, within the run's time budget; failures wait for a later run."""
    from sqlalchemy import func, select

    summary = summary or AlertSummary()
    settings = settings or DeliverySettings.from_env()
    now = time.time() if now is None else now
    with store.engine.begin() as conn:
        state.lock(conn)
        rows = state.claim(conn, now, settings.lease)
    deadline = time.monotonic() + settings.budget
    client = None
    try:
        for row in rows:
            if time.monotonic() >= deadline:
                _release(store, row, "not sent: the run's delivery time was spent", now)
                continue
            try:
                if row["channel"] == "webhook" and client is None:
                    import httpx

                    client = httpx.Client(follow_redirects=False)
                _send(client, row, settings, deadline)
            except DeliveryError as exc:
                summary.failed += 1
                summary.errors.append(str(exc))
                retry = settings.retry_after * 2 ** min(row["attempts"] - 1, 10)
                with store.engine.begin() as conn:
                    state.mark_failed(conn, row["id"], str(exc), time.time() + retry)
                continue
            with store.engine.begin() as conn:
                state.mark_delivered(conn, row["id"], time.time())
            summary.delivered += 1
    finally:
        if client is not None:
            client.close()
    with store.engine.connect() as conn:
        ob = t.alert_outbox
        summary.pending = conn.execute(select(func.count()).select_from(ob)
                                       .where(ob.c.delivered_at.is_(None))).scalar_one()
    return summary


def _release(store, row: dict, why: str, now: float) -> None:
    with store.engine.begin() as conn:
        state.mark_failed(conn, row["id"], why, now)


def _send(client, row: dict, settings: DeliverySettings, deadline: float) -> None:
    channel, body = row["channel"], row["payload"]
    if channel == "stdout":
        to_stdout(json.loads(body))
    elif channel == "jsonl":
        to_jsonl(row["target"], row["id"], body, maybe_sent=row["attempts"] > 1)
    elif channel == "webhook":
        secret = row["secret"]
        env = (row["deliveries"] or {}).get("secret_env")
        if env:
            secret = os.environ.get(env)
            if not secret:
                raise DeliveryError(f"webhook {row['target']}: ${env} (its secret) is not set")
        to_webhook(client, row["target"], secret, row["id"], body, settings, deadline)
    else:
        raise DeliveryError(f"unknown channel {channel}")
