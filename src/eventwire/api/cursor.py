"""Opaque cursors over the stable sort (date descending, missing dates last, then id ascending).

A cursor is the last row's (date, id); the next page is the rows sorting after it, found by the
database (keyset paging: ``after`` on the store's filters), so a deep page costs what the first
does, and a page never repeats or skips a row, also when rows are added between pages.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from .errors import ApiError

_BAD = "cursor: not a cursor this API gave (pass next_cursor from the previous page)"


def encode(date: str | None, id_: str) -> str:
    raw = json.dumps([date, id_], separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode(cursor: str) -> tuple[str | None, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        date, id_ = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise ApiError(400, _BAD) from None
    if not isinstance(id_, str) or not (date is None or isinstance(date, str)):
        raise ApiError(400, _BAD)
    if "\x00" in id_ or (date and "\x00" in date):  # no row holds one, and PostgreSQL refuses it
        raise ApiError(400, _BAD)
    return date, id_


def decode_day(cursor: str) -> tuple[date | None, str]:
    """A cursor over a date column (articles' publication day)."""
    day, id_ = decode(cursor)
    try:
        return (date.fromisoformat(day) if day is not None else None), id_
    except ValueError:
        raise ApiError(400, _BAD) from None


def page(find: Callable[[Any], Iterable[dict]], f: Any, cursor: str | None, limit: int, key: str = "date",
         decoder: Callable[[str], tuple] = decode) -> tuple[list[dict], str | None]:
    """Up to ``limit`` rows after the cursor, and the cursor of the next page (None on the last page).

    ``find(f)`` is one of the store's queries and ``f`` its filter: the cursor becomes ``f.after``, and
    one row more than the page is asked for, to know whether another page follows.
    """
    f.after = decoder(cursor) if cursor else None
    f.limit = limit + 1
    rows = list(find(f))
    if len(rows) > limit:
        last = rows[limit - 1]
        return rows[:limit], encode(last[key], last["id"])
    return rows, None
