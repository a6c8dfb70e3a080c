"""Reported speech: content clauses of reporting verbs, "according to", stances and intentions, and
transcript turns."""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Doc, Token

from ..nlp import text_of
from .candidates import Candidate, trim
from .cues import Lexicon, phrase_at
from .marks import LETTER, PARAGRAPH, Mark, covered_by_quotes


def clip_to_paragraph(text: str, c: Candidate) -> Candidate | None:
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
    if not LETTER.search(text, start, end):
        return None
    c.start, c.end = start, end
    return c


def reported_clauses(doc: Doc, marks: Sequence[Mark], tok_quote: list[int], lex: Lexicon) -> list[Candidate]:
    """Content clauses of reporting verbs ("X said that ...", "..., X said", "according to X")."""
    out: list[Candidate] = []
    text = text_of(doc)
    for tok in doc:
        if tok_quote[tok.i] != -1:
            continue  # speech reported inside a quotation belongs to the quoted speaker
        phrase = phrase_at(tok, lex)
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
        start, end = trim(doc, *span)
        if end - start < 3 or not any(doc[i].pos_ in ("VERB", "AUX") for i in range(start, end)):
            continue
        c_start, c_end = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
        if tok_quote[start] != -1 or covered_by_quotes(text, c_start, c_end, marks):
            continue  # the frame of a direct quote, attributed there
        out.append(Candidate(c_start, c_end, False, cue=tok))
    return out


# Object verbs whose bare object is not the content: "called a meeting", "told reporters".
_NEEDS_COMPLEMENT = frozenset({"call", "tell", "ask"})
_OBJECT_DEPS = frozenset({"dobj", "xcomp", "ccomp", "oprd", "dative", "acomp"})


def object_content(doc: Doc, tok_quote: list[int], lex: Lexicon, taken: set[int]) -> list[Candidate]:
    """Stances and intentions: 'X criticized the plan', 'X wants to raise taxes', 'X called for a
    moratorium'. The content is the verb's object or complement (with an 'as ...' phrase), or the
    object of the cue's preposition; the candidate is kept only if its subject names a source."""
    out: list[Candidate] = []
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
        start, end = trim(doc, *span)
        if end <= start:
            continue
        c_start, c_end = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
        cand = Candidate(c_start, c_end, False, cue=tok, needs_speaker=True)
        cand.cue_text = doc[tok.i:cue_end].text
        out.append(cand)
    return out


# "PENCE: Well, look, ..." -- a speaker label in capitals opening a paragraph of a transcript.
TURN = re.compile(r"[ \t]*([A-Z][A-Z.'\u2019-]*(?: [A-Z][A-Z.'\u2019-]*){0,3}):[ \t]+(?=\S)")


def transcript_turns(text: str, marks: Sequence[Mark], lex: Lexicon) -> list[Candidate]:
    """Interview transcripts: each 'NAME: words' paragraph is NAME's speech (cue ':')."""
    out: list[Candidate] = []
    for para in PARAGRAPH.finditer(text):
        m = TURN.match(para.group())
        if not m or m.group(1) in lex.labels or len(m.group(1)) < 2:
            continue
        start, end = para.start() + m.end(), para.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        if any(mk.start <= start + 1 and end - 1 <= mk.end for mk in marks) or not LETTER.search(text, start, end):
            continue  # a quotation of its own: the direct-quote reading covers it
        c = Candidate(start, end, False, cue_text=":")
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
