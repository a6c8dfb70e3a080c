"""The alerts' memory in the store: which real-world event each report belongs to across fusion
runs (event keys), what each alert last fired on, and the outbox of deliveries.

Fusion gives a fused event the id of its smallest member, so the id changes when an earlier
report joins, and two events merge or one splits as reports arrive. Each report keeps the event
key of the first fused event it was seen in; a fused event takes the key its reports carry. When
reports of several keys meet in one fused event, they merge into the oldest key (the smallest,
since keys are fused ids) and the alerts' records of them merge too. When a key's reports end up
in several fused events (a split), the part holding most of them keeps it and the others get new
keys that start from the parent's records, so a split alone fires nothing.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, or_, select, text, update

from ..store import schema as t
from .material import merged

_LOCK = 0x414C5254  # "ALRT": PostgreSQL advisory lock of alert runs
_CHUNK = 500


def lock(conn) -> None:
    """One alerts writer at a time (recording and claiming deliveries)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK})


def _chunks(items: list, n: int = _CHUNK):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def changed_fused_ids(conn) -> list[str]:
    """Fused events holding a report not seen before or seen in another fused event (one SQL join)."""
    fr, ln = t.fused_reports, t.alert_lineage
    q = (select(fr.c.fused_id).select_from(fr.outerjoin(ln, ln.c.report_id == fr.c.event_id))
         .where(or_(ln.c.report_id.is_(None), ln.c.fused_id != fr.c.fused_id)).distinct())
    return sorted(r[0] for r in conn.execute(q))


@dataclass
class Sync:
    keys: dict[str, str] = field(default_factory=dict)  # fused id -> event key
    merges: int = 0
    splits: int = 0


def sync_lineage(conn, fids: list[str]) -> Sync:
    """Give each of ``fids`` (changed fused events) its event key and record its reports under it."""
    out = Sync()
    if not fids:
        return out
    fr, ln = t.fused_reports, t.alert_lineage
    members: dict[str, list[str]] = defaultdict(list)
    for chunk in _chunks(fids):
        for eid, fid in conn.execute(select(fr.c.event_id, fr.c.fused_id).where(fr.c.fused_id.in_(chunk))):
            members[fid].append(eid)
    old: dict[str, str] = {}
    all_reports = [e for f in fids for e in members[f]]
    for chunk in _chunks(all_reports):
        old.update(conn.execute(select(ln.c.report_id, ln.c.event_key).where(ln.c.report_id.in_(chunk))).all())
    counts = {f: Counter(old[e] for e in members[f] if e in old) for f in fids}
    batch = set(fids)
    known = sorted({k for c in counts.values() for k in c})
    held_outside: set[str] = set()  # keys an unchanged fused event still holds: it keeps them
    for chunk in _chunks(known):
        q = (select(ln.c.event_key, fr.c.fused_id).join(fr, fr.c.event_id == ln.c.report_id)
             .where(ln.c.event_key.in_(chunk)).distinct())
        held_outside.update(k for k, f in conn.execute(q) if f not in batch)
    # Of the changed events holding a key, the one with most of its reports keeps it (ties: smallest id).
    keeper: dict[str, tuple[int, str]] = {}
    for f in fids:
        for k, n in counts[f].items():
            if k not in held_outside:
                keeper[k] = min(keeper.get(k, (-n, f)), (-n, f))
    used = set(known)
    merges: list[tuple[str, list[str]]] = []
    splits: list[tuple[str, str]] = []
    owned = {f: sorted(k for k in counts[f] if k in keeper and keeper[k][1] == f) for f in fids}
    used |= _existing_keys(conn, [f for f in fids if not owned[f]])
    for f in fids:
        own = owned[f]
        if own:
            out.keys[f] = own[0]
            if len(own) > 1:
                merges.append((own[0], own[1:]))
            continue
        key = f if f not in used else _new_key(f, members[f])
        used.add(key)
        out.keys[f] = key
        if counts[f]:  # split off an event known before: start from its records
            splits.append((counts[f].most_common(1)[0][0], key))
    for chunk in _chunks(all_reports):
        conn.execute(delete(ln).where(ln.c.report_id.in_(chunk)))
    rows = [{"report_id": e, "event_key": out.keys[f], "fused_id": f} for f in fids for e in members[f]]
    for chunk in _chunks(rows, 5000):
        conn.execute(insert(ln), chunk)
    for survivor, absorbed in merges:
        _merge_states(conn, survivor, absorbed)
    for parent, child in splits:
        _copy_states(conn, parent, child)
    out.merges, out.splits = len(merges), len(splits)
    return out


def _existing_keys(conn, candidates: list[str]) -> set[str]:
    """Which of ``candidates`` are event keys already (a fused id may equal a key given earlier)."""
    ln, st = t.alert_lineage, t.alert_state
    out: set[str] = set()
    for chunk in _chunks(sorted(candidates)):
        out.update(r[0] for r in conn.execute(select(ln.c.event_key).where(ln.c.event_key.in_(chunk)).distinct()))
        out.update(r[0] for r in conn.execute(select(st.c.event_key).where(st.c.event_key.in_(chunk)).distinct()))
    return out


def _new_key(fid: str, reports: list[str]) -> str:
    return "K" + hashlib.sha256((fid + ":" + ",".join(sorted(reports))).encode()).hexdigest()[:19]


