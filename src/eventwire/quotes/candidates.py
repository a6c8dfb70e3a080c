"""A quote before it becomes a record, and what attributing one document's quotes needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ..models import Entity
from .cues import Lexicon
from .marks import Mark


@dataclass
class Candidate:
    start: int
    end: int
    direct: bool
    cue: Token | None = None
    cue_text: str | None = None
    inherit: Candidate | None = None  # continuation of a multi-paragraph quote
    speaker: str | None = None
    description: str | None = None
    sp_start: int | None = None
    sp_end: int | None = None
    person: bool = False  # speaker is a named person (usable as a pronoun antecedent)
    needs_speaker: bool = False  # a stance/intention cue: kept only when its source is named


@dataclass
class Context:
    """What the attribution of one document needs, computed once."""

    doc: Doc
    lex: Lexicon
    ents: Sequence[Entity]
    marks: Sequence[Mark]
    tok_quote: list[int]
    persons: list[tuple[int, int]]
    genders: dict[str, str | None]


def trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return start, end
