"""The publication date of an HTML page: htmldate's, unless the page's own sources agree otherwise.

A page usually says when it was published in several places that disagree in small ways:
the byline stamp near the headline is in the publisher's own time zone, the metadata
(JSON-LD, Open Graph) is often in UTC or carries the last modification, the URL carries the
publisher's day. htmldate (original date, extensive search, with the URL) is the base; the
page's sources (``gather``) are kept apart and override it only with corroboration
(``decide``): two independent sources agreeing on another day, the metadata moment put in the
zone the page prints, the modification day taken for the publication day, or htmldate's day
stated nowhere on the page against a stamp in a date or byline element near the headline.
A single visible stamp never overrides htmldate on its own word (benchmarks/dates_approaches.md).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cache

from .tables import load_table

_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head", "select", "option", "button"})
_CLASSED = re.compile(r"date|time|byline|publish|posted|meta|stamp|dateline|author|info|entry-header", re.I)
_COMMENT = re.compile(r"comment|respond|reply|disqus|related|recirc|sidebar|footer|most-?popular|trending", re.I)
_STICKY = re.compile(r"sticky|site-header|masthead|navbar|fixed-header|top-bar|modal|popup", re.I)
_WINDOW_BEFORE = 300  # chars of text before the headline where a stamp may sit
_WINDOW_AFTER = 400  # chars past the body's first words


@dataclass
class Stamp:
    when: date
    pos: int
    label: str | None  # "published", "updated" or None
    byline: bool  # "By <name>" just before it
    classed: bool  # inside an element whose class/id/itemprop names a date or byline
    tz: float | None  # UTC offset printed with it (hours)
    machine: bool = False  # from a datetime attribute rather than the text
    order: str | None = None  # "dmy"/"mdy": one reading of an ambiguous numeric date ("05/10/2018")
    moment: datetime | None = None  # the zoned timestamp behind a machine stamp
    foreign: bool = False  # in comments or a list of other stories: another page's date


@cache
def _tables() -> tuple[dict[str, int], list[str], list[str], list[str], list[str], dict[str, float]]:
    months = {name: int(m) for m, names in load_table("dates_months.json")["months"].items() for name in names}
    page = load_table("dates_page.json")
    return (months, page["published_meta"], page["modified_meta"], page["published_labels"],
            page["updated_labels"], page["timezones"])


@cache
def _patterns() -> dict[str, re.Pattern]:
    months, _pm, _mm, pub, upd, tzs = _tables()
    mon = "(?P<mon>" + "|".join(sorted((re.escape(m) for m in months), key=len, reverse=True)) + r")\.?"
    day = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th|er|º|\.)?"
    year = r"(?P<y>(?:19|20)\d\d)"
    tzalt = "|".join(sorted((re.escape(t) for t in tzs if len(t) > 1), key=len, reverse=True))
    return {
        # "Nov. 18, 2019", "November 18th 2019", "Nov 20 2019", "Nov.November 18, 2019"
        "mdy": re.compile(r"(?<![^\W\d_])" + mon + r"\s*" + day + r",?\s+(?:de\s+)?" + year + r"(?!\d)", re.I),
        # "18 Nov 2019", "18 November, 2019", "25. September 2018", "22 de outubro de 2010", "24 сентября 2018"
        "dmy": re.compile(r"(?<!\d)" + day + r"\s*(?:de\s+|of\s+)?" + mon + r",?\s*(?:de\s+)?" + year + r"(?!\d)",
                          re.I),
        # "Nov 20 15:23 2019" (time between day and year)
        "mdty": re.compile(r"(?<![^\W\d_])" + mon + r"\s+" + day + r"\s+\d{1,2}:\d\d\s+" + year + r"(?!\d)", re.I),
        # "Nov 18, 8:19 PM" (no year: dated with the other evidence)
        "md": re.compile(r"(?<![^\W\d_])" + mon + r"\s*" + day
                         + r",?\s+(?:at\s+)?\d{1,2}:\d\d(?!\d|,?\s*(?:19|20)\d\d)", re.I),
        # "2019-11-19", "2016.12.01", "2018/10/12", "2018년 8월 25일", "2018年8月16日"
        "ymd": re.compile(r"(?<![\d.])" + year + r"\s*(?:[-./]|년|年)\s*(?P<m>[01]?\d)\s*(?:[-./]|월|月)\s*"
                          r"(?P<d>[0-3]?\d)(?:일|日)?(?![\d])"),
        # "19.11.2019", "27/09/2018", "11/19/19", "11.14.2019" (order decided later)
        "num": re.compile(r"(?<![\d./-])(?P<a>[0-3]?\d)(?P<sep>[./-])(?P<b>[0-3]?\d)(?P=sep)"
                          r"(?P<y>(?:19|20)?\d\d)(?![\d/]|\.\d)"),
        "pub": re.compile(r"(?:^|[^\w])(?:" + "|".join(sorted((re.escape(w) for w in pub), key=len, reverse=True))
                          + r")\s*(?:on|at|am|em|el|il|le|:|-)?\s*[:\-]?\s*[\[(]?\s*$", re.I),
        "upd": re.compile(r"(?:" + "|".join(sorted((re.escape(w) for w in upd), key=len, reverse=True))
                          + r")\s*(?:on|at|am|em|el|il|le)?\s*[:\-]?\s*[^|•/]{0,40}$", re.I),
        "by": re.compile(r"(?:^|\s)(?:by|von|par|por|di|door|oleh|автор|текст)\s*:?\s+[^\d]{2,60}$", re.I),
        "tz": re.compile(r"^\W{0,6}(?:(?:at|à|às|um|alle|a las|@)\s*)?\W{0,4}(?:\d{1,2}[:.]\d\d\s*(?:[ap]\.?m\.?)?"
                         r"\s*)?\(?(?P<tz>" + tzalt + r")\b", re.I),
        "tzbefore": re.compile(r"\d{1,2}[:.]\d\d\s*(?:[ap]\.?m\.?)?\s*(?P<tz>" + tzalt + r")\b[^\d]{0,15}$", re.I),
    }


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _date_of(m: re.Match, kind: str) -> date | None | tuple[date | None, date | None]:
    g = m.groupdict()
    # Case folding can match a name the table spells otherwise (Turkish dotless i): not a date then.
    month = _tables()[0].get(g["mon"].lower(), 0) if g.get("mon") else 0
    if kind == "md":
        return _mk(2000, month, int(g["d"]))  # a leap year; the year is set from the evidence
    y = int(g["y"])
    if kind in ("mdy", "dmy", "mdty"):
        return _mk(y, month, int(g["d"]))
    if kind == "ymd":
        return _mk(y, int(g["m"]), int(g["d"]))
    if len(g["y"]) == 2:
        y += 2000
    a, b = int(g["a"]), int(g["b"])
    return _mk(y, b, a), _mk(y, a, b)  # (day-first, month-first): decided with the other evidence


# --- the text of the page, with where each piece came from -------------------------------------

def _walk(root) -> tuple[str, list[int], list, dict]:
    """Visible text (one space between pieces), start offsets of the pieces, their elements,
    and where each element's text begins (keyed by the element: lxml keeps one proxy per node
    while it is referenced, so the keys stay valid).

    Strips scripts, styles and the like from ``root``: read the metadata first."""
    from lxml import etree

    etree.strip_elements(root, *_SKIP, with_tail=False)
    parts: list[str] = []
    starts: list[int] = []
    owners: list = []
    entry: dict = {}
    pos = 0

    def add(text: str | None, el) -> None:
        nonlocal pos
        if text and not text.isspace():
            t = " ".join(text.split())
            starts.append(pos)
            owners.append(el)
            parts.append(t)
            pos += len(t) + 1

    body = root.find(".//body")
    top = body if body is not None else root
    for event, el in etree.iterwalk(top, events=("start", "end")):
        if event == "start":
            entry[el] = pos
            if isinstance(el.tag, str):
                add(el.text, el)
        elif el is not top:
            add(el.tail, el.getparent())
    return " ".join(parts), starts, owners, entry


def _ancestry(el, depth: int = 6) -> str:
    """class/id/itemprop of an element and a few ancestors."""
    out = []
    while el is not None and depth:
        for attr in ("class", "id", "itemprop"):
            v = el.get(attr)
            if v:
                out.append(v)
        el, depth = el.getparent(), depth - 1
    return " ".join(out)


# --- metadata --------------------------------------------------------------------------------

_ISO = re.compile(r"(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?:[T ](?P<H>[0-2]\d):(?P<M>[0-5]\d)"
                  r"(?::\d\d(?:\.\d+)?)?\s*(?P<z>Z|UTC|GMT|[+-]\d\d:?\d\d)?)?")


def parse_stamp(value: str) -> tuple[date, datetime | None] | None:
    """A metadata timestamp -> (its own calendar date, aware datetime when it has a zone)."""
    value = value.strip()
    m = _ISO.search(value)
    if m and m.start() < 4:
        d = _mk(int(m["y"]), int(m["m"]), int(m["d"]))
        if d is None:
            return None
        if m["H"] is not None and m["z"] and int(m["H"]) < 24:
            z = m["z"]
            off = 0 if z in ("Z", "UTC", "GMT") else (1 if z[0] == "+" else -1) * (int(z[1:3]) * 60 + int(z[-2:]))
            try:
                zone = timezone(timedelta(minutes=off))
            except ValueError:  # an offset of a day or more is not a time zone
                return d, None
            return d, datetime(d.year, d.month, d.day, int(m["H"]), int(m["M"]), tzinfo=zone)
        return d, None
    # Textual stamps: "Tue Nov 19 2019 03:05:46 GMT+0000", "Mon, 18 Nov 2019 16:07:38 -0600", "19 Nov 2019 07:09 GMT"
    for kind in ("mdy", "dmy"):
        mm = _patterns()[kind].search(value)
        if mm:
            d = _date_of(mm, kind)
            if isinstance(d, date):
                return d, None
    return None


def _jsonld_dates(root) -> tuple[list[str], list[str]]:
    pub: list[str] = []
    mod: list[str] = []

    def visit(node) -> None:
        if isinstance(node, dict):
            for key, val in node.items():
                if key == "datePublished" and isinstance(val, str):
                    pub.append(val)
                elif key == "dateModified" and isinstance(val, str):
                    mod.append(val)
                elif isinstance(val, (dict, list)):
                    visit(val)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            visit(json.loads(script.text))
        except ValueError:
            # Broken JSON is common: take the fields by pattern.
            pub += re.findall(r'"datePublished"\s*:\s*"([^"]+)"', script.text)
            mod += re.findall(r'"dateModified"\s*:\s*"([^"]+)"', script.text)
    return pub, mod


def meta_stamps(root, every: set[date] | None = None
                ) -> tuple[list[tuple[date, datetime | None]], list[tuple[date, datetime | None]]]:
    """Every (published, modified) stamp of the JSON-LD and <meta> fields, best source first;
    ``every`` collects the day of any <meta> or JSON-LD date field."""
    _months, pub_keys, mod_keys, *_ = _tables()
    metas: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        val = el.get("content")
        if key and val and key not in metas:
            metas[key] = val
    for el in root.xpath("//*[@itemprop='datePublished' or @itemprop='dateModified'][@datetime or @content]"):
        key = el.get("itemprop").lower()
        metas.setdefault(key, el.get("datetime") or el.get("content"))
    ld_pub, ld_mod = _jsonld_dates(root)
    if every is not None:  # any date a meta field or the JSON-LD states, whatever its name
        for value in [*metas.values(), *ld_pub, *ld_mod]:
            got = parse_stamp(value)
            if got:
                every.add(got[0])

    def parsed(values: list[str]) -> list[tuple[date, datetime | None]]:
        return [got for got in map(parse_stamp, values) if got and got[0].year > 1990]

    return (parsed(ld_pub + [metas[k] for k in pub_keys if k in metas]),
            parsed(ld_mod + [metas[k] for k in mod_keys if k in metas]))


def meta_dates(root) -> tuple[tuple[date, datetime | None] | None, tuple[date, datetime | None] | None]:
    """(published, modified) stamps from JSON-LD and <meta>, best source first."""
    pubs, mods = meta_stamps(root)
    return (pubs[0] if pubs else None), (mods[0] if mods else None)


# --- URL -------------------------------------------------------------------------------------

def url_date(url: str | None) -> date | None:
    """A full date in the URL's path: /2019/11/18/, /2019/nov/18/, /2019-11-18/."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url.lower())
    m = re.search(r"/((?:19|20)\d\d)/([01]?\d|[a-z]{3,9})/([0-3]?\d)(?:/|$)", path)
    if m:
        months = _tables()[0]
        mon = int(m[2]) if m[2].isdigit() else months.get(m[2])
        return _mk(int(m[1]), mon, int(m[3])) if mon else None
    m = re.search(r"/((?:19|20)\d\d)-([01]\d)-([0-3]\d)(?:/|$)", path)
    return _mk(int(m[1]), int(m[2]), int(m[3])) if m else None


