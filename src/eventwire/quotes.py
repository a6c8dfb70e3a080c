"""Quote stage: direct and reported speech with speaker, speaker description and cue.

Works on an already parsed spaCy ``Doc`` (no second parse): quotation marks give the
direct quotes, reporting verbs with a clausal complement (or "according to") give the
reported ones, and the dependency tree links both to a speaker. The cue lexicon lives in
``data/speech_cues.json``. The rule throughout is *never guess*: when the text does not
say who spoke, ``speaker`` is ``None``.

Conventions (measured on PolNeAR, see benchmarks/quotes_approaches.md):

* A quoted fragment inside the writer's own sentence ('X called him a "liar"') is not a
  quotation of its own: it is part of the reported clause of its cue, and a quoted title or
  term with no cue is no quote at all.
* Besides speech verbs, stance, evaluation and intention verbs attribute their object or
  complement to their subject ('X criticized the plan', 'X wants to ...', 'X called for ...');
  those are kept only when the subject names a source.
* ``speaker_start``/``speaker_end`` mark the mention that is the cue's subject in the text:
  the name, or the pronoun of 'he said' / the relative pronoun of 'X, who said'; ``speaker``
  then holds the name that mention refers to. A personal pronoun is resolved only when one
  person of agreeing gender (given-name and honorific table ``data/quote_gender.json``) is
  the clear antecedent; otherwise both stay ``None``.
* The pieces of an interrupted or multi-paragraph quotation are separate records that share
  the speaker span of the frame that attributes them.
* Transcripts: a paragraph opening with an upper-case label ('PENCE: ...') is that speaker's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc, Span, Token

from .models import Entity, Quote
from .nlp import text_of

# Opening/closing marks. Straight quotes are paired by position; curly ones by shape.
_OPEN_CURLY = "\u201c\u201e\u00ab"  # “ „ «
_CLOSE_CURLY = "\u201d\u00bb"  # ” »
# Two apostrophes ('') stand for a straight double quote in some wire copy (NYT archives).
_MARKS = re.compile("''|[\"\u201c\u201d\u201e\u00ab\u00bb]")
_PARAGRAPH = re.compile(r"[^\n]+")
_LETTER = re.compile(r"[^\W\d_]")
_SENT_END = frozenset(".!?")
_DASHES = frozenset({"\u2015", "\u2014", "--", "\u2013"})  # ― — -- –
_REL_PRONOUNS = frozenset({"who", "which", "that", "whom"})
# Subjects that never name a source: expletives, demonstratives, wh-words.
_NON_SPEAKERS = frozenset({"it", "this", "that", "there", "what", "which", "who", "these", "those"})
# Walk at most this many heads up from a quote to its reporting verb.
_MAX_HOPS = 3
_FRAME_AFTER = 8  # tokens after a closing mark that may hold "he said" / "said X"
_FRAME_BEFORE = 14  # tokens before an opening mark that may hold "X said:"


@dataclass(frozen=True)
class _Lexicon:
    verbs: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]
    pronouns: frozenset[str]
    object_verbs: frozenset[str] = frozenset()
    prep_cues: frozenset[tuple[str, str]] = frozenset()  # (verb lemma, preposition)
    labels: frozenset[str] = frozenset()  # upper-case paragraph labels that are not speakers


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    raw = json.loads(resources.files("eventwire").joinpath("data/speech_cues.json").read_text("utf-8"))
    verbs = {v.lower() for v in raw["verbs"]} | {v.lower() for v in raw.get("belief_verbs", ())}
    phrases = tuple(tuple(p.lower().split()) for p in raw.get("phrases", ()))
    preps = set()
    for cue in raw.get("prep_cues", ()):
        words = cue.lower().split()
        preps.add((words[0], " ".join(words[1:])))
    return _Lexicon(frozenset(verbs), phrases, frozenset(p.lower() for p in raw.get("pronouns", ())),
                    frozenset(v.lower() for v in raw.get("object_verbs", ())), frozenset(preps),
                    frozenset(raw.get("transcript_non_speakers", ())))


@dataclass
class _Mark:
    """A direct quote's content span, before attribution."""

    start: int
    end: int
    para: int  # paragraph index
    unclosed: bool  # ran to the end of its paragraph without a closing mark
    at_para_start: bool  # the opening mark begins the paragraph


@dataclass
class _Cand:
    start: int
    end: int
    direct: bool
    cue: Token | None = None
    cue_text: str | None = None
    inherit: _Cand | None = None  # continuation of a multi-paragraph quote
    speaker: str | None = None
    description: str | None = None
    sp_start: int | None = None
    sp_end: int | None = None
    person: bool = False  # speaker is a named person (usable as a pronoun antecedent)
    needs_speaker: bool = False  # a stance/intention cue: kept only when its source is named


@dataclass
class _Ctx:
    """What the attribution of one document needs, computed once."""

    doc: Doc
    lex: _Lexicon
    ents: Sequence[Entity]
    marks: Sequence[_Mark]
    tok_quote: list[int]
    persons: list[tuple[int, int]]
    genders: dict[str, str | None]


