"""Two `eventwire ingest` processes started together on a page and its lightly edited copy:
whichever lands second is linked to the first, on both back-ends, every time."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from eventwire.config import Settings
from eventwire.dedup import band_keys, exact_jaccard, shingle_hashes, signature, signature_bytes
from eventwire.document import Document
from eventwire.extract import read_input
from eventwire.ingest import Ingester, IngestSummary
from eventwire.store import Store
from eventwire.store import schema as t

from .test_store import BACKENDS, PG_URL, _fresh_pg_database

# An invented report (about 300 words) and a re-spun copy of it: new headline, a few words
# swapped, a sentence dropped, an outlet's footer added, as content farms do.
ORIGINAL = """Gunmen kill nine in raid on market town of Karu

KARU, 14 March 2024 - Gunmen on motorcycles attacked the market town of Karu late on Tuesday,
killing at least nine people and setting fire to dozens of shops, local officials and residents said.

The attackers arrived shortly after dusk, when traders were closing their stalls, and fired into
the crowd for nearly an hour before police reinforcements reached the town from the state capital.
Witnesses said the gunmen shouted at shopkeepers to leave before pouring petrol on the wooden stalls.

"We counted nine bodies this morning, and several of the wounded are still in a serious condition
at the general hospital," said Musa Abdullahi, the chairman of the local government council.
He said at least twenty people had been taken to hospital with gunshot wounds and burns.

A police spokesman, Ibrahim Lawal, confirmed the attack and said officers had arrested three
suspects during a search of the surrounding forest on Wednesday. He declined to say which group
the suspects belonged to, but said the investigation was continuing and more arrests were expected.

Residents said the town had been attacked twice in the past year and accused the authorities of
ignoring repeated warnings about armed men camping in the forest reserve to the north. Many families
left on Wednesday for the nearby city of Lafia, carrying what they could on foot and on motorcycles.

The state governor condemned the killings in a statement, promised compensation for traders who
lost their goods, and ordered the deployment of more soldiers to the area. Farmers' groups said
the violence threatened the coming planting season in one of the region's most productive districts.

