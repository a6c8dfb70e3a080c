"""The rules' view of one text: scanning windows, neighbouring words, tense, date-order convention; raw candidates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .patterns import FUTURE_CUE, FUTURE_TEXT, NEXT_WORD, PAST_TEXT, PREV_WORD, RE_DMY, RE_MDY, RE_NUMERIC, TRIGGERS
from .tense import FUTURE, NEAR, PAST, UNKNOWN, doc_direction


@dataclass
class Candidate:
    start: int
    end: int
    value: str | None  # None: a clock time still waiting for a date to attach to
    type: str = "DATE"
    kind: str = ""


@dataclass
class Context:
    text: str
    anchor: date | None
    doc: Any = None
    out: list[Candidate] = field(default_factory=list)
    _day_first: bool | None = None

    def scan(self, rx: re.Pattern, trigger: str) -> Iterator[re.Match]:
        """``rx.finditer`` restricted to merged windows around the trigger's hits."""
        trig, before, after = TRIGGERS[trigger]
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
            self.out.append(Candidate(start, end, value, type_, kind))

    def prev_word(self, pos: int) -> str:
        m = PREV_WORD.search(self.text, max(0, pos - 40), pos)
        return m.group(1).lower() if m else ""

    def next_words(self, pos: int) -> tuple[str, str]:
        m = NEXT_WORD.match(self.text[pos : pos + 40])
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
        if FUTURE_CUE.search(self.text, max(0, start - 40), start):
            # "until 9 a.m. Tuesday", "by Jan. 14": a deadline or limit, often ahead: the nearer occurrence
            return d if d == FUTURE else NEAR
        return d

    def _tense(self, start: int, end: int) -> int:
        if self.doc is not None:
            return doc_direction(self.doc, start, end)
        # Text fallback: tense markers in the same sentence, before or shortly after the span.
        left = self.text[max(0, start - 150) : start]
        cut = max(left.rfind(". "), left.rfind("\n"), left.rfind("? "), left.rfind("! "))
        left = left[cut + 1 :] if cut >= 0 else left
        right = re.split(r"[.!?;\n]", self.text[end : end + 60], maxsplit=1)[0]
        if FUTURE_TEXT.search(left) or FUTURE_TEXT.search(right):
            return FUTURE
        if PAST_TEXT.search(left) or PAST_TEXT.search(right):
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


def is_cap(word: str) -> bool:
    return word[:1].isupper()
