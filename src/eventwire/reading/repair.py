"""Repairing spacing artefacts of page captures ('USA -backed' -> 'USA-backed')."""

from __future__ import annotations

import re
from functools import lru_cache

from .tables import load_table


@lru_cache(maxsize=1)
def _repairs() -> list[tuple[re.Pattern, str]]:
    return [(re.compile(pat), rep) for pat, rep, _why in load_table("text_repairs.json")["repairs"]]


def repair_spacing(text: str) -> str:
    for pat, rep in _repairs():
        text = pat.sub(rep, text)
    return text
