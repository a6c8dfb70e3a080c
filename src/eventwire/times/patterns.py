"""Word tables (data/time_words.json) and the regular expressions that recognise time expressions."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

WORDS: dict[str, Any] = json.loads((Path(__file__).parent.parent / "data" / "time_words.json").read_text("utf-8"))

MONTHS: dict[str, int] = {**WORDS["months"], **WORDS["month_abbreviations"]}
FULL_MONTHS: dict[str, int] = WORDS["months"]
WEEKDAYS: dict[str, int] = WORDS["weekdays"]
WEEKDAYS_ALL: dict[str, int] = {**WORDS["weekdays"], **WORDS["weekday_abbreviations"]}
SEASONS: dict[str, str] = WORDS["seasons"]
PARTS_OF_DAY: dict[str, str] = WORDS["parts_of_day"]
NUMBER_WORDS: dict[str, int] = WORDS["number_words"]
ORDINALS: dict[str, int] = WORDS["ordinals"]
UNITS: dict[str, list] = WORDS["units"]
UNIT_PLURALS: dict[str, str] = WORDS["unit_plurals"]
VAGUE = {v.lower() for v in WORDS["vague_quantities"]}
HOLIDAYS: dict[str, str] = WORDS["holidays"]
WORD_SETS = {k: set(v) for k, v in WORDS.items() if isinstance(v, list) and k != "season_months"}
SEASON_OF_MONTH = {m: s for s, ms in WORDS["season_months"].items() for m in ms}


def _alt(words: Any) -> str:
    """Regex alternation, longest first so that "a few" beats "a"; spaces match any whitespace."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_MON_FULL = _alt(FULL_MONTHS)
# Abbreviations must end on a word boundary ("Jan" is not the start of "Janet").
_MON_ANY = rf"(?:{_MON_FULL}|(?:{_alt(WORDS['month_abbreviations'])})\b\.?)"
_WD = _alt(WEEKDAYS)
_WD_ANY = rf"(?:{_WD}|(?:{_alt(WORDS['weekday_abbreviations'])})\b\.?)"
_ONES = "one|two|three|four|five|six|seven|eight|nine"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_NUM = rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?|(?:{_TENS})[\s-](?:{_ONES})|{_alt(NUMBER_WORDS)})"
_QTY = rf"(?:{_NUM}|{_alt(VAGUE)})"
_HALF = r"(?:\s+and\s+a\s+half|\s+1/2|\s*½)"
_UNIT_SING = _alt(UNITS)
_UNIT = rf"(?:{_alt(UNIT_PLURALS)}|{_UNIT_SING})"
_UNIT_PL = _alt(UNIT_PLURALS)
_QUAL = _alt(WORDS["qualifiers"])
_MODS = _alt(WORDS["period_modifiers"])
_POD = _alt(PARTS_OF_DAY)
_SEASON = _alt(SEASONS)
_TZ = r"(?:[ECMP][SD]T|GMT|UTC|BST|CES?T|local\s+time|\(\d{3,4}\s+GMT\))"
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b"
_WDP = rf"(?:(?P<wd>{_WD_ANY}),?\s+(?:the\s+)?)?"
IGNORE_CASE = re.IGNORECASE

