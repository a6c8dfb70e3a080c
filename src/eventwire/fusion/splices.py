"""Spliced pages: a sentence repeated from an earlier report makes the page's report a copy of it.

Content farms stitch sentences from several reports into a page of their own, under a new date,
so relative dates ("on Monday") resolve to another day and the page's report would look like
another event, or like another independent source of the same one. A report whose sentence
repeats (word 3-gram Jaccard >= ``splice_min_jaccard``) an earlier report's sentence from another
article is that report's copy: its unit takes the original's day, place, types and actors, joins
the original's event, and is not counted as an independent source.

Candidates come from a sketch of each sentence kept in the ``evidence_keys`` table: every pair of
the k smallest hashes of its 3-grams. Near-identical sentences share several of their smallest
3-grams, so they share a pair; two unrelated sentences may share a common 3-gram ("were killed
in") but rarely two of their smallest, so buckets stay small however large the store grows (one
3-gram as a key made buckets of every sentence with a common phrase: quadratic).
"""

from __future__ import annotations

import re
import zlib

from .compare import jaccard
from .settings import FusionSettings
from .units import Unit

_TOKEN = re.compile(r"\w+")
SKETCH = 4  # smallest 3-gram hashes kept per sentence; their 6 pairs are its keys


def shingles(text: str, n: int = 3) -> frozenset[str]:
    w = _TOKEN.findall(text.lower())
    if len(w) < n:
        return frozenset([" ".join(w)]) if w else frozenset()
    return frozenset(" ".join(w[i:i + n]) for i in range(len(w) - n + 1))


def sketch_of(sh: frozenset[str]) -> list[int]:
    """A sentence's keys from its 3-grams: each pair of its k smallest CRC-32 hashes as one 64-bit
    number (stable across processes, unlike Python's hash). Sentences under 8 words have none:
    too short to tell a repeated sentence from a common phrase."""
    if len(sh) < 6:
        return []
    low = sorted({zlib.crc32(s.encode("utf-8")) for s in sh})[:SKETCH]
    # Signed, as the database's BIGINT holds it.
    return sorted(((a << 31) ^ b) - (1 << 62) for i, a in enumerate(low) for b in low[i + 1:])


def sketch(text: str) -> list[int]:
    return sketch_of(shingles(text))


def sentence_sketch(r) -> tuple[frozenset[str], list[int]]:
    """A report's 3-grams and keys, computed once per report object."""
    got = getattr(r, "_splice", None)
    if got is None:
        sh = shingles(r.evidence)
        got = r._splice = (sh, sketch_of(sh))
    return got


def report_keys(r) -> list[int]:
    return sentence_sketch(r)[1]


def repeats(a: frozenset[str], b: frozenset[str], settings: FusionSettings) -> bool:
    """Are two sentences (their 3-grams) one sentence repeated, lightly edited at most?"""
    return bool(a and b) and jaccard(a, b) >= settings.splice_min_jaccard


def _order(u: Unit) -> tuple:
    pub = u.lead.published
    return (pub.isoformat() if pub else "9999", u.article_id, u.id)


def link_splices(units: list[Unit], settings: FusionSettings,
                 memo: dict[tuple[str, str], bool] | None = None) -> dict[str, str]:
    """Unit id -> the earlier unit (another article) one of whose sentences it repeats.

    The original is the earliest matching report (by publication date, then article id), whatever
    the order of ingest; a copy of a copy points at the first original. A copied unit takes the
    original's facts (see the module docstring); units are changed in place (``copy_of``).
    ``memo`` keeps sentence comparisons across calls over growing sets of units.
    """
    memo = {} if memo is None else memo
    by_key: dict[int, list[tuple[Unit, str, frozenset[str]]]] = {}
    ranked = sorted(units, key=_order)
    by_id = {u.id: u for u in units}
    rank = {u.id: i for i, u in enumerate(ranked)}
    links: dict[str, str] = {}
    for u in ranked:
        mine = [(r.id, *sentence_sketch(r)) for r in u.reports]
        source: Unit | None = None
        for rid, sh, keys in mine:
            for k in keys:
                for v, vid, vsh in by_key.get(k, ()):
                    if v.article_id == u.article_id or (source is not None and rank[v.id] >= rank[source.id]):
                        continue
                    pair = (rid, vid)
                    same = memo.get(pair)
                    if same is None:
                        same = memo[pair] = repeats(sh, vsh, settings)
                    if same:
                        source = v
        if source is not None:
            while source.id in links:  # a copy of a copy: the first original
                source = by_id[links[source.id]]
            links[u.id] = source.id
            _adopt(u, source)
        for rid, sh, keys in mine:
            for k in keys:
                by_key.setdefault(k, []).append((u, rid, sh))
    return links


def _adopt(u: Unit, original: Unit) -> None:
    u.day, u.place, u.cell, u.fusable = original.day, original.place, original.cell, original.fusable
    u.families, u.types, u.sub_types = original.families, original.types, original.sub_types
    u.actors, u.victims = original.actors | u.actors, original.victims or u.victims
    u.copy_of = original.id
