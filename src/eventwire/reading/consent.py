"""Cookie and consent banners ("This website uses cookies", "Accept all cookies") in page text.

Banners sit in plain-text captures and sometimes in HTML bodies; their sentences read like
prose, so they are dropped before anything looks for the story. The phrases are in the
``consent`` table of data/boilerplate.json.
"""

from __future__ import annotations

import re
from functools import cache

from .tables import load_table

_MAX_LINE = 600  # characters: a banner paragraph is short; a story that mentions cookies is not cut


@cache
def _table() -> tuple[tuple[str, ...], frozenset[str]]:
    t = load_table("boilerplate.json")["consent"]
    return tuple(p.lower() for p in t["line_prefixes"]), frozenset(b.lower() for b in t["buttons"])


def _norm(line: str) -> str:
    return " ".join(line.split()).lower().lstrip("•·*-–— ")


def is_consent(line: str) -> bool:
    """A line (or paragraph) of a cookie or consent banner."""
    s = _norm(line)
    return bool(s) and len(s) < _MAX_LINE and s.startswith(_table()[0])


def drop_consent(lines: list[str]) -> list[str]:
    """``lines`` without banner lines and the buttons beside them ("Accept all", "Reject")."""
    banner = [is_consent(ln) for ln in lines]
    if not any(banner):
        return lines
    buttons = _table()[1]
    button = [re.sub(r"[\s|/·•]+", " ", _norm(ln)).strip(" .:") in buttons for ln in lines]
    # A row of buttons belongs to the banner it touches, however long: one pass each way.
    for order in (range(len(lines)), range(len(lines) - 1, -1, -1)):
        for i in order:
            if button[i] and not banner[i] and _near(lines, banner, i):
                banner[i] = True
    return [ln for ln, gone in zip(lines, banner, strict=True) if not gone]


def _near(lines: list[str], banner: list[bool], i: int, reach: int = 2, span: int = 6) -> bool:
    """A banner line within ``reach`` non-empty lines (and ``span`` lines) of line i."""
    for step in (-1, 1):
        seen = 0
        for j in range(i + step, i + step * (span + 1), step):
            if not 0 <= j < len(lines) or seen >= reach:
                break
            if banner[j]:
                return True
            seen += bool(lines[j].strip())
    return False
