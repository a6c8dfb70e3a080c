"""The factuality cues of the event stage (data/event_modality.json), read once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..reading.tables import load_table

NO_EVENT = ("failed", "prevented", "history")  # governor categories under which nothing happened
XCOMP_ONLY = frozenset({"go", "want", "hope", "wish", "ready", "poised"})  # "going to attack", not "went to the march"


@dataclass(frozen=True)
class Cues:
    neg_determiners: frozenset
    neg_pronouns: frozenset
    neg_adverbs: frozenset
    not_before: frozenset
    neg_preps: frozenset
    neg_prep_phrases: tuple[str, ...]
    governors: dict[str, str]  # lemma -> category (failed, planned, call, claimed, ...)
    prep_governor_preps: frozenset
    implied_agents: dict[str, frozenset]
    transparent_nouns: frozenset
    protection_preps: frozenset
    protection_words: frozenset
    occurrence_verbs: frozenset
    modal_aux: dict[str, str]
    conditional_marks: frozenset
    modifiers: dict[str, str]
    cumulative: tuple[str, ...]
    period_nouns: frozenset
    recent_periods: frozenset
    frequency: tuple[str, ...]
    statistic_words: tuple[str, ...]
    large_count: int
    count_words: frozenset
    ago_units: frozenset
    ago_words: frozenset
    habitual: frozenset
    denied_accounts: frozenset  # "denies these allegations": what others reported, denied by a party
    account_determiners: frozenset
    denial_window: int  # sentences back that the denied account may have been told in
    presupposing_preps: frozenset  # "following Wednesday's demonstrations": taken as given


def _invert(groups: dict[str, list[str]]) -> dict[str, str]:
    return {w.lower(): cat for cat, words in groups.items() for w in words}


@lru_cache(maxsize=1)
def get_cues() -> Cues:
    t = load_table("event_modality.json")
    neg, stats, hist = t["negation"], t["statistics"], t["history"]
    governors = _invert({k: v for k, v in t["governors"].items()})
    return Cues(
        neg_determiners=frozenset(neg["determiners"]),
        neg_pronouns=frozenset(neg["pronouns"]),
        neg_adverbs=frozenset(neg["adverbs"]),
        not_before=frozenset(neg["not_before"]),
        neg_preps=frozenset(neg["preps"]),
        neg_prep_phrases=tuple(neg["prep_phrases"]),
        governors=governors,
        prep_governor_preps=frozenset(t["prep_governor_preps"]),
        implied_agents={k: frozenset(v) for k, v in t["implied_agent_governors"].items()},
        transparent_nouns=frozenset(t["transparent_nouns"]),
        protection_preps=frozenset(t["protection"]["preps"]),
        protection_words=frozenset(t["protection"]["words"]),
        occurrence_verbs=frozenset(t["occurrence_verbs"]),
        modal_aux=_invert(t["modal_aux"]),
        conditional_marks=frozenset(t["conditional_marks"]),
        modifiers=_invert(t["modifiers"]),
        cumulative=tuple(stats["cumulative"]),
        period_nouns=frozenset(stats["period_nouns"]),
        recent_periods=frozenset(stats["recent_periods"]),
        frequency=tuple(stats["frequency"]),
        statistic_words=tuple(stats["words"]),
        large_count=int(stats["large_count"]),
        count_words=frozenset(stats["count_words"]),
        ago_units=frozenset(hist["ago_units"]),
        ago_words=frozenset(hist["ago_words"]),
        habitual=frozenset(t["habitual"]),
        denied_accounts=frozenset(t["denied_accounts"]["nouns"]),
        account_determiners=frozenset(t["denied_accounts"]["determiners"]),
        denial_window=int(t["denied_accounts"]["sentences_back"]),
        presupposing_preps=frozenset(t["presupposing_preps"]),
    )
