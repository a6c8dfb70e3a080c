"""Time expressions: find TIMEX3-style spans in article text and normalise their values.

Rule-based on purpose: news dates follow a small set of surface patterns, and a regex
recogniser is fast, explainable and needs no training data.  Word tables (months,
weekdays, number words, ...) live in ``data/time_words.json``.

Values follow TimeML/TIMEX3: ``2017-06-12``, ``2017-06``, ``2017``, ``2014-SU``, ``2017-W24``,
``199`` (a decade), ``P3M``, ``PT5H``, ``PXM`` (vague), ``PRESENT_REF`` ...  Relative expressions
("Monday", "in February", "last year") are resolved against ``anchor`` (publication date):
past unless the tense of the governing verb says future; plans, schedules, deadlines and
modals other than "will" ("planned a rally on Saturday", "would travel Thursday") take the
nearer occurrence either side.  Anaphoric times ("later that year", "the next morning") and
bare clock times count from the last date mentioned before them (the story's reference
time), else from the anchor.  Without an anchor relative expressions are dropped, since
they would have no value.  Extents follow TimeML: "about [five hours]", "[Monday]'s",
"the [past 20 years]".
"""

from __future__ import annotations

import calendar
import json
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .models import Time
from .nlp import text_of

_W: dict[str, Any] = json.loads((Path(__file__).parent / "data" / "time_words.json").read_text("utf-8"))

MONTHS: dict[str, int] = {**_W["months"], **_W["month_abbreviations"]}
FULL_MONTHS: dict[str, int] = _W["months"]
WEEKDAYS: dict[str, int] = _W["weekdays"]
WEEKDAYS_ALL: dict[str, int] = {**_W["weekdays"], **_W["weekday_abbreviations"]}
SEASONS: dict[str, str] = _W["seasons"]
PARTS_OF_DAY: dict[str, str] = _W["parts_of_day"]
NUMBER_WORDS: dict[str, int] = _W["number_words"]
ORDINALS: dict[str, int] = _W["ordinals"]
UNITS: dict[str, list] = _W["units"]
UNIT_PLURALS: dict[str, str] = _W["unit_plurals"]
VAGUE = {v.lower() for v in _W["vague_quantities"]}
HOLIDAYS: dict[str, str] = _W["holidays"]
_SET = {k: set(v) for k, v in _W.items() if isinstance(v, list) and k != "season_months"}
_SEASON_OF_MONTH = {m: s for s, ms in _W["season_months"].items() for m in ms}


