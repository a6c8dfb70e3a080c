"""Near-duplicate detection: find syndicated and lightly re-spun copies of an article body.

A copy must be stored once as an article but linked to its original, so that counts of
independent sources stay honest. We shingle the normalised body into word n-grams, sketch
the shingle set with a MinHash and look candidates up in an LSH index of its bands;
a candidate counts when its Jaccard similarity (exact when both texts are at hand,
estimated from the sketches otherwise) reaches ``DedupSettings.threshold``.

Settings were chosen by measurement (``benchmarks/dedup.py``; figures in the docstring of
``DedupSettings``). Everything is deterministic: the permutations come from a fixed seed
and shingles are hashed with SHA-1, never with Python's salted ``hash()``, so serial and
parallel ingests, and separate processes, produce identical signatures.

The MinHash is datasketch 2's "affine32" scheme reproduced bit for bit (a test compares
them): datasketch imports scipy for one integral, 140 MB of the install for a few lines.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

__all__ = [
    "DedupSettings",
    "NearDuplicateIndex",
    "exact_jaccard",
    "normalise_tokens",
    "shingle_hashes",
    "signature",
    "signature_bytes",
    "signature_from_bytes",
    "signature_of_hashes",
]

_WORD = re.compile(r"\w+")
_PARA_BREAK = re.compile(r"\n\s*\n")  # blank line; single newlines may be mere line wrapping
_MAGIC = b"EWMH"
_HEADER = struct.Struct("<4sBHI")  # magic, format version, num_perm, seed
_VERSION = 1
_EMPTY = np.uint32(0xFFFFFFFF)  # datasketch's "no value seen" sentinel for affine32


@dataclass(frozen=True)
class DedupSettings:
    """Parameters of the detector, chosen by measurement (``python benchmarks/dedup.py``).

    Similarity is the Jaccard index of word-trigram sets; shingles do not span paragraph
    breaks. On fusion-dev (32 reports, 496 pairs) the two gold copies score 0.822
    (syndicated, new headline, boilerplate footer) and 0.759 (re-spun); the best non-copy
    pair scores 0.044 (a same-town distractor) and same-event reports by other outlets at
    most 0.039. Bigrams let non-copies reach 0.099; 4- and 5-grams cost the re-spun copy
    more (0.699, 0.639): trigrams separate best. On the 10,000-document synthetic stream,
    copies score at least 0.41 (re-spun with ~10% of words swapped: p1 0.47, median 0.58;
    truncated to 50-90%: p1 0.52; exact: p1 0.80) and distinct documents at most 0.17
    (two real articles from one site's press-release template; two outlets' reports of
    one court case reach 0.12; documents sharing an outlet frame stay under 0.11). The
    threshold 0.3 sits in that gap, about 0.13 from either side, i.e. over 3 standard
    deviations of the 128-permutation MinHash estimate (sd <= 0.044).
    """

    num_perm: int = 128
    threshold: float = 0.3  # minimum Jaccard of trigram sets for a copy
    shingle: int = 3  # words per shingle
    # LSH retrieves candidates from a lower threshold (datasketch picks 28 bands of 2 rows:
    # P(candidate) is 0.93 at J=0.3 and 0.99 at J=0.4) so copies near the threshold are
    # not lost before verification; candidates are then checked against ``threshold``.
    candidate_threshold: float = 0.2
    # Bodies with fewer word tokens than this are only duplicates of identical bodies: a
    # couple of shared stock phrases would otherwise give two short texts a high Jaccard.
    min_tokens: int = 25
    seed: int = 1


DEFAULT_SETTINGS = DedupSettings()


def normalise_tokens(text: str) -> list[str]:
    """Lower-cased \\w+ tokens of the NFKC-normalised text (folds ligatures, full-width forms)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text or "").casefold())


@lru_cache(maxsize=1 << 20)
def _token_hash(word: str) -> int:
    # SHA-1, not Python's salted hash(): the same word must hash alike in every process.
    return struct.unpack_from("<Q", hashlib.sha1(word.encode("utf-8")).digest())[0]


def _mix64(x: np.ndarray) -> np.ndarray:
    # splitmix64 finaliser: spreads the polynomial combination over all bits before truncation.
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


_POLY = 0x100000001B3  # odd multiplier for combining token hashes in order (wraps mod 2**64)


