"""Near-duplicate detection: copies are found and linked to their original, look-alikes are not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eventwire.dedup import (
    DedupSettings,
    NearDuplicateIndex,
    exact_jaccard,
    shingle_hashes,
    signature,
    signature_bytes,
    signature_from_bytes,
)

from .conftest import DATA, need

FUSION = DATA / "fusion-dev"

ARTICLE = """\
Gunmen attacked a military checkpoint on the outskirts of the town early on Sunday, killing four soldiers \
and wounding six others before fleeing into the bush, a local official said.

The attackers arrived on motorcycles shortly before dawn and opened fire on the post, which guards the main \
road to the regional capital, the official told reporters by telephone.

"They came from the east, more than twenty of them, and the shooting lasted almost an hour," said a trader \
who lives near the checkpoint and asked not to be named for fear of reprisals.

No group has claimed responsibility, but jihadist fighters linked to the local insurgency have carried out \
a string of similar raids in the area since the start of the year.

The army said reinforcements had been sent to the town and that a search operation was under way. Schools \
and the weekly market were closed on Monday as residents stayed at home."""

OTHER = """\
Floods caused by three days of torrential rain have destroyed more than two hundred homes in the river \
valley, forcing thousands of families to seek shelter in schools and churches, relief workers said.

The water rose overnight on Tuesday and swept away a bridge that links the farming villages to the main \
market town, cutting off supplies of food and fuel to the area.

"We lost everything, the goats, the maize, the house," said a farmer who had walked for six hours to reach \
a camp run by the Red Cross near the district headquarters.

Meteorologists have warned that more heavy rain is expected before the end of the month, and the government \
has asked people living near the river to move to higher ground."""


def fusion_body(path: Path) -> str:
    """The body of a fusion-dev report: everything after the 'Published ...' line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next((i + 1 for i, line in enumerate(lines) if line.startswith("Published ")), 0)
    return "\n".join(lines[start:]).strip()


@pytest.fixture(scope="module")
def fusion() -> tuple[dict, dict[str, str]]:
    gold = json.loads(need(FUSION / "gold.json").read_text(encoding="utf-8"))
    return gold, {a: fusion_body(FUSION / f"{a}.txt") for a in gold["articles"]}


def _ingest(texts: dict[str, str], order: list[str], with_text: bool) -> dict[str, tuple[str, float]]:
    idx = NearDuplicateIndex()
    flagged = {}
    for a in order:
        sig = signature(texts[a])
        m = idx.find(sig, texts[a] if with_text else None)
        if m:
            flagged[a] = m
        idx.add(a, sig, texts[a] if with_text else None)
    return flagged


# --- copies are found -------------------------------------------------------------------------


def test_exact_copy_with_new_headline_and_footer_is_found() -> None:
    idx = NearDuplicateIndex()
    idx.add("orig", signature(ARTICLE))
    copy = "Soldiers killed in dawn raid on checkpoint\n\n" + ARTICLE + "\n\n(c) 2024 Wire feed. All rights reserved."
    m = idx.find(signature(copy))
    assert m is not None and m[0] == "orig"
    assert m[1] > 0.7


def test_respun_copy_is_found() -> None:
    paras = ARTICLE.split("\n\n")
    respun = "\n\n".join([paras[1], paras[0], paras[3], paras[2], paras[4]])
    for a, b in [
        ("killing", "leaving"),
        ("wounding", "injuring"),
        ("attacked", "raided"),
        ("fleeing", "escaping"),
        ("official", "administrator"),
        ("said", "stated"),
        ("road", "highway"),
        ("closed", "shut"),
    ]:
        respun = respun.replace(a, b)
    idx = NearDuplicateIndex()
    idx.add("orig", signature(ARTICLE), ARTICLE)
    assert idx.find(signature(respun)) is not None  # estimated similarity
    m = idx.find(signature(respun), respun)  # exact similarity
    assert m is not None and m[0] == "orig"