# --- visible stamps ----------------------------------------------------------------------------

_HOOK = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|\d:\d\d")


def _spans(text: str) -> list[tuple[int, int]]:
    """Stretches of text around a year or a clock time: the only places a stamp can be
    (scanning the whole page with the month patterns would be several times slower)."""
    spans: list[tuple[int, int]] = []
    for m in _HOOK.finditer(text):
        lo, hi = max(0, m.start() - 45), m.end() + 12
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return spans


def _stamps(text: str, starts: list[int], owners: list) -> list[Stamp]:
    pats = _patterns()
    tzs = _tables()[5]
    out: list[Stamp] = []
    taken: list[tuple[int, int]] = []
    spans = _spans(text)
    for kind in ("mdty", "mdy", "dmy", "ymd", "num", "md"):
        for m in (m for lo, hi in spans for m in pats[kind].finditer(text, lo, hi)):
            # taken is sorted and disjoint, so only the last span starting before m ends can overlap
            # it (testing them all was quadratic in the number of dates on the page).
            k = bisect_left(taken, (m.end(),))
            if k and taken[k - 1][1] > m.start():
                continue
            got = _date_of(m, kind)
            insort(taken, (m.start(), m.end()))
            el = owners[max(0, bisect_right(starts, m.start()) - 1)] if owners else None
            anc = _ancestry(el) if el is not None else ""
            if _COMMENT.search(anc):
                if isinstance(got, date):
                    out.append(Stamp(got, m.start(), None, False, False, None, foreign=True))
                continue
            own = _ancestry(el, 2) if el is not None else ""
            before = text[max(0, m.start() - 70):m.start()]
            after = text[m.end():m.end() + 40]
            label = None
            if pats["upd"].search(before[-45:]) and not pats["pub"].search(before[-25:]):
                label = "updated"
            elif pats["pub"].search(before[-30:]):
                label = "published"
            if re.search(r"updated?|modified", own, re.I) and not re.search(r"publish", own, re.I):
                label = label or "updated"
            if kind == "md" and label is None and not _CLASSED.search(anc):
                continue  # a bare "Nov 18, 8:19" is too weak without a label or a date element
            tz = None
            tm = pats["tz"].search(after) or pats["tzbefore"].search(before)
            if tm:
                tz = tzs.get(tm["tz"].lower())
            if isinstance(got, tuple):
                dmy, mdy = got
                if dmy is None and mdy is None:
                    continue
                # Ambiguous numeric dates are kept as both readings; the evidence decides.
                both = dmy is not None and mdy is not None and dmy != mdy
                for cand, order in ((dmy, "dmy"), (mdy, "mdy")):
                    if cand is not None and (both or order == "dmy" or dmy is None):
                        out.append(Stamp(cand, m.start(), label, bool(pats["by"].search(before)),
                                         bool(_CLASSED.search(anc)), tz, order=order if both else None))
                continue
            if got is None:
                continue
            out.append(Stamp(got, m.start(), label, bool(pats["by"].search(before)), bool(_CLASSED.search(anc)), tz,
                             order="md" if kind == "md" else None))
    return out


