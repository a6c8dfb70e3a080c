"""Plain-text captures of news pages and wire copy -> title, dates and body.

A capture carries the page's furniture above the story: a date widget (the day
the page was captured), breadcrumbs, navigation words and the headline, often
repeated. The story starts at the first paragraph that reads like prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .consent import drop_consent
from .dates import CAPTURE_LABELS, MONTHS, UPDATE_LABELS, date_line, stamp_line
from .tables import load_table

# "GOMA, Congo, March 3 (Reuters) -" : a wire dateline opening the first paragraph.
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
DATELINE = re.compile(
    # Linear: each run of spaces comes after what it separates (three optional runs in a row
    # backtracked cubically) and is possessive ("\s++": what follows never starts with a space).
    r"^(?P<place>[A-Z][A-Z .'\-]{1,40}(?:,\s*[A-Z][\w .'\-]{1,30}){0,2}),?\s++"
    r"(?:(?P<mon>" + _MON + r")\.?\s++(?P<day>\d{1,2})(?:,\s*+(?P<year>\d{4}))?\s*+)?"
    r"(?:\((?P<agency>[A-Za-z][\w .&]{1,30})\)\s*+)?[-–—]+\s+",
    re.I,
)


@dataclass
class PlainCapture:
    title: str | None
    published: date | None
    retrieved: date | None
    body: str
    dateline_place: str | None = None
    agency: str | None = None


@lru_cache(maxsize=1)
def _boilerplate() -> tuple[frozenset, tuple, tuple]:
    t = load_table("boilerplate.json")
    return frozenset(t["nav_lines"]), tuple(t["line_prefixes"]), tuple(t["breadcrumb_separators"])


@lru_cache(maxsize=1)
def _bylines() -> list[re.Pattern]:
    return [re.compile(p, re.I if p.startswith("^(") or p.startswith("^by") is False else 0)
            for p in load_table("boilerplate.json")["byline_patterns"]]


@lru_cache(maxsize=1)
def _related() -> frozenset:
    return frozenset(load_table("boilerplate.json")["related_headings"])


def is_byline(line: str) -> bool:
    s = line.strip()
    if len(s) > 120 or s.endswith((".", "?", "!")) and not s.endswith(")"):
        return False
    if re.match(r"^by\s", s, re.I) and len(s.split()) <= 12:
        return bool(_bylines()[0].match("by " + s[3:].strip()))
    return any(p.match(s) for p in _bylines()[1:])


def _is_related_heading(line: str) -> bool:
    return _norm(line).rstrip(" :»>").strip() in _related()


def _norm(line: str) -> str:
    # Same as re.sub(r"\s+", " ", line).strip() (one whitespace set), several times faster.
    return " ".join(line.split()).lower()


def is_boilerplate(line: str) -> bool:
    nav, prefixes, seps = _boilerplate()
    s = _norm(line)
    if not s:
        return True
    if s.strip(" :|·•-") in nav:
        return True
    if s.startswith(prefixes):
        return True
    # Breadcrumb: short segments joined by a separator, no sentence punctuation at the end.
    for sep in seps:
        if sep.strip() in s and len(s) < 200 and not s.endswith((".", '"', "”")):
            parts = [p.strip() for p in s.split(sep.strip()) if p.strip()]
            if len(parts) >= 2 and all(len(p.split()) <= 15 for p in parts):
                return True
    return False


def is_furniture(line: str) -> bool:
    """A navigation/share/promotion line of the boilerplate table ("Comments", "Read more: ...").

    Stricter than ``is_boilerplate``: no breadcrumb test, whose separators also split table rows."""
    nav, prefixes, _seps = _boilerplate()
    s = _norm(line)
    return s.strip(" :|·•-") in nav or (s.startswith(prefixes) and len(s) < 200)


def _is_prose(line: str) -> bool:
    """A paragraph of the story: long enough and ends like a sentence."""
    s = line.strip()
    ends = s[-1:] in '.!?"”’\''
    return len(s) >= 150 or (len(s.split()) >= 6 and ends)


def read_plaintext(text: str) -> PlainCapture:
    lines = _unwrap(drop_consent([ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]))
    # The header is everything before the first prose paragraph.
    first = next((i for i, ln in enumerate(lines) if _is_prose(ln) and date_line(ln) is None), len(lines))
    header = [ln for ln in lines[:first] if ln]
    nav, _, seps = _boilerplate()
    # Plain headline-then-story files: a short first paragraph is the headline.
    if not [ln for ln in header if not (date_line(ln) or is_boilerplate(ln))] and _standalone_headline(lines, first):
        # The header goes on past the headline ("Published 10 February 2024" under it).
        first = next((i for i in range(first + 1, len(lines)) if _is_prose(lines[i]) and date_line(lines[i]) is None),
                     len(lines))
        header = [ln for ln in lines[:first] if ln]

    crumbs: list[str] = []
    candidates: list[str] = []
    furniture = False  # navigation, breadcrumbs: the header is a web page's, with its date widget
    for ln in header:
        if stamp_line(ln) or is_byline(ln):
            continue
        if is_boilerplate(ln):
            furniture = True
            for sep in seps:
                if sep.strip() in ln:
                    crumbs.append(ln.split(sep.strip())[-1].strip())
        else:
            candidates.append(ln)

    title = _pick_title(candidates, crumbs)
    published, retrieved, updated = _capture_dates(lines, first, title, furniture)

    body_lines: list[str] = []
    title_n = _norm(title) if title else None
    in_related = False  # inside a list of other stories, until prose comes back
    for ln in lines[first:]:
        if not ln:
            body_lines.append("")
            continue
        if _is_related_heading(ln):
            in_related = True
            continue
        if in_related and not _is_prose(ln):
            continue
        in_related = False
        if (title_n and _norm(ln) == title_n) or is_boilerplate(ln) or stamp_line(ln) or is_byline(ln):
            continue
        body_lines.append(ln)
    body = "\n".join(body_lines)
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    # Paragraphs separated by single newlines are still paragraphs.
    if "\n\n" not in body:
        body = body.replace("\n", "\n\n")

    place = agency = None
    m = DATELINE.match(body)
    if m and (m.group("mon") or m.group("agency")) and m.group("place").split(",")[0].isupper():
        place, agency = m.group("place").split(",")[0].title(), m.group("agency")
        if published is None and m.group("mon"):
            published = _dateline_date(m, retrieved)
    # Only an "Updated" line: the article's own latest day beats none (the capture day never counts).
    published = published or updated
    if published and retrieved and (published - retrieved).days > 1:
        published = None  # not published after it was captured (a day's grace for time zones)
    return PlainCapture(title, published, retrieved, body, place, agency)


_HEAD_PROSE = 2  # the article's own date line may sit below a standfirst, not below the story's first paragraph


def _capture_dates(lines: list[str], first: int, title: str | None,
                   furniture: bool) -> tuple[date | None, date | None, date | None]:
    """(published, retrieved, updated) of a capture.

    The date lines of the article's head (above the story, or among its first paragraphs: a
    standfirst may come before the byline) are read by where they sit: a date above the headline
    is the page's date widget, the day it was captured; a date under the headline, in the byline
    or labelled "Published" is the article's; "Updated" is kept apart. The capture day is never
    taken for the publication day."""
    title_n = _norm(title) if title else None
    head = next((i for i, ln in enumerate(lines) if title_n and _norm(ln) == title_n), None)
    prose = 0
    widget: list[date] = []  # above the headline
    article: list[date] = []  # labelled published, in a byline, or under the headline
    updated: list[date] = []
    for i, ln in enumerate(lines):
        if i >= first and _is_related_heading(ln):
            break  # a list of other stories, with their dates
        if i >= first and _is_prose(ln) and date_line(ln) is None:
            prose += 1
            if prose >= _HEAD_PROSE:
                break
            continue
        got = stamp_line(ln)
        if got is None:
            continue
        d, label = got
        if label in CAPTURE_LABELS:
            widget.insert(0, d)  # "Retrieved 27 May 2018": the capture day, said outright
        elif label in UPDATE_LABELS:
            updated.append(d)
        elif label or (head is not None and i > head):
            article.append(d)
        elif head is None and i >= first:
            article.append(d)  # no headline found: a date among the story's first lines is its own
        else:
            widget.append(d)
    last_update = updated[0] if updated else None
    if article:
        return article[0], widget[0] if widget else None, last_update
    if len(widget) >= 2:  # no headline between them: the first is the widget, the last the article's
        return widget[-1], widget[0], last_update
    if widget and not furniture:
        return widget[0], None, last_update  # a plain file opening with its date, no page around it
    return None, widget[0] if widget else None, last_update


_LEAD_SIGNS = re.compile(
    r",\s+(?:[\w.'-]+\s+){0,5}(?:said|says|reported|reports|told|added|according)\b[^,]*[.!?]$"
    r"|\b(?:on|last|this|early|late)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.I,
)


# A paragraph joined from wrapped lines stops growing here: each join re-reads the whole
# paragraph (is_boilerplate), quadratic in a long text whose lines never end a sentence.
MAX_JOINED = 10_000


def _unwrap(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines (e-mail and terminal captures wrap at ~72 columns) into paragraphs."""
    out: list[str] = []
    for ln in lines:
        prev = out[-1] if out else ""
        wrapped = (
            MAX_JOINED > len(prev) >= 50 and ln and prev and not prev.endswith((".", "!", "?", ":", '"', "”"))
            and (ln[0].islower() or ln[0] in "(,;" or len(prev) >= 60)
            and date_line(ln) is None and date_line(prev) is None
            and not is_boilerplate(ln) and not is_boilerplate(prev)
        )
        if wrapped:
            out[-1] = prev + " " + ln
        else:
            out.append(ln)
    return out


