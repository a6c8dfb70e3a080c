"""Skipping what may stand before a document's root tag: BOM, whitespace, comments, <?...?>, DOCTYPE.

A hand-written scanner rather than a regular expression: a starred group of alternatives
(``(?:\\s+|<!--.*?-->|...)*``) backtracks exponentially on a long run of whitespace or of
comments, and real pages have both. Each step here moves forward with ``bytes.find``, so
the cost is linear in the bytes looked at.
"""

from __future__ import annotations

import re

BOM = b"\xef\xbb\xbf"
_SPACE = re.compile(rb"\s*")  # one quantifier, nothing after it to fail: never backtracks
_DOCTYPE = b"<!doctype"


def _after_doctype(head: bytes, i: int) -> int | None:
    """End of ``<!DOCTYPE ...>`` starting at ``i``, with an optional ``[...]`` internal subset."""
    gt, bracket = head.find(b">", i), head.find(b"[", i)
    if gt >= 0 and (bracket < 0 or gt < bracket):
        return gt + 1
    if bracket < 0:
        return None
    # The subset ends at a "]" followed by optional whitespace and ">".
    close = head.find(b"]", bracket + 1)
    while close >= 0:
        j = _SPACE.match(head, close + 1).end()
        if head[j:j + 1] == b">":
            return j + 1
        close = head.find(b"]", close + 1)
    return None


def skip_prolog(head: bytes, declarations: bool = True) -> int | None:
    """Offset of the first thing in ``head`` that is not prolog, or None when a comment,
    instruction or DOCTYPE is left open.

    The prolog is a UTF-8 BOM, whitespace and ``<!-- -->`` comments; with ``declarations``
    also ``<?...?>`` processing instructions (the XML declaration, stylesheets) and a DOCTYPE.
    """
    i = len(BOM) if head.startswith(BOM) else 0
    n = len(head)
    while i < n:
        i = _SPACE.match(head, i).end()
        if head.startswith(b"<!--", i):
            end = head.find(b"-->", i + 4)
            if end < 0:
                return None
            i = end + 3
        elif declarations and head.startswith(b"<?", i):
            end = head.find(b">", i + 2)
            # "<?" ... "?>" with no ">" in between (the first ">" must close it).
            if end < i + 3 or head[end - 1:end] != b"?":
                return None
            i = end + 1
        elif declarations and head[i:i + len(_DOCTYPE)].lower() == _DOCTYPE:
            end = _after_doctype(head, i + len(_DOCTYPE))
            if end is None:
                return None
            i = end
        else:
            break
    return i