RE_ISO = re.compile(r"\b(?P<y>(?:19|20)\d\d)([-/])(?P<m>[01]\d)\2(?P<d>[0-3]\d)\b(?!\d)")
RE_NUMERIC = re.compile(
    r"(?<![\d/.-])(?P<a>\d{1,2})(?P<s>[/.-])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})\b(?![/.-]\d)"
)
RE_MDY = re.compile(rf"\b{_WDP}(?P<mon>{_MON_ANY})\s*{_DAY}(?!\s*(?::\d|%))(?:,?\s+(?P<y>\d{{4}})\b)?", IGNORE_CASE)
RE_DMY = re.compile(
    rf"\b{_WDP}(?:the\s+)?{_DAY}\s+(?:of\s+)?(?P<mon>{_MON_ANY})(?:,?\s+(?P<y>\d{{4}})\b)?", IGNORE_CASE
)
RE_MY = re.compile(rf"\b(?:(?P<mod>{_MODS})[\s-]+)?(?P<mon>{_MON_ANY}),?\s+(?:of\s+)?(?P<y>\d{{4}})\b", IGNORE_CASE)
RE_MONTH = re.compile(
    rf"\b(?:(?P<mod>{_MODS})[\s-]+)?(?:(?P<rel>last|next|this|past|coming)\s+)?(?P<mon>{_MON_FULL})\b(?:'s)?"
    rf"(?:,?\s+(?P<yrel>this|last|next)\s+year\b)?",
    IGNORE_CASE,
)
RE_YEAR = re.compile(
    rf"\b(?:(?P<mod>{_MODS})[\s-]+)?(?<![$£€#\d.,])\b(?P<y>\d{{4}})\b(?!'?s\b|%|,\d|\.\d)", IGNORE_CASE
)
RE_DECADE = re.compile(
    rf"\b(?:(?P<mod>early|mid|late)[\s-]+)?(?:(?P<y>1\d\d0|20\d0)'?s|'(?P<yy>\d0)s|(?P<w>{_alt(WORDS['decade_words'])}))\b",
    IGNORE_CASE,
)
RE_CENTURY = re.compile(
    rf"\b(?:(?P<mod>early|mid|late)[\s-]+)?(?P<o>\d{{1,2}}(?:st|nd|rd|th)|{_alt(ORDINALS)})[\s-]+century\b",
    IGNORE_CASE,
)
RE_SEASON = re.compile(
    rf"\b(?:(?P<rel>last|next|this|past|coming|previous|the)\s+)?(?:(?P<mod>early|mid|late)[\s-]+)?"
    rf"(?P<s>{_SEASON})\b(?:\s+(?:of\s+)?(?P<y>\d{{4}})\b)?",
    IGNORE_CASE,
)
RE_REL_UNIT = re.compile(
    rf"\b(?:(?P<mod>{_MODS})[\s-]+)?(?:(?P<the>the)\s+)?(?P<rel>last|next|this|past|coming|previous|following|current)"
    rf"\s+(?P<unit>week|month|year|weekend|decade|century|quarter)\b(?:'s)?|\b(?P<wkd>the\s+weekend)\b",
    IGNORE_CASE,
)
RE_NEIGHBOUR = re.compile(
    rf"\b(?P<w>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday|today|tomorrow|tonight|"
    rf"last\s+night|this\s+(?:{_POD}))\b(?:'s)?(?:\s+(?P<pod>{_POD}))?",
    IGNORE_CASE,
)
RE_WEEKDAY = re.compile(
    rf"\b(?:(?P<rel>last|next|this|coming|past|early|late)\s+)?(?P<wd>{_WD})\b(?:'s)?(?:\s+(?P<pod>{_POD}))?",
    IGNORE_CASE,
)
RE_AGO = re.compile(
    rf"\b(?:(?P<q>{_QUAL})\s+)?(?:(?P<n>{_QTY}){_HALF}?\s+)?(?P<unit>{_UNIT})\s+(?P<dir>ago|from\s+now|hence)\b",
    IGNORE_CASE,
)
RE_DURATION = re.compile(
    rf"\b(?:(?P<pre>(?:the\s+)?(?:past|last|next|first|coming|previous|following|final|remaining|initial)|another)"
    rf"\s+)?(?:(?P<q>{_QUAL})\s+)?(?P<n>{_QTY})(?P<half>{_HALF})?(?:\s+|-)"
    rf"(?:(?:more|additional|full|straight|consecutive|long)\s+)?(?P<unit>{_UNIT})(?P<half2>\s+and\s+a\s+half)?"
    rf"(?:-long\b)?\b",
    IGNORE_CASE,
)
RE_VAGUE_PLURAL = re.compile(
    rf"\b(?:(?P<pre>recent|(?:the\s+)?(?:past|last|next|coming|previous|following))\s+(?P<unit>{_UNIT_PL})\b"
    rf"|(?P<unit2>{_UNIT_PL})-long\b|(?P<unit1>{_UNIT_SING})-long\b)",
    IGNORE_CASE,
)
RE_BARE_PLURAL = re.compile(
    rf"\b(?:for|over|within|take|takes|took|taking|taken|lasted|lasting|spent|spend|after|in|even|or)\s+"
    rf"(?P<unit>{_UNIT_PL})\b(?!\s+(?:of|and|to)\s)",
    IGNORE_CASE,
)
RE_SET = re.compile(
    rf"\b(?:(?P<freq>{_alt(WORDS['frequency_words'])})|(?:every|each)\s+(?:other\s+)?(?:(?P<n>{_NUM})\s+)?"
    rf"(?P<unit>{_UNIT}|{_WD}|{_POD})|(?P<times>once|twice|{_NUM}\s+times)\s+(?:a|an|per|each|every)\s+"
    rf"(?P<unit2>{_UNIT_SING})|per\s+(?P<unit3>{_UNIT_SING}))\b",
    IGNORE_CASE,
)
RE_CLOCK = re.compile(
    rf"\b(?:(?P<h>\d{{1,2}})(?:[:.](?P<m>\d{{2}}))?\s*(?P<ap>[ap]\.?\s?m\b\.?)"
    rf"|(?P<h2>\d{{1,2}}):(?P<m2>\d{{2}})(?=\s*(?:{_TZ}|h(?:ours|rs)?\b))"
    rf"|(?<=\bat\s)(?P<h3>[0-2]?\d):(?P<m3>[0-5]\d)\b"
    rf"|(?P<h4>\d{{1,2}})\s+(?:o'clock\s+)?in\s+the\s+(?P<pod>morning|afternoon|evening)"
    rf"|(?P<h5>\d{{1,2}})\s+o'clock"
    rf"|(?P<word>noon|midday|midnight))(?:\s+{_TZ})?",
    IGNORE_CASE,
)
RE_HOLIDAY = re.compile(
    rf"\b(?:(?P<rel>last|next|this)\s+)?(?P<h>{_alt(HOLIDAYS)})\b(?:\s+(?:of\s+)?(?P<y>\d{{4}})\b)?", IGNORE_CASE
)
# Anaphoric times: resolved against the last date mentioned before them (the story's reference time).
RE_ANAPHOR = re.compile(
    rf"\b(?:(?P<mod>earlier|later)\s+)?(?:that|the\s+(?P<rel>same|next|following|previous|preceding))\s+"
    rf"(?:same\s+)?(?P<unit>day|week|month|year|{_POD})\b(?!-)",
    IGNORE_CASE,
)
RE_REF = re.compile(rf"\b(?P<r>{_alt(WORDS['reference_words'])})\b", IGNORE_CASE)

