"""Bytes -> text: gzip, binary detection, encodings. Raises InputError with one clear line."""

from __future__ import annotations

import logging
import re
import zlib

from ..errors import InputError

log = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"


def gunzip(data: bytes, limit: int) -> bytes:
    """Decompress gzip data, refusing more than ``limit`` bytes (a gzip bomb is bad input too)."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, limit + 1)
    except zlib.error as exc:
        raise InputError(f"corrupt gzip data ({exc})") from None
    if len(out) > limit:
        raise InputError(f"decompressed size exceeds the {limit // 1_000_000} MB limit")
    if not d.eof and not out:
        raise InputError("corrupt or truncated gzip data: nothing could be recovered")
    if not d.eof:
        # A cut-off gzip stream still yields its prefix; say so rather than fail.
        log.warning("gzip stream is truncated; using the %d bytes recovered", len(out))
    return out


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB mean it is not text."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    if not head:
        return False
    ctrl = sum(1 for b in head if b < 9 or 13 < b < 32)
    return ctrl / len(head) > 0.05


# One pattern "<meta[^>]+charset\s*=\s*[\"']?\s*(...)" said the same, but backtracked cubically on
# "charset=" before a run of spaces, and quadratically on a run of "<meta": the tag is found
# first, then its last "charset" that has a value (what the greedy [^>]+ picked).
_META = re.compile(rb"<meta", re.I)
_CHARSET_WORD = re.compile(rb"charset", re.I)
_CHARSET_VALUE = re.compile(rb"charset\s*=\s*(?:[\"']\s*)?([A-Za-z0-9_.:-]+)", re.I)


_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "iso-8859-1": "cp1252", "latin1": "cp1252",
              "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "iso-8859-9": "cp1254",
              "tis-620": "cp874", "ks_c_5601-1987": "cp949", "euc-kr": "cp949", "shift_jis": "cp932"}


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares for itself in its first 4 KB, if any."""
    head = data[:4096]
    seen = 0  # end of the last tag looked at: a "<meta" inside it has no charset of its own
    for meta in _META.finditer(head):
        if meta.start() < seen:
            continue
        end = head.find(b">", meta.end())
        seen = end = len(head) if end < 0 else end
        words = [w.start() for w in _CHARSET_WORD.finditer(head, meta.end() + 1, end)]
        for pos in reversed(words):
            m = _CHARSET_VALUE.match(head, pos, end)
            if m:
                return m.group(1).decode("ascii", "ignore")
    return None


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes to str; returns (text, encoding used).

    UTF-8 first (with or without BOM), then a declared charset, then detection.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Browsers read these labels as their supersets (WHATWG Encoding Standard); so do we.
    declared = _SUPERSETS.get((declared or "").lower(), declared)
    for enc in filter(None, [declared]):
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        log.warning("input is not valid UTF-8; decoded as %s", best.encoding)
        return str(best), best.encoding
    log.warning("input is not valid UTF-8 and its encoding is unknown; undecodable bytes replaced")
    return data.decode("utf-8", errors="replace"), "utf-8"


def maybe_gunzip(data: bytes, limit: int) -> bytes:
    return gunzip(data, limit) if data[:2] == GZIP_MAGIC else data


__all__ = ["decode_text", "gunzip", "looks_binary", "maybe_gunzip"]
