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


def _find(s: str) -> tuple[date, int, int] | None:
    """The first full calendar date in ``s`` with its span."""
    for pat in _PATTERNS:
        m = pat.search(s)
        if m:
            got = _build(m)
            if got:
                return got, m.start(), m.end()
    return None


# A line that opens with a stamp label: "Published 9:14 AM EST, Mon November 11, 2024".
_OPENING_LABEL = re.compile(r"(?P<label>first published|published|posted|last updated|updated|last modified|modified"
                            r"|released|issued|retrieved|accessed|captured|archived|saved|downloaded)\b", re.I)
CAPTURE_LABELS = frozenset({"retrieved", "accessed", "captured", "archived", "saved", "downloaded"})
# What may sit beside the date in a stamp line: clock times, zones, weekdays, connectors.
_STAMP_NOISE = re.compile(r"\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?|\b[ap]\.?m\b\.?|\b[A-Z]{2,4}\b|\b(?:on|at|by|and|the)\b"
                          r"|\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\b", re.I)
_STAMP_MAX = 100  # characters: longer lines are prose, not stamps
_STAMP_WORDS = 5  # words beside the date (a name in a byline) a stamp line may carry


def stamp_line(line: str) -> tuple[date, str | None] | None:
    """(date, label) when ``line`` is a date stamp: a date line ("Updated Mar. 3, 2020 | 5:40 PM
    EST"), a labelled line with a date in it ("Posted on November 11, 2024 at 9:14 am"), or a
    short byline with its date ("By Amina Yusuf, 11 November 2024"); label "byline" for the last."""
    got = labelled_date_line(line)
    if got:
        return got
    s = line.strip()
    if len(s) > _STAMP_MAX or s.endswith((".", "?", "!", ";")) and not re.search(r"\b[ap]\.?m\.$", s, re.I):
        return None
    found = _find(s)
    if not found:
        return None
    d, start, end = found
    label = _OPENING_LABEL.match(s)
    if label:
        return d, label["label"].lower()
    rest = _STAMP_NOISE.sub(" ", s[:start] + " " + s[end:])
    words = re.findall(r"[^\W\d_][\w'.-]*", rest)
    if len(words) > _STAMP_WORDS or re.search(r"\d", rest):
        return None
    if not words:
        return d, None
    # Beside the date only a name ("By Amina Yusuf |", "Amina Yusuf - "), set off by punctuation.
    if re.match(r"by\s", s, re.I) or (all(w[0].isupper() for w in words) and re.search(r"[,|\-–—•·/]", rest)):
        return d, "byline"
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