def find_quotes(doc: Doc, entities: Iterable[Entity] = ()) -> list[Quote]:
    """Direct and reported quotes of ``doc`` in text order, each with speaker and cue when stated."""
    text = text_of(doc)
    if not text.strip():
        return []
    lex = _lexicon()
    ents = sorted(entities, key=lambda e: e.start)
    marks = [m for m in _direct_spans(text) if not _is_scare_quote(text, m)]
    tok_quote = _token_quote_index(doc, marks)

    cands: list[_Cand] = []
    prev_mark: _Mark | None = None
    prev_cand: _Cand | None = None
    embedded: dict[int, list[_Mark]] = {}  # cue token -> quoted fragments it governs
    for qi, m in enumerate(marks):
        cand = _Cand(m.start, m.end, True)
        turn = _TURN.match(text, m.start) if m.at_para_start else None
        if turn and turn.group(1) not in lex.labels and len(turn.group(1)) > 1 and turn.end() < m.end:
            # A quoted transcript: '"PENCE: Well, look, ..."' is PENCE's turn.
            cand.start, cand.cue_text = turn.end(), ":"
            cand.sp_start, cand.sp_end, cand.speaker = turn.start(1), turn.end(1), turn.group(1)
            prev_mark, prev_cand = m, cand
            cands.append(cand)
            continue
        cue = _cue_for_direct(doc, m, qi, tok_quote, lex)
        if _is_embedded(doc, text, m, lex):
            # A fragment quoted inside the writer's own sentence ('X called him a "liar"') is
            # part of that sentence's reported speech, not a quotation of its own.
            if cue is not None:
                embedded.setdefault(cue.i, []).append(m)
            continue
        if cue is not None:
            cand.cue = cue
        elif prev_mark is not None and prev_cand is not None and (
                prev_mark.para == m.para
                or (m.at_para_start and prev_mark.unclosed and prev_mark.para == m.para - 1)):
            # Newswire conventions: '"A," X said. "B."' continues X's words within a paragraph,
            # and a quote running over paragraphs leaves each but the last one unclosed.
            cand.inherit = prev_cand
        prev_mark, prev_cand = m, cand
        cands.append(cand)

    reported = _reported(doc, marks, tok_quote, lex)
    reported += _object_content(doc, tok_quote, lex, {c.cue.i for c in reported if c.cue is not None})
    clipped = (_clip_to_paragraph(text, c) for c in reported)
    cands.extend(c for c in clipped if c is not None and not _covered_by_quotes(text, c.start, c.end, marks))
    cands.extend(_transcript_turns(text, marks, lex))
    cands.extend(_embedding_clauses(doc, embedded, reported))
    persons = _person_mentions(doc, ents, marks)
    ctx = _Ctx(doc, lex, ents, marks, tok_quote, persons, _genders(doc, persons))
    cands.sort(key=lambda c: (c.start, c.end))

    done: list[_Cand] = []
    for c in cands:
        if c.speaker is not None:
            pass  # attributed when found (transcript turns)
        elif c.inherit is not None:
            src = c.inherit
            c.speaker, c.description, c.sp_start, c.sp_end, c.person = (
                src.speaker, src.description, src.sp_start, src.sp_end, src.person)
            c.cue_text = src.cue_text
        elif c.cue is not None:
            _attribute(ctx, c, done)
            if c.needs_speaker and c.speaker is None:
                continue
        done.append(c)

    return [
        Quote(text=text[c.start:c.end], start=c.start, end=c.end, direct=c.direct, speaker=c.speaker,
              speaker_description=c.description, cue=c.cue_text, speaker_start=c.sp_start,
              speaker_end=c.sp_end)
        for c in done
    ]


# --- direct quotes ---------------------------------------------------------------------------


def _direct_spans(text: str) -> list[_Mark]:
    """Content spans between quotation marks, paired within each paragraph."""
    out: list[_Mark] = []
    for pi, para in enumerate(_PARAGRAPH.finditer(text)):
        p_start, p_end = para.span()
        first = p_start + (len(para.group()) - len(para.group().lstrip()))
        open_at: int | None = None
        open_end = p_start
        for mk in _MARKS.finditer(text, p_start, p_end):
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


def _add_mark(out: list[_Mark], text: str, start: int, end: int, para: int, unclosed: bool,
              at_start: bool) -> None:
    # Trim whitespace and a splice comma ("We will win," he said) from the content.
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    if end > start and _LETTER.search(text, start, end):
        out.append(_Mark(start, end, para, unclosed, at_start))


def _is_scare_quote(text: str, m: _Mark) -> bool:
    """A short quoted term ('so-called "caliphate"') is a term, not speech."""
    if len(text[m.start:m.end].split()) > 3:
        return False
    # A short quote still reads as speech when it ends a sentence or a splice ("Never," he said).
    return text[m.end - 1] not in ".!?" and text[m.end:m.end + 1] != ","