def test_fusion_dev_gold_copies_found(fusion) -> None:
    gold, texts = fusion
    arts = gold["articles"]
    pairs = [(a, v["duplicate_of"]) for a, v in arts.items() if v["duplicate_of"]]
    assert pairs, "gold names its copies"
    for copy, original in pairs:
        for with_text in (False, True):
            idx = NearDuplicateIndex()
            idx.add(original, signature(texts[original]), texts[original] if with_text else None)
            m = idx.find(signature(texts[copy]), texts[copy] if with_text else None)
            assert m is not None and m[0] == original, (copy, original, with_text)


@pytest.mark.parametrize("with_text", [False, True])
def test_fusion_dev_flags_exactly_the_gold_pairs(fusion, with_text: bool) -> None:
    gold, texts = fusion
    arts = gold["articles"]
    order = sorted(arts, key=lambda a: (arts[a]["published"], a))  # ingest in publication order
    flagged = _ingest(texts, order, with_text)
    assert {a: m[0] for a, m in flagged.items()} == {a: v["duplicate_of"] for a, v in arts.items() if v["duplicate_of"]}


# --- look-alikes are not ------------------------------------------------------------------------


def test_fusion_dev_distractors_not_flagged(fusion) -> None:
    gold, texts = fusion
    assert gold["distinct_pairs"]
    for a, b, why in gold["distinct_pairs"]:
        idx = NearDuplicateIndex()
        idx.add(a, signature(texts[a]), texts[a])
        assert idx.find(signature(texts[b]), texts[b]) is None, why
        assert idx.find(signature(texts[b])) is None, why


def test_fusion_dev_same_event_reports_not_flagged(fusion) -> None:
    # Different outlets' own reports of one event are independent sources, not copies.
    gold, texts = fusion
    copies = {frozenset((a, v["duplicate_of"])) for a, v in gold["articles"].items() if v["duplicate_of"]}
    checked = 0
    for event in gold["events"]:
        members = event["articles"]
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if frozenset((a, b)) in copies:
                    continue
                idx = NearDuplicateIndex()
                idx.add(a, signature(texts[a]))
                assert idx.find(signature(texts[b])) is None, (a, b)
                checked += 1
    assert checked >= 30


def test_unrelated_article_not_flagged() -> None:
    idx = NearDuplicateIndex()
    idx.add("a", signature(ARTICLE))
    assert idx.find(signature(OTHER)) is None
    assert exact_jaccard(shingle_hashes(ARTICLE), shingle_hashes(OTHER)) < 0.05


# --- linking, determinism, persistence ---------------------------------------------------------


def test_original_is_the_earliest_added() -> None:
    idx = NearDuplicateIndex()
    idx.add("first", signature(ARTICLE))
    copy = ARTICLE + "\n\nSubscribe to our newsletter."
    idx.add("second", signature(copy))
    assert idx.original_of("second") == "first"
    # The second copy is closer to the first copy, but is still linked to the original.
    m = idx.find(signature(copy + "\n\nShare this story."))
    assert m is not None and m[0] == "first"
    assert len(idx) == 2


def test_adding_the_same_id_twice_is_a_no_op() -> None:
    idx = NearDuplicateIndex()
    idx.add("a", signature(ARTICLE))
    idx.add("a", signature(OTHER))  # ignored: the first signature stays
    assert len(idx) == 1
    assert idx.find(signature(OTHER)) is None
    assert idx.find(signature(ARTICLE)) == ("a", 1.0)


