"""Long texts: processed in pieces with every offset kept, and a --max-chars cap with a one-line skip."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from eventwire.config import Settings
from eventwire.events.merging import absorb_event, same_event
from eventwire.models import Event, Location
from eventwire.pieces import split_points
from eventwire.pipeline import Pipeline
from eventwire.reading import read_article

from .conftest import DATA, SEED, need

GOLD = DATA / "article-extraction-benchmark" / "ground-truth.json"
FUSION = DATA / "fusion-dev"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwire", *args], capture_output=True, text=True, timeout=900)


def prose(n_chars: int) -> str:
    """Real article bodies as paragraphs, about ``n_chars`` long."""
    bodies = [v["articleBody"].strip() for v in json.loads(need(GOLD).read_text()).values()]
    out, i = [], 0
    while sum(len(b) + 2 for b in out) < n_chars:
        out.append(bodies[i % len(bodies)])
        i += 1
    return "\n\n".join(out)


# ---- where a long text is cut -------------------------------------------------------------------


def test_pieces_cover_the_text_in_order_within_the_size():
    rng = random.Random(3)
    words = ["Rebels", "attacked", "the", "town", "on", "Monday.", "Police", "said", "\n", "\n\n", "x" * 40]
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 400)))
        size = rng.randint(20, 300)
        pieces = split_points(text, size)
        assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
        assert all(a < b for a, b in pieces) or text == ""
        assert all(b1 == a2 for (_, b1), (a2, _) in zip(pieces, pieces[1:], strict=False))
        assert all(b - a <= size for a, b in pieces)


def test_pieces_end_at_a_paragraph_else_a_sentence_else_a_space():
    para = "First sentence here. Second one follows.\n\nThird paragraph starts. And goes on."
    (a, b), _ = split_points(para, 60)
    assert para[:b].endswith("\n\n") and para[b:].startswith("Third")
    sentences = "One two three four. Five six seven eight nine. Ten eleven twelve."
    (a, b), *_ = split_points(sentences, 50)
    assert sentences[:b].endswith("nine. ")
    words = "alpha beta gamma delta epsilon zeta eta theta"
    (a, b), *_ = split_points(words, 20)
    assert words[:b] == "alpha beta gamma "
    assert split_points("x" * 25, 10) == [(0, 10), (10, 20), (20, 25)]  # no space at all: a hard cut


def test_ordinary_articles_are_one_piece_and_their_records_unchanged():
    """The seed and the longest English benchmark pages: the same record as with no pieces at all."""
    import gzip

    from eventwire.extract import extract_bytes

    gold = json.loads(need(GOLD).read_text())
    longest = sorted(gold, key=lambda k: -len(gold[k]["articleBody"]))[1:4]  # the longest is in Russian
    pages = [gzip.decompress((GOLD.parent / "html" / f"{k}.html.gz").read_bytes()) for k in longest]
    default, whole = Pipeline(Settings()), Pipeline(Settings(piece_chars=10**9))
    for data in [need(SEED / "raqqa-2017-06.txt").read_bytes(), *pages]:
        rec = extract_bytes(data, "page", default).to_record()
        assert rec == extract_bytes(data, "page", whole).to_record()
        assert rec["entities"]


# ---- a long article in pieces ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def reports() -> list[str]:
    """Real short reports (fusion-dev and the seed), their text as the reader gives it."""
    files = sorted(need(FUSION).glob("fd*.txt"))[:6] + [need(SEED / "raqqa-2017-06.txt")]
    return [read_article(f.read_bytes(), str(f)).text.strip() for f in files]


def _spans(doc, shift: int = 0) -> dict[str, list]:
    def at(i: int | None) -> int | None:
        return None if i is None else i + shift

    out = {k: [(x.text, at(x.start), at(x.end)) for x in getattr(doc, k)] for k in ("entities", "places", "times")}
    out["quotes"] = [(q.text, at(q.start), at(q.end), q.speaker, at(q.speaker_start), at(q.speaker_end))
                     for q in doc.quotes]
    return out


def test_a_long_article_is_the_join_of_its_pieces_with_offsets_into_the_whole(reports: list[str]):
    text = "\n\n".join(reports)
    size = max(len(r) for r in reports) + 2  # a piece is a report or two
    article = read_article(reports[0].encode(), "x.txt")
    article = replace(article, text=text, published=date(2021, 5, 3), language="en")
    doc = Pipeline(Settings(piece_chars=size))(article)
    pieces = split_points(text, size)
    assert len(pieces) >= 3

    # Each piece is read as its own document; its annotations come back shifted.
    alone = Pipeline(Settings())
    want: dict[str, list] = {k: [] for k in ("entities", "places", "times", "quotes")}
    want_events = []
    for a, b in pieces:
        part = alone(replace(article, text=text[a:b]))
        for k, spans in _spans(part, a).items():
            want[k] += spans
        want_events += [(ev.event_type, ev.start + a, ev.end + a, ev.date) for ev in part.events]
    assert _spans(doc) == want
    got_events = [(ev.event_type, ev.start, ev.end, ev.date) for ev in doc.events]
    assert set(got_events) <= set(want_events) and got_events == sorted(got_events, key=lambda e: e[1])

    # Every offset indexes the whole text.
    for k in ("entities", "places", "times", "quotes"):
        for x in getattr(doc, k):
            assert text[x.start:x.end] == x.text, (k, x)
    assert any(q.speaker_start is not None and q.speaker_start > pieces[1][0] for q in doc.quotes)
    for ev in doc.events:
        assert text[ev.start:ev.end] == ev.evidence
    # Weekdays in every piece are anchored to the article's date, 3 May 2021.
    days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    late = [t for t in doc.times if t.start >= pieces[1][0] and t.text.split()[0] in days]
    assert late
    assert all(abs(date.fromisoformat(t.value[:10]) - date(2021, 5, 3)).days <= 7 for t in late)


def test_the_same_event_in_two_pieces_is_one_event(reports: list[str]):
    body = reports[-1]  # the seed
    article = replace(read_article(body.encode(), "seed.txt"), published=date(2017, 6, 18), language="en")
    once = Pipeline(Settings())(article)
    twice = Pipeline(Settings(piece_chars=len(body) + 2))(replace(article, text=f"{body}\n\n{body}"))
    assert len(twice.entities) == 2 * len(once.entities)
    named = [ev for ev in once.events if any(a and not a.startswith(("Unidentified", "Civilians", "Protesters"))
                                             for a in (ev.actor1, ev.actor2))]
    assert named  # the seed reports named actors
    assert len(twice.events) == 2 * len(once.events) - len(named)
    assert [ev.to_dict() for ev in twice.events[:len(once.events)]] == [ev.to_dict() for ev in once.events]


def test_reports_of_one_event_fill_each_other():
    where = Location("Gao", 16.27, -0.04, "ML", 2457163, 1)
    a = Event("Battles", "Armed clash", "x", 0, 1, actor1="JNIM", actor2="Military Forces of Mali", date="2021-05-02",
              date_precision="day", confidence=0.65)
    b = Event("Battles", "Armed clash", "y", 50, 51, actor1="JNIM", actor2="Military Forces of Mali",
              location=where, fatalities=4, confidence=0.8)
    assert same_event(a, b)
    absorb_event(a, b)
    assert (a.location, a.fatalities, a.date, a.confidence, a.evidence) == (where, 4, "2021-05-02", 0.8, "x")
    assert not same_event(a, replace(b, date="2021-04-01"))
    assert not same_event(a, replace(b, location=replace(where, name="Menaka")))
    assert not same_event(a, replace(b, actor1="Islamic State"))
    unnamed = replace(a, actor1=None, actor2="Civilians (Mali)")
    assert not same_event(unnamed, replace(unnamed))  # nothing says they are one event


# ---- the cap, through the CLI ---------------------------------------------------------------------


@pytest.fixture
def long_and_short(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a-long.txt").write_text("Published 1 May 2020\n\n" + prose(30_000), encoding="utf-8")
    (d / "b-seed.txt").write_bytes(need(SEED / "raqqa-2017-06.txt").read_bytes())
    return d


def test_extract_skips_an_article_over_max_chars_in_one_line_and_goes_on(long_and_short: Path):
    proc = run("extract", "--max-chars", "20000", str(long_and_short))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    n = len(read_article((long_and_short / "a-long.txt").read_bytes()).text)
    assert lines[0] == f"eventwire: {long_and_short / 'a-long.txt'}: text of {n:,} characters exceeds " \
                       "--max-chars 20000; skipped"
    recs = [json.loads(ln) for ln in proc.stdout.splitlines()]
    assert [Path(r["article"]["input"]).name for r in recs] == ["b-seed.txt"]
    alone = run("extract", "--max-chars", "20000", str(long_and_short / "a-long.txt"))
    assert alone.returncode == 1 and alone.stdout == "" and "Traceback" not in alone.stderr
    bad = run("extract", "--max-chars", "-5", str(long_and_short))
    assert bad.returncode == 2 and "--max-chars" in bad.stderr and "Traceback" not in bad.stderr


def test_the_default_cap_skips_a_text_longer_than_a_million_characters(tmp_path: Path):
    big = tmp_path / "book.txt"
    big.write_text("Published 1 May 2020\n\n" + prose(1_100_000), encoding="utf-8")
    proc = run("extract", str(big))
    assert proc.returncode == 1 and proc.stdout == ""
    assert "Traceback" not in proc.stderr and "E088" not in proc.stderr
    assert proc.stderr.strip().endswith("characters exceeds --max-chars 1000000; skipped")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_ingest_counts_an_article_over_max_chars_as_skipped_and_stores_the_rest(long_and_short: Path,
                                                                                tmp_path: Path):
    from eventwire.store import Store
    from eventwire.store.query import ArticleFilter, find_articles

    db = str(tmp_path / "events.db")
    proc = run("ingest", "--db", db, "--max-chars", "20000", str(long_and_short))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().endswith("exceeds --max-chars 20000; skipped")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "ingested 1 article " in proc.stdout and "skipped: 1 too-long" in proc.stdout
    with Store(db) as store:
        assert [Path(a["input"]).name for a in find_articles(store, ArticleFilter(limit=10))] == ["b-seed.txt"]
