"""The alerts table: adding, listing and removing rules."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select

from ..errors import EventwireError
from ..store import schema as t
from .rules import Deliveries, Filters


@dataclass
class Alert:
    id: int
    name: str
    filters: Filters
    deliveries: Deliveries
    secret: str | None
    backfill: bool
    baselined: bool
    created_at: float

    def public(self) -> dict:
        """What `alerts list --json` shows: everything but the secret."""
        return {"id": self.id, "name": self.name, "filters": self.filters.to_json(),
                "deliveries": self.deliveries.to_json(), "secret_stored": self.secret is not None,
                "backfill": self.backfill, "created_at": self.created_at}


def _alert(r) -> Alert:
    return Alert(r["id"], r["name"], Filters.from_json(r["rule"]), Deliveries.from_json(r["deliveries"]),
                 r["secret"], bool(r["backfill"]), bool(r["baselined"]), r["created_at"])


def load(conn) -> list[Alert]:
    return [_alert(r) for r in conn.execute(select(t.alerts).order_by(t.alerts.c.id)).mappings()]


def count(conn) -> int:
    return conn.execute(select(func.count()).select_from(t.alerts)).scalar_one()


def add(conn, name: str, filters: Filters, deliveries: Deliveries, secret: str | None, backfill: bool) -> int:
    if conn.execute(select(t.alerts.c.id).where(t.alerts.c.name == name)).first() is not None:
        raise EventwireError(f"an alert named '{name}' exists already (give another --name)")
    return conn.execute(insert(t.alerts).values(
        name=name, rule=filters.to_json(), deliveries=deliveries.to_json(), secret=secret, backfill=backfill,
        baselined=False, created_at=time.time()).returning(t.alerts.c.id)).scalar_one()


def unique_name(conn, base: str) -> str:
    names = {r[0] for r in conn.execute(select(t.alerts.c.name).where(t.alerts.c.name.like(base + "%")))}
    if base not in names:
        return base
    n = 2
    while f"{base}-{n}" in names:
        n += 1
    return f"{base}-{n}"


def find(conn, ref: str) -> Alert | None:
    """The alert with this id or name."""
    al = t.alerts
    cond = al.c.name == ref
    if ref.isdigit():
        cond = cond | (al.c.id == int(ref))
    r = conn.execute(select(al).where(cond).order_by(al.c.id)).mappings().first()
    return _alert(r) if r else None


def remove(conn, alert_id: int) -> None:
    # Its state and undelivered deliveries go with it (explicitly: not every SQLite store enforces cascades).
    conn.execute(delete(t.alert_outbox).where(t.alert_outbox.c.alert_id == alert_id))
    conn.execute(delete(t.alert_state).where(t.alert_state.c.alert_id == alert_id))
    conn.execute(delete(t.alerts).where(t.alerts.c.id == alert_id))