def _token_quote_index(doc: Doc, marks: Sequence[_Mark]) -> list[int]:
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


def _is_cue(tok: Token, lex: _Lexicon) -> bool:
    if tok.pos_ == "VERB" and tok.lemma_.lower() in lex.verbs:
        return True
    return _phrase_at(tok, lex) is not None


def _phrase_at(tok: Token, lex: _Lexicon) -> str | None:
    for words in lex.phrases:
        if tok.lower_ == words[0] and tok.i + len(words) <= len(tok.doc):
            if all(tok.doc[tok.i + k].lower_ == w for k, w in enumerate(words)):
                return tok.doc[tok.i:tok.i + len(words)].text
    return None


def _cue_for_direct(doc: Doc, m: _Mark, qi: int, tok_quote: list[int], lex: _Lexicon) -> Token | None:
    """The reporting verb of a direct quote: via the parse first, then the adjacent frame."""
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    lo, hi = span.start, span.end
    para_lo, para_hi = _para_bounds(doc, m)

    def usable(t: Token, floor: int = para_lo) -> bool:
        return floor <= t.idx < para_hi and tok_quote[t.i] == -1 and _is_cue(t, lex)

    # 1. Syntax: heads of the quote's roots, a few hops up ("...", said X / X said: "...").
    for tok in span:
        if lo <= tok.head.i < hi:
            continue
        for child in tok.children:  # "...", according to X: attached to the quote's own verb
            if not lo <= child.i < hi and _phrase_at(child, lex) and usable(child):
                return child
        h = tok.head
        for _ in range(_MAX_HOPS):
            if lo <= h.i < hi or tok_quote[h.i] not in (-1, qi):
                break
            if usable(h):
                return h
            for child in h.children:
                if child.i not in range(lo, hi) and _phrase_at(child, lex) and usable(child):
                    return child
            if h.head.i == h.i:
                break
            h = h.head

    # 2. Frame after the closing mark: '"...," he said' / '"...", said X' / ', according to X'.
    k = hi
    while k < len(doc) and (tok_quote[k] == qi or doc[k].is_space and "\n" not in doc[k].text):
        k += 1
    if k < len(doc) and doc[k].text in _DASHES:
        j = k + 1
        while j < len(doc) and doc[j].is_space and "\n" not in doc[j].text:
            j += 1
        if j < len(doc) and doc[j].pos_ == "PROPN":
            return doc[k]  # '"..." -- Jane Roe': the signature convention of letters and vox pops
    k, n = hi, 0
    while k < len(doc) and n < _FRAME_AFTER and doc[k].idx < para_hi:
        t = doc[k]
        if tok_quote[t.i] not in (-1, qi):
            break
        if tok_quote[t.i] == -1:
            if usable(t):
                return t
            if t.text in _SENT_END:
                break
            n += 1
        k += 1

    # 3. Frame before the opening mark, when it ends in ':' or ',' ('X said: "..."').
    k = lo - 1
    while k >= 0 and (tok_quote[k] == qi or doc[k].is_space):
        k -= 1
    floor = para_lo
    if k >= 0 and doc[k].text == ":" and m.at_para_start and doc[k].idx < para_lo:
        # 'X continued:' closing one paragraph, the quotation opening the next.
        floor = text_of(doc).rfind("\n", 0, doc[k].idx) + 1
    colon = doc[k] if k >= 0 and doc[k].text == ":" else None
    if k >= 0 and doc[k].text in (":", ","):
        n = 0
        while k >= 0 and n < _FRAME_BEFORE and doc[k].idx >= floor and tok_quote[k] == -1:
            t = doc[k]
            if t.text in _SENT_END:
                break
            if usable(t, floor):
                return t
            k -= 1
            n += 1
    # 'Obama is rolling out a new message: "It's about me."' -- a clause whose subject is a named
    # person or organisation, closed by a colon, introduces that subject's words.
    if colon is not None and colon.idx >= floor:
        verb = colon.head if colon.head.pos_ in ("VERB", "AUX") else colon.sent.root
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if (verb.i < colon.i and tok_quote[verb.i] == -1 and subj is not None
                and subj.ent_type_ in ("PERSON", "ORG")):
            return verb
    return None


def _para_bounds(doc: Doc, m: _Mark) -> tuple[int, int]:
    text = text_of(doc)
    lo = text.rfind("\n", 0, m.start) + 1
    hi = text.find("\n", m.end)
    return lo, (len(text) if hi == -1 else hi)


def _clip_to_paragraph(text: str, c: _Cand) -> _Cand | None:
    """Reported content stays in its cue's paragraph (a parse run across a paragraph break
    otherwise hands one speaker the previous paragraph's words)."""
    if c.cue is None:
        return c
    lo = text.rfind("\n", 0, c.cue.idx) + 1
    hi = text.find("\n", c.cue.idx)
    hi = len(text) if hi == -1 else hi
    start, end = max(c.start, lo), min(c.end, hi)
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    if not _LETTER.search(text, start, end):
        return None
    c.start, c.end = start, end
    return c


