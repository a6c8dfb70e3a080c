"""Quotation marks in the text: direct quotes' content spans, paired within paragraphs, and what
lies inside or outside them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

from ..nlp import text_of

# Opening/closing marks. Straight quotes are paired by position; curly ones by shape.
_OPEN_CURLY = "\u201c\u201e\u00ab"  # “ „ «
_CLOSE_CURLY = "\u201d\u00bb"  # ” »
# Two apostrophes ('') stand for a straight double quote in some wire copy (NYT archives).
MARKS = re.compile("''|[\"\u201c\u201d\u201e\u00ab\u00bb]")
PARAGRAPH = re.compile(r"[^\n]+")
LETTER = re.compile(r"[^\W\d_]")
SENT_END = frozenset(".!?")
DASHES = frozenset({"\u2015", "\u2014", "--", "\u2013"})  # ― — -- –


@dataclass
class Mark:
    """A direct quote's content span, before attribution."""

    start: int
    end: int
    para: int  # paragraph index
    unclosed: bool  # ran to the end of its paragraph without a closing mark
    at_para_start: bool  # the opening mark begins the paragraph


def direct_spans(text: str) -> list[Mark]:
    """Content spans between quotation marks, paired within each paragraph."""
    out: list[Mark] = []
    for pi, para in enumerate(PARAGRAPH.finditer(text)):
        p_start, p_end = para.span()
        first = p_start + (len(para.group()) - len(para.group().lstrip()))
        open_at: int | None = None
        open_end = p_start
        for mk in MARKS.finditer(text, p_start, p_end):
            ch, i = mk.group(), mk.start()
            if open_at is None:
                if ch in _CLOSE_CURLY or ch in ('"', "''") and _looks_closing(text, i, mk.end()):
                    continue  # a stray closing mark (e.g. after an unclosed earlier paragraph)
                open_at, open_end = i, mk.end()
            elif ch in _OPEN_CURLY:
                continue  # nested opening curly mark: part of the outer quote
            else:
                _add_mark(out, text, open_end, i, pi, False, open_at == first)
                open_at = None
        if open_at is not None:
            _add_mark(out, text, open_end, p_end, pi, True, open_at == first)
    return out


def _looks_closing(text: str, i: int, j: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[j] if j < len(text) else " "
    return not before.isspace() and before not in "([{" and (after.isspace() or after in ".,;:!?)")


def _add_mark(out: list[Mark], text: str, start: int, end: int, para: int, unclosed: bool,
              at_start: bool) -> None:
    # Trim whitespace and a splice comma ("We will win," he said) from the content.
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    if end > start and LETTER.search(text, start, end):
        out.append(Mark(start, end, para, unclosed, at_start))


def is_scare_quote(text: str, m: Mark) -> bool:
    """A short quoted term ('so-called "caliphate"') is a term, not speech."""
    if len(text[m.start:m.end].split()) > 3:
        return False
    # A short quote still reads as speech when it ends a sentence or a splice ("Never," he said).
    return text[m.end - 1] not in ".!?" and text[m.end:m.end + 1] != ","


def token_quote_index(doc: Doc, marks: Sequence[Mark]) -> list[int]:
    """For each token, the index of the direct quote it lies in (quote marks included), else -1."""
    idx = [-1] * len(doc)
    if not marks:
        return idx
    j = 0
    for tok in doc:
        while j < len(marks) and marks[j].end < tok.idx:
            j += 1
        if j < len(marks) and marks[j].start - 1 <= tok.idx <= marks[j].end:
            idx[tok.i] = j
    return idx


def para_bounds(doc: Doc, m: Mark) -> tuple[int, int]:
    text = text_of(doc)
    lo = text.rfind("\n", 0, m.start) + 1
    hi = text.find("\n", m.end)
    return lo, (len(text) if hi == -1 else hi)


def covered_by_quotes(text: str, start: int, end: int, marks: Sequence[Mark]) -> bool:
    """True when, outside direct quotes, the span holds at most a word or so of its own."""
    rest = []
    pos = start
    for m in marks:
        if m.end <= start or m.start >= end:
            continue
        rest.append(text[pos:max(pos, m.start)])
        pos = max(pos, m.end)
    if pos == start:
        return False
    rest.append(text[pos:end])
    return len(LETTER.findall("".join(rest))) < 4
