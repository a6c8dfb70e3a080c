"""Repairing artefacts of page captures: spacing ('USA -backed' -> 'USA-backed') and mojibake
(UTF-8 read as Windows-1252 and saved again: 'governmentâ€™s' -> 'government’s')."""

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


def _cp1252_bytes() -> dict[str, int]:
    """Each character a Windows-1252 reading gives to a byte 0x80-0xFF (its five undefined bytes read
    as the C1 control of the same number, as lenient decoders do)."""
    out = {}
    for b in range(0x80, 0x100):
        try:
            out[bytes([b]).decode("cp1252")] = b
        except UnicodeDecodeError:
            out[chr(b)] = b
    return out


_BYTE_OF = _cp1252_bytes()
_CONT = "".join(re.escape(c) for c, b in _BYTE_OF.items() if b < 0xC0) + "\ufffd"
_LEAD2 = "".join(re.escape(c) for c, b in _BYTE_OF.items() if 0xC2 <= b <= 0xDF)
_LEAD3 = "".join(re.escape(c) for c, b in _BYTE_OF.items() if 0xE0 <= b <= 0xEF)
_LEAD4 = "".join(re.escape(c) for c, b in _BYTE_OF.items() if 0xF0 <= b <= 0xF4)
# After a capital, only "Â"/"Ã" start a two-byte sequence (Latin-1 letters, by far the most met):
# "CAFÉ—" is a word and a dash, not "CAFɗ", while "ZÃ¼rich" is "Zürich".
_MOJIBAKE = re.compile(f"(?:[ÂÃ]|(?<![A-Z])[{_LEAD2}])[{_CONT}]|[{_LEAD3}][{_CONT}]{{2}}|[{_LEAD4}][{_CONT}]{{3}}")
# A no-break space (C2 A0) read as "Â" + no-break space, the latter since flattened to a space.
_NBSP = re.compile("(?<![A-Z])\u00c2(?= )")
# Bytes a second decoding step lost (U+FFFD): 0x9D, the last byte of "”" (E2 80 9D), is the one met in news.
_LOST_BYTE = 0x9D


def _decode(m: re.Match) -> str:
    raw = bytes(_LOST_BYTE if c == "\ufffd" else _BYTE_OF[c] for c in m.group(0))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return m.group(0)


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded as Windows-1252 ("â€™" -> "’", "Ã©" -> "é", "Â " -> " ").

    Only whole, valid UTF-8 sequences are decoded, so ordinary accented text stays as it is.
    """
    if not _MOJIBAKE.search(text) and "\u00c2 " not in text:
        return text
    return _NBSP.sub("", _MOJIBAKE.sub(_decode, text))
