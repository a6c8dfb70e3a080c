"""Name keys: the case-, accent- and punctuation-insensitive form under which places are indexed and looked up."""

from __future__ import annotations

import re
import unicodedata

_APOS = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʻ": "'", "ʼ": "'", "‐": "-", "–": "-", "—": "-"})
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(name: str) -> str:
    """Case-, accent- and punctuation-insensitive key: "Al-Bāb" == "al Bab", "U.S." == "US".

    A leading "the" is dropped and "Saint"/"St." are unified, so news spellings meet GeoNames'.
    """
    s = unicodedata.normalize("NFKD", name.translate(_APOS))
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = s.replace("'", "").replace(".", "")  # "Shi'ite", "U.S." keep one token
    s = _NON_WORD.sub(" ", s).strip()
    if s.startswith("the "):
        s = s[4:]
    if s.startswith("saint "):
        s = "st " + s[6:]
    elif s.startswith("sainte "):
        s = "ste " + s[7:]
    return s


def is_latin(s: str) -> bool:
    return all(ord(c) < 0x250 or unicodedata.combining(c) for c in unicodedata.normalize("NFKD", s))