def _time_elements(root, index: dict, text_stamps: list[Stamp]) -> list[Stamp]:
    """<time datetime> elements whose own text is not a full date ("1 day ago", "Monday 5:30PM")."""
    out = []
    seen = {s.pos for s in text_stamps}
    for el in root.iter("time"):
        value = el.get("datetime")
        if not value:
            continue
        got = parse_stamp(value)
        if not got or _COMMENT.search(_ancestry(el)):
            continue
        pos = index.get(el)
        size = len(" ".join(el.text_content().split()))
        # The element's own text already gave a stamp (or sits next to one): that one is the page's.
        if pos is None or any(pos - 40 <= p <= pos + size for p in seen):
            continue
        anc = _ancestry(el, 2)
        label = None
        if re.search(r"publish", anc, re.I):
            label = "published"
        elif re.search(r"updated?|modified", anc, re.I):
            label = "updated"
        out.append(Stamp(got[0], pos, label, False, True, None, machine=True, moment=got[1]))
    return out


def _headline_pos(root, text: str, entry: dict, title: str | None) -> int | None:
    """Where the headline starts in the text: the <h1> sharing most words with the title."""
    want = set(re.findall(r"\w+", (title or "").lower()))
    best, best_overlap = None, 0
    for h in root.iter("h1"):
        t = " ".join(h.text_content().split())
        if not t:
            continue
        words = set(re.findall(r"\w+", t.lower()))
        overlap = len(words & want) if want else len(words)
        if overlap < min(3, len(words)) or overlap <= best_overlap or h not in entry:
            continue
        if _STICKY.search(_ancestry(h, 4)):
            continue  # a sticky site header repeating the headline above the article
        best, best_overlap = entry[h], overlap
    if best is None and title:
        i = text.find(" ".join(title.split())[:40])
        if i >= 0:
            return i
    return best