def test_signature_is_deterministic_within_and_across_processes() -> None:
    sig = signature(ARTICLE)
    assert list(sig.hashvalues) == list(signature(ARTICLE).hashvalues)
    # A fresh interpreter with another hash seed, as a parallel ingest worker would be.
    code = (
        "import sys; from eventwire.dedup import signature, signature_bytes; "
        "sys.stdout.write(signature_bytes(signature(sys.stdin.read())).hex())"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run(
        [sys.executable, "-c", code], input=ARTICLE, capture_output=True, text=True, env=env, check=True
    ).stdout
    assert bytes.fromhex(out) == signature_bytes(sig)


def test_index_results_do_not_depend_on_run(fusion) -> None:
    gold, texts = fusion
    order = sorted(texts)
    assert _ingest(texts, order, False) == _ingest(texts, order, False)


def test_persistence_roundtrip_through_bytes() -> None:
    sig = signature(ARTICLE)
    b = signature_bytes(sig)
    assert isinstance(b, bytes) and len(b) < 600
    back = signature_from_bytes(b, DedupSettings())
    assert list(back.hashvalues) == list(sig.hashvalues)
    assert back.jaccard(sig) == 1.0
    # An index rebuilt from stored bytes answers like the original one.
    idx = NearDuplicateIndex()
    idx.add("stored", back)
    copy = "New headline\n\n" + ARTICLE
    m = idx.find(signature(copy))
    assert m is not None and m[0] == "stored"
    # A restored signature is still a sketch that can be compared and persisted again.
    assert signature_bytes(back) == b


def test_signature_from_bytes_rejects_other_settings_and_garbage() -> None:
    b = signature_bytes(signature(ARTICLE))
    with pytest.raises(ValueError):
        signature_from_bytes(b, DedupSettings(num_perm=64))
    with pytest.raises(ValueError):
        signature_from_bytes(b, DedupSettings(seed=7))
    with pytest.raises(ValueError):
        signature_from_bytes(b"nonsense", DedupSettings())
    with pytest.raises(ValueError):
        signature_from_bytes(b[:-4], DedupSettings())


# --- empty and short texts ----------------------------------------------------------------------


def test_empty_text_does_not_crash_and_never_matches() -> None:
    idx = NearDuplicateIndex()
    assert idx.find(signature("")) is None  # empty index
    idx.add("empty", signature(""))
    idx.add("blank", signature("  \n\n ... "))
    idx.add("a", signature(ARTICLE))
    assert len(idx) == 3
    assert idx.find(signature("")) is None
    assert idx.find(signature(""), "") is None
    assert idx.find(signature(ARTICLE)) == ("a", 1.0)


def test_short_texts_match_only_when_identical() -> None:
    idx = NearDuplicateIndex()
    short = "Five people were killed in an attack on Sunday, police said."
    idx.add("s", signature(short), short)
    assert idx.find(signature(short)) == ("s", 1.0)
    assert idx.find(signature(short.upper() + "  "), short.upper()) == ("s", 1.0)  # same after normalising
    near = "Five people were killed in an attack on Monday, police said."
    assert idx.find(signature(near)) is None
    assert idx.find(signature(near), near) is None
    # A short text is not a copy of a long one that contains it, nor the other way round.
    idx.add("long", signature(ARTICLE))
    assert idx.find(signature(ARTICLE.split("\n\n")[0][:120])) is None
    one_word = signature("Mogadishu")
    assert idx.find(one_word) is None


def test_signatures_and_banding_equal_datasketchs_affine32() -> None:
    # Stored signatures and band keys must stay comparable with those datasketch 2.0 wrote
    # before dedup.py reproduced its scheme (and with any store built since).
    datasketch = pytest.importorskip("datasketch")
    from eventwire.dedup import _bands, signature_of_hashes

    hashes = shingle_hashes(ARTICLE)
    theirs = datasketch.MinHash(num_perm=128, seed=1, hashfunc=lambda x: x, scheme="affine32")
    theirs.update_batch(hashes)
    mine = signature_of_hashes(hashes)
    assert mine.hashvalues.dtype == theirs.hashvalues.dtype
    assert list(mine.hashvalues) == list(theirs.hashvalues)
    for threshold in (0.1, 0.2, 0.3, 0.5, 0.8):
        lsh = datasketch.MinHashLSH(threshold=threshold, num_perm=128)
        assert _bands(DedupSettings(candidate_threshold=threshold)) == (lsh.b, lsh.r)


def test_dedup_needs_no_scipy() -> None:
    code = ("import sys, eventwire.dedup as d; d.signature('a b c d e'); d._bands(d.DEFAULT_SETTINGS); "
            "print('scipy' in sys.modules, 'datasketch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
