"""Direct quotes: the reporting verb of each, and quoted fragments embedded in the writer's own sentence."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Token

from ..nlp import text_of
from .candidates import Candidate, trim
from .cues import Lexicon, is_cue, phrase_at
from .marks import DASHES, MARKS, SENT_END, Mark, para_bounds

# Walk at most this many heads up from a quote to its reporting verb.
_MAX_HOPS = 3
_FRAME_AFTER = 8  # tokens after a closing mark that may hold "he said" / "said X"
_FRAME_BEFORE = 14  # tokens before an opening mark that may hold "X said:"


def cue_for_direct(doc: Doc, m: Mark, qi: int, tok_quote: list[int], lex: Lexicon) -> Token | None:
    """The reporting verb of a direct quote: via the parse first, then the adjacent frame."""
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    lo, hi = span.start, span.end
    para_lo, para_hi = para_bounds(doc, m)

    def usable(t: Token, floor: int = para_lo) -> bool:
        return floor <= t.idx < para_hi and tok_quote[t.i] == -1 and is_cue(t, lex)

    # 1. Syntax: heads of the quote's roots, a few hops up ("...", said X / X said: "...").
    for tok in span:
        if lo <= tok.head.i < hi:
            continue
        for child in tok.children:  # "...", according to X: attached to the quote's own verb
            if not lo <= child.i < hi and phrase_at(child, lex) and usable(child):
                return child
        h = tok.head
        for _ in range(_MAX_HOPS):
            if lo <= h.i < hi or tok_quote[h.i] not in (-1, qi):
                break
            if usable(h):
                return h
            for child in h.children:
                if child.i not in range(lo, hi) and phrase_at(child, lex) and usable(child):
                    return child
            if h.head.i == h.i:
                break
            h = h.head

    # 2. Frame after the closing mark: '"...," he said' / '"...", said X' / ', according to X'.
    k = hi
    while k < len(doc) and (tok_quote[k] == qi or doc[k].is_space and "\n" not in doc[k].text):
        k += 1
    if k < len(doc) and doc[k].text in DASHES:
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
            if t.text in SENT_END:
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
            if t.text in SENT_END:
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


def is_embedded(doc: Doc, text: str, m: Mark, lex: Lexicon) -> bool:
    """A quotation that is only part of the writer's sentence: its opening mark follows words of
    that sentence which are not a speech frame ('X said:', 'X said,', 'X said "...'). Quotes that
    open a sentence or paragraph, or follow a colon, stand alone."""
    i = m.start - 1
    while i >= 0 and (text[i] in "\"'\u201c\u201e\u00ab" or text[i] in " \t"):
        i -= 1  # back over the opening mark
    if i < 0 or text[i] == "\n" or text[i] in ":\u2014":
        return False
    if text[i] in SENT_END or text[i] in "\u201d\"'" and text[i - 1:i] in SENT_END:
        return False  # a new sentence
    # The word before the mark (a comma allowed): a cue or its subject's frame ("said, ...").
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None:
        return False
    k = span.start - 1
    while k >= 0 and (doc[k].is_space or MARKS.fullmatch(doc[k].text) or doc[k].text in "\u201c\u201e"):
        k -= 1
    if k >= 0 and doc[k].text == ",":
        k -= 1
    if k >= 0 and (is_cue(doc[k], lex) or doc[k].lemma_.lower() in lex.verbs):
        return False
    return k >= 0


def embedding_clauses(doc: Doc, embedded: dict[int, list[Mark]], reported: Sequence[Candidate]) -> list[Candidate]:
    """One reported quote per cue that governs embedded quoted fragments: the cue's complement."""
    out: list[Candidate] = []
    for ci, frags in embedded.items():
        lo, hi = min(f.start for f in frags), max(f.end for f in frags)
        if any(r.cue is not None and r.cue.i == ci or r.start <= lo and hi <= r.end for r in reported):
            continue  # already the content of a reported clause
        cue = doc[ci]
        rights = [ch for ch in cue.rights if ch.dep_ not in ("punct", "prt", "cc", "conj", "npadvmod")]
        start, end = ci + 1, ci + 1
        if rights:
            start, end = rights[0].left_edge.i, max(ch.right_edge.i for ch in rights) + 1
            start, end = trim(doc, start, end)
        c_start = min(lo, doc[start].idx) if end > start else lo
        c_end = max(hi, doc[end - 1].idx + len(doc[end - 1])) if end > start else hi
        out.append(Candidate(c_start, c_end, False, cue=cue))
    return out
