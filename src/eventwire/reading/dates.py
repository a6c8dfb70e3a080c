"""Recognising a line or string that states a calendar date (for metadata, not for TIMEX)."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_MON = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_PATTERNS = [
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})", re.I),
    re.compile(_WDAY + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r",?\s+(?P<y>\d{4})", re.I),
    re.compile(_WDAY + _MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})", re.I),
]
# A line that is a date and little else: a date widget, a dateline or a "Published" stamp.
_LABEL = (r"(?:(?P<label>published|posted|updated|last updated|last modified|modified|date|first published"
          r"|released|issued)\s*(?:(?:on|at|:)\s*)?)?")
UPDATE_LABELS = frozenset({"updated", "last updated", "last modified", "modified"})
# No two optional runs of spaces in a row ("\s*(?:on)?\s*"): they backtrack quadratically per line.
_TAIL = r"(?:\s*(?:[|,\-–]\s*)?(?:\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?\s*)?(?:[A-Z]{2,4}|GMT[+-]?\d*)?)?)?"


_FULL: list[re.Pattern] = []


def parse_date(s: str) -> date | None:
    """The first full calendar date stated in ``s``, or None."""
    for pat in _PATTERNS:
        m = pat.search(s)
        if m:
            got = _build(m)
            if got:
                return got
    return None


def date_line(line: str) -> date | None:
    """The date when ``line`` is only a date (optionally labelled, with a time), else None."""
    got = labelled_date_line(line)
    return got[0] if got else None


def labelled_date_line(line: str) -> tuple[date, str | None] | None:
    """(date, label) when ``line`` is only a date, e.g. ("Updated", 2020-03-03); None otherwise."""
    s = line.strip()
    if len(s) > 70:
        return None
    for pat in _FULL:
        m = pat.fullmatch(s)
        if m:
            d = _build(m)
            label = m.group("label")
            return (d, label.lower() if label else None) if d else None
    return None


def _build(m: re.Match) -> date | None:
    g = m.groupdict()
    month = MONTHS[g["mon"].lower()] if g.get("mon") else int(g["m"])
    try:
        return date(int(g["y"]), month, int(g["d"]))
    except ValueError:
        return None  # "31 February": not a date, not a crash


_FULL.extend(re.compile(_LABEL + r"(?:" + p.pattern + r")" + _TAIL, re.I) for p in _PATTERNS)