def _agrees(d: date, evidence: set[date]) -> bool:
    return any(abs((d - e).days) <= 1 for e in evidence)


@dataclass
class Evidence:
    """What an HTML page states about its own date, each source kept apart."""

    stamps: list[Stamp]  # visible and <time> stamps near the headline
    anchor: int  # where the headline starts in the page text
    url: date | None
    meta_pub: date | None  # metadata publication day, in the page's time zone when known
    meta_moment: datetime | None  # the zoned timestamp behind it
    meta_day: date | None  # the metadata publication day as written (its own offset)
    meta_mod: date | None
    meta_moments: list[datetime]  # every zoned publication timestamp of the metadata
    page_tz: float | None  # UTC offset the page prints next to its stamps
    month_first: bool  # the page's language reads "05/10/2018" as May 10
    printed: set[date]  # every date the page's text and <time> elements state, anywhere
    foreign: set[date]  # dates of comments and lists of other stories
    in_meta: set[date]  # the day of every <meta> and JSON-LD date field, whatever its name


def gather(root, url: str | None = None, title: str | None = None, body_start: str | None = None,
           language: str | None = None) -> Evidence:
    """The page's own date evidence: stamps near the headline, URL, metadata.

    ``title`` and ``body_start`` (the extracted headline and first words of the body) anchor
    where the byline stamp should be; ``language`` (ISO 639-1 of the body) orders "05/10/2018".
    Strips scripts and the like from ``root``."""
    in_meta: set[date] = set()
    pubs, mods = meta_stamps(root, in_meta)  # before the walk strips <head> and <script>
    pub, mod = (pubs[0] if pubs else None), (mods[0] if mods else None)
    text, starts, owners, entry = _walk(root)
    from_url = url_date(url)
    head = _headline_pos(root, text, entry, title)
    first = text.find(" ".join(body_start.split())[:40], head or 0) if body_start else -1
    lo = (head if head is not None else 0) - _WINDOW_BEFORE
    hi = (first if first >= 0 else (head or 0) + 1500) + _WINDOW_AFTER
    if head is None and first < 0:
        lo, hi = -1, 2500  # no anchors: only the top of the page

    stamps = _stamps(text, starts, owners)
    foreign = {s.when for s in stamps if s.foreign}
    stamps = [s for s in stamps if not s.foreign]
    stamps += _time_elements(root, entry, stamps)
    lang = (root.get("lang") or root.get("xml:lang") or language or "").lower()
    month_first = lang in ("en", "en-us") or (lang == "" and language in (None, "en"))
    near = [s for s in stamps if lo <= s.pos <= hi]
    anchor = head if head is not None else 0
    page_tz = next((s.tz for s in sorted(near, key=lambda s: abs(s.pos - anchor)) if s.tz is not None), None)

    def local(stamp: tuple[date, datetime | None] | None) -> date | None:
        if stamp is None:
            return None
        d, dt = stamp
        if dt is not None and page_tz is not None:
            return (dt.astimezone(timezone(timedelta(hours=page_tz)))).date()
        return d

    meta_pub = local(pub)
    evidence = {x for x in (meta_pub, from_url) if x}
    for s in stamps:
        if s.moment is not None:
            s.when = local((s.when, s.moment)) or s.when
        elif s.order == "md":  # "Nov 18, 8:19 PM": the year of the nearest evidence
            years = [s.when.replace(year=e.year + k) for e in evidence for k in (-1, 0, 1)
                     if _mk(e.year + k, s.when.month, s.when.day)]
            s.when = min(years, key=lambda d: min(abs((d - e).days) for e in evidence)) if years else s.when
    printed = {s.when for s in stamps}
    return Evidence(near, anchor, from_url, meta_pub, pub[1] if pub else None,
                    pub[0] if pub else None, mod[0] if mod else None,
                    [dt for _d, dt in pubs if dt is not None],
                    page_tz, month_first, printed, foreign, in_meta)


