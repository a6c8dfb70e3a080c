"""Language identification from the cached, uncompressed py3langid model answers as py3langid itself."""

from __future__ import annotations

import tempfile

import numpy as np

from eventwire.reading import language

TEXTS = [
    "Government troops recaptured the town from the rebels on Monday, the army said.",
    "Les forces gouvernementales ont repris la ville aux rebelles lundi, a indiqué l'armée.",
    "Las tropas del gobierno recuperaron la ciudad de manos de los rebeldes el lunes.",
    "Regierungstruppen haben die Stadt am Montag von den Rebellen zurückerobert.",
]


def test_cached_model_answers_as_the_packaged_one(tmp_path, monkeypatch):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    reference = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    language._identifier.cache_clear()
    try:
        first = language._identifier()  # decompresses into the cache
        assert list((tmp_path / "eventwire").glob("langid-*.npz"))
        language._identifier.cache_clear()
        second = language._identifier()  # reads the cache
        for text in TEXTS:
            want = reference.classify(text)
            for ident in (first, second):
                got = ident.classify(text)
                assert got[0] == want[0] and np.isclose(got[1], want[1])
        assert [language.detect_language(t) for t in TEXTS] == ["en", "fr", "es", "de"]
    finally:
        language._identifier.cache_clear()


def test_a_broken_cache_falls_back_to_a_fresh_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    language._identifier.cache_clear()
    try:
        language._identifier()
        (cached,) = (tmp_path / "eventwire").glob("langid-*.npz")
        cached.write_bytes(b"not a model")
        language._identifier.cache_clear()
        assert language.detect_language(TEXTS[1]) == "fr"
    finally:
        language._identifier.cache_clear()