def _is_embedded(doc: Doc, text: str, m: _Mark, lex: _Lexicon) -> bool:
    """A quotation that is only part of the writer's sentence: its opening mark follows words of
    that sentence which are not a speech frame ('X said:', 'X said,', 'X said "...'). Quotes that
    open a sentence or paragraph, or follow a colon, stand alone."""
    i = m.start - 1
    while i >= 0 and (text[i] in "\"'\u201c\u201e\u00ab" or text[i] in " \t"):
        i -= 1  # back over the opening mark
    if i < 0 or text[i] == "\n" or text[i] in ":\u2014":
        return False
    if text[i] in _SENT_END or text[i] in "\u201d\"'" and text[i - 1:i] in _SENT_END:
        return False  # a new sentence
    # The word before the mark (a comma allowed): a cue or its subject's frame ("said, ...").
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None:
        return False
    k = span.start - 1
    while k >= 0 and (doc[k].is_space or _MARKS.fullmatch(doc[k].text) or doc[k].text in "\u201c\u201e"):
        k -= 1
    if k >= 0 and doc[k].text == ",":
        k -= 1
    if k >= 0 and (_is_cue(doc[k], lex) or doc[k].lemma_.lower() in lex.verbs):
        return False
    return k >= 0


def _embedding_clauses(doc: Doc, embedded: dict[int, list[_Mark]], reported: Sequence[_Cand]) -> list[_Cand]:
    """One reported quote per cue that governs embedded quoted fragments: the cue's complement."""
    out: list[_Cand] = []
    for ci, frags in embedded.items():
        lo, hi = min(f.start for f in frags), max(f.end for f in frags)
        if any(r.cue is not None and r.cue.i == ci or r.start <= lo and hi <= r.end for r in reported):
            continue  # already the content of a reported clause
        cue = doc[ci]
        rights = [ch for ch in cue.rights if ch.dep_ not in ("punct", "prt", "cc", "conj", "npadvmod")]
        start, end = ci + 1, ci + 1
        if rights:
            start, end = rights[0].left_edge.i, max(ch.right_edge.i for ch in rights) + 1
            start, end = _trim(doc, start, end)
        c_start = min(lo, doc[start].idx) if end > start else lo
        c_end = max(hi, doc[end - 1].idx + len(doc[end - 1])) if end > start else hi
        out.append(_Cand(c_start, c_end, False, cue=cue))
    return out


# --- reported speech -------------------------------------------------------------------------