_ZONES = (-12, 14)  # the UTC offsets in use (hours): the days one moment can fall on


def _days_of(moment: datetime, tz: float | None) -> set[date]:
    """The day a zoned moment falls on in the page's zone, or in any zone when that is unknown."""
    if tz is not None:
        return {moment.astimezone(timezone(timedelta(hours=tz))).date()}
    return {moment.astimezone(timezone(timedelta(hours=h))).date() for h in range(_ZONES[0], _ZONES[1] + 1)}


def _usable(s: Stamp, ev: Evidence) -> bool:
    """A stamp that may state the publication day: not an update, not an unresolved reading."""
    if s.label == "updated":
        return False
    evidence = {x for x in (ev.meta_pub, ev.url) if x}
    if s.order == "md":
        return bool(evidence) and _agrees(s.when, evidence)
    if s.order and evidence:
        return _agrees(s.when, evidence)
    if s.order:  # no other evidence: the page's language decides the order
        return (s.order == "mdy") == ev.month_first
    # A byline that shows the page's modification day, not its publication day.
    if ev.meta_day and ev.meta_mod and ev.meta_mod != ev.meta_day and s.when == ev.meta_mod \
            and s.label != "published":
        return False
    return True


def _strong(s: Stamp) -> bool:
    """Labelled "Published", after "By <name>", or in a date/byline element."""
    return s.label == "published" or s.byline or s.classed


