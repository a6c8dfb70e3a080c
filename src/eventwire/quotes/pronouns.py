"""'he said': the person a pronoun refers to, when the text makes it clear (gender, recency, salience)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc, Token

from ..models import Entity
from ..nlp import text_of
from .candidates import Candidate, Context
from .marks import Mark


def resolve_pronoun(ctx: Context, c: Candidate, pron: Token, done: Sequence[Candidate]) -> None:
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


def person_genders(doc: Doc, persons: Sequence[tuple[int, int]]) -> dict[str, str | None]:
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


def person_mentions(doc: Doc, ents: Sequence[Entity], marks: Sequence[Mark]) -> list[tuple[int, int]]:
    """Person names outside quotations: the actor stage's persons and spaCy's PERSON entities."""
    spans = {(e.start, e.end) for e in ents if e.kind == "person"}
    spans |= {(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"}
    return sorted((s, e) for s, e in spans if not any(m.start <= s < m.end for m in marks))


def _window_start(doc: Doc, pron: Token, marks: Sequence[Mark], n: int) -> int:
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
