"""Per source: last success, last error, items seen, lag (for `watch --status` and GET /api/watch/status)."""

from __future__ import annotations

from datetime import UTC, datetime

from .sourcelist import Source
from .state import WatchState, source_id


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def rows(store, sources: list[Source] | None = None, now: datetime | None = None) -> list[dict]:
    """One row per source: those of ``sources`` in their order (never polled ones too), else all polled ones.

    ``lag_s``: seconds from the newest item's publication date (midnight UTC) when the source gave
    dated items, else from the last successful poll; None before the first success.
    """
    now = now or datetime.now(UTC)
    states = {st.id: st for st in WatchState(store).all()}
    order = [(source_id(s.url), s.url, s.name) for s in sources] if sources is not None else \
        [(st.id, st.url, st.name) for st in states.values()]
    out = []
    for sid, url, name in order:
        st = states.get(sid)
        if st is None:
            out.append({"name": name, "url": url, "last_success": None, "last_error": None, "last_error_at": None,
                        "items_seen": 0, "failures": 0, "next_due": None, "newest_published": None,
                        "lag_s": None})
            continue
        since = None
        if st.newest_published is not None:
            since = datetime(st.newest_published.year, st.newest_published.month, st.newest_published.day,
                             tzinfo=UTC)
        elif st.last_success is not None:
            since = st.last_success
        out.append({
            "name": name or st.name, "url": url, "last_success": _iso(st.last_success), "last_error": st.last_error,
            "last_error_at": _iso(st.last_error_at), "items_seen": st.items_seen, "failures": st.failures,
            "next_due": _iso(st.next_due),
            "newest_published": st.newest_published.isoformat() if st.newest_published else None,
            "lag_s": round((now - since).total_seconds(), 1) if since else None,
        })
    return out


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    for unit, n in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= n:
            return f"{seconds / n:.1f}{unit}"
    return f"{seconds:.0f}s"


def table(rs: list[dict]) -> str:
    """The rows as an aligned text table (errors cut to one short line)."""
    head = ("NAME", "ITEMS", "LAST SUCCESS", "LAG", "LAST ERROR")
    body = [(r["name"] or r["url"], str(r["items_seen"]), r["last_success"] or "never", _age(r["lag_s"]),
             ((r["last_error"] or "-") if not r["last_success"] or (r["last_error_at"] or "") > r["last_success"]
              else "-")[:70]) for r in rs]
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                     for row in [head, *body])
