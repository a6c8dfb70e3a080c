"""Case-robust reading: spot all-lower or all-upper paragraphs and restore their letter case.

spaCy's small English model reads case as evidence: in a lower-cased article it finds almost no
names and tags proper nouns as common ones, so actors, places and events are lost. ``restore_case``
returns a copy of the text in which only the letter case of degraded paragraphs changed (same
length, same offsets), for the parser to read; the record keeps the article's own text.

A paragraph is degraded when it has enough words and either nearly all its letters are upper-case,
or its sentences mostly start lower-case and nearly none of its words is capitalised (thresholds in
data/casing.json). Its words then take their usual case from data/case_table.tsv.gz (built by
scripts/build_case_table.py): phrases first ("New Delhi"), then words ("Gujarat", "BJP"), any other
word lower-case, and the first word of each sentence and the pronoun "I" capitalised.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .reading.tables import load_table

# Same word pattern as the table's builder: dotted initialisms ("U.S.") or runs of letters.
WORD = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_]+")
_PARAGRAPH = re.compile(r"[^\n]+")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s")  # not the dot of "2.18"
_PHRASE_GAP = re.compile(r"[ \t]+|-|[ \t]*-[ \t]*")  # "new delhi", "all-india"


@dataclass(frozen=True)
class CaseTable:
    words: dict[str, str]
    phrases: dict[tuple[str, ...], tuple[str, ...]]
    starts: frozenset[str]  # first words of the phrases
    longest: int


@lru_cache(maxsize=1)
def case_table() -> CaseTable:
    """The shipped case table (lower-case key -> usual form), loaded once."""
    raw = resources.files("eventwire").joinpath("data", "case_table.tsv.gz").read_bytes()
    words: dict[str, str] = {}
    phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split(" ")
        if len(parts) == 1:
            words[line.lower()] = line
        else:
            phrases[tuple(p.lower() for p in parts)] = tuple(parts)
    return CaseTable(words, phrases, frozenset(k[0] for k in phrases), max((len(k) for k in phrases), default=1))


@lru_cache(maxsize=1)
def _settings() -> tuple[int, float, float, float, frozenset[str]]:
    t = load_table("casing.json")
    return (t["min_words"], t["lower_max_capital_share"], t["lower_min_initial_lower_share"],
            t["upper_min_letter_share"], frozenset(t["title_abbreviations"]))


def _sentence_initial(text: str, words: list[re.Match]) -> list[bool]:
    """Whether each word starts a sentence: the first, or after . ! ? that no title abbreviation ends."""
    abbreviations = _settings()[4]
    out = []
    for k, m in enumerate(words):
        if k == 0:
            out.append(True)
            continue
        prev = words[k - 1]
        gap = text[prev.end():m.start()]
        ends = bool(_SENTENCE_END.search(gap)) and not (
            gap.startswith(".") and (prev.group(0).lower() in abbreviations or len(prev.group(0)) == 1))
        out.append(ends and not prev.group(0).endswith("."))
    return out


def paragraph_case(text: str, min_sentences: int = 2) -> str | None:
    """'lower' or 'upper' when a paragraph's letter case is degraded, else None (normal, or too short
    to judge alone: fewer than ``min_words`` words, or fewer sentences than ``min_sentences``, as a
    line-broken fragment of a normal article has)."""
    min_words, max_caps, min_initial_lower, min_upper, _ = _settings()
    matches = list(WORD.finditer(text))
    if len(matches) < min_words:
        return None
    words = [m.group(0) for m in matches]
    upper = sum(map(str.isupper, text))
    cased = upper + sum(map(str.islower, text))
    if cased < 0.5 * sum(map(len, words)):  # mostly a script without letter case ("KBS" in Korean text)
        return None
    if upper >= min_upper * cased:
        return "upper"
    # Normal text capitalises 10-20 % of its words ("storiesÂ" or a lone "Â" of mojibake do not count).
    if sum(1 for w in words if (len(w) > 1 or w == "I") and w[0].isupper()) > max_caps * len(words):
        return None
    initial = [m for m, first in zip(matches, _sentence_initial(text, matches), strict=True) if first]
    lower_starts = sum(1 for m in initial if m.group(0).islower())
    if len(initial) >= min_sentences and lower_starts >= min_initial_lower * len(initial):
        return "lower"
    return None


def degraded_paragraphs(text: str) -> list[tuple[int, int, str]]:
    """(start, end, 'lower'|'upper') of the text's case-degraded paragraphs.

    Paragraphs too short to judge alone (a one-line dateline, a one-sentence paragraph) follow the
    text as a whole when their letters agree with it: no capital in a lower-cased text, no lower-case
    letter in an upper-cased one.
    """
    out: list[tuple[int, int, str]] = []
    unjudged: list[tuple[int, int, str]] = []
    paragraphs = list(_PARAGRAPH.finditer(text))
    for m in paragraphs:
        # A text of one paragraph is no fragment of a longer one: one lower-case sentence is enough.
        kind = paragraph_case(m.group(0), 1 if len(paragraphs) == 1 else 2)
        if kind:
            out.append((m.start(), m.end(), kind))
        else:
            unjudged.append((m.start(), m.end(), m.group(0)))
    if unjudged and len(unjudged) < len(out) + len(unjudged):
        whole = paragraph_case(text)
        for s, e, para in unjudged:
            if whole == "lower" and not any(w[0].isupper() for w in WORD.findall(para) if len(w) > 1):
                out.append((s, e, "lower"))
            elif whole == "upper" and para == para.upper() and para != para.lower():
                out.append((s, e, "upper"))
        out.sort()
    return out


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)  # "İ" lower-cases to 2 chars


def _restore_paragraph(para: str, kind: str, table: CaseTable) -> str:
    base = _lower_same_length(para) if kind == "upper" else para
    chars = list(base)
    words = list(WORD.finditer(base))
    initial = _sentence_initial(base, words)

    def put(m: re.Match, form: str) -> None:
        if len(form) == m.end() - m.start():
            chars[m.start():m.end()] = form

    k = 0
    while k < len(words):
        m = words[k]
        span = 1
        first = m.group(0).lower()
        for n in range(min(table.longest, len(words) - k), 1, -1) if first in table.starts else ():
            run = words[k:k + n]
            forms = table.phrases.get(tuple(w.group(0).lower() for w in run))
            if forms and all(_PHRASE_GAP.fullmatch(base[a.end():b.start()])
                             for a, b in zip(run, run[1:], strict=False)):
                for w, form in zip(run, forms, strict=True):
                    put(w, form)
                span = n
                break
        if span == 1:
            word = m.group(0)
            form = table.words.get(word.lower())
            if form and (len(word) > 1 or word == "i"):
                put(m, form)
        if initial[k] and chars[m.start()].islower():
            chars[m.start()] = chars[m.start()].upper() if len(chars[m.start()].upper()) == 1 else chars[m.start()]
        k += span
    return "".join(chars)


def restore_case(text: str) -> str | None:
    """A same-length copy of ``text`` with the case of degraded paragraphs restored; None if none is."""
    spans = degraded_paragraphs(text)
    if not spans:
        return None
    table = case_table()
    out = []
    last = 0
    for s, e, kind in spans:
        out.append(text[last:s])
        out.append(_restore_paragraph(text[s:e], kind, table))
        last = e
    out.append(text[last:])
    restored = "".join(out)
    return restored if restored != text and len(restored) == len(text) else None
