"""The speech-cue lexicon (data/speech_cues.json) and whether a token is a cue."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.tokens import Token


@dataclass(frozen=True)
class Lexicon:
    verbs: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]
    pronouns: frozenset[str]
    object_verbs: frozenset[str] = frozenset()
    prep_cues: frozenset[tuple[str, str]] = frozenset()  # (verb lemma, preposition)
    labels: frozenset[str] = frozenset()  # upper-case paragraph labels that are not speakers


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    raw = json.loads(resources.files("eventwire").joinpath("data/speech_cues.json").read_text("utf-8"))
    verbs = {v.lower() for v in raw["verbs"]} | {v.lower() for v in raw.get("belief_verbs", ())}
    phrases = tuple(tuple(p.lower().split()) for p in raw.get("phrases", ()))
    preps = set()
    for cue in raw.get("prep_cues", ()):
        words = cue.lower().split()
        preps.add((words[0], " ".join(words[1:])))
    return Lexicon(frozenset(verbs), phrases, frozenset(p.lower() for p in raw.get("pronouns", ())),
                    frozenset(v.lower() for v in raw.get("object_verbs", ())), frozenset(preps),
                    frozenset(raw.get("transcript_non_speakers", ())))


def is_cue(tok: Token, lex: Lexicon) -> bool:
    if tok.pos_ == "VERB" and tok.lemma_.lower() in lex.verbs:
        return True
    return phrase_at(tok, lex) is not None


def phrase_at(tok: Token, lex: Lexicon) -> str | None:
    for words in lex.phrases:
        if tok.lower_ == words[0] and tok.i + len(words) <= len(tok.doc):
            if all(tok.doc[tok.i + k].lower_ == w for k, w in enumerate(words)):
                return tok.doc[tok.i:tok.i + len(words)].text
    return None