def _merge_states(conn, survivor: str, absorbed: list[str]) -> None:
    st = t.alert_state
    rows = conn.execute(select(st).where(st.c.event_key.in_([survivor, *absorbed]))).mappings().all()
    by_alert: dict[int, list] = defaultdict(list)
    for r in rows:
        by_alert[r["alert_id"]].append(r)
    conn.execute(delete(st).where(st.c.event_key.in_([survivor, *absorbed])))
    for alert_id, rs in by_alert.items():
        rs.sort(key=lambda r: (r["event_key"] != survivor, r["event_key"]))  # ties go to the surviving key
        fired = [r["fired_at"] for r in rs if r["fired_at"] is not None]
        conn.execute(insert(st).values(alert_id=alert_id, event_key=survivor, fused_id=rs[0]["fused_id"],
                                       fingerprint=merged([r["fingerprint"] for r in rs]),
                                       fired_at=max(fired) if fired else None))


def _copy_states(conn, parent: str, child: str) -> None:
    st = t.alert_state
    rows = conn.execute(select(st).where(st.c.event_key == parent)).mappings().all()
    have = {r[0] for r in conn.execute(select(st.c.alert_id).where(st.c.event_key == child))}
    for r in rows:
        if r["alert_id"] not in have:
            conn.execute(insert(st).values(alert_id=r["alert_id"], event_key=child, fused_id=r["fused_id"],
                                           fingerprint=r["fingerprint"], fired_at=r["fired_at"]))


def keys_of(conn, fids: list[str]) -> dict[str, str]:
    """The event key of each fused event (all of them have one once synced)."""
    fr, ln = t.fused_reports, t.alert_lineage
    out: dict[str, str] = {}
    for chunk in _chunks(sorted(set(fids))):
        q = (select(fr.c.fused_id, ln.c.event_key).join(ln, ln.c.report_id == fr.c.event_id)
             .where(fr.c.fused_id.in_(chunk)).distinct())
        for fid, key in conn.execute(q):
            out[fid] = min(key, out.get(fid, key))
    return out


def states(conn, alert_id: int, keys: list[str]) -> dict[str, dict]:
    st = t.alert_state
    out: dict[str, dict] = {}
    for chunk in _chunks(sorted(set(keys))):
        for r in conn.execute(select(st).where(st.c.alert_id == alert_id, st.c.event_key.in_(chunk))).mappings():
            out[r["event_key"]] = dict(r)
    return out


def put_state(conn, alert_id: int, key: str, fid: str, fp: dict, fired_at: float | None, exists: bool) -> None:
    st = t.alert_state
    if exists:
        values = {"fused_id": fid, "fingerprint": fp}
        if fired_at is not None:
            values["fired_at"] = fired_at
        conn.execute(update(st).where(st.c.alert_id == alert_id, st.c.event_key == key).values(**values))
    else:
        conn.execute(insert(st).values(alert_id=alert_id, event_key=key, fused_id=fid, fingerprint=fp,
                                       fired_at=fired_at))


def put_states(conn, rows: list[dict]) -> None:
    """New records in bulk (a new alert's start)."""
    for chunk in _chunks(rows, 5000):
        conn.execute(insert(t.alert_state), chunk)


def move_state(conn, alert_id: int, key: str, fid: str) -> None:
    st = t.alert_state
    conn.execute(update(st).where(st.c.alert_id == alert_id, st.c.event_key == key).values(fused_id=fid))


# ---- the outbox -------------------------------------------------------------------------------


def add_delivery(conn, delivery_id: str, alert_id: int, key: str, channel: str, target: str | None,
                 payload: str, now: float) -> None:
    conn.execute(insert(t.alert_outbox).values(
        id=delivery_id, alert_id=alert_id, event_key=key, channel=channel, target=target, payload=payload,
        created_at=now, attempts=0, next_attempt_at=now, lease_until=None, delivered_at=None, last_error=None))


def claim(conn, now: float, lease: float, channels: set[str] | None = None) -> list[dict]:
    """Due deliveries, leased to this process until ``now + lease`` (a crashed sender's lease runs out)."""
    ob, al = t.alert_outbox, t.alerts
    q = (select(ob, al.c.name, al.c.secret, al.c.deliveries).join(al, al.c.id == ob.c.alert_id)
         .where(ob.c.delivered_at.is_(None), ob.c.next_attempt_at <= now,
                or_(ob.c.lease_until.is_(None), ob.c.lease_until < now))
         .order_by(ob.c.created_at, ob.c.id))
    if channels is not None:
        q = q.where(ob.c.channel.in_(sorted(channels)))
    rows = [dict(r) for r in conn.execute(q).mappings()]
    for chunk in _chunks([r["id"] for r in rows]):
        conn.execute(update(ob).where(ob.c.id.in_(chunk)).values(lease_until=now + lease,
                                                                  attempts=ob.c.attempts + 1))
    for r in rows:
        r["attempts"] += 1
    return rows


def mark_delivered(conn, delivery_id: str, now: float) -> None:
    ob = t.alert_outbox
    conn.execute(update(ob).where(ob.c.id == delivery_id).values(delivered_at=now, lease_until=None,
                                                                  last_error=None))


def mark_failed(conn, delivery_id: str, error: str, retry_at: float) -> None:
    ob = t.alert_outbox
    conn.execute(update(ob).where(ob.c.id == delivery_id).values(next_attempt_at=retry_at, lease_until=None,
                                                                  last_error=error[:500]))
