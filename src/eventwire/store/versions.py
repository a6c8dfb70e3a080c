"""Version counters of the store's data: raised by writers in their transaction, read by caches."""

from __future__ import annotations

from sqlalchemy import insert, select, update

from . import schema as t

FUSED_EVENTS = "fused_events"


def bump(conn, name: str) -> None:
    """Raise ``name``'s counter inside the caller's transaction (the row is made if a store lacks it)."""
    v = t.store_versions
    if conn.execute(update(v).where(v.c.name == name).values(version=v.c.version + 1)).rowcount == 0:
        conn.execute(insert(v).values(name=name, version=1))


def current(conn, name: str) -> int:
    """``name``'s counter now (0 before its first change)."""
    v = t.store_versions
    return conn.execute(select(v.c.version).where(v.c.name == name)).scalar() or 0