def _standalone_headline(lines: list[str], i: int) -> bool:
    """Line i is a paragraph of its own, headline-short, with more story after it."""
    if i >= len(lines) - 2 or lines[i + 1].strip() or DATELINE.match(lines[i]):
        return False
    line, words = lines[i].strip(), lines[i].split()
    if line.endswith((":", ",", ";")) or len(line) > 200:
        return False
    # A lead sentence runs long, names its day and its source; a headline with a full stop does not.
    if _LEAD_SIGNS.search(line):
        return False
    limit = 16 if line.endswith((".", "!", "?")) else 25
    return len(words) <= limit and any(_is_prose(ln) for ln in lines[i + 2:])


def _pick_title(candidates: list[str], crumbs: list[str]) -> str | None:
    if not candidates:
        return None
    norms = [_norm(c) for c in candidates]
    # A headline repeated in the header, or echoed by the breadcrumb, is the title.
    for c, n in zip(candidates, norms, strict=True):
        if norms.count(n) > 1 or any(_norm(b) == n for b in crumbs):
            return c
    # Otherwise the longest header line that reads like a headline (not a sentence).
    heads = [c for c in candidates if 3 <= len(c.split()) <= 30]
    return max(heads, key=len) if heads else candidates[-1]


def _dateline_date(m: re.Match, retrieved: date | None) -> date | None:
    month, day = MONTHS[m.group("mon").lower()], int(m.group("day"))
    if m.group("year"):
        year = int(m.group("year"))
    elif retrieved:
        # Wire datelines omit the year: the latest such day on or before capture.
        year = retrieved.year if (month, day) <= (retrieved.month, retrieved.day) else retrieved.year - 1
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None