def _reported(doc: Doc, marks: Sequence[_Mark], tok_quote: list[int], lex: _Lexicon) -> list[_Cand]:
    """Content clauses of reporting verbs ("X said that ...", "..., X said", "according to X")."""
    out: list[_Cand] = []
    text = text_of(doc)
    for tok in doc:
        if tok_quote[tok.i] != -1:
            continue  # speech reported inside a quotation belongs to the quoted speaker
        phrase = _phrase_at(tok, lex)
        if phrase:
            span = _according_content(tok)
        elif tok.pos_ == "VERB" and tok.lemma_.lower() in lex.verbs:
            comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
            if comp is not None:
                span = (comp.left_edge.i, comp.right_edge.i + 1)
            elif tok.dep_ == "parataxis" and tok.head.pos_ in ("VERB", "AUX") and any(
                    c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
                # "The museum, Mr. Obama said, would make ...": the frame interrupts its content,
                # which is the clause it hangs off (written as one span, frame included).
                span = (tok.head.left_edge.i, tok.head.right_edge.i + 1)
            else:
                continue
        else:
            continue
        if span is None:
            continue
        start, end = _trim(doc, *span)
        if end - start < 3 or not any(doc[i].pos_ in ("VERB", "AUX") for i in range(start, end)):
            continue
        c_start, c_end = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
        if tok_quote[start] != -1 or _covered_by_quotes(text, c_start, c_end, marks):
            continue  # the frame of a direct quote, attributed there
        out.append(_Cand(c_start, c_end, False, cue=tok))
    return out


# Object verbs whose bare object is not the content: "called a meeting", "told reporters".
_NEEDS_COMPLEMENT = frozenset({"call", "tell", "ask"})
_OBJECT_DEPS = frozenset({"dobj", "xcomp", "ccomp", "oprd", "dative", "acomp"})


def _object_content(doc: Doc, tok_quote: list[int], lex: _Lexicon, taken: set[int]) -> list[_Cand]:
    """Stances and intentions: 'X criticized the plan', 'X wants to raise taxes', 'X called for a
    moratorium'. The content is the verb's object or complement (with an 'as ...' phrase), or the
    object of the cue's preposition; the candidate is kept only if its subject names a source."""
    out: list[_Cand] = []
    if not lex.object_verbs and not lex.prep_cues:
        return out
    prep_verbs = {v for v, _ in lex.prep_cues}
    for tok in doc:
        if tok.pos_ != "VERB" or tok.i in taken or tok_quote[tok.i] != -1:
            continue
        lemma = tok.lemma_.lower()
        if lemma not in lex.object_verbs and lemma not in prep_verbs:
            continue
        span: tuple[int, int] | None = None
        cue_end = tok.i + 1
        for ch in tok.rights:  # verb + preposition ("call for", "point to", "lash out at")
            words = ch.lower_
            if ch.dep_ == "prt":
                nxt = next((g for g in ch.doc[ch.i + 1:ch.i + 2] if g.dep_ == "prep" and g.head.i == tok.i), None)
                if nxt is not None:
                    words, ch = f"{ch.lower_} {nxt.lower_}", nxt
            if ch.dep_ == "prep" and (lemma, words) in lex.prep_cues:
                obj = [g for g in ch.children if g.dep_ in ("pobj", "pcomp")]
                if obj:
                    span = (obj[0].left_edge.i, max(g.right_edge.i for g in obj) + 1)
                    cue_end = ch.i + 1
                break
        if span is None and lemma in lex.object_verbs:
            parts = [ch for ch in tok.rights if ch.dep_ in _OBJECT_DEPS
                     or ch.dep_ == "prep" and ch.lower_ == "as"]
            if lemma in _NEEDS_COMPLEMENT and not any(ch.dep_ in ("oprd", "xcomp", "ccomp") for ch in parts):
                parts = []  # "called a meeting" is no attribution; "called it a mistake" is
            if parts:
                span = (parts[0].left_edge.i, max(ch.right_edge.i for ch in parts) + 1)
        if span is None:
            continue
        start, end = _trim(doc, *span)
        if end <= start:
            continue
        c_start, c_end = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
        cand = _Cand(c_start, c_end, False, cue=tok, needs_speaker=True)
        cand.cue_text = doc[tok.i:cue_end].text
        out.append(cand)
    return out


# "PENCE: Well, look, ..." -- a speaker label in capitals opening a paragraph of a transcript.
_TURN = re.compile(r"[ \t]*([A-Z][A-Z.'\u2019-]*(?: [A-Z][A-Z.'\u2019-]*){0,3}):[ \t]+(?=\S)")


def _transcript_turns(text: str, marks: Sequence[_Mark], lex: _Lexicon) -> list[_Cand]:
    """Interview transcripts: each 'NAME: words' paragraph is NAME's speech (cue ':')."""
    out: list[_Cand] = []
    for para in _PARAGRAPH.finditer(text):
        m = _TURN.match(para.group())
        if not m or m.group(1) in lex.labels or len(m.group(1)) < 2:
            continue
        start, end = para.start() + m.end(), para.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        if any(mk.start <= start + 1 and end - 1 <= mk.end for mk in marks) or not _LETTER.search(text, start, end):
            continue  # a quotation of its own: the direct-quote reading covers it
        c = _Cand(start, end, False, cue_text=":")
        c.sp_start, c.sp_end = para.start() + m.start(1), para.start() + m.end(1)
        c.speaker = m.group(1)
        out.append(c)
    return out


def _according_content(tok: Token) -> tuple[int, int] | None:
    """The clause an 'according to X' phrase attributes: its head's subtree minus the phrase."""
    head = tok.head
    if head.i == tok.i:
        return None
    # Climb to the clause: "500 people died, according to X" may hang off a noun.
    while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
        head = head.head
    lo, hi = head.left_edge.i, head.right_edge.i + 1
    a_lo, a_hi = tok.left_edge.i, tok.right_edge.i + 1
    before, after = (lo, a_lo), (a_hi, hi)
    return max(before, after, key=lambda s: s[1] - s[0])


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return start, end


def _covered_by_quotes(text: str, start: int, end: int, marks: Sequence[_Mark]) -> bool:
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
    return len(_LETTER.findall("".join(rest))) < 4


# --- speakers --------------------------------------------------------------------------------


def _attribute(ctx: _Ctx, c: _Cand, done: Sequence[_Cand]) -> None:
    doc, lex, ents, tok_quote = ctx.doc, ctx.lex, ctx.ents, ctx.tok_quote
    cue = c.cue
    assert cue is not None
    phrase = _phrase_at(cue, lex)
    c.cue_text = c.cue_text or phrase or _cue_words(cue)
    span: tuple[int, int] | None = None
    if cue.text in _DASHES:
        j = cue.i + 1
        while j < len(doc) and doc[j].is_space and "\n" not in doc[j].text:
            j += 1
        k = j
        while k < len(doc) and (doc[k].pos_ == "PROPN" or doc[k].text in ".-") and "\n" not in doc[k].text:
            k += 1
        span = _trim(doc, j, k)
        head = None
    else:
        head = _speaker_head(cue, phrase is not None, lex)
    if span is None and (head is None or tok_quote[head.i] != -1):
        # The parser often loses the subject of '"...," Tulsa police Chief X said': read the
        # words framed by the closing mark and the cue instead (direct quotes only).
        span = _surface_speaker(doc, cue, tok_quote) if c.direct and not phrase else None
        if span is None:
            return
        head = doc[span[1] - 1] if span[1] - span[0] == 1 else None
    if span is not None and span[1] <= span[0]:
        return
    if head is not None and head.lower_ in lex.pronouns:
        _resolve_pronoun(ctx, c, head, done)
        return
    if head is not None and (head.pos_ == "PRON" or head.lower_ in _NON_SPEAKERS):
        return  # "they said", "it was reported": the text does not name who
    if span is not None:
        lo, hi, desc = span[0], span[1], None
        head = doc[hi - 1]
    else:
        assert head is not None
        lo, hi, desc = _speaker_extent(head)
    lo, hi = _cover_entities(doc, lo, hi, ents)
    # A parse run across a paragraph break ("12:15 p.m.\n\nDonald Trump says ..."): keep the
    # part of the speaker in the cue's paragraph.
    while lo < hi - 1 and lo < cue.i and "\n" in text_of(doc)[doc[lo].idx:cue.idx]:
        lo += 1
    t_lo, t_hi = _trim(doc, lo, hi)
    if t_hi > t_lo:
        lo, hi = t_lo, t_hi
    if "\n" in text_of(doc)[doc[lo].idx:cue.idx]:
        return  # nothing of it in the cue's paragraph: the parse went astray
    c.sp_start, c.sp_end = doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])
    c.speaker = text_of(doc)[c.sp_start:c.sp_end]
    c.description = desc
    c.person = head.ent_type_ == "PERSON" or any(
        e.kind == "person" and e.start <= head.idx < e.end for e in ents)
    rel = _relative_subject(cue) if span is None and not phrase else None
    if rel is not None and not lo <= rel.i < hi:
        # "X, who said ...": the relative pronoun is the mention that attributes the quote, as a
        # pronoun is for "he said"; ``speaker`` names its antecedent.
        c.sp_start, c.sp_end = rel.idx, rel.idx + len(rel)