FUTURE_TEXT = re.compile(
    r"\b(?:will|'ll|shall|won't|would|must|should|(?:needs?|ha[sv]e?)\s+to|going\s+to|scheduled|slated|"
    r"plans?\s+to|planning\s+to|expected\s+to|due\s+to|"
    r"set\s+to|to\s+be\s+held|upcoming)\b",
    IGNORE_CASE,
)
# Cheap trigger words: the heavy patterns only run in small windows around them (speed).
TRIGGERS: dict[str, tuple[re.Pattern, int, int]] = {
    "month": (
        re.compile(rf"\b(?:{_alt(w.title() for w in MONTHS)}|{_alt(w.upper() for w in FULL_MONTHS)})\b"),
        45,
        25,
    ),
    "year": (re.compile(r"\d{4}"), 25, 5),
    "decade": (re.compile(r"0'?s\b|ties\b", IGNORE_CASE), 25, 3),
    "century": (re.compile(r"centur", IGNORE_CASE), 40, 10),
    "season": (re.compile(rf"\b(?:{_SEASON})\b", IGNORE_CASE), 25, 15),
    "unit": (re.compile(rf"\b(?:{_UNIT}|weekends?)\b", IGNORE_CASE), 60, 25),
    "ago": (re.compile(r"\b(?:ago|now|hence)\b", IGNORE_CASE), 70, 10),
    "set": (
        re.compile(rf"\b(?:every|each|per|once|twice|times|{_alt(WORDS['frequency_words'])})\b", IGNORE_CASE),
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
            IGNORE_CASE,
        ),
        10,
        30,
    ),
}
PAST_TEXT = re.compile(r"\b(?:was|were|had|did|ago|began|took|said|came|went|began|fled|\w{3,}ed)\b", IGNORE_CASE)
FUTURE_CUE = re.compile(
    rf"\b(?:{_alt(WORDS['future_cues'])})\s+(?:on\s+|the\s+)?(?:\d{{1,2}}(?:[:.]\d\d)?\s*[ap]\.?m\.?\s+(?:{_TZ}\s+)?)?$",
    IGNORE_CASE,
)
PREV_WORD = re.compile(r"([A-Za-z]+)[^A-Za-z\n]{0,3}$")
NEXT_WORD = re.compile(r"^\W{0,2}([A-Za-z]+)(?:\s+([A-Za-z]+))?")
DAY_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T(?:MO|AF|EV|NI))?$")
