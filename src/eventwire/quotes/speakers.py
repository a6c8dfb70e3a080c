"""Who spoke: the cue's subject (or the name framed by the quote), its extent and description."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Span, Token

from ..models import Entity
from ..nlp import text_of
from .candidates import Candidate, Context, trim
from .cues import Lexicon, phrase_at
from .marks import DASHES, MARKS
from .pronouns import resolve_pronoun

_REL_PRONOUNS = frozenset({"who", "which", "that", "whom"})
# Subjects that never name a source: expletives, demonstratives, wh-words.
_NON_SPEAKERS = frozenset({"it", "this", "that", "there", "what", "which", "who", "these", "those"})


def attribute(ctx: Context, c: Candidate, done: Sequence[Candidate]) -> None:
    doc, lex, ents, tok_quote = ctx.doc, ctx.lex, ctx.ents, ctx.tok_quote
    cue = c.cue
    assert cue is not None
    phrase = phrase_at(cue, lex)
    c.cue_text = c.cue_text or phrase or _cue_words(cue)
    span: tuple[int, int] | None = None
    if cue.text in DASHES:
        j = cue.i + 1
        while j < len(doc) and doc[j].is_space and "\n" not in doc[j].text:
            j += 1
        k = j
        while k < len(doc) and (doc[k].pos_ == "PROPN" or doc[k].text in ".-") and "\n" not in doc[k].text:
            k += 1
        span = trim(doc, j, k)
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
        resolve_pronoun(ctx, c, head, done)
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
    t_lo, t_hi = trim(doc, lo, hi)
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
        return k >= 0 and (tok_quote[k] != -1 or MARKS.fullmatch(doc[k].text) is not None)

    def nameish(t: Token) -> bool:
        return t.ent_type_ not in ("DATE", "TIME") and (t.pos_ in _NAME_POS or t.is_title
                                                         or t.text in ".-")

    k = cue.i - 1
    while k >= 0 and cue.i - k <= 8 and tok_quote[k] == -1 and nameish(doc[k]):
        k -= 1
    lo, hi = trim(doc, k + 1, cue.i)
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
        lo, hi = trim(doc, cue.i + 1, k)
    if hi > lo and any(doc[i].pos_ in ("PROPN", "NOUN", "PRON") for i in range(lo, hi)):
        return lo, hi
    return None


def _cue_words(cue: Token) -> str:
    # Keep a particle ("pointed out") with its verb.
    prt = [ch for ch in cue.children if ch.dep_ == "prt" and ch.i == cue.i + 1]
    return cue.doc[cue.i:cue.i + 2].text if prt else cue.text


def _speaker_head(cue: Token, is_phrase: bool, lex: Lexicon) -> Token | None:
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
                lo, hi = trim(doc, ch.left_edge.i, ch.right_edge.i + 1)
                desc = doc[lo:hi] if hi > lo else None
    lo = head.i
    while lo - 1 >= head.left_edge.i and lo - 1 not in cut:
        lo -= 1
    hi = head.i + 1
    while hi <= head.right_edge.i and hi not in cut:
        hi += 1
    lo, hi = trim(doc, lo, hi)
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
