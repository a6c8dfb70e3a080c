"""Rules for points in time: calendar dates (days, months, years, decades, centuries, seasons,
weekdays, holidays, "yesterday", "last week"), clock times, anaphoric times ("that day") and reference
words ("now"). Each scans the text and adds valued candidates."""

from __future__ import annotations

import re
from datetime import timedelta

from .context import Context, is_cap
from .normalise import (
    duration,
    holiday,
    month_num,
    resolve_month,
    resolve_month_day,
    resolve_season,
    resolve_weekday,
    safe_date,
    shift_months,
    week,
)
from .patterns import (
    HOLIDAYS,
    ORDINALS,
    PARTS_OF_DAY,
    RE_ANAPHOR,
    RE_CENTURY,
    RE_CLOCK,
    RE_DECADE,
    RE_DMY,
    RE_HOLIDAY,
    RE_ISO,
    RE_MDY,
    RE_MONTH,
    RE_MY,
    RE_NEIGHBOUR,
    RE_NUMERIC,
    RE_REF,
    RE_REL_UNIT,
    RE_SEASON,
    RE_WEEKDAY,
    RE_YEAR,
    SEASONS,
    WEEKDAYS,
    WEEKDAYS_ALL,
    WORD_SETS,
    WORDS,
)
from .tense import FUTURE, PAST


def r_iso(c: Context) -> None:
    for m in RE_ISO.finditer(c.text):
        d = safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
        if d:
            c.add(m.start(), m.end(), d.isoformat(), kind="day")


def r_numeric(c: Context) -> None:
    for m in RE_NUMERIC.finditer(c.text):
        a, b, ys = int(m["a"]), int(m["b"]), m["y"]
        if len(ys) == 2 and m["s"] != "/":
            continue  # "1.2.34" or "3-1-09" are more often versions and scores than dates
        y = int(ys) if len(ys) == 4 else 2000 + int(ys) if int(ys) < 50 else 1900 + int(ys)
        dm, md = safe_date(y, b, a), safe_date(y, a, b)
        if dm and md and dm != md:
            pick = dm if c.day_first else md
            if c.anchor is not None:
                # Strong anchor evidence wins over style: news dates sit close before publication.
                near = [x for x in (dm, md) if 0 <= (c.anchor - x).days <= 45]
                if len(near) == 1:
                    pick = near[0]
        else:
            pick = dm or md
        if pick and 1900 <= y <= 2100:
            c.add(m.start(), m.end(), pick.isoformat(), kind="day")


def _month_day(c: Context, m: re.Match) -> None:
    mon = m["mon"]
    if not is_cap(mon):
        return
    day = int(m["d"])
    month = month_num(mon)
    wd = WEEKDAYS_ALL.get(m["wd"].lower().rstrip(".")) if m["wd"] and is_cap(m["wd"]) else None
    # A lowercase "sun," before the date is not a weekday: start the span after it.
    start = m.start() if wd or not m["wd"] else min(m.start("mon"), m.start("d"))
    if not 1 <= day <= 31:
        return
    if m["y"]:
        d = safe_date(int(m["y"]), month, day)
        if d:
            c.add(start, m.end(), d.isoformat(), kind="day")
        return
    if c.anchor is None:
        return
    d = resolve_month_day(c.anchor, month, day, c.direction(start, m.end()), wd)
    if d:
        c.add(start, m.end(), d.isoformat(), kind="day")


def r_mdy(c: Context) -> None:
    for m in c.scan(RE_MDY, "month"):
        _month_day(c, m)


def r_dmy(c: Context) -> None:
    for m in c.scan(RE_DMY, "month"):
        _month_day(c, m)


def r_month_year(c: Context) -> None:
    for m in c.scan(RE_MY, "month"):
        if is_cap(m["mon"]):
            c.add(m.start(), m.end(), f"{m['y']}-{month_num(m['mon']):02d}")


def r_month(c: Context) -> None:
    if c.anchor is None:
        return
    for m in c.scan(RE_MONTH, "month"):
        mon = m["mon"]
        if not is_cap(mon):
            continue
        if not m["mod"] and not m["rel"] and mon.lower() in WORD_SETS["ambiguous_months"]:
            # "May"/"March"/"June": only in date context, never as a verb or a name.
            if c.prev_word(m.start()) not in WORD_SETS["month_context_before"]:
                continue
            tok = c.token(m.start("mon"))
            if tok is not None and (tok.tag_ == "MD" or tok.pos_ == "VERB"):
                continue
        rel = m["rel"].lower() if m["rel"] else None
        month = month_num(mon)
        if m["yrel"]:  # "in April next year"
            y = c.anchor.year + {"this": 0, "last": -1, "next": 1}[m["yrel"].lower()]
            c.add(m.start(), m.end(), f"{y}-{month:02d}")
            continue
        y = resolve_month(c.anchor, month, c.direction(m.start(), m.end()), rel)
        c.add(m.start(), m.end(), f"{y}-{month:02d}")


