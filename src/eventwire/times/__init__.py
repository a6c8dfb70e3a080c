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

Modules, in the order the data flows: ``patterns`` (word tables, regular expressions),
``tense`` (which way a relative expression points), ``context`` (the rules' view of the text),
``normalise`` (calendar arithmetic), ``point_rules`` and ``amount_rules`` (one rule per kind of
expression), ``selection`` (overlaps, joins, anaphora). This module runs the rules in order, then
the selection.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from ..models import Time
from ..nlp import text_of
from .amount_rules import r_ago, r_duration, r_set, r_vague_plural
from .context import Context
from .point_rules import (
    r_anaphor,
    r_century,
    r_clock,
    r_decade,
    r_dmy,
    r_holiday,
    r_iso,
    r_mdy,
    r_month,
    r_month_year,
    r_neighbour,
    r_numeric,
    r_ref,
    r_rel_unit,
    r_season,
    r_weekday,
    r_year,
)
from .selection import clocks_on_reference_day, compose, merge_clocks, resolve_anaphora, select

_RULES: tuple[Callable[[Context], None], ...] = (
    r_iso,
    r_numeric,
    r_mdy,
    r_dmy,
    r_month_year,
    r_month,
    r_year,
    r_decade,
    r_century,
    r_season,
    r_rel_unit,
    r_neighbour,
    r_weekday,
    r_ago,
    r_duration,
    r_vague_plural,
    r_set,
    r_clock,
    r_holiday,
    r_anaphor,
    r_ref,
)

_CLOCK_REF = True


def find_times(text: str, anchor: date | None, doc: Any = None) -> list[Time]:
    """Time expressions in ``text`` with TIMEX3 values, sorted by start, non-overlapping.

    ``anchor`` is the publication date used for relative expressions (None: those are
    skipped).  ``doc`` is an optional spaCy Doc over the same text, used for tense and to
    confirm bare years; without it a textual heuristic is used.
    """
    if doc is not None and text_of(doc) != text:
        doc = None  # offsets would not line up
    ctx = Context(text, anchor, doc)
    for rule in _RULES:
        rule(ctx)
    chosen = resolve_anaphora(compose(text, list(merge_clocks(text, select(ctx.out)))), anchor)
    if _CLOCK_REF:
        chosen = clocks_on_reference_day(chosen, anchor)
    out = []
    for c in chosen:
        if c.value:
            end = c.end - 2 if text[c.start : c.end].endswith(("'s", "\u2019s")) else c.end  # TimeML: "[Monday]'s"
            out.append(Time(text[c.start : end], c.start, end, c.value, c.type))
    return out


__all__ = ["find_times"]