def _alt(words: Any) -> str:
    """Regex alternation, longest first so that "a few" beats "a"; spaces match any whitespace."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_MON_FULL = _alt(FULL_MONTHS)
# Abbreviations must end on a word boundary ("Jan" is not the start of "Janet").
_MON_ANY = rf"(?:{_MON_FULL}|(?:{_alt(_W['month_abbreviations'])})\b\.?)"
_WD = _alt(WEEKDAYS)
_WD_ANY = rf"(?:{_WD}|(?:{_alt(_W['weekday_abbreviations'])})\b\.?)"
_ONES = "one|two|three|four|five|six|seven|eight|nine"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_NUM = rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?|(?:{_TENS})[\s-](?:{_ONES})|{_alt(NUMBER_WORDS)})"
_QTY = rf"(?:{_NUM}|{_alt(VAGUE)})"
_HALF = r"(?:\s+and\s+a\s+half|\s+1/2|\s*½)"
_UNIT_SING = _alt(UNITS)
_UNIT = rf"(?:{_alt(UNIT_PLURALS)}|{_UNIT_SING})"
_UNIT_PL = _alt(UNIT_PLURALS)
_QUAL = _alt(_W["qualifiers"])
_MODS = _alt(_W["period_modifiers"])
_POD = _alt(PARTS_OF_DAY)
_SEASON = _alt(SEASONS)
_TZ = r"(?:[ECMP][SD]T|GMT|UTC|BST|CES?T|local\s+time|\(\d{3,4}\s+GMT\))"
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b"
_WDP = rf"(?:(?P<wd>{_WD_ANY}),?\s+(?:the\s+)?)?"
_I = re.IGNORECASE

RE_ISO = re.compile(r"\b(?P<y>(?:19|20)\d\d)([-/])(?P<m>[01]\d)\2(?P<d>[0-3]\d)\b(?!\d)")
RE_NUMERIC = re.compile(
    r"(?<![\d/.-])(?P<a>\d{1,2})(?P<s>[/.-])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})\b(?![/.-]\d)"
)
RE_MDY = re.compile(rf"\b{_WDP}(?P<mon>{_MON_ANY})\s*{_DAY}(?!\s*(?::\d|%))(?:,?\s+(?P<y>\d{{4}})\b)?", _I)
RE_DMY = re.compile(
    rf"\b{_WDP}(?:the\s+)?{_DAY}\s+(?:of\s+)?(?P<mon>{_MON_ANY})(?:,?\s+(?P<y>\d{{4}})\b)?", _I
)
RE_MY = re.compile(rf"\b(?:(?P<mod>{_MODS})[\s-]+)?(?P<mon>{_MON_ANY}),?\s+(?:of\s+)?(?P<y>\d{{4}})\b", _I)
RE_MONTH = re.compile(
    rf"\b(?:(?P<mod>{_MODS})[\s-]+)?(?:(?P<rel>last|next|this|past|coming)\s+)?(?P<mon>{_MON_FULL})\b(?:'s)?"
    rf"(?:,?\s+(?P<yrel>this|last|next)\s+year\b)?",
    _I,
)
RE_YEAR = re.compile(
    rf"\b(?:(?P<mod>{_MODS})[\s-]+)?(?<![$£€#\d.,])\b(?P<y>\d{{4}})\b(?!'?s\b|%|,\d|\.\d)", _I
)
RE_DECADE = re.compile(
    rf"\b(?:(?P<mod>early|mid|late)[\s-]+)?(?:(?P<y>1\d\d0|20\d0)'?s|'(?P<yy>\d0)s|(?P<w>{_alt(_W['decade_words'])}))\b",
    _I,
)
RE_CENTURY = re.compile(
    rf"\b(?:(?P<mod>early|mid|late)[\s-]+)?(?P<o>\d{{1,2}}(?:st|nd|rd|th)|{_alt(ORDINALS)})[\s-]+century\b",
    _I,
)
RE_SEASON = re.compile(
    rf"\b(?:(?P<rel>last|next|this|past|coming|previous|the)\s+)?(?:(?P<mod>early|mid|late)[\s-]+)?"
    rf"(?P<s>{_SEASON})\b(?:\s+(?:of\s+)?(?P<y>\d{{4}})\b)?",
    _I,
)
RE_REL_UNIT = re.compile(
    rf"\b(?:(?P<mod>{_MODS})[\s-]+)?(?:(?P<the>the)\s+)?(?P<rel>last|next|this|past|coming|previous|following|current)"
    rf"\s+(?P<unit>week|month|year|weekend|decade|century|quarter)\b(?:'s)?|\b(?P<wkd>the\s+weekend)\b",
    _I,
)
RE_NEIGHBOUR = re.compile(
    rf"\b(?P<w>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday|today|tomorrow|tonight|"
    rf"last\s+night|this\s+(?:{_POD}))\b(?:'s)?(?:\s+(?P<pod>{_POD}))?",
    _I,
)
RE_WEEKDAY = re.compile(
    rf"\b(?:(?P<rel>last|next|this|coming|past|early|late)\s+)?(?P<wd>{_WD})\b(?:'s)?(?:\s+(?P<pod>{_POD}))?",
    _I,
)
RE_AGO = re.compile(
    rf"\b(?:(?P<q>{_QUAL})\s+)?(?:(?P<n>{_QTY}){_HALF}?\s+)?(?P<unit>{_UNIT})\s+(?P<dir>ago|from\s+now|hence)\b",
    _I,
)
RE_DURATION = re.compile(
    rf"\b(?:(?P<pre>(?:the\s+)?(?:past|last|next|first|coming|previous|following|final|remaining|initial)|another)"
    rf"\s+)?(?:(?P<q>{_QUAL})\s+)?(?P<n>{_QTY})(?P<half>{_HALF})?(?:\s+|-)"
    rf"(?:(?:more|additional|full|straight|consecutive|long)\s+)?(?P<unit>{_UNIT})(?P<half2>\s+and\s+a\s+half)?"
    rf"(?:-long\b)?\b",
    _I,
)
RE_VAGUE_PLURAL = re.compile(
    rf"\b(?:(?P<pre>recent|(?:the\s+)?(?:past|last|next|coming|previous|following))\s+(?P<unit>{_UNIT_PL})\b"
    rf"|(?P<unit2>{_UNIT_PL})-long\b|(?P<unit1>{_UNIT_SING})-long\b)",
    _I,
)
RE_BARE_PLURAL = re.compile(
    rf"\b(?:for|over|within|take|takes|took|taking|taken|lasted|lasting|spent|spend|after|in|even|or)\s+"
    rf"(?P<unit>{_UNIT_PL})\b(?!\s+(?:of|and|to)\s)",
    _I,
)
RE_SET = re.compile(
    rf"\b(?:(?P<freq>{_alt(_W['frequency_words'])})|(?:every|each)\s+(?:other\s+)?(?:(?P<n>{_NUM})\s+)?"
    rf"(?P<unit>{_UNIT}|{_WD}|{_POD})|(?P<times>once|twice|{_NUM}\s+times)\s+(?:a|an|per|each|every)\s+"
    rf"(?P<unit2>{_UNIT_SING})|per\s+(?P<unit3>{_UNIT_SING}))\b",
    _I,
)
RE_CLOCK = re.compile(
    rf"\b(?:(?P<h>\d{{1,2}})(?:[:.](?P<m>\d{{2}}))?\s*(?P<ap>[ap]\.?\s?m\b\.?)"
    rf"|(?P<h2>\d{{1,2}}):(?P<m2>\d{{2}})(?=\s*(?:{_TZ}|h(?:ours|rs)?\b))"
    rf"|(?<=\bat\s)(?P<h3>[0-2]?\d):(?P<m3>[0-5]\d)\b"
    rf"|(?P<h4>\d{{1,2}})\s+(?:o'clock\s+)?in\s+the\s+(?P<pod>morning|afternoon|evening)"
    rf"|(?P<h5>\d{{1,2}})\s+o'clock"
    rf"|(?P<word>noon|midday|midnight))(?:\s+{_TZ})?",
    _I,
)
RE_HOLIDAY = re.compile(
    rf"\b(?:(?P<rel>last|next|this)\s+)?(?P<h>{_alt(HOLIDAYS)})\b(?:\s+(?:of\s+)?(?P<y>\d{{4}})\b)?", _I
)
# Anaphoric times: resolved against the last date mentioned before them (the story's reference time).
RE_ANAPHOR = re.compile(
    rf"\b(?:(?P<mod>earlier|later)\s+)?(?:that|the\s+(?P<rel>same|next|following|previous|preceding))\s+"
    rf"(?:same\s+)?(?P<unit>day|week|month|year|{_POD})\b(?!-)",
    _I,
)
RE_REF = re.compile(rf"\b(?P<r>{_alt(_W['reference_words'])})\b", _I)

_FUTURE_TEXT = re.compile(
    r"\b(?:will|'ll|shall|won't|would|must|should|(?:needs?|ha[sv]e?)\s+to|going\s+to|scheduled|slated|"
    r"plans?\s+to|planning\s+to|expected\s+to|due\s+to|"
    r"set\s+to|to\s+be\s+held|upcoming)\b",
    _I,
)
# Cheap trigger words: the heavy patterns only run in small windows around them (speed).
_TRIGGERS: dict[str, tuple[re.Pattern, int, int]] = {
    "month": (
        re.compile(rf"\b(?:{_alt(w.title() for w in MONTHS)}|{_alt(w.upper() for w in FULL_MONTHS)})\b"),
        45,
        25,
    ),
    "year": (re.compile(r"\d{4}"), 25, 5),
    "decade": (re.compile(r"0'?s\b|ties\b", _I), 25, 3),
    "century": (re.compile(r"centur", _I), 40, 10),
    "season": (re.compile(rf"\b(?:{_SEASON})\b", _I), 25, 15),
    "unit": (re.compile(rf"\b(?:{_UNIT}|weekends?)\b", _I), 60, 25),
    "ago": (re.compile(r"\b(?:ago|now|hence)\b", _I), 70, 10),
    "set": (
        re.compile(rf"\b(?:every|each|per|once|twice|times|{_alt(_W['frequency_words'])})\b", _I),
        25,
        40,
    ),
    "weekday": (
        re.compile(rf"\b(?:{_alt(w.title() for w in WEEKDAYS)}|{_alt(w.upper() for w in WEEKDAYS)})\b"),
        12,
        25,
    ),
    "holiday": (
        re.compile(
            r"\b(?:christmas|new|independence|halloween|valentine|veterans|boxing|thanksgiving|"
            r"election|easter|good|memorial|labor)\b",
            _I,
        ),
        10,
        30,
    ),
}
_PAST_TEXT = re.compile(r"\b(?:was|were|had|did|ago|began|took|said|came|went|began|fled|\w{3,}ed)\b", _I)
_FUTURE_CUE = re.compile(
    rf"\b(?:{_alt(_W['future_cues'])})\s+(?:on\s+|the\s+)?(?:\d{{1,2}}(?:[:.]\d\d)?\s*[ap]\.?m\.?\s+(?:{_TZ}\s+)?)?$",
    _I,
)
_PREV_WORD = re.compile(r"([A-Za-z]+)[^A-Za-z\n]{0,3}$")
_NEXT_WORD = re.compile(r"^\W{0,2}([A-Za-z]+)(?:\s+([A-Za-z]+))?")
_DAY_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T(?:MO|AF|EV|NI))?$")

# Direction of a relative expression, from tense and modality.
PAST, UNKNOWN, FUTURE = -1, 0, 1
NEAR = 2  # either way is plausible ("planned a rally on Saturday", "would travel Thursday"): the nearer one


@dataclass
class _Cand:
    start: int
    end: int
    value: str | None  # None: a clock time still waiting for a date to attach to
    type: str = "DATE"
    kind: str = ""


@dataclass
class _Ctx:
    text: str
    anchor: date | None
    doc: Any = None
    out: list[_Cand] = field(default_factory=list)
    _day_first: bool | None = None

    def scan(self, rx: re.Pattern, trigger: str) -> Iterator[re.Match]:
        """``rx.finditer`` restricted to merged windows around the trigger's hits."""
        trig, before, after = _TRIGGERS[trigger]
        windows: list[list[int]] = []
        for t in trig.finditer(self.text):
            lo, hi = max(0, t.start() - before), min(len(self.text), t.end() + after)
            if windows and lo <= windows[-1][1]:
                windows[-1][1] = hi
            else:
                windows.append([lo, hi])
        for lo, hi in windows:
            yield from rx.finditer(self.text, lo, hi)

    def add(self, start: int, end: int, value: str | None, type_: str = "DATE", kind: str = "") -> None:
        if value is not None or kind == "clock":
            self.out.append(_Cand(start, end, value, type_, kind))

    def prev_word(self, pos: int) -> str:
        m = _PREV_WORD.search(self.text, max(0, pos - 40), pos)
        return m.group(1).lower() if m else ""

    def next_words(self, pos: int) -> tuple[str, str]:
        m = _NEXT_WORD.match(self.text[pos : pos + 40])
        return ((m.group(1) or "").lower(), (m.group(2) or "").lower()) if m else ("", "")

    def token(self, start: int):
        if self.doc is None:
            return None
        span = self.doc.char_span(start, start + 1, alignment_mode="expand")
        return span[0] if span is not None and len(span) else None

    def direction(self, start: int, end: int) -> int:
        """FUTURE when the clause is about the future, PAST, NEAR (either way: take the nearer
        occurrence) or UNKNOWN (callers pick a default)."""
        d = self._tense(start, end)
        if _FUTURE_CUE.search(self.text, max(0, start - 40), start):
            # "until 9 a.m. Tuesday", "by Jan. 14": a deadline or limit, often ahead: the nearer occurrence
            return d if d == FUTURE else NEAR
        return d

    def _tense(self, start: int, end: int) -> int:
        if self.doc is not None:
            return _doc_direction(self.doc, start, end)
        # Text fallback: tense markers in the same sentence, before or shortly after the span.
        left = self.text[max(0, start - 150) : start]
        cut = max(left.rfind(". "), left.rfind("\n"), left.rfind("? "), left.rfind("! "))
        left = left[cut + 1 :] if cut >= 0 else left
        right = re.split(r"[.!?;\n]", self.text[end : end + 60], maxsplit=1)[0]
        if _FUTURE_TEXT.search(left) or _FUTURE_TEXT.search(right):
            return FUTURE
        if _PAST_TEXT.search(left) or _PAST_TEXT.search(right):
            return PAST
        return UNKNOWN

    @property
    def day_first(self) -> bool:
        """Document convention for ambiguous numeric dates: unambiguous numerics, then "18 June" style."""
        if self._day_first is None:
            votes = 0
            for m in RE_NUMERIC.finditer(self.text):
                a, b = int(m["a"]), int(m["b"])
                votes += (a > 12 >= b) - (b > 12 >= a)
            if votes == 0:
                votes = len(RE_DMY.findall(self.text)) - len(RE_MDY.findall(self.text))
            self._day_first = votes > 0
        return self._day_first


