"""Calendar arithmetic that turns recognised words into TIMEX3 values: years of bare months, weekdays
and seasons, holidays, numbers and durations."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from .patterns import MONTHS, NUMBER_WORDS, SEASON_OF_MONTH, UNIT_PLURALS, UNITS, VAGUE
from .tense import FUTURE, NEAR, UNKNOWN


def month_num(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def resolve_month(anchor: date, month: int, direction: int, rel: str | None = None) -> int:
    """Year of the month named without a year."""
    y = anchor.year
    if rel == "last" or rel == "past":
        return y if month < anchor.month else y - 1
    if rel in ("next", "coming"):
        return y if month > anchor.month else y + 1
    if rel == "this":
        return y
    past = y if month <= anchor.month else y - 1
    future = y if month > anchor.month else y + 1
    if direction == FUTURE:
        return y if month >= anchor.month else y + 1
    ahead, back = (future - y) * 12 + month - anchor.month, (y - past) * 12 + anchor.month - month
    if direction in (UNKNOWN, NEAR) and ahead < back:
        return future  # no tense to go by: the nearer one ("the summit in April", said in December)
    return past


def safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def resolve_month_day(
    anchor: date, month: int, day: int, direction: int, weekday: int | None
) -> date | None:
    options = [
        c for c in (safe_date(y, month, day) for y in (anchor.year - 1, anchor.year, anchor.year + 1)) if c
    ]
    if not options:
        return None
    if weekday is not None:  # "Thursday, April 6": the weekday picks the year
        fit = [c for c in options if c.isoweekday() == weekday]
        if fit:
            return min(fit, key=lambda c: abs((c - anchor).days))
    later = [c for c in options if c >= anchor]
    earlier = [c for c in options if c <= anchor]
    if direction == FUTURE and later:
        return later[0]
    if direction in (UNKNOWN, NEAR) and later and earlier and (later[0] - anchor) < (anchor - earlier[-1]):
        return later[0]  # no tense to go by: the nearer one ("by Jan. 14", said on Jan. 5)
    return earlier[-1] if earlier else options[0]


def resolve_weekday(anchor: date, wd: int, direction: int, rel: str | None) -> date:
    back = (anchor.isoweekday() - wd) % 7
    ahead = (wd - anchor.isoweekday()) % 7
    if rel in ("last", "past"):
        return anchor - timedelta(days=back or 7)
    if rel in ("next", "coming"):
        return anchor + timedelta(days=ahead or 7)
    if rel == "this":
        return anchor - timedelta(days=anchor.isoweekday() - wd)
    if direction == FUTURE:
        return anchor + timedelta(days=ahead or 7)
    if direction == NEAR and ahead < back:
        return anchor + timedelta(days=ahead)
    return anchor - timedelta(days=back)


def week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _season_of(d: date) -> tuple[int, str]:
    s = SEASON_OF_MONTH[d.month]
    return (d.year - 1 if d.month <= 2 else d.year), s


def resolve_season(anchor: date, season: str, rel: str | None, direction: int) -> int:
    """Year of a season named without a year (winter belongs to the year of its December)."""
    cy, cs = _season_of(anchor)
    # Seasons in calendar order inside a "season year": SP, SU, FA, WI(Dec..Feb).
    order = ["SP", "SU", "FA", "WI"]
    cur, tgt = order.index(cs), order.index(season)
    if rel == "this":
        return cy if cs != "WI" or season == "WI" else cy + 1
    if rel in ("last", "past", "previous"):
        return cy if tgt < cur else cy - 1
    if rel in ("next", "coming") or direction > 0:
        return cy if tgt > cur or (tgt == cur and rel is None) else cy + 1
    return cy if tgt <= cur else cy - 1


def _easter(y: int) -> date:
    a, b, c = y % 19, y // 100, y % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l7 = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l7) // 451
    month, day = divmod(h + l7 - 7 * m + 114, 31)
    return date(y, month, day + 1)


def _nth_weekday(y: int, month: int, wd: int, n: int) -> date:
    days = [
        d for d in calendar.Calendar().itermonthdates(y, month) if d.month == month and d.isoweekday() == wd
    ]
    return days[n] if n >= 0 else days[-1]


def holiday(rule: str, y: int) -> date:
    if rule == "easter":
        return _easter(y)
    if rule == "good_friday":
        return _easter(y) - timedelta(days=2)
    if rule == "thanksgiving":
        return _nth_weekday(y, 11, 4, 3)
    if rule == "election":
        return _nth_weekday(y, 11, 1, 0) + timedelta(days=1)
    if rule == "memorial":
        return _nth_weekday(y, 5, 1, -1)
    if rule == "labor":
        return _nth_weekday(y, 9, 1, 0)
    m, d = rule.split("-")
    return date(y, int(m), int(d))


def number(s: str) -> int | None:
    """Parse "3", "1,000", "twenty-five", "a couple of"; None for vague amounts ("several")."""
    s = re.sub(r"\s+", " ", s.lower().strip())
    if s in VAGUE:
        return None
    if s in NUMBER_WORDS:
        return NUMBER_WORDS[s]
    parts = re.split(r"[\s-]", s)
    if len(parts) == 2 and parts[0] in NUMBER_WORDS and parts[1] in NUMBER_WORDS:
        return NUMBER_WORDS[parts[0]] + NUMBER_WORDS[parts[1]]
    try:
        v = float(s.replace(",", ""))
    except ValueError:
        return None
    return int(v) if v == int(v) else None


def singular_unit(word: str) -> str:
    w = word.lower()
    return UNIT_PLURALS.get(w, w)


def duration(n: int | None, unit: str, half: bool = False) -> str:
    code, is_time = UNITS[unit]
    t = "T" if is_time else ""
    if n is None:
        return f"P{t}X{code[-1]}"
    if code.endswith(("0Y", "2W")):  # decade/century/fortnight: multiply out ("P20Y", "P4W")
        mult = int(code[:-1])
        n, code = n * mult, code[-1]
        if half:
            return f"P{n + mult // 2}{code}"
    if half:
        sub = (
            {"H": (60, "M", True), "M": (60, "S", True), "S": (0, "", True)}
            if is_time
            else {"Y": (6, "M", False), "M": (15, "D", False), "D": (12, "H", True), "W": (0, "", False)}
        )
        k, sub_code, sub_time = sub[code]
        if code == "W":
            return f"P{n * 7 + 3}DT12H"
        if code == "Y":
            return f"P{n * 12 + 6}M"
        if code == "S":
            return f"PT{n}.5S"
        mid = "T" if sub_time and not is_time else ""
        return f"P{t}{n}{code}{mid}{k // 2}{sub_code}"
    return f"P{t}{n}{code}"


def shift_months(d: date, months: int) -> tuple[int, int]:
    total = d.year * 12 + d.month - 1 + months
    return total // 12, total % 12 + 1