def _year_context(c: Context, m: re.Match) -> bool:
    y = int(m["y"])
    prev = c.prev_word(m.start())
    nxt = c.next_words(m.end())
    if nxt[0] in WORD_SETS["count_nouns"]:
        return False
    if m["mod"]:
        return 1000 <= y <= 2100
    before = c.text[max(0, m.start() - 12) : m.start()]
    if re.search(r"\b\d{4}\s*(?:-|–|to|and|or|,)\s*$", before):  # "1994, 1995 and 1997", "2014-2015"
        return 1000 <= y <= 2100
    if not 1900 <= y <= 2100:
        return 1000 <= y < 1900 and prev in ("in", "since", "until", "from", "before", "after", "circa", "by")
    if prev in WORD_SETS["year_context_before"] or before.rstrip().endswith(("(", "'")):
        return True
    tok = c.token(m.start("y"))
    return tok is not None and tok.ent_type_ in ("DATE", "TIME")


def r_year(c: Context) -> None:
    for m in c.scan(RE_YEAR, "year"):
        if _year_context(c, m):
            start = m.start() if m["mod"] else m.start("y")
            c.add(start, m.end(), m["y"])


def r_decade(c: Context) -> None:
    for m in c.scan(RE_DECADE, "decade"):
        if m["y"]:
            v = m["y"][:3]
        elif m["yy"]:
            v = ("19" if int(m["yy"]) >= 30 else "20") + m["yy"][0]
        else:
            if c.prev_word(m.start()) != "the":
                continue  # "in their twenties" is an age
            v = "19" + str(WORDS["decade_words"][m["w"].lower()])
        c.add(m.start(), m.end(), v)


def r_century(c: Context) -> None:
    for m in c.scan(RE_CENTURY, "century"):
        o = m["o"].lower()
        n = ORDINALS.get(o) or int(re.sub(r"\D", "", o) or 0)
        if 1 <= n <= 22:
            c.add(m.start(), m.end(), f"{n - 1:02d}")


def r_season(c: Context) -> None:
    for m in c.scan(RE_SEASON, "season"):
        s = SEASONS[m["s"].lower()]
        rel = m["rel"].lower() if m["rel"] else None
        if m["y"]:
            c.add(m.start(), m.end(), f"{m['y']}-{s}")
            continue
        if rel is None or c.anchor is None:
            continue  # bare "spring"/"fall" are too often verbs and nouns
        if rel == "the" and (m["s"].lower() == "fall" or c.next_words(m.end())[0] == "of"):
            continue  # "the fall of Mosul"
        y = resolve_season(c.anchor, s, None if rel == "the" else rel, c.direction(m.start(), m.end()))
        c.add(m.start(), m.end(), f"{y}-{s}")