def support(ev: Evidence) -> dict[date, set[str]]:
    """Day -> the independent sources stating it: a visible stamp near the headline, a <time>
    element there, the URL, the metadata (in the page's zone; a stamp the metadata moment can
    fall on in some zone when the page prints none)."""
    out: dict[date, set[str]] = {}
    stamps = [s for s in ev.stamps if _usable(s, ev) and _strong(s)]
    for s in stamps:
        out.setdefault(s.when, set()).add("time" if s.machine else "visible")
    if ev.url:
        out.setdefault(ev.url, set()).add("url")
    meta_days = {ev.meta_pub} if ev.meta_pub else set()
    for moment in ev.meta_moments:
        days = _days_of(moment, ev.page_tz)
        # An adjacent day only when a visible stamp shows it: the same moment in the page's zone.
        meta_days |= {d for d in days if d == ev.meta_pub or any(s.when == d and not s.machine for s in stamps)}
    for d in meta_days:
        out.setdefault(d, set()).add("meta")
    return out


def decide(ev: Evidence, base: date | None, latest: date | None = None) -> tuple[date | None, str]:
    """The publication date: htmldate's answer (``base``) unless the page's own sources agree on
    another day. ``latest`` (the capture day) bounds it: a page is not published after it was read."""
    sup = support(ev)
    # Nothing is published after it was read (a day's grace: the capture day may be UTC's and
    # the page's day a zone ahead), nor after today.
    bound = latest + timedelta(days=1) if latest else date.today()
    sup = {d: v for d, v in sup.items() if d <= bound}
    if base is not None and base > bound:
        base = None
    stated = base is not None and (base in ev.printed or base in ev.in_meta or base == ev.url)
    if base is not None and not stated and (base in ev.foreign or base.day == 1):
        # htmldate took the date of a comment or of another story in a list, or filled in the
        # first of the month for a year and month ("2019-11") that the page states without a day.
        base = None
    if base is not None:
        mine = len(sup.get(base, ()))
        # htmldate reads "05/10/2018" day first; the page's language (or its evidence) may not.
        readings: dict[int, list[Stamp]] = {}
        for s in ev.stamps:
            if s.order in ("dmy", "mdy"):
                readings.setdefault(s.pos, []).append(s)
        for pair in readings.values():
            if len(pair) == 2 and not mine:
                used = [s for s in pair if _usable(s, ev)]
                if len(used) == 1 and used[0].when != base and base in {s.when for s in pair}:
                    return used[0].when, "reading-order"
        # The capture day (a site clock, "today") is not the publication day the page states.
        if base == latest and not mine and sup:
            return max(sup, key=lambda d: (len(sup[d]), "visible" in sup[d], d)), "not-capture-day"
        # Two independent sources agreeing beat htmldate's day when fewer state that.
        agreed = [d for d, v in sup.items() if len(v) >= 2 and len(v) > mine]
        if agreed:
            return max(agreed, key=lambda d: (len(sup[d]), "visible" in sup[d])), "agreed"
        # htmldate took the modification day: a publication source states an earlier one.
        if ev.meta_mod == base and ev.meta_day and ev.meta_day != base and mine == 0:
            earlier = [d for d in sup if d < base]
            if earlier:
                return max(earlier, key=lambda d: len(sup[d])), "not-modified"
        # htmldate's day is the metadata's as written (often UTC); in the zone the page prints
        # beside its stamps that moment falls on another day, the page's own.
        if base == ev.meta_day and ev.page_tz is not None and ev.meta_pub and ev.meta_pub != base and not mine:
            return ev.meta_pub, "page-zone"
        # htmldate's day stated nowhere in the page's dates (a guess from other text): a stamp
        # in a date or byline element near the headline is the page's own word.
        if base not in ev.printed and not mine and base not in ev.in_meta:
            near = [s for s in ev.stamps if _usable(s, ev) and _strong(s) and s.when in sup]
            if near:
                best = min(near, key=lambda s: (s.label != "published", s.machine, abs(s.pos - ev.anchor)))
                return best.when, "stamp-over-guess"
        return base, "htmldate"
    if sup:
        return max(sup, key=lambda d: (len(sup[d]), "visible" in sup[d], "url" in sup[d])), "own"
    return None, "none"


def page_date(root, url: str | None = None, title: str | None = None, body_start: str | None = None,
              language: str | None = None, base: date | None = None,
              latest: date | None = None) -> tuple[date | None, str]:
    """(publication date, which rule gave it) of a parsed HTML page, ``base`` being htmldate's answer."""
    return decide(gather(root, url, title, body_start, language), base, latest)
