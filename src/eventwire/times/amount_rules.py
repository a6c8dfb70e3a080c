"""Rules for amounts of time: durations ("five hours"), offsets from now ("three years ago")
and sets ("every week"), with TimeML's extent for their approximators."""

from __future__ import annotations

import re
from datetime import timedelta

from .context import Context, is_cap
from .normalise import duration, number, shift_months, singular_unit, week
from .patterns import (
    IGNORE_CASE,
    PARTS_OF_DAY,
    RE_AGO,
    RE_BARE_PLURAL,
    RE_DURATION,
    RE_SET,
    RE_VAGUE_PLURAL,
    UNITS,
    VAGUE,
    WEEKDAYS,
    WORDS,
)

_APPROX = set(WORDS["approximators"])
_THE = re.compile(r"the\s", IGNORE_CASE)


def _extent_start(m: re.Match) -> int:
    """TimeML extent: approximators ("about", "nearly", "only") and a leading "the" stay outside the tag
    ("about [five hours]", "the [past 20 years]"); comparatives ("more than a decade") stay inside."""
    groups = m.re.groupindex
    q = m["q"] if "q" in groups else None
    pre = m["pre"] if "pre" in groups else None
    if pre and _THE.match(pre):
        return m.start("pre") + len(pre) - len(pre[3:].lstrip())
    if q and re.sub(r"\s+", " ", q.lower()) in _APPROX:
        return m.start("q") + len(q) + len(m.string[m.end("q") :]) - len(m.string[m.end("q") :].lstrip())
    return m.start()


def r_ago(c: Context) -> None:
    for m in c.scan(RE_AGO, "ago"):
        unit = singular_unit(m["unit"])
        n = number(m["n"]) if m["n"] else None
        if c.anchor is None or unit == "quarter":
            continue
        fut = not m["dir"].lower().startswith("ago")
        start = _extent_start(m)
        if n is None:
            c.add(start, m.end(), "FUTURE_REF" if fut else "PAST_REF")
            continue
        sign = 1 if fut else -1
        a = c.anchor
        code = UNITS[unit][0]
        if unit in ("second", "minute", "hour") or code == "D":
            v = a.isoformat() if unit != "day" else (a + timedelta(days=sign * n)).isoformat()
        elif code == "W" or code == "2W":
            v = week(a + timedelta(weeks=sign * n * (2 if code == "2W" else 1)))
        elif unit == "month":
            y, mo = shift_months(a, sign * n)
            v = f"{y}-{mo:02d}"
        else:
            mult = {"Y": 1, "10Y": 10, "100Y": 100}[code]
            v = str(a.year + sign * n * mult)
        c.add(start, m.end(), v)


def r_duration(c: Context) -> None:
    for m in c.scan(RE_DURATION, "unit"):
        unit = singular_unit(m["unit"])
        nword = re.sub(r"\s+", " ", m["n"].lower())
        if unit == "quarter" or (unit == "second" and nword in ("a", "an", "one")):
            continue  # "a quarter of", "a second attack"
        if (
            nword.replace(",", "").isdigit()
            and unit == "year"
            and 1900 <= int(nword.replace(",", "")) <= 2100
        ):
            continue  # "2014 year" is a year, not a duration
        if re.match(r"(?:-|\s+)old\b", c.text[m.end() : m.end() + 5]) or m.group().endswith("-old"):
            continue  # ages ("a 44-year-old protester") are not time expressions of the story
        if is_cap(m["unit"]) and not re.search(r"(?:^|[.!?\n]\s*)$", c.text[max(0, m.start() - 3) : m.start()]):
            continue  # "60 Minutes" (a title)
        n = number(nword)
        if n is None and nword not in VAGUE:
            continue
        v = duration(n, unit, bool(m["half"] or m["half2"]))
        c.add(_extent_start(m), m.end(), v, "DURATION")


def r_vague_plural(c: Context) -> None:
    for m in c.scan(RE_VAGUE_PLURAL, "unit"):
        unit = singular_unit(m["unit"] or m["unit2"] or m["unit1"])
        if unit != "quarter":
            c.add(_extent_start(m), m.end(), duration(1 if m["unit1"] else None, unit), "DURATION")
    for m in c.scan(RE_BARE_PLURAL, "unit"):
        unit = singular_unit(m["unit"])
        if unit not in ("quarter", "second"):
            c.add(m.start("unit"), m.end("unit"), duration(None, unit), "DURATION")


def r_set(c: Context) -> None:
    for m in c.scan(RE_SET, "set"):
        if m["freq"]:
            c.add(m.start(), m.end(), WORDS["frequency_words"][m["freq"].lower()], "SET")
            continue
        u = (m["unit"] or m["unit2"] or m["unit3"]).lower()
        if u in WEEKDAYS:
            v = f"XXXX-WXX-{WEEKDAYS[u]}"
        elif u in PARTS_OF_DAY:
            v = f"XXXX-XX-XXT{PARTS_OF_DAY[u]}"
        else:
            n = number(m["n"]) if m["n"] else 1
            v = duration(n or 1, singular_unit(u))
        c.add(m.start(), m.end(), v, "SET")