def shingle_hashes(text: str, settings: DedupSettings = DEFAULT_SETTINGS) -> np.ndarray:
    """Sorted unique 32-bit hashes of the word n-gram shingles of ``text``.

    Each token is hashed once (SHA-1, cached) and an n-gram's hash is an order-sensitive
    polynomial of its tokens' hashes, computed with numpy: several times faster than
    hashing every n-gram string. A short text (fewer than ``min_tokens`` tokens) becomes
    one shingle of its whole token sequence, so it can only match an identical short
    text. An empty text has no shingles and never matches anything.
    """
    paras = [w for w in (normalise_tokens(p) for p in _PARA_BREAK.split(text or "")) if w]
    total = sum(len(w) for w in paras)
    if not total:
        return np.empty(0, dtype=np.uint32)
    n = settings.shingle
    if total < max(settings.min_tokens, n):
        # The marker keeps a whole-text shingle apart from ordinary n-grams.
        whole = _token_hash("\x00short\x00" + " ".join(w for p in paras for w in p))
        return np.array([whole & 0xFFFFFFFF], dtype=np.uint32)
    words = [w for p in paras for w in p]
    tok = np.fromiter((_token_hash(w) for w in words), dtype=np.uint64, count=len(words))
    para_id = np.repeat(np.arange(len(paras)), [len(p) for p in paras])
    m = len(words) - n + 1
    acc = tok[:m].copy()
    for j in range(1, n):
        acc = acc * np.uint64(_POLY) + tok[j : j + m]
    # Shingles do not span paragraph breaks, so reordering paragraphs costs no similarity.
    acc = acc[para_id[:m] == para_id[n - 1 :]]
    # A paragraph shorter than n (a dateline, a credit line) is one shingle of its own.
    short = [_token_hash("\x00para\x00" + " ".join(p)) for p in paras if len(p) < n]
    if short:
        acc = np.concatenate([acc, np.array(short, dtype=np.uint64)])
    return np.unique((_mix64(acc) >> np.uint64(32)).astype(np.uint32))


class MinHash:
    """A MinHash signature: the minimum of each of ``num_perm`` affine permutations of the
    shingle hashes (datasketch's "affine32": MurmurHash3's finaliser, then a*h + b mod 2**32
    with odd a; permutations drawn from numpy's RandomState(seed), as datasketch draws them)."""

    __slots__ = ("seed", "hashvalues")

    def __init__(self, seed: int, hashvalues: np.ndarray):
        self.seed = seed
        self.hashvalues = hashvalues

    def __len__(self) -> int:
        return len(self.hashvalues)

    def jaccard(self, other: MinHash) -> float:
        """The estimated Jaccard similarity: the share of permutations with the same minimum."""
        if other.seed != self.seed or len(other) != len(self):
            raise ValueError("signatures of other permutations are not comparable")
        return float(np.count_nonzero(self.hashvalues == other.hashvalues)) / len(self)


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    # Drawing the permutations costs more than sketching an article: draw once per settings.
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    # MurmurHash3's 32-bit finaliser: a bijection that spreads structured inputs.
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signature_of_hashes(hashes: np.ndarray, settings: DedupSettings = DEFAULT_SETTINGS) -> MinHash:
    """MinHash of precomputed shingle hashes (lets callers hash a text once for both uses)."""
    values = np.full(settings.num_perm, _EMPTY, dtype=np.uint32)
    if len(hashes):
        a, b = _permutations(settings.num_perm, settings.seed)
        with np.errstate(over="ignore"):  # wrapping is the modulo 2**32
            mixed = _fmix32(np.asarray(hashes, dtype=np.uint32)).reshape(-1, 1)
            values = np.minimum(values, (mixed * a + b).min(axis=0))
    return MinHash(settings.seed, values)


def signature(text: str, settings: DedupSettings = DEFAULT_SETTINGS) -> MinHash:
    """MinHash of the cleaned article body ``text`` (pass the body, not headline or page chrome)."""
    return signature_of_hashes(shingle_hashes(text, settings), settings)


def signature_bytes(sig: MinHash) -> bytes:
    """Serialise a signature for a database column: small header plus the uint32 hash values."""
    values = np.asarray(sig.hashvalues, dtype="<u4")
    return _HEADER.pack(_MAGIC, _VERSION, len(values), int(sig.seed)) + values.tobytes()


def signature_from_bytes(b: bytes, settings: DedupSettings = DEFAULT_SETTINGS) -> MinHash:
    """Inverse of ``signature_bytes``; refuses bytes made with another num_perm or seed."""
    if len(b) < _HEADER.size:
        raise ValueError("not a stored signature: too short")
    magic, version, num_perm, seed = _HEADER.unpack_from(b)
    if magic != _MAGIC or version != _VERSION:
        raise ValueError("not a stored signature: bad header")
    if num_perm != settings.num_perm or seed != settings.seed:
        # Signatures with other permutations are not comparable: fail loudly, not silently.
        raise ValueError(
            f"signature has num_perm={num_perm}, seed={seed}; settings want "
            f"num_perm={settings.num_perm}, seed={settings.seed}"
        )
    values = np.frombuffer(b, dtype="<u4", offset=_HEADER.size)
    if len(values) != num_perm:
        raise ValueError("stored signature is truncated")
    return MinHash(seed, values.astype(np.uint32))