_NAME_POS = frozenset({"PROPN", "NOUN", "DET", "ADJ", "NUM"})


def _surface_speaker(doc: Doc, cue: Token, tok_quote: list[int]) -> tuple[int, int] | None:
    """Speaker tokens read off the surface between a closing mark and its cue:
    '"...," NP said' or '"...," said NP'. Anything else is left to the parse."""

    def after_quote(k: int) -> bool:  # token k follows a closing mark (and maybe a comma)
        while k >= 0 and tok_quote[k] == -1 and (doc[k].is_space or doc[k].text == ","):
            k -= 1
        return k >= 0 and (tok_quote[k] != -1 or _MARKS.fullmatch(doc[k].text) is not None)

    def nameish(t: Token) -> bool:
        return t.ent_type_ not in ("DATE", "TIME") and (t.pos_ in _NAME_POS or t.is_title
                                                         or t.text in ".-")

    k = cue.i - 1
    while k >= 0 and cue.i - k <= 8 and tok_quote[k] == -1 and nameish(doc[k]):
        k -= 1
    lo, hi = _trim(doc, k + 1, cue.i)
    if hi > lo and not after_quote(lo - 1):
        return None
    if hi == lo:
        if not after_quote(cue.i - 1):
            return None
        k = cue.i + 1
        while k < len(doc) and k - cue.i <= 8 and nameish(doc[k]):
            if doc[k].text == "." and k + 1 < len(doc) and not doc[k + 1].is_title:
                break
            k += 1
        lo, hi = _trim(doc, cue.i + 1, k)
    if hi > lo and any(doc[i].pos_ in ("PROPN", "NOUN", "PRON") for i in range(lo, hi)):
        return lo, hi
    return None


def _cue_words(cue: Token) -> str:
    # Keep a particle ("pointed out") with its verb.
    prt = [ch for ch in cue.children if ch.dep_ == "prt" and ch.i == cue.i + 1]
    return cue.doc[cue.i:cue.i + 2].text if prt else cue.text


def _speaker_head(cue: Token, is_phrase: bool, lex: _Lexicon) -> Token | None:
    if is_phrase:  # according to X
        to = next((ch for ch in cue.children if ch.lower_ == "to"), None)
        if to is None and cue.i + 1 < len(cue.doc) and cue.doc[cue.i + 1].lower_ == "to":
            to = cue.doc[cue.i + 1]
        if to is None:
            return None
        return next((ch for ch in to.children if ch.dep_ == "pobj"), None)
    verb = cue
    for _ in range(3):
        subj = next((ch for ch in verb.children if ch.dep_ == "nsubj"), None)
        if subj is None:
            agent = next((ch for ch in verb.children if ch.dep_ == "agent"), None)
            subj = next((ch for ch in agent.children if ch.dep_ == "pobj"), None) if agent else None
        if subj is not None:
            if subj.lower_ in _REL_PRONOUNS and verb.dep_ == "relcl":
                return verb.head  # "X, who said ..."
            return subj
        if verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
            return verb.head
        # "He smiled and said ...", "..., saying that ...": share the governing verb's subject.
        if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head.i != verb.i:
            verb = verb.head
            continue
        # "... began by saying that ...": through the preposition to the verb it modifies.
        if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in ("VERB", "AUX"):
            verb = verb.head.head
            continue
        break
    # 'Said X: "..."': the parser takes the fronted verb for part of the name.
    if cue.dep_ == "compound" and cue.head.i == cue.i + 1 and cue.head.pos_ == "PROPN":
        return cue.head
    # '"...", said Col. X' where the parser missed the inverted subject: a name right after.
    if cue.lemma_ != "tell":
        for ch in cue.rights:
            if ch.dep_ in ("dobj", "attr", "dep", "npadvmod", "appos") and ch.pos_ == "PROPN":
                return ch
    return None


