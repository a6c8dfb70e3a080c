"""The gazetteer's flat name index: same answers as the dict it is built from, before and after a reload."""

from __future__ import annotations

import io
import tempfile

import pytest

from eventwire import place_index
from eventwire.place_index import Entry, PlaceIndex

PARIS = Entry(2988507, "Paris", 48.85341, 2.3488, "FR", "11", "city", 2138551)
PARIS_TX = Entry(4717560, "Paris", 33.66094, -95.55551, "US", "TX", "locality", 24782)
BAB = Entry(None, "Al-Bāb", 36.37, 37.52, "SY", None, "region", 0)
SOURCE = {"paris": [PARIS, PARIS_TX], "al bab": [BAB], "bab": [BAB], "ville lumiere de france": [PARIS]}


def _reload(index: PlaceIndex, meta, tmp_path):
    buf = io.BytesIO()
    index.save(buf, meta)
    path = tmp_path / "index.places"
    path.write_bytes(buf.getvalue())
    return PlaceIndex.load(path)


def test_lookups_match_the_dict_and_survive_a_reload(tmp_path):
    built, slot = PlaceIndex.build(SOURCE)
    loaded, meta = _reload(built, {"paris": slot[id(PARIS)]}, tmp_path)
    for index in (built, loaded):
        for key, entries in SOURCE.items():
            assert key in index
            assert index.get(key) == entries  # order kept, non-ASCII names and None fields intact
        assert "lyon" not in index and index.get("lyon", ()) == ()
        assert index.max_words == 4 and len(index) == 4
    assert loaded.entry(meta["paris"]) == PARIS
    # one object per entry, shared by every name that points to it
    assert loaded.get("al bab")[0] is loaded.get("bab")[0]


def test_a_cut_file_is_refused(tmp_path):
    built, _ = PlaceIndex.build(SOURCE)
    buf = io.BytesIO()
    built.save(buf, {})
    path = tmp_path / "cut.places"
    path.write_bytes(buf.getvalue()[:-200])
    with pytest.raises(ValueError, match="truncated"):
        PlaceIndex.load(path)


def test_names_sharing_a_hash_are_told_apart(monkeypatch, tmp_path):
    monkeypatch.setattr(place_index, "_hash", lambda key: 7)  # every name collides
    built, _ = PlaceIndex.build(SOURCE)
    loaded, _ = _reload(built, {}, tmp_path)
    assert loaded.get("bab") == [BAB] and loaded.get("paris") == [PARIS, PARIS_TX]
    assert "pari" not in loaded


def test_the_real_gazetteer_answers_from_its_cache(tmp_path, monkeypatch):
    from eventwire import places

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("EVENTWIRE_GAZETTEER_CITIES", "15000")  # the smallest tier: a quick build
    places.get_gazetteer.cache_clear()
    try:
        fresh = places.get_gazetteer()
        assert list((tmp_path / "eventwire").glob("gazetteer-*.places"))
        places.get_gazetteer.cache_clear()
        cached = places.get_gazetteer()
        for name in ("Raqqa", "Texas", "Paris", "Kabul", "Ohio"):
            assert cached.candidates(name) == fresh.candidates(name) != []
        assert cached.state_entry == fresh.state_entry and cached.country_entry == fresh.country_entry
        assert cached.max_words == fresh.max_words
    finally:
        places.get_gazetteer.cache_clear()


def test_a_broken_cache_file_is_rebuilt(tmp_path, monkeypatch):
    from eventwire import places
    from eventwire.places.gazetteer import _cache_path

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("EVENTWIRE_GAZETTEER_CITIES", "15000")
    path = _cache_path("15000")[0]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"EWPLACE1\x10\x00\x00\x00\x00\x00\x00\x00{}")  # a header cut short
    places.get_gazetteer.cache_clear()
    try:
        assert places.get_gazetteer().candidates("Kabul")
        assert PlaceIndex.load(path)[0].get("kabul")  # rewritten whole
    finally:
        places.get_gazetteer.cache_clear()