_FUTURE_AUX = set(_W["future_modals"])
_APPROX = set(_W["approximators"])
_THE = re.compile(r"the\s", _I)
_UNCERTAIN_AUX = set(_W["uncertain_modals"])


def _is_past(v: Any) -> bool:
    auxes = [c for c in v.children if c.dep_ in ("aux", "auxpass")]
    return v.tag_ == "VBD" or any(a.tag_ == "VBD" or a.lemma_ == "have" for a in auxes)


def _doc_direction(doc: Any, start: int, end: int) -> int:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return UNKNOWN
    verb = span.root
    prep = verb.head.lower_ if verb.dep_ == "pobj" else ""
    via_noun = False  # "deplores the massacre on Saturday": the time belongs to the noun
    scheduled = False  # "the Jan. 14 deadline", "the March 12 summit": fixed ahead of time, either side of now
    for _ in range(6):  # climb to the verb that governs the time expression
        if verb.pos_ in ("VERB", "AUX") or verb.head is verb:
            break
        verb = verb.head
        via_noun = via_noun or verb.pos_ in ("NOUN", "PROPN")
        scheduled = scheduled or (verb.pos_ == "NOUN" and verb.lemma_.lower() in _SET["scheduled_nouns"])
    if verb.pos_ not in ("VERB", "AUX"):
        return NEAR if scheduled else UNKNOWN
    chain = [verb]
    while (
        chain[-1].dep_ in ("xcomp", "ccomp", "advcl", "conj")
        and len(chain) < 4
        and chain[-1].head is not chain[-1]
    ):
        chain.append(chain[-1].head)
    planner = next((v for v in chain[1:] if v.lemma_ in _SET["future_lemmas"]), None)
    if planner is not None:
        # "plans to leave on Thursday" lies ahead; "planned to leave on Thursday" may be either side now.
        return NEAR if _is_past(planner) else FUTURE
    for v in chain:
        auxes = [c for c in v.children if c.dep_ in ("aux", "auxpass")]
        perfect = any(a.lemma_ == "have" for a in auxes)
        present = v.tag_ in ("VBZ", "VBP") or any(a.tag_ in ("VBZ", "VBP") for a in auxes)
        if v.lemma_ in _SET["future_lemmas"] and present:
            return FUTURE  # "is scheduled for Monday"
        if v is verb and v.lemma_ in _SET["postponing_lemmas"] and prep in _SET["target_prepositions"]:
            return FUTURE  # "postponed until Tuesday": news of a delay points past the report
        if (
            v is verb
            and v.lemma_ in _SET["scheduling_lemmas"]
            and (via_noun or prep in _SET["target_prepositions"] or any(c.dep_ == "dobj" for c in v.children))
        ):
            return NEAR  # "was planned for early March", "planned a rally on Saturday", "postponed until Tuesday"
        if any(a.lower_ in _FUTURE_AUX for a in auxes) and not perfect:
            return FUTURE
        if any(a.lower_ in _UNCERTAIN_AUX for a in auxes):
            return PAST if perfect else NEAR  # "would travel Thursday", "could come as early as Tuesday"
        if v.head.lemma_ == "go" and v.head.tag_ == "VBG" and any(c.lower_ == "to" for c in v.children):
            return FUTURE
        if v.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes) or perfect:
            return NEAR if scheduled else PAST
        if (
            v is verb
            and not via_noun
            and v.tag_ in ("VBZ", "VBP")
            and not auxes
            and v.lemma_ not in _SET["reporting_lemmas"]
            and v.lemma_ not in ("be", "have")
        ):
            return FUTURE  # news present for scheduled events: "the talks resume Monday"
        if v.tag_ == "VB" and any(a.lower_ == "to" for a in auxes):
            continue  # infinitive: the head decides
        if v.tag_ in ("VBZ", "VBP", "VB") or auxes:
            return UNKNOWN
    return UNKNOWN