def _relative_subject(cue: Token) -> Token | None:
    """The relative pronoun subject of a cue in a relative clause ('X, who said ...'), if any."""
    verb = cue
    for _ in range(3):
        subj = next((ch for ch in verb.children if ch.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None:
            return subj if subj.lower_ in _REL_PRONOUNS and verb.dep_ == "relcl" else None
        if verb.dep_ in ("conj", "xcomp") and verb.head.i != verb.i:
            verb = verb.head
            continue
        break
    return None


_DESC_DEPS = ("appos", "relcl")


def _speaker_extent(head: Token) -> tuple[int, int, str | None]:
    """Token span of the speaker's name/nominal, and its description (appositive or relative clause)."""
    doc = head.doc
    cut: set[int] = set()
    desc: Span | None = None
    for ch in head.children:
        if ch.dep_ in _DESC_DEPS or (ch.dep_ == "punct" and ch.i > head.i):
            cut.update(range(ch.left_edge.i, ch.right_edge.i + 1))
            if ch.dep_ in _DESC_DEPS and desc is None:
                lo, hi = _trim(doc, ch.left_edge.i, ch.right_edge.i + 1)
                desc = doc[lo:hi] if hi > lo else None
    lo = head.i
    while lo - 1 >= head.left_edge.i and lo - 1 not in cut:
        lo -= 1
    hi = head.i + 1
    while hi <= head.right_edge.i and hi not in cut:
        hi += 1
    lo, hi = _trim(doc, lo, hi)
    if hi <= lo:
        lo, hi = head.i, head.i + 1
    # Leading "The" is part of the name as written; keep it, consumers strip as they like.
    return lo, hi, (desc.text if desc is not None else None)


def _cover_entities(doc: Doc, lo: int, hi: int, ents: Sequence[Entity]) -> tuple[int, int]:
    """Widen a speaker span to whole actor mentions it cuts through (parse split a name)."""
    s, e = doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])
    for ent in ents:
        if ent.start < e and ent.end > s and ent.kind != "place":
            span = doc.char_span(min(s, ent.start), max(e, ent.end), alignment_mode="expand")
            if span is not None:
                return span.start, span.end
    return lo, hi


def _resolve_pronoun(ctx: _Ctx, c: _Cand, pron: Token, done: Sequence[_Cand]) -> None:
    """'he said' -> a clearly named person, else unknown.

    In order: the last named person who spoke within the previous two sentences (outside
    quotations) when no other person has been named since (the "X said ... . He added ..."
    chain); else the only person named in this and the previous sentence; else a person who is
    the subject of the previous sentence. ``speaker`` is the name as written and
    ``speaker_start/end`` mark the pronoun, the mention that attributes this quote.
    """
    doc = ctx.doc
    key = _person_key

    def named_between(lo: int, hi: int) -> dict[str, str]:
        found: dict[str, str] = {}
        for s, e in ctx.persons:
            if lo <= s < hi:
                text = text_of(doc)[s:e]
                if len(text) > len(found.get(key(text), "")):
                    found[key(text)] = text
        return found

    def resolve(name: str) -> None:
        c.speaker, c.person = name, True
        c.sp_start, c.sp_end = pron.idx, pron.idx + len(pron)

    near_lo = _window_start(doc, pron, ctx.marks, 1)
    far_lo = _window_start(doc, pron, ctx.marks, 2)
    genders = ctx.genders
    want = _PRONOUN_GENDER.get(pron.lower_)
    for d in reversed(done):
        if d.sp_start is None or d.sp_start >= pron.idx:
            continue
        if d.sp_start < far_lo:
            break
        if d.person and d.speaker and genders.get(key(d.speaker)) in (None, want):
            # Only a person the pronoun could refer to breaks the chain.
            others = {key(text_of(doc)[s:e]) for s, e in ctx.persons
                      if (d.sp_end or d.sp_start) <= s < pron.idx and _is_subject(doc, s, e)
                      and genders.get(key(text_of(doc)[s:e])) in (None, want)}
            if not others - {key(d.speaker)}:
                resolve(d.speaker)
                c.description = d.description
                return
            break
    names = named_between(near_lo, pron.idx)
    fits = {k: v for k, v in names.items() if genders.get(k) in (None, want)}
    if len(fits) == 1:
        resolve(next(iter(fits.values())))
        return
    # Salience: "Mr. Obama dismissed the criticism ... . '...,' he said." -- the subject of the
    # previous sentence, when the text confirms its gender agrees with the pronoun.
    prev = doc.char_span(near_lo, near_lo + 1, alignment_mode="expand")
    if prev is not None and len(prev) and fits:
        root = prev[0].sent.root
        subj = next((t for t in root.children if t.dep_ == "nsubj"), None)
        if subj is not None and key(subj.text) in fits and subj.idx < pron.idx \
                and want is not None and genders.get(key(subj.text)) == want:
            resolve(fits[key(subj.text)])
            return
    if fits:
        return  # persons of that gender named close by, none of them clearly the one
    # Nobody of the pronoun's gender named in this or the previous sentence: the nearest earlier
    # sentence (five more at most) naming a person of that gender, when it names only one
    # ("Schiff called on ... . That could include ... . '...,' he said."; "Lynch rose to ...
    # She occupies ... . '...,' she said.").
    lo = near_lo
    for n in range(2, _PRONOUN_REACH + 1):
        far = _window_start(doc, pron, ctx.marks, n)
        if far >= lo:
            break
        found = named_between(far, lo)
        fits = {k: v for k, v in found.items() if genders.get(k) in (None, want)}
        if len(fits) == 1:
            resolve(next(iter(fits.values())))
        if fits:
            return
        lo = far


