"""The gazetteer's name index as flat arrays: loaded in milliseconds, an entry built only when looked up.

A dict of some 400,000 names to 240,000 entry objects took seconds to unpickle in every process
(most of a one-page ``extract``). Here the names are sorted by a stable 64-bit hash; a lookup finds
the hash by binary search, checks the name itself, and builds the entries it points to from
numpy columns (each entry once per process, so a place met twice is the same object). The saved
file is memory-mapped: a process reads only the pages its lookups touch, and processes on one
machine (Dask workers) share them.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import pickle
import struct
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import numpy as np


class Entry(NamedTuple):
    """One gazetteer record."""

    geonameid: int | None
    name: str
    lat: float
    lon: float
    country: str | None
    admin1: str | None
    feature: str  # country|admin|city|locality|region
    population: int


FEATURES = ("country", "admin", "city", "locality", "region")


def _hash(key: str) -> int:
    # Stable across processes (Python's own hash() is salted).
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def _offsets(parts: list[bytes]) -> np.ndarray:
    return np.concatenate([[0], np.cumsum([len(p) for p in parts], dtype=np.int64)]).astype(np.int64)


_MAGIC = b"EWPLACE1"
_ALIGN = 64


class PlaceIndex:
    """Read-only mapping of normalised name -> list of Entry (``get`` and ``in``, as a dict)."""

    def __init__(self, arrays: dict[str, np.ndarray], strings: list[str]):
        self._arrays = arrays
        # Keys and names are UTF-8 bytes; offsets count bytes.
        self._hashes = arrays["hashes"]
        self._key_off = arrays["key_off"]
        self._keys = arrays["keys"]
        self._ent_off = arrays["ent_off"]
        self._ent_ids = arrays["ent_ids"]
        self._gid, self._lat, self._lon = arrays["gid"], arrays["lat"], arrays["lon"]
        self._pop, self._feat = arrays["pop"], arrays["feat"]
        self._country, self._admin1 = arrays["country"], arrays["admin1"]
        self._name_off = arrays["name_off"]
        self._names = arrays["names"]
        self._strings = strings  # country and admin1 codes
        self.max_words = int(arrays["max_words"])
        self._entries: dict[int, Entry] = {}

    # ---- building and storing

    @classmethod
    def build(cls, index: dict[str, Iterable[Entry]]) -> tuple[PlaceIndex, dict[int, int]]:
        """The index of ``index``, and the position of each entry object (by ``id()``) in it."""
        keys = sorted(index, key=_hash)
        slot: dict[int, int] = {}
        rows: list[Entry] = []
        ent_ids: list[int] = []
        ent_off = [0]
        for k in keys:
            for e in index[k]:
                if id(e) not in slot:
                    slot[id(e)] = len(rows)
                    rows.append(e)
                ent_ids.append(slot[id(e)])
            ent_off.append(len(ent_ids))
        strings = sorted({s for e in rows for s in (e.country, e.admin1) if s is not None})
        code = {s: i for i, s in enumerate(strings)}
        names = [e.name.encode("utf-8") for e in rows]
        keys_b = [k.encode("utf-8") for k in keys]
        arrays = {
            "hashes": np.array([_hash(k) for k in keys], dtype=np.uint64),
            "key_off": _offsets(keys_b),
            "keys": np.frombuffer(b"".join(keys_b), dtype=np.uint8),
            "ent_off": np.array(ent_off, dtype=np.int64),
            "ent_ids": np.array(ent_ids, dtype=np.int32),
            "gid": np.array([-1 if e.geonameid is None else e.geonameid for e in rows], dtype=np.int64),
            "lat": np.array([e.lat for e in rows], dtype=np.float64),
            "lon": np.array([e.lon for e in rows], dtype=np.float64),
            "pop": np.array([e.population for e in rows], dtype=np.int64),
            "feat": np.array([FEATURES.index(e.feature) for e in rows], dtype=np.uint8),
            "country": np.array([-1 if e.country is None else code[e.country] for e in rows], dtype=np.int32),
            "admin1": np.array([-1 if e.admin1 is None else code[e.admin1] for e in rows], dtype=np.int32),
            "name_off": _offsets(names),
            "names": np.frombuffer(b"".join(names), dtype=np.uint8),
            "max_words": np.array(max((k.count(" ") + 1 for k in keys), default=1)),
        }
        out = cls(arrays, strings)
        out._entries = dict(enumerate(rows))  # the built objects themselves, equal to what a reload makes
        return out, slot

    def save(self, f: BinaryIO, meta: Any) -> None:
        """Write the arrays and ``meta`` (pickled) to the binary file ``f``: a JSON header, then raw arrays."""
        arrays = {**self._arrays,
                  "meta": np.frombuffer(pickle.dumps(meta, protocol=pickle.HIGHEST_PROTOCOL), dtype=np.uint8)}
        layout, pos = {}, 0
        for name, a in arrays.items():
            layout[name] = [a.dtype.str, list(a.shape), pos]
            pos += -(-a.nbytes // _ALIGN) * _ALIGN
        header = json.dumps({"arrays": layout, "strings": self._strings}).encode("utf-8")
        start = -(-(len(_MAGIC) + 8 + len(header)) // _ALIGN) * _ALIGN
        f.write(_MAGIC + struct.pack("<Q", len(header)) + header)
        f.write(b"\0" * (start - len(_MAGIC) - 8 - len(header)))
        for a in arrays.values():
            data = np.ascontiguousarray(a).tobytes()
            f.write(data + b"\0" * (-len(data) % _ALIGN))

    @classmethod
    def load(cls, path: Path) -> tuple[PlaceIndex, Any]:
        """An index and its meta from a file written by ``save`` (memory-mapped, read-only)."""
        with path.open("rb") as fh:
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        if mm[:len(_MAGIC)] != _MAGIC:
            raise ValueError(f"{path}: not a place index")
        (hlen,) = struct.unpack_from("<Q", mm, len(_MAGIC))
        header = json.loads(mm[len(_MAGIC) + 8:len(_MAGIC) + 8 + hlen])
        start = -(-(len(_MAGIC) + 8 + hlen) // _ALIGN) * _ALIGN
        arrays = {}
        for name, (dtype, shape, pos) in header["arrays"].items():
            dt = np.dtype(dtype)
            count = int(np.prod(shape, dtype=np.int64))
            if start + pos + count * dt.itemsize > len(mm):
                raise ValueError(f"{path}: truncated")
            arrays[name] = np.frombuffer(mm, dtype=dt, count=count, offset=start + pos).reshape(shape)
        meta = pickle.loads(arrays.pop("meta").tobytes())
        return cls(arrays, header["strings"]), meta

    # ---- lookups

    def _slot(self, key: str) -> int:
        h = np.uint64(_hash(key))
        hashes = self._hashes
        i = int(np.searchsorted(hashes, h))
        raw = None
        while i < len(hashes) and hashes[i] == h:
            raw = raw if raw is not None else key.encode("utf-8")
            if self._keys[self._key_off[i]:self._key_off[i + 1]].tobytes() == raw:
                return i
            i += 1
        return -1

    def entry(self, i: int) -> Entry:
        e = self._entries.get(i)
        if e is None:
            gid, country, admin1 = int(self._gid[i]), int(self._country[i]), int(self._admin1[i])
            name = self._names[self._name_off[i]:self._name_off[i + 1]].tobytes().decode("utf-8")
            e = Entry(None if gid < 0 else gid, name,
                      float(self._lat[i]), float(self._lon[i]), None if country < 0 else self._strings[country],
                      None if admin1 < 0 else self._strings[admin1], FEATURES[self._feat[i]], int(self._pop[i]))
            self._entries[i] = e
        return e

    def get(self, key: str, default: Any = None) -> list[Entry] | Any:
        i = self._slot(key)
        if i < 0:
            return default
        a, b = int(self._ent_off[i]), int(self._ent_off[i + 1])
        return [self.entry(int(j)) for j in self._ent_ids[a:b]]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._slot(key) >= 0

    def __len__(self) -> int:
        return len(self._hashes)