def r_rel_unit(c: Context) -> None:
    for m in c.scan(RE_REL_UNIT, "unit"):
        if m["wkd"]:
            if c.anchor is not None:  # the weekend just gone, or the current one
                a = c.anchor
                back = 0 if a.isoweekday() >= 6 else 7
                if c.direction(m.start(), m.end()) > 0:
                    back = 0
                c.add(m.start(), m.end(), week(a - timedelta(days=back)) + "-WE")
            continue
        unit, rel = m["unit"].lower(), m["rel"].lower()
        if rel in ("previous", "following") and m["the"] and unit in ("week", "month", "year") and not m["mod"]:
            continue  # "the following year" counts from the story's last date: r_anaphor
        start = m.start() if m["mod"] or m["the"] else m.start("rel")
        if rel == "past" and not m["mod"]:
            c.add(start, m.end(), duration(1, unit) if unit != "weekend" else "P2D", "DURATION")
            continue
        if c.anchor is None:
            continue
        step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "following": 1}.get(rel, 0)
        a = c.anchor
        if unit == "week":
            v = week(a + timedelta(weeks=step))
        elif unit == "weekend":
            v = week(a + timedelta(weeks=step)) + "-WE"
        elif unit == "month":
            y, mo = shift_months(a, step)
            v = f"{y}-{mo:02d}"
        elif unit == "year":
            v = str(a.year + step)
        elif unit == "quarter":
            q = (a.month - 1) // 3 + step
            v = f"{a.year + q // 4}-Q{q % 4 + 1}"
        elif unit == "decade":
            v = str(a.year // 10 + step)
        else:
            v = str(a.year // 100 + step)
        c.add(start, m.end(), v)


def r_neighbour(c: Context) -> None:
    if c.anchor is None:
        return
    for m in RE_NEIGHBOUR.finditer(c.text):
        w = re.sub(r"\s+", " ", m["w"].lower())
        pod = PARTS_OF_DAY.get(m["pod"].lower()) if m["pod"] else None
        shift = {
            "yesterday": -1,
            "tomorrow": 1,
            "last night": -1,
            "the day before yesterday": -2,
            "the day after tomorrow": 2,
        }.get(w, 0)
        if w in ("tonight", "last night"):
            pod = "NI"
        elif w.startswith("this "):
            pod = PARTS_OF_DAY[w.split()[1]]
        d = (c.anchor + timedelta(days=shift)).isoformat()
        c.add(m.start(), m.end(), f"{d}T{pod}" if pod else d, "TIME" if pod else "DATE", kind="day")


def r_weekday(c: Context) -> None:
    if c.anchor is None:
        return
    for m in c.scan(RE_WEEKDAY, "weekday"):
        if not is_cap(m["wd"]):
            continue
        nxt = " ".join(c.next_words(m.end("wd"))).strip()
        if (nxt.split(" ")[0] in WORD_SETS["weekday_blockers"] or nxt in WORD_SETS["weekday_blockers"]) and is_cap(
            c.text[m.end("wd") :].lstrip()[:1]
        ):
            continue  # "Sunday Times", "Monday Night Football"
        if c.prev_word(m.start()) in WORD_SETS["weekday_prefix_blockers"]:
            continue  # "Bloody Sunday", "Good Friday" (the latter is a holiday rule)
        rel = m["rel"].lower() if m["rel"] else None
        wd = WEEKDAYS[m["wd"].lower()]
        direction = c.direction(m.start(), m.end())
        d = resolve_weekday(c.anchor, wd, direction, rel).isoformat()
        pod = PARTS_OF_DAY.get(m["pod"].lower()) if m["pod"] else None
        start = m.start() if rel in ("last", "next", "this", "coming", "past") else m.start("wd")
        c.add(start, m.end(), f"{d}T{pod}" if pod else d, "TIME" if pod else "DATE", kind="day")


def r_clock(c: Context) -> None:
    for m in RE_CLOCK.finditer(c.text):
        if m["word"]:
            if c.prev_word(m.start()) == "high":
                continue  # "High Noon"
            hm = WORDS["clock_words"][m["word"].lower()]
        else:
            h = int(m["h"] or m["h2"] or m["h3"] or m["h4"] or m["h5"])
            mi = int(m["m"] or m["m2"] or m["m3"] or 0)
            ap = (m["ap"] or "").lower()
            if (
                ap.startswith("p")
                and h < 12
                or (m["pod"] or "").lower() in ("afternoon", "evening")
                and h < 12
            ):
                h += 12
            elif ap.startswith("a") and h == 12:
                h = 0
            if h > 23 or mi > 59:
                continue
            hm = f"{h:02d}:{mi:02d}"
        value = f"{c.anchor.isoformat()}T{hm}" if c.anchor else None
        c.add(m.start(), m.end(), value, "TIME", kind="clock")


def r_holiday(c: Context) -> None:
    for m in c.scan(RE_HOLIDAY, "holiday"):
        if not is_cap(m["h"]):
            continue
        rule = HOLIDAYS[re.sub(r"\s+", " ", m["h"].lower())]
        rel = m["rel"].lower() if m["rel"] else None
        if m["y"]:
            c.add(m.start(), m.end(), holiday(rule, int(m["y"])).isoformat(), kind="day")
            continue
        if c.anchor is None:
            continue
        a = c.anchor
        opts = [holiday(rule, y) for y in (a.year - 1, a.year, a.year + 1)]
        if rel == "last":
            d = [o for o in opts if o < a][-1]
        elif rel == "next":
            d = [o for o in opts if o > a][0]
        elif rel == "this":
            d = opts[1]
        else:
            direction = c.direction(m.start(), m.end())
            if direction == FUTURE:
                d = [o for o in opts if o >= a][0]
            elif direction == PAST:
                d = [o for o in opts if o <= a][-1]
            else:  # holidays are talked about ahead as much as after: take the nearest
                d = min(opts, key=lambda o: abs((o - a).days))
        start = m.start() if rel else m.start("h")
        c.add(start, m.end(), d.isoformat(), kind="day")


def r_anaphor(c: Context) -> None:
    for m in RE_ANAPHOR.finditer(c.text):
        rel = (m["rel"] or "same").lower()
        step = {"next": 1, "following": 1, "previous": -1, "preceding": -1}.get(rel, 0)
        unit = m["unit"].lower()
        # Resolved after selection, when the preceding dates are known (see resolve_anaphora).
        c.add(m.start(), m.end(), f"{ANA}{unit}:{step}", "TIME" if unit in PARTS_OF_DAY else "DATE", kind="ana")


def r_ref(c: Context) -> None:
    for m in RE_REF.finditer(c.text):
        r = re.sub(r"\s+", " ", m["r"].lower())
        if r.endswith("future") and not m["r"][-6:].islower():
            continue  # "Future" capitalised is usually a name ("Future Movement")
        c.add(m.start(), m.end(), WORDS["reference_words"][r])


ANA = "ANA:"