_PRONOUN_REACH = 6  # sentences (outside quotations) a pronoun may look back for its antecedent
_PRONOUN_GENDER = {"he": "male", "she": "female"}


@lru_cache(maxsize=1)
def _gender_table() -> tuple[dict[str, str], dict[str, str]]:
    raw = json.loads(resources.files("eventwire").joinpath("data/quote_gender.json").read_text("utf-8"))
    names = {n.lower(): "male" for n in raw["male"]} | {n.lower(): "female" for n in raw["female"]}
    titles = {t.lower(): g for g, ts in raw["honorifics"].items() for t in ts}
    return names, titles


def _genders(doc: Doc, persons: Sequence[tuple[int, int]]) -> dict[str, str | None]:
    """Sex of each named person (by surname key), when a mention states it: an honorific
    ("Mrs. Clinton") or a common given name ("Hillary Clinton"). Conflicting evidence: unknown."""
    names, titles = _gender_table()
    text = text_of(doc)
    out: dict[str, str | None] = {}
    for s, e in persons:
        words = text[s:e].split()
        before = text[max(0, s - 6):s].split()
        evidence = None
        if before and before[-1].lower() in titles:
            evidence = titles[before[-1].lower()]
        elif words and words[0].lower() in titles:
            evidence = titles[words[0].lower()]
        elif len(words) > 1 and words[0].lower() in names:
            evidence = names[words[0].lower()]
        if evidence is None:
            continue
        k = _person_key(text[s:e])
        out[k] = evidence if out.get(k, evidence) == evidence else None
    # The text's own pronouns: a sentence naming one person and using only 'he' (or only 'she')
    # tells that person's gender, when nothing above did ("Ham said he ...").
    votes: dict[str, set[str]] = {}
    for sent in doc.sents:
        keys = {_person_key(text[a:b]) for a, b in persons if sent.start_char <= a < sent.end_char}
        if len(keys) != 1:
            continue
        seen = {_PRONOUN_GENDER.get(t.lower_) for t in sent if t.lower_ in ("he", "she")}
        if len(seen) == 1:
            votes.setdefault(next(iter(keys)), set()).update(seen)
    for k, gs in votes.items():
        if k not in out and len(gs) == 1:
            out[k] = next(iter(gs))
    return out


def _is_subject(doc: Doc, start: int, end: int) -> bool:
    """A person mention that is the subject of a clause: the one a later 'he' would pick up."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and span.root.dep_ in ("nsubj", "nsubjpass")


def _person_key(name: str) -> str:
    return name.split()[-1].lower().removesuffix("'s").removesuffix("’s")


def _person_mentions(doc: Doc, ents: Sequence[Entity], marks: Sequence[_Mark]) -> list[tuple[int, int]]:
    """Person names outside quotations: the actor stage's persons and spaCy's PERSON entities."""
    spans = {(e.start, e.end) for e in ents if e.kind == "person"}
    spans |= {(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"}
    return sorted((s, e) for s, e in spans if not any(m.start <= s < m.end for m in marks))


def _window_start(doc: Doc, pron: Token, marks: Sequence[_Mark], n: int) -> int:
    """Start of the n-th sentence before the pronoun's, not counting sentences inside quotations."""
    lo = pron.sent.start_char
    k = pron.sent.start
    while k > 0 and n > 0:
        prev = doc[k - 1].sent
        k = prev.start
        lo = prev.start_char
        if not any(m.start - 1 <= prev.start_char and prev.end_char <= m.end + 2 for m in marks):
            n -= 1
    return lo