The market, one of the largest in the district, draws traders from several neighbouring states
every week. It was not clear when it would reopen.
"""

# The copy: the original with these edits and an outlet's footer.
_EDITS = [
    ("Gunmen kill nine in raid on market town of Karu", "Nine killed as gunmen raid Karu market town"),
    ("Gunmen on motorcycles", "Gunmen riding motorcycles"),
    ("surrounding forest", "nearby forest"),
    ("more soldiers to the area. Farmers' groups said\nthe violence threatened the coming planting season in one "
     "of the region's most productive districts.", "more troops to the area."),
]
COPY = ORIGINAL
for _old, _new in _EDITS:
    assert _old in COPY
    COPY = COPY.replace(_old, _new)
COPY += "\nShare this story. Follow Daily Trumpet News on social media for the latest headlines.\n"


TRIALS = 3


def test_the_copy_is_a_near_duplicate_but_not_identical():
    # Guards the premise: a light edit, well above the threshold, not the same text.
    sim = exact_jaccard(shingle_hashes(ORIGINAL), shingle_hashes(COPY))
    assert 0.7 < sim < 0.99


def _database(backend: str, tmp_path: Path, trial: int) -> str:
    if backend == "sqlite":
        return str(tmp_path / f"race{trial}.db")
    return _fresh_pg_database(PG_URL, f"{tmp_path.name}t{trial}")


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_ingests_of_a_page_and_its_copy_link_exactly_one(backend: str, tmp_path: Path):
    (tmp_path / "original.txt").write_text(ORIGINAL, "utf-8")
    (tmp_path / "copy.txt").write_text(COPY, "utf-8")
    outcomes = []
    for trial in range(TRIALS):
        db = _database(backend, tmp_path, trial)
        Store(db).close()  # the schema exists before the race, so the race is the ingest's alone
        procs = [subprocess.Popen([sys.executable, "-m", "eventwire", "ingest", "--db", db,
                                   str(tmp_path / name)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for name in ("original.txt", "copy.txt")]
        outs = [p.communicate(timeout=300) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], [o[1][-500:] for o in outs]
        firsts = sorted(o[0].splitlines()[0].split(", in ")[0] for o in outs)
        with Store(db) as s, s.engine.connect() as conn:
            rows = conn.execute(select(t.articles.c.id, t.articles.c.duplicate_of, t.articles.c.similarity,
                                       t.articles.c.signature)).all()
            bands = conn.execute(select(t.lsh_bands.c.article_id).distinct()).scalars().all()
            n_events = s.counts()["events"]
        assert len(rows) == 2
        originals = [r for r in rows if r.duplicate_of is None]
        copies = [r for r in rows if r.duplicate_of is not None]
        outcomes.append((len(originals), len(copies)))
        if (len(originals), len(copies)) != (1, 1):
            continue
        # Exactly one original, indexed; one copy linked to it, not indexed, with no events of its own;
        # each process says which it stored.
        (orig,), (copy,) = originals, copies
        assert firsts == ["ingested 1 article (0 new, 1 near-duplicates linked to their original), 0 events",
                          f"ingested 1 article (1 new, 0 near-duplicates linked to their original), "
                          f"{n_events} event{'' if n_events == 1 else 's'}"], firsts
        assert copy.duplicate_of == orig.id and copy.similarity >= 0.7
        assert bands == [orig.id] and orig.signature is not None and copy.signature is None
        with Store(db) as s:
            assert s.article(copy.id)["events"] == []
            assert n_events == len(s.article(orig.id)["events"])
    assert outcomes == [(1, 1)] * TRIALS, f"(originals, copies) per trial: {outcomes}"


# ---- the same race, interleaved by hand through the store ---------------------------------

@pytest.fixture(params=BACKENDS)
def db(request, tmp_path: Path) -> str:
    return str(tmp_path / "events.db") if request.param == "sqlite" else _fresh_pg_database(PG_URL, tmp_path.name)


def _doc(text: str, name: str) -> Document:
    return Document(read_input(text.encode("utf-8"), name, Settings()))


def _rows(db: str) -> dict[str, str | None]:
    with Store(db) as s, s.engine.connect() as conn:
        return dict(conn.execute(select(t.articles.c.id, t.articles.c.duplicate_of)).all())


def test_both_looked_up_before_either_stored_the_second_stored_is_linked(db: str):
    orig, copy = _doc(ORIGINAL, "original.txt"), _doc(COPY, "copy.txt")
    with Store(db) as s1, Store(db) as s2:  # two ingests, two connections
        a, b = Ingester(s1, load_pipeline=False), Ingester(s2, load_pipeline=False)
        sig_copy, sig_orig = signature(copy.article.text), signature(orig.article.text)
        # The copy's ingest looks first and finds nothing, then the original's does likewise...
        assert b.near_duplicate(sig_copy) is None and a.near_duplicate(sig_orig) is None
        # ...the copy's pipeline finishes first: it lands first, so it is the original.
        sb, sa = IngestSummary(), IngestSummary()
        b.store_original(copy, sig_copy, sb)
        a.store_original(orig, sig_orig, sa)
    assert (sb.stored, sb.duplicates, sa.stored, sa.duplicates) == (1, 0, 0, 1)
    assert _rows(db) == {copy.article.id: None, orig.article.id: copy.article.id}


def test_a_writer_holding_band_keys_makes_a_copy_wait_and_then_see_it(db: str):
    orig, copy = _doc(ORIGINAL, "original.txt"), _doc(COPY, "copy.txt")
    sig_orig, sig_copy = signature(orig.article.text), signature(copy.article.text)
    holding, release = threading.Event(), threading.Event()

    def first_writer() -> None:
        with Store(db) as s, s.writing(band_keys(sig_orig)) as w:
            assert w.near_duplicate_candidates(band_keys(sig_orig)) == []
            w.add_document(orig, signature=signature_bytes(sig_orig), bands=band_keys(sig_orig))
            holding.set()
            release.wait(60)  # not committed until released

    summary = IngestSummary()

    def second_writer() -> None:
        with Store(db) as s:
            Ingester(s, load_pipeline=False).store_original(copy, sig_copy, summary)

    t1 = threading.Thread(target=first_writer)
    t1.start()
    assert holding.wait(60)
    t2 = threading.Thread(target=second_writer)
    t2.start()
    t2.join(1.0)
    assert t2.is_alive()  # waits for the keys instead of storing a second original
    release.set()
    t1.join(60)
    t2.join(60)
    assert not t2.is_alive()
    assert (summary.stored, summary.duplicates) == (0, 1)
    assert _rows(db) == {orig.article.id: None, copy.article.id: orig.article.id}


@pytest.mark.skipif(not PG_URL, reason="EVENTWIRE_TEST_PG_URL is not set")
def test_postgresql_writers_sharing_no_band_key_do_not_wait(tmp_path: Path):
    db = _fresh_pg_database(PG_URL, tmp_path.name)
    orig = _doc(ORIGINAL, "original.txt")
    other = _doc(" ".join(reversed(ORIGINAL.split())), "other.txt")  # same words, no shared trigram
    sig_orig, sig_other = signature(orig.article.text), signature(other.article.text)
    assert not {k for _b, k in band_keys(sig_orig)} & {k for _b, k in band_keys(sig_other)}
    with Store(db) as s1, Store(db) as s2, s1.writing(band_keys(sig_orig)) as w:
        w.add_document(orig, signature=signature_bytes(sig_orig), bands=band_keys(sig_orig))
        done = threading.Thread(target=s2.add_document, args=(other,),
                                kwargs={"signature": signature_bytes(sig_other), "bands": band_keys(sig_other)})
        done.start()
        done.join(30)
        assert not done.is_alive()
    assert _rows(db) == {orig.article.id: None, other.article.id: None}
