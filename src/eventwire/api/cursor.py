"""Opaque cursors over the stable sort (date descending, missing dates last, then id ascending)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Iterator

from .errors import ApiError


def encode(date: str | None, id_: str) -> str:
    raw = json.dumps([date, id_], separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode(cursor: str) -> tuple[str | None, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        date, id_ = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise ApiError(400, "cursor: not a cursor this API gave (pass next_cursor from the previous page)") from None
    if not isinstance(id_, str) or not (date is None or isinstance(date, str)):
        raise ApiError(400, "cursor: not a cursor this API gave (pass next_cursor from the previous page)")
    return date, id_


def _after(date: str | None, id_: str, cur: tuple[str | None, str]) -> bool:
    """Whether a row sorts strictly after the cursor's row (date desc, nulls last, id asc)."""
    cdate, cid = cur
    if date == cdate:
        return id_ > cid
    if date is None:
        return True
    if cdate is None:
        return False
    return date < cdate


def page(rows: Iterable[dict], cursor: str | None, limit: int, key: str = "date") -> tuple[list[dict], str | None]:
    """Up to ``limit`` rows after the cursor, and the cursor of the next page (None on the last page).

    The rows come in the stable sort from the store's own queries, so rows before the cursor are
    skipped as they stream by: a page never repeats or skips a row, also when rows are added between pages.
    """
    cur = decode(cursor) if cursor else None
    it: Iterator[dict] = iter(rows)
    out: list[dict] = []
    try:
        for row in it:
            if cur and not _after(row[key], row["id"], cur):
                continue
            if len(out) == limit:
                last = out[-1]
                return out, encode(last[key], last["id"])
            out.append(row)
    finally:
        close = getattr(it, "close", None)
        if close:
            close()  # the query's connection goes back to the pool now, not when collected
    return out, None
