"""From the rules' overlapping candidates to the final list: the longest spans, clocks joined to their
days, phrases built around a date, anaphoric times and bare clocks on the story's reference day."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from datetime import date, timedelta

from .context import Candidate, Context
from .normalise import safe_date, shift_months, week
from .patterns import DAY_VALUE, IGNORE_CASE, PARTS_OF_DAY, RE_HOLIDAY
from .point_rules import ANA, r_clock

# The gap between a clock and a date can be any length: "\s*,?\s*" on a long run of spaces
# backtracked quadratically; each run now follows what it separates and is possessive.
_CLOCK_THEN_DATE = re.compile(r"^\s*+(?:,\s*+)?(?:on\s+)?$", IGNORE_CASE)
_DATE_THEN_CLOCK = re.compile(r"^\s*+(?:,\s*+)?(?:at\s+|about\s+|around\s+|from\s+)?$", IGNORE_CASE)


def select(cands: list[Candidate]) -> list[Candidate]:
    """Keep the longest non-overlapping candidates (ties: the earlier one, then the rule order)."""
    # Taken spans sorted by (start, end); being disjoint, their ends are sorted too, so the one
    # span that can overlap a candidate is the last one starting before the candidate ends
    # (testing every taken span was quadratic in the number of candidates).
    keys: list[tuple[int, int]] = []
    taken: list[Candidate] = []
    for cand in sorted(cands, key=lambda x: (x.start - x.end, x.start)):
        k = bisect_left(keys, (cand.end,))
        if k and keys[k - 1][1] > cand.start:
            continue
        keys.insert(bisect_left(keys, (cand.start, cand.end)), (cand.start, cand.end))
        taken.append(cand)
    return sorted(taken, key=lambda x: x.start)


def merge_clocks(text: str, cands: list[Candidate]) -> Iterator[Candidate]:
    """Join "9 a.m. Tuesday" / "Tuesday at 9 a.m." into one TIME; drop clocks that stay unanchored."""
    i = 0
    while i < len(cands):
        cur = cands[i]
        nxt = cands[i + 1] if i + 1 < len(cands) else None
        if nxt is not None and {cur.kind, nxt.kind} == {"clock", "day"}:
            clock, day = (cur, nxt) if cur.kind == "clock" else (nxt, cur)
            gap = text[cur.end : nxt.start]
            rx = _CLOCK_THEN_DATE if cur is clock else _DATE_THEN_CLOCK
            if rx.match(gap) and day.value and DAY_VALUE.match(day.value):
                hm = clock.value.split("T")[1] if clock.value else _clock_text(text[clock.start : clock.end])
                if hm:
                    yield Candidate(cur.start, nxt.end, f"{day.value[:10]}T{hm}", "TIME")
                    i += 2
                    continue
        if cur.value is not None:
            yield cur
        i += 1


def _clock_text(s: str) -> str | None:
    c = Context(s, date(2000, 1, 1))
    r_clock(c)
    return c.out[0].value.split("T")[1] if c.out else None


_FULL_DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)")
_WEEK_OF = re.compile(r"\bthe\s+week\s+of\s+$", IGNORE_CASE)
_DAY_SHIFT = re.compile(r"\b(?:the\s+)?(?P<w>day)\s+(?P<dir>before|after)\s+$", IGNORE_CASE)
_HOLIDAY_WEEK = re.compile(r"^\s+week\b", IGNORE_CASE)
_AND_DAY = re.compile(
    r"^\s*(?:and|or|to|through|-|–)\s*(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?!\s*(?:%|[,.:]\d))"
    r"(?=\s*(?:[.,;:)\n]|$)|\s+(?:in|at|on|and|for|to|when|as|with)\b)",
    IGNORE_CASE,
)


def compose(text: str, cands: list[Candidate]) -> list[Candidate]:
    """Phrases built around a date: "the week of March 6", "Easter week", "the day before Tuesday",
    "April 24 and 25" (the second day shares the first one's month)."""
    out: list[Candidate] = []
    for cand in cands:
        m = _FULL_DATE.match(cand.value or "")
        d = safe_date(*map(int, m.groups())) if m else None
        if d is None:
            out.append(cand)
            continue
        before = text[max(0, cand.start - 30) : cand.start]
        w = _WEEK_OF.search(before)
        if w:
            out.append(Candidate(cand.start - len(before) + w.start(), cand.end, week(d)))
            continue
        w = _DAY_SHIFT.search(before)
        if w and len(cand.value) == 10:
            shift = -1 if w["dir"].lower() == "before" else 1
            start = cand.start - len(before) + w.start("w")
            out.append(Candidate(start, cand.end, (d + timedelta(days=shift)).isoformat()))
            continue
        after = text[cand.end : cand.end + 40]
        w = _HOLIDAY_WEEK.match(after)
        if w and RE_HOLIDAY.search(text[cand.start : cand.end]):
            out.append(Candidate(cand.start, cand.end + w.end(), week(d)))
            continue
        out.append(cand)
        w = _AND_DAY.match(after)
        if w and len(cand.value) == 10 and (d2 := safe_date(d.year, d.month, int(w["d"]))) and d2 > d:
            out.append(Candidate(cand.end + w.start("d"), cand.end + w.end("d"), d2.isoformat(), kind="day"))
    return out


def resolve_anaphora(cands: list[Candidate], anchor: date | None) -> list[Candidate]:
    """Give "that day", "the next morning", "later that year" the value of the last date before them."""
    ref: str | None = anchor.isoformat() if anchor else None
    for cand in cands:
        v = cand.value or ""
        if not v.startswith(ANA):
            if re.match(r"^\d{4}(?:-\d\d(?:-\d\d)?)?(?:$|T)", v) and cand.type in ("DATE", "TIME"):
                ref = v[:10]
            continue
        unit, step = v[len(ANA) :].split(":")
        cand.value = _shift_ref(ref, unit, int(step))
    return cands


def clocks_on_reference_day(cands: list[Candidate], anchor: date | None) -> list[Candidate]:
    """A clock time with no day of its own ("shot at 10 p.m.") happened on the last day mentioned."""
    ref: str | None = anchor.isoformat() if anchor else None
    for cand in cands:
        v = cand.value or ""
        if cand.kind == "clock" and ref and "T" in v:
            cand.value = f"{ref}T{v.split('T')[1]}"
        elif _FULL_DATE.match(v) and cand.type in ("DATE", "TIME"):
            ref = v[:10]
    return cands


def _shift_ref(ref: str | None, unit: str, step: int) -> str | None:
    if ref is None:
        return None
    m = _FULL_DATE.match(ref)
    d = safe_date(*map(int, m.groups())) if m else None
    if unit == "year":
        return str(int(ref[:4]) + step)
    if unit == "month":
        if len(ref) < 7:
            return None
        y, mo = shift_months(date(int(ref[:4]), int(ref[5:7]), 1), step)
        return f"{y}-{mo:02d}"
    if d is None:
        return None  # a day needs a day to count from
    if unit == "week":
        return week(d + timedelta(weeks=step))
    day = (d + timedelta(days=step)).isoformat()
    return day if unit == "day" else f"{day}T{PARTS_OF_DAY[unit]}"