# ---------------------------------------------------------------- calendar helpers


def _month_num(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _resolve_month(anchor: date, month: int, direction: int, rel: str | None = None) -> int:
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


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _resolve_month_day(
    anchor: date, month: int, day: int, direction: int, weekday: int | None
) -> date | None:
    options = [
        c for c in (_safe_date(y, month, day) for y in (anchor.year - 1, anchor.year, anchor.year + 1)) if c
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


def _resolve_weekday(anchor: date, wd: int, direction: int, rel: str | None) -> date:
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


def _week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _season_of(d: date) -> tuple[int, str]:
    s = _SEASON_OF_MONTH[d.month]
    return (d.year - 1 if d.month <= 2 else d.year), s


def _resolve_season(anchor: date, season: str, rel: str | None, direction: int) -> int:
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


def _holiday(rule: str, y: int) -> date:
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


def _number(s: str) -> int | None:
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


def _unit(word: str) -> str:
    w = word.lower()
    return UNIT_PLURALS.get(w, w)


def _duration(n: int | None, unit: str, half: bool = False) -> str:
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


def _shift_months(d: date, months: int) -> tuple[int, int]:
    total = d.year * 12 + d.month - 1 + months
    return total // 12, total % 12 + 1


# ---------------------------------------------------------------- rules


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _r_iso(c: _Ctx) -> None:
    for m in RE_ISO.finditer(c.text):
        d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
        if d:
            c.add(m.start(), m.end(), d.isoformat(), kind="day")


def _r_numeric(c: _Ctx) -> None:
    for m in RE_NUMERIC.finditer(c.text):
        a, b, ys = int(m["a"]), int(m["b"]), m["y"]
        if len(ys) == 2 and m["s"] != "/":
            continue  # "1.2.34" or "3-1-09" are more often versions and scores than dates
        y = int(ys) if len(ys) == 4 else 2000 + int(ys) if int(ys) < 50 else 1900 + int(ys)
        dm, md = _safe_date(y, b, a), _safe_date(y, a, b)
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


def _month_day(c: _Ctx, m: re.Match) -> None:
    mon = m["mon"]
    if not _is_cap(mon):
        return
    day = int(m["d"])
    month = _month_num(mon)
    wd = WEEKDAYS_ALL.get(m["wd"].lower().rstrip(".")) if m["wd"] and _is_cap(m["wd"]) else None
    # A lowercase "sun," before the date is not a weekday: start the span after it.
    start = m.start() if wd or not m["wd"] else min(m.start("mon"), m.start("d"))
    if not 1 <= day <= 31:
        return
    if m["y"]:
        d = _safe_date(int(m["y"]), month, day)
        if d:
            c.add(start, m.end(), d.isoformat(), kind="day")
        return
    if c.anchor is None:
        return
    d = _resolve_month_day(c.anchor, month, day, c.direction(start, m.end()), wd)
    if d:
        c.add(start, m.end(), d.isoformat(), kind="day")


def _r_mdy(c: _Ctx) -> None:
    for m in c.scan(RE_MDY, "month"):
        _month_day(c, m)


def _r_dmy(c: _Ctx) -> None:
    for m in c.scan(RE_DMY, "month"):
        _month_day(c, m)


def _r_month_year(c: _Ctx) -> None:
    for m in c.scan(RE_MY, "month"):
        if _is_cap(m["mon"]):
            c.add(m.start(), m.end(), f"{m['y']}-{_month_num(m['mon']):02d}")


def _r_month(c: _Ctx) -> None:
    if c.anchor is None:
        return
    for m in c.scan(RE_MONTH, "month"):
        mon = m["mon"]
        if not _is_cap(mon):
            continue
        if not m["mod"] and not m["rel"] and mon.lower() in _SET["ambiguous_months"]:
            # "May"/"March"/"June": only in date context, never as a verb or a name.
            if c.prev_word(m.start()) not in _SET["month_context_before"]:
                continue
            tok = c.token(m.start("mon"))
            if tok is not None and (tok.tag_ == "MD" or tok.pos_ == "VERB"):
                continue
        rel = m["rel"].lower() if m["rel"] else None
        month = _month_num(mon)
        if m["yrel"]:  # "in April next year"
            y = c.anchor.year + {"this": 0, "last": -1, "next": 1}[m["yrel"].lower()]
            c.add(m.start(), m.end(), f"{y}-{month:02d}")
            continue
        y = _resolve_month(c.anchor, month, c.direction(m.start(), m.end()), rel)
        c.add(m.start(), m.end(), f"{y}-{month:02d}")


def _year_context(c: _Ctx, m: re.Match) -> bool:
    y = int(m["y"])
    prev = c.prev_word(m.start())
    nxt = c.next_words(m.end())
    if nxt[0] in _SET["count_nouns"]:
        return False
    if m["mod"]:
        return 1000 <= y <= 2100
    before = c.text[max(0, m.start() - 12) : m.start()]
    if re.search(r"\b\d{4}\s*(?:-|–|to|and|or|,)\s*$", before):  # "1994, 1995 and 1997", "2014-2015"
        return 1000 <= y <= 2100
    if not 1900 <= y <= 2100:
        return 1000 <= y < 1900 and prev in ("in", "since", "until", "from", "before", "after", "circa", "by")
    if prev in _SET["year_context_before"] or before.rstrip().endswith(("(", "'")):
        return True
    tok = c.token(m.start("y"))
    return tok is not None and tok.ent_type_ in ("DATE", "TIME")


def _r_year(c: _Ctx) -> None:
    for m in c.scan(RE_YEAR, "year"):
        if _year_context(c, m):
            start = m.start() if m["mod"] else m.start("y")
            c.add(start, m.end(), m["y"])


def _r_decade(c: _Ctx) -> None:
    for m in c.scan(RE_DECADE, "decade"):
        if m["y"]:
            v = m["y"][:3]
        elif m["yy"]:
            v = ("19" if int(m["yy"]) >= 30 else "20") + m["yy"][0]
        else:
            if c.prev_word(m.start()) != "the":
                continue  # "in their twenties" is an age
            v = "19" + str(_W["decade_words"][m["w"].lower()])
        c.add(m.start(), m.end(), v)


def _r_century(c: _Ctx) -> None:
    for m in c.scan(RE_CENTURY, "century"):
        o = m["o"].lower()
        n = ORDINALS.get(o) or int(re.sub(r"\D", "", o) or 0)
        if 1 <= n <= 22:
            c.add(m.start(), m.end(), f"{n - 1:02d}")


def _r_season(c: _Ctx) -> None:
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
        y = _resolve_season(c.anchor, s, None if rel == "the" else rel, c.direction(m.start(), m.end()))
        c.add(m.start(), m.end(), f"{y}-{s}")


def _r_rel_unit(c: _Ctx) -> None:
    for m in c.scan(RE_REL_UNIT, "unit"):
        if m["wkd"]:
            if c.anchor is not None:  # the weekend just gone, or the current one
                a = c.anchor
                back = 0 if a.isoweekday() >= 6 else 7
                if c.direction(m.start(), m.end()) > 0:
                    back = 0
                c.add(m.start(), m.end(), _week(a - timedelta(days=back)) + "-WE")
            continue
        unit, rel = m["unit"].lower(), m["rel"].lower()
        if rel in ("previous", "following") and m["the"] and unit in ("week", "month", "year") and not m["mod"]:
            continue  # "the following year" counts from the story's last date: _r_anaphor
        start = m.start() if m["mod"] or m["the"] else m.start("rel")
        if rel == "past" and not m["mod"]:
            c.add(start, m.end(), _duration(1, unit) if unit != "weekend" else "P2D", "DURATION")
            continue
        if c.anchor is None:
            continue
        step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "following": 1}.get(rel, 0)
        a = c.anchor
        if unit == "week":
            v = _week(a + timedelta(weeks=step))
        elif unit == "weekend":
            v = _week(a + timedelta(weeks=step)) + "-WE"
        elif unit == "month":
            y, mo = _shift_months(a, step)
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


def _r_neighbour(c: _Ctx) -> None:
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


def _r_weekday(c: _Ctx) -> None:
    if c.anchor is None:
        return
    for m in c.scan(RE_WEEKDAY, "weekday"):
        if not _is_cap(m["wd"]):
            continue
        nxt = " ".join(c.next_words(m.end("wd"))).strip()
        if (nxt.split(" ")[0] in _SET["weekday_blockers"] or nxt in _SET["weekday_blockers"]) and _is_cap(
            c.text[m.end("wd") :].lstrip()[:1]
        ):
            continue  # "Sunday Times", "Monday Night Football"
        if c.prev_word(m.start()) in _SET["weekday_prefix_blockers"]:
            continue  # "Bloody Sunday", "Good Friday" (the latter is a holiday rule)
        rel = m["rel"].lower() if m["rel"] else None
        wd = WEEKDAYS[m["wd"].lower()]
        direction = c.direction(m.start(), m.end())
        d = _resolve_weekday(c.anchor, wd, direction, rel).isoformat()
        pod = PARTS_OF_DAY.get(m["pod"].lower()) if m["pod"] else None
        start = m.start() if rel in ("last", "next", "this", "coming", "past") else m.start("wd")
        c.add(start, m.end(), f"{d}T{pod}" if pod else d, "TIME" if pod else "DATE", kind="day")


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


def _r_ago(c: _Ctx) -> None:
    for m in c.scan(RE_AGO, "ago"):
        unit = _unit(m["unit"])
        n = _number(m["n"]) if m["n"] else None
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
            v = _week(a + timedelta(weeks=sign * n * (2 if code == "2W" else 1)))
        elif unit == "month":
            y, mo = _shift_months(a, sign * n)
            v = f"{y}-{mo:02d}"
        else:
            mult = {"Y": 1, "10Y": 10, "100Y": 100}[code]
            v = str(a.year + sign * n * mult)
        c.add(start, m.end(), v)


def _r_duration(c: _Ctx) -> None:
    for m in c.scan(RE_DURATION, "unit"):
        unit = _unit(m["unit"])
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
        if _is_cap(m["unit"]) and not re.search(r"(?:^|[.!?\n]\s*)$", c.text[max(0, m.start() - 3) : m.start()]):
            continue  # "60 Minutes" (a title)
        n = _number(nword)
        if n is None and nword not in VAGUE:
            continue
        v = _duration(n, unit, bool(m["half"] or m["half2"]))
        c.add(_extent_start(m), m.end(), v, "DURATION")


def _r_vague_plural(c: _Ctx) -> None:
    for m in c.scan(RE_VAGUE_PLURAL, "unit"):
        unit = _unit(m["unit"] or m["unit2"] or m["unit1"])
        if unit != "quarter":
            c.add(_extent_start(m), m.end(), _duration(1 if m["unit1"] else None, unit), "DURATION")
    for m in c.scan(RE_BARE_PLURAL, "unit"):
        unit = _unit(m["unit"])
        if unit not in ("quarter", "second"):
            c.add(m.start("unit"), m.end("unit"), _duration(None, unit), "DURATION")


def _r_set(c: _Ctx) -> None:
    for m in c.scan(RE_SET, "set"):
        if m["freq"]:
            c.add(m.start(), m.end(), _W["frequency_words"][m["freq"].lower()], "SET")
            continue
        u = (m["unit"] or m["unit2"] or m["unit3"]).lower()
        if u in WEEKDAYS:
            v = f"XXXX-WXX-{WEEKDAYS[u]}"
        elif u in PARTS_OF_DAY:
            v = f"XXXX-XX-XXT{PARTS_OF_DAY[u]}"
        else:
            n = _number(m["n"]) if m["n"] else 1
            v = _duration(n or 1, _unit(u))
        c.add(m.start(), m.end(), v, "SET")


def _r_clock(c: _Ctx) -> None:
    for m in RE_CLOCK.finditer(c.text):
        if m["word"]:
            if c.prev_word(m.start()) == "high":
                continue  # "High Noon"
            hm = _W["clock_words"][m["word"].lower()]
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


def _r_holiday(c: _Ctx) -> None:
    for m in c.scan(RE_HOLIDAY, "holiday"):
        if not _is_cap(m["h"]):
            continue
        rule = HOLIDAYS[re.sub(r"\s+", " ", m["h"].lower())]
        rel = m["rel"].lower() if m["rel"] else None
        if m["y"]:
            c.add(m.start(), m.end(), _holiday(rule, int(m["y"])).isoformat(), kind="day")
            continue
        if c.anchor is None:
            continue
        a = c.anchor
        opts = [_holiday(rule, y) for y in (a.year - 1, a.year, a.year + 1)]
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


def _r_anaphor(c: _Ctx) -> None:
    for m in RE_ANAPHOR.finditer(c.text):
        rel = (m["rel"] or "same").lower()
        step = {"next": 1, "following": 1, "previous": -1, "preceding": -1}.get(rel, 0)
        unit = m["unit"].lower()
        # Resolved after selection, when the preceding dates are known (see _resolve_anaphora).
        c.add(m.start(), m.end(), f"{_ANA}{unit}:{step}", "TIME" if unit in PARTS_OF_DAY else "DATE", kind="ana")


def _r_ref(c: _Ctx) -> None:
    for m in RE_REF.finditer(c.text):
        r = re.sub(r"\s+", " ", m["r"].lower())
        if r.endswith("future") and not m["r"][-6:].islower():
            continue  # "Future" capitalised is usually a name ("Future Movement")
        c.add(m.start(), m.end(), _W["reference_words"][r])


_RULES: tuple[Callable[[_Ctx], None], ...] = (
    _r_iso,
    _r_numeric,
    _r_mdy,
    _r_dmy,
    _r_month_year,
    _r_month,
    _r_year,
    _r_decade,
    _r_century,
    _r_season,
    _r_rel_unit,
    _r_neighbour,
    _r_weekday,
    _r_ago,
    _r_duration,
    _r_vague_plural,
    _r_set,
    _r_clock,
    _r_holiday,
    _r_anaphor,
    _r_ref,
)

# The gap between a clock and a date can be any length: "\s*,?\s*" on a long run of spaces
# backtracked quadratically; each run now follows what it separates and is possessive.
_CLOCK_THEN_DATE = re.compile(r"^\s*+(?:,\s*+)?(?:on\s+)?$", _I)
_DATE_THEN_CLOCK = re.compile(r"^\s*+(?:,\s*+)?(?:at\s+|about\s+|around\s+|from\s+)?$", _I)


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Keep the longest non-overlapping candidates (ties: the earlier one, then the rule order)."""
    # Taken spans sorted by (start, end); being disjoint, their ends are sorted too, so the one
    # span that can overlap a candidate is the last one starting before the candidate ends
    # (testing every taken span was quadratic in the number of candidates).
    keys: list[tuple[int, int]] = []
    taken: list[_Cand] = []
    for cand in sorted(cands, key=lambda x: (x.start - x.end, x.start)):
        k = bisect_left(keys, (cand.end,))
        if k and keys[k - 1][1] > cand.start:
            continue
        keys.insert(bisect_left(keys, (cand.start, cand.end)), (cand.start, cand.end))
        taken.append(cand)
    return sorted(taken, key=lambda x: x.start)


def _merge_clocks(text: str, cands: list[_Cand]) -> Iterator[_Cand]:
    """Join "9 a.m. Tuesday" / "Tuesday at 9 a.m." into one TIME; drop clocks that stay unanchored."""
    i = 0
    while i < len(cands):
        cur = cands[i]
        nxt = cands[i + 1] if i + 1 < len(cands) else None
        if nxt is not None and {cur.kind, nxt.kind} == {"clock", "day"}:
            clock, day = (cur, nxt) if cur.kind == "clock" else (nxt, cur)
            gap = text[cur.end : nxt.start]
            rx = _CLOCK_THEN_DATE if cur is clock else _DATE_THEN_CLOCK
            if rx.match(gap) and day.value and _DAY_VALUE.match(day.value):
                hm = clock.value.split("T")[1] if clock.value else _clock_text(text[clock.start : clock.end])
                if hm:
                    yield _Cand(cur.start, nxt.end, f"{day.value[:10]}T{hm}", "TIME")
                    i += 2
                    continue
        if cur.value is not None:
            yield cur
        i += 1


def _clock_text(s: str) -> str | None:
    c = _Ctx(s, date(2000, 1, 1))
    _r_clock(c)
    return c.out[0].value.split("T")[1] if c.out else None


_ANA = "ANA:"
_CLOCK_REF = True
_FULL_DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)")
_WEEK_OF = re.compile(r"\bthe\s+week\s+of\s+$", _I)
_DAY_SHIFT = re.compile(r"\b(?:the\s+)?(?P<w>day)\s+(?P<dir>before|after)\s+$", _I)
_HOLIDAY_WEEK = re.compile(r"^\s+week\b", _I)
_AND_DAY = re.compile(
    r"^\s*(?:and|or|to|through|-|–)\s*(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?!\s*(?:%|[,.:]\d))"
    r"(?=\s*(?:[.,;:)\n]|$)|\s+(?:in|at|on|and|for|to|when|as|with)\b)",
    _I,
)


def _compose(text: str, cands: list[_Cand]) -> list[_Cand]:
    """Phrases built around a date: "the week of March 6", "Easter week", "the day before Tuesday",
    "April 24 and 25" (the second day shares the first one's month)."""
    out: list[_Cand] = []
    for cand in cands:
        m = _FULL_DATE.match(cand.value or "")
        d = _safe_date(*map(int, m.groups())) if m else None
        if d is None:
            out.append(cand)
            continue
        before = text[max(0, cand.start - 30) : cand.start]
        w = _WEEK_OF.search(before)
        if w:
            out.append(_Cand(cand.start - len(before) + w.start(), cand.end, _week(d)))
            continue
        w = _DAY_SHIFT.search(before)
        if w and len(cand.value) == 10:
            shift = -1 if w["dir"].lower() == "before" else 1
            start = cand.start - len(before) + w.start("w")
            out.append(_Cand(start, cand.end, (d + timedelta(days=shift)).isoformat()))
            continue
        after = text[cand.end : cand.end + 40]
        w = _HOLIDAY_WEEK.match(after)
        if w and RE_HOLIDAY.search(text[cand.start : cand.end]):
            out.append(_Cand(cand.start, cand.end + w.end(), _week(d)))
            continue
        out.append(cand)
        w = _AND_DAY.match(after)
        if w and len(cand.value) == 10 and (d2 := _safe_date(d.year, d.month, int(w["d"]))) and d2 > d:
            out.append(_Cand(cand.end + w.start("d"), cand.end + w.end("d"), d2.isoformat(), kind="day"))
    return out


def _resolve_anaphora(cands: list[_Cand], anchor: date | None) -> list[_Cand]:
    """Give "that day", "the next morning", "later that year" the value of the last date before them."""
    ref: str | None = anchor.isoformat() if anchor else None
    for cand in cands:
        v = cand.value or ""
        if not v.startswith(_ANA):
            if re.match(r"^\d{4}(?:-\d\d(?:-\d\d)?)?(?:$|T)", v) and cand.type in ("DATE", "TIME"):
                ref = v[:10]
            continue
        unit, step = v[len(_ANA) :].split(":")
        cand.value = _shift_ref(ref, unit, int(step))
    return cands


def _clocks_on_reference_day(cands: list[_Cand], anchor: date | None) -> list[_Cand]:
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
    d = _safe_date(*map(int, m.groups())) if m else None
    if unit == "year":
        return str(int(ref[:4]) + step)
    if unit == "month":
        if len(ref) < 7:
            return None
        y, mo = _shift_months(date(int(ref[:4]), int(ref[5:7]), 1), step)
        return f"{y}-{mo:02d}"
    if d is None:
        return None  # a day needs a day to count from
    if unit == "week":
        return _week(d + timedelta(weeks=step))
    day = (d + timedelta(days=step)).isoformat()
    return day if unit == "day" else f"{day}T{PARTS_OF_DAY[unit]}"


def find_times(text: str, anchor: date | None, doc: Any = None) -> list[Time]:
    """Time expressions in ``text`` with TIMEX3 values, sorted by start, non-overlapping.

    ``anchor`` is the publication date used for relative expressions (None: those are
    skipped).  ``doc`` is an optional spaCy Doc over the same text, used for tense and to
    confirm bare years; without it a textual heuristic is used.
    """
    if doc is not None and text_of(doc) != text:
        doc = None  # offsets would not line up
    ctx = _Ctx(text, anchor, doc)
    for rule in _RULES:
        rule(ctx)
    chosen = _resolve_anaphora(_compose(text, list(_merge_clocks(text, _select(ctx.out)))), anchor)
    if _CLOCK_REF:
        chosen = _clocks_on_reference_day(chosen, anchor)
    out = []
    for c in chosen:
        if c.value:
            end = c.end - 2 if text[c.start : c.end].endswith(("'s", "\u2019s")) else c.end  # TimeML: "[Monday]'s"
            out.append(Time(text[c.start : end], c.start, end, c.value, c.type))
    return out
