"""The event lexicon (data/event_lexicon.json): trigger phrases and the word lists the stage reads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..reading.tables import load_table


@dataclass
class Rule:
    phrase: str
    type: str
    sub: str
    needs: str | None
    rank: int



@dataclass
class Lexicon:
    phrases: dict[tuple[str, ...], Rule]
    max_len: int
    place_nouns: frozenset
    victim_nouns: frozenset
    enemy_nouns: frozenset
    cue_modality: dict[str, str]
    protest_signals: tuple[str, ...]
    fatality_re: list[re.Pattern]
    number_words: dict[str, int]
    attack_context: frozenset
    non_event_heads: frozenset
    claim_phrases: tuple[str, ...]
    military_targets: frozenset



@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    t = load_table("event_lexicon.json")
    phrases: dict[tuple[str, ...], Rule] = {}
    for row in t["triggers"]:
        for lemma in row["lemmas"]:
            key = tuple(lemma.lower().split())
            phrases[key] = Rule(lemma, row["type"], row["sub"], row.get("needs"), row["rank"])
    cue = {w: mod for mod, words in t["modality_cues"].items() for w in words}
    nums = t["number_words"]
    num = r"(\d[\d,]*|" + "|".join(sorted(map(re.escape, nums), key=len, reverse=True)) + r")"
    nouns = "|".join(t["fatality_nouns"])
    # No two optional runs of spaces in a row ("\s+(?:at least)?\s*"), and runs possessive where
    # nothing after them starts with a space: they backtracked quadratically on a long run of spaces.
    qual = r"(?:(?:at least|more than|over|some|about|nearly|around|up to|as many as)\s*+)?"
    fatality_re = [
        re.compile(r"\b" + qual + num + r"\s++(?:[\w-]+\s++){0,3}?(?:(?:were|have been|had been|was|are)\s*+)?"
                   r"(?:killed|dead|died|slain|lost their lives)\b", re.I),
        re.compile(r"\b(?:killed|killing|kills|kill)\s++" + qual + num + r"\b(?:\s+(?:" + nouns + r"))?", re.I),
        re.compile(r"\bdeath toll\s+(?:\w+\s+){0,3}?(?:to|at|of)\s+" + qual + num, re.I),
        re.compile(r"\b(?:martyrdom|deaths?|killing)\s+of\s+" + qual + num, re.I),
        re.compile(r"\b" + qual + num + r"\s+(?:martyrs|dead|fatalities|deaths)\b", re.I),
    ]
    return Lexicon(
        phrases, max(len(k) for k in phrases), frozenset(t["place_nouns"]), frozenset(t["victim_nouns"]),
        frozenset(t["generic_enemy_nouns"]), cue, tuple(t["protest_signals"]), fatality_re, nums,
        frozenset(t["attack_context"]), frozenset(t["non_event_heads"]), tuple(t["claim_phrases"]),
        frozenset(t["military_targets"]),
    )