def exact_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two sorted unique hash arrays (0.0 when either is empty)."""
    if not len(a) or not len(b):
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def _is_empty(sig: MinHash) -> bool:
    return bool(np.all(np.asarray(sig.hashvalues) == _EMPTY))


_NODES = np.polynomial.legendre.leggauss(128)


def _area(b: int, r: int, lo: float, hi: float, candidate: bool) -> float:
    # The integral over [lo, hi] of P(candidate) = 1 - (1 - s**r)**b (or of 1 - P): a
    # polynomial of degree r*b <= num_perm, which Gauss-Legendre with 128 nodes integrates exactly.
    x, w = _NODES
    s = (hi - lo) / 2 * x + (hi + lo) / 2
    p = 1 - (1 - s ** r) ** b
    return float((hi - lo) / 2 * np.dot(w, p if candidate else 1 - p))


@lru_cache(maxsize=4)
def _bands(settings: DedupSettings) -> tuple[int, int]:
    """(bands, rows) minimising the area of false positives below the candidate threshold
    plus false negatives above it, with equal weights: the banding datasketch's MinHashLSH
    picks (a test compares them)."""
    t, n = settings.candidate_threshold, settings.num_perm
    best, opt = float("inf"), (0, 0)
    for b in range(1, n + 1):
        for r in range(1, n // b + 1):
            err = 0.5 * _area(b, r, 0.0, t, True) + 0.5 * _area(b, r, t, 1.0, False)
            if err < best:
                best, opt = err, (b, r)
    return opt


def band_keys(sig: MinHash, settings: DedupSettings = DEFAULT_SETTINGS) -> list[tuple[int, int]]:
    """(band, key) pairs of a signature: two articles sharing any pair are LSH candidates.

    The same banding as the in-memory index, as signed 64-bit keys, so that a database
    can hold the index (an indexed table of pairs) instead of memory.
    """
    if _is_empty(sig):
        return []
    b, r = _bands(settings)
    values = np.asarray(sig.hashvalues, dtype=np.uint64)
    out = []
    for i in range(b):
        # The band number is part of the hash, so a key alone names its band (one indexed IN).
        digest = hashlib.blake2b(i.to_bytes(2, "big") + values[i * r:(i + 1) * r].tobytes(), digest_size=8).digest()
        out.append((i, int.from_bytes(digest, "big", signed=True)))
    return out


class NearDuplicateIndex:
    """In-memory LSH index of article signatures that answers "is this a copy, and of what?".

    Every added article is indexed, copies included; a copy is linked to the original of
    whatever it copies, so ``find`` always names the earliest added article of a copy
    chain. Results depend only on the settings and the order of ``add`` calls.
    """

    def __init__(self, settings: DedupSettings = DEFAULT_SETTINGS) -> None:
        self.settings = settings
        self._buckets: dict[tuple[int, int], list[str]] = {}  # (band, key) -> ids sharing that band
        self._sigs: dict[str, MinHash] = {}
        self._order: dict[str, int] = {}
        self._root: dict[str, str] = {}  # article id -> id of its original (itself if none)
        self._shingles: dict[str, np.ndarray] = {}  # kept only for articles added with text
        self._memo: tuple[str, np.ndarray] | None = None  # the usual find-then-add hashes a text once

    def __len__(self) -> int:
        return len(self._sigs)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._sigs

    def original_of(self, article_id: str) -> str:
        """The id of the original an indexed article was linked to (itself for originals)."""
        return self._root[article_id]

    def add(self, article_id: str, sig: MinHash, text: str | None = None) -> None:
        """Index an article; re-adding a known id is a no-op.

        Pass ``text`` (the same body the signature was made from) to keep its shingles
        for exact verification; without it, matches against this article use the
        estimated Jaccard. The article is linked to the original of its best match, if any.
        """
        if article_id in self._sigs:
            return
        hashes = self._hashes(text)
        match = self._best(sig, hashes)
        self._root[article_id] = self._root[match[0]] if match else article_id
        self._sigs[article_id] = sig
        self._order[article_id] = len(self._order)
        if hashes is not None:
            self._shingles[article_id] = hashes
        if not _is_empty(sig):
            for bk in band_keys(sig, self.settings):
                self._buckets.setdefault(bk, []).append(article_id)

    def find(self, sig: MinHash, text: str | None = None) -> tuple[str, float] | None:
        """(id of the original, similarity) of the best match at or above the threshold, else None.

        The similarity is that of the best-matching indexed article (which may itself be a
        copy of the returned original). With ``text`` it is the exact Jaccard of shingle
        sets wherever the indexed article's text was kept, the MinHash estimate otherwise.
        """
        match = self._best(sig, self._hashes(text))
        return (self._root[match[0]], match[1]) if match else None

    def _hashes(self, text: str | None) -> np.ndarray | None:
        if text is None:
            return None
        if self._memo is None or self._memo[0] != text:
            self._memo = (text, shingle_hashes(text, self.settings))
        return self._memo[1]

    def _best(self, sig: MinHash, hashes: np.ndarray | None) -> tuple[str, float] | None:
        if not self._sigs or _is_empty(sig):
            return None
        best: tuple[str, float] | None = None
        candidates = {k for bk in band_keys(sig, self.settings) for k in self._buckets.get(bk, ())}
        for key in candidates:
            stored = self._shingles.get(key)
            if hashes is not None and stored is not None:
                sim = exact_jaccard(hashes, stored)
            else:
                sim = float(sig.jaccard(self._sigs[key]))
            if sim < self.settings.threshold:
                continue
            # Highest similarity wins; ties go to the earliest added, so order is deterministic.
            if best is None or sim > best[1] or (sim == best[1] and self._order[key] < self._order[best[0]]):
                best = (key, sim)
        return best
