"""`eventwire eval fusion` on fusion-dev: the README's scores on hand-made partitions, and one run of
the real CLI (ingest into a fresh store, then scoring what the store says)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from eventwire.evaluation.fusion import Gold, bcubed, best_match, complete, pairs, pairwise, score, separated

from .conftest import DATA, need

FUSION = DATA / "fusion-dev"

# gold: {a,b,c} {d,e} {f}; predicted: {a,b} {c,d} {e} {f}
GOLD = [{"a", "b", "c"}, {"d", "e"}, {"f"}]
PRED = [{"a", "b"}, {"c", "d"}, {"e"}, {"f"}]


def test_pairs_are_unordered_and_within_clusters():
    assert pairs([{"a", "b", "c"}, {"d"}]) == {frozenset("ab"), frozenset("ac"), frozenset("bc")}
    assert pairs([{"x"}]) == set()


def test_pairwise_by_hand():
    # gold pairs ab ac bc de (4); predicted ab cd (2); correct: ab -> P 1/2, R 1/4, F1 1/3
    p, r, f, tp, n_pred, n_gold = pairwise(PRED, GOLD)
    assert (tp, n_pred, n_gold) == (1, 2, 4)
    assert p == pytest.approx(0.5)
    assert r == pytest.approx(0.25)
    assert f == pytest.approx(1 / 3)
    assert pairwise(GOLD, GOLD)[:3] == (1.0, 1.0, 1.0)
    # all singletons: no predicted pair, precision and recall 0
    assert pairwise([{x} for x in "abcdef"], GOLD)[:3] == (0.0, 0.0, 0.0)


def test_bcubed_by_hand():
    # per article (|P∩G|/|P|, |P∩G|/|G|): a (1, 2/3) b (1, 2/3) c (1/2, 1/3) d (1/2, 1/2) e (1, 1/2) f (1, 1)
    p, r, f = bcubed(PRED, GOLD)
    assert p == pytest.approx(5 / 6)
    assert r == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 / 2 + 1 / 2 + 1) / 6)
    assert f == pytest.approx(2 * p * r / (p + r))
    # one big cluster: recall 1, precision = mean |G|/6
    p, r, _ = bcubed([set("abcdef")], GOLD)
    assert r == pytest.approx(1.0)
    assert p == pytest.approx((3 * 3 + 2 * 2 + 1) / 6 / 6)


def test_unclustered_articles_count_as_singletons():
    assert complete([{"a", "b", "zz"}], "abc") == [{"a", "b"}, {"c"}]
    assert bcubed(complete([], "abcdef"), GOLD)[0] == pytest.approx(1.0)


def test_separation_and_best_match():
    assert separated(PRED, "a", "c")
    assert not separated(PRED, "c", "d")
    assert best_match(PRED, {"a", "b", "c"}) == {"a", "b"}
    assert best_match(PRED, {"zz"}) == set()


def _gold() -> Gold:
    articles = {x: {"duplicate_of": None} for x in "abcdef"}
    articles["b"]["duplicate_of"] = "a"
    events = [{"id": "E1", "articles": ["a", "b", "c"], "denied_by": ["c"]},
              {"id": "E2", "articles": ["d", "e"], "denied_by": []},
              {"id": "D", "articles": ["f"], "denied_by": [], "distractor": True, "distractor_design": "same town"}]
    return Gold(articles, events, [("f", "d", "same town"), ("f", "e", "same town")])


def test_score_counts_copies_once_and_checks_denials_and_distractors():
    rep = score(_gold(), [{"a", "b", "c"}, {"d", "e", "f"}], {"b": "a"}, {"c"})
    m = rep.metrics
    assert m["distractor_separation"] == 0.0  # f merged with d and e
    assert (m["duplicate_precision"], m["duplicate_recall"]) == (1.0, 1.0)
    assert m["denials_flagged"] == 1.0
    # E1: a, c independent (b copies a) = 2 of gold 2; E2: d, e, f = 3 vs 2; D best match {d,e,f}: 3 vs 1
    assert m["independent_sources_exact"] == pytest.approx(1 / 3)
    assert any("MERGED" in e and "f / d" in e for e in rep.errors)
    assert rep.targets["pairwise_f1"] == 0.90 and rep.targets["pairwise_precision"] == 0.95
    # the copy not found, a wrong copy link, the denial missed
    rep = score(_gold(), [{"a"}, {"b"}, {"c"}, {"d", "e"}, {"f"}], {"e": "d"}, set())
    m = rep.metrics
    assert (m["duplicate_precision"], m["duplicate_recall"]) == (0.0, 0.0)
    assert m["denials_flagged"] == 0.0
    assert m["distractor_separation"] == 1.0
    assert any("MISSED copy a / b" in e for e in rep.errors)


def _eval(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwire", "eval", "fusion", *args],
                          capture_output=True, text=True, timeout=600)


def test_missing_folder_is_a_one_line_error(tmp_path):
    r = _eval(str(tmp_path / "absent"))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = _eval(str(tmp_path))  # a folder without gold.json
    assert r.returncode == 2
    assert "gold.json" in r.stderr and "Traceback" not in r.stderr


def test_cli_on_fusion_dev():
    need(FUSION / "gold.json")
    r = _eval(str(FUSION), "--json", "--errors")
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)
    assert rec["stage"] == "fusion"
    m = rec["metrics"]
    for key in ("pairwise_precision", "pairwise_recall", "pairwise_f1", "bcubed_precision", "bcubed_recall",
                "bcubed_f1", "distractor_separation", "duplicate_precision", "duplicate_recall",
                "independent_sources_exact", "denials_flagged"):
        assert 0.0 <= m[key] <= 1.0, key
    assert set(rec["targets"]) == {"pairwise_precision", "pairwise_f1", "duplicate_recall",
                                   "distractor_separation", "denials_flagged"}
    # both gold copies (an exact syndicated copy, a light re-spin) are linked by the store
    assert m["duplicate_recall"] == 1.0
    assert not any(e.startswith("MISSED copy") for e in rec["errors"])
    # and each copy is in its original's predicted cluster: at least those 2 of the 36 gold pairs
    assert m["pairwise_recall"] >= 2 / 36 - 1e-9
    assert sum(d.startswith("distractor '") for d in rec["details"]) == 4  # one line per design
