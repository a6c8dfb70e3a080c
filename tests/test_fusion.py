"""Fusion: reports of one real-world event from several articles become one fused event.

The stores here are written without a language model: documents with hand-made events (what the
pipeline would give), then ``fuse`` as ingest runs it. The views are checked through the CLI.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from eventwire.document import Document
from eventwire.fusion import fuse, unfused_count
from eventwire.models import Article, Event, Location
from eventwire.store import Store

from .test_store import BACKENDS, PG_URL, _fresh_pg_database

# Invented places (real coordinates): a town, a town 9 km away, a town 120 km away.
KARU = Location("Karu", 9.0, 7.6, "NG", 1000001, 1)
KARU_NEAR = Location("Karu East", 9.05, 7.67, "NG", 1000002, 1)
FAR = Location("Lafia", 8.49, 8.52, "NG", 1000003, 1)


def ev(sentence: str, *, type_="Violence against civilians", sub="Attack", a1="Unidentified Armed Group (Nigeria)",
       a2="Civilians (Nigeria)", loc=KARU, day="2024-03-12", fat=None, modality="reported", by=None) -> Event:
    return Event(event_type=type_, sub_event_type=sub, evidence=sentence, start=0, end=len(sentence), actor1=a1,
                 actor2=a2, location=loc, date=day, date_precision="day" if day and len(day) == 10 else "year",
                 fatalities=fat, modality=modality, attributed_to=by)


def doc(aid: str, site: str, published: str, *events: Event, title: str | None = None) -> Document:
    text = " ".join(e.evidence for e in events) or "Nothing happened."
    pos = 0
    for e in events:  # offsets of each sentence in the text
        e.start, e.end = pos, pos + len(e.evidence)
        pos = e.end + 1
    return Document(Article(id=aid, text=text, site=site, title=title or f"Report {aid}", input=f"/in/{aid}.txt",
                            url=f"https://{site}/{aid}", published=date.fromisoformat(published)),
                    events=list(events))


@pytest.fixture(params=BACKENDS)
def new_store(request, tmp_path: Path):
    """A function giving a new empty store (SQLite file or PostgreSQL database) and its --db value."""
    made: list[Store] = []

    def make(name: str = "f") -> Store:
        if request.param == "sqlite":
            url = str(tmp_path / f"{name}.db")
        else:
            url = _fresh_pg_database(PG_URL, f"{tmp_path.name}{name}")
        s = Store(url)
        s.db_arg = url
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def store_of(new_store, docs: list[Document], copies: dict[str, Document] | None = None) -> Store:
    s = new_store()
    for d in docs:
        s.add_document(d)
    for original, c in (copies or {}).items():
        s.add_document(c, duplicate_of=original, similarity=0.95)
    fuse(s)
    return s


def fused_of(s: Store, report_id_prefix_article: str) -> dict:
    """The fused event holding the first report of an article."""
    rec = s.article(report_id_prefix_article)
    return s.fused_event(rec["events"][0]["fused_into"])


def three_reports() -> list[Document]:
    return [
        doc("w1", "wire.example", "2024-03-12", ev("Gunmen killed at least 12 people in Karu on Tuesday.", fat=12)),
        doc("l1", "local.example", "2024-03-13", ev("Fourteen villagers died when bandits attacked Karu East.",
                                                    loc=KARU_NEAR, fat=14, a1="Bandits (Nigeria)")),
        doc("n1", "ngo.example", "2024-03-15", ev("Nearly 20 civilians were killed in the Karu raid last Tuesday.",
                                                  fat=20)),
    ]


def test_reports_of_one_event_become_one_fused_event_with_every_report(new_store):
    s = store_of(new_store, three_reports())
    f = fused_of(s, "w1")
    assert {r["article_id"] for r in f["reports"]} == {"w1", "l1", "n1"}
    assert f["articles"] == 3 and f["sources_independent"] == 3
    assert f["outlets"] == ["local.example", "ngo.example", "wire.example"]
    # Disagreement kept: each figure, the range, and the rule that chose the fused one.
    assert sorted(x["fatalities"] for x in f["fatalities_by_source"]) == [12, 14, 20]
    assert f["fatalities"] == 12 and f["fatalities_range"] == [12, 20] and "conservative" in f["fatalities_rule"]
    assert f["date"] == "2024-03-12" and f["location"]["name"] == "Karu"
    # Each merged report says why: distance, day gap, score.
    merged = [m for r in f["reports"] for m in r["merged"]]
    assert merged and all(m["day_gap"] == 0 and m["km"] < 15 and m["score"] >= 3 for m in merged)


@pytest.mark.parametrize("other, why", [
    (doc("x1", "x.example", "2024-03-16", ev("Gunmen killed five people in Karu on Saturday.", day="2024-03-16")),
     "same town, four days later"),
    (doc("x2", "x.example", "2024-03-12", ev("Gunmen killed eight people in Lafia on Tuesday.", loc=FAR)),
     "same night, another town 120 km away"),
    (doc("x3", "x.example", "2024-03-13", ev("A roadside bomb hit an army truck near Karu on Wednesday.",
                                             type_="Explosions/Remote violence", sub="Remote explosive/landmine/IED",
                                             a2="Military Forces of Nigeria", day="2024-03-13")),
     "same place, next day, another kind of event"),
    (doc("x4", "x.example", "2024-03-14", ev("Hundreds marched through Karu to mourn the dead on Thursday.",
                                             type_="Protests", sub="Peaceful protest", a1="Protesters (Nigeria)",
                                             a2=None, day="2024-03-14")),
     "a follow-up march"),
    (doc("x5", "x.example", "2024-03-12", ev("The gang threatened to attack Karu again on Tuesday.",
                                             modality="threatened")),
     "a threat is not the attack"),
])
def test_distinct_events_stay_apart(new_store, other: Document, why: str):
    s = store_of(new_store, [*three_reports(), other])
    f = fused_of(s, "w1")
    assert other.article.id not in {r["article_id"] for r in f["reports"]}, why
    assert fused_of(s, other.article.id)["articles"] == 1


def test_a_copy_is_listed_and_counted_once(new_store):
    copy = doc("c1", "farm.example", "2024-03-13")
    copy.events = []  # a near-duplicate is stored linked to its original, without events of its own
    s = store_of(new_store, three_reports(), copies={"w1": copy})
    f = fused_of(s, "w1")
    assert [c["article_id"] for c in f["copies"]] == ["c1"] and f["copies"][0]["copy_of"] == "w1"
    assert f["articles"] == 4 and f["sources_independent"] == 3
    assert "farm.example" in f["outlets"]


def test_a_spliced_page_repeating_a_report_is_not_another_source(new_store):
    spliced = doc("sp", "farm.example", "2024-03-14",
                  ev("Gunmen killed at least 12 people in Karu on Tuesday.", fat=12),
                  title="Nigeria news roundup")
    s = store_of(new_store, [*three_reports(), spliced])
    f = fused_of(s, "w1")
    assert f["articles"] == 4 and f["sources_independent"] == 3
    rep = next(r for r in f["reports"] if r["article_id"] == "sp")
    assert not rep["independent"] and rep["copy_of"] == next(r["event_id"] for r in f["reports"]
                                                             if r["article_id"] == "w1")


def test_a_denial_marks_the_event_contested(new_store):
    denial = doc("gov", "gov.example", "2024-03-13",
                 ev("The government denied that anyone was killed in Karu on Tuesday.", modality="denied",
                    by="the government"))
    s = store_of(new_store, [*three_reports(), denial])
    f = fused_of(s, "w1")
    assert f["contested"] is True and f["modality"] == "reported"
    assert [r["modality"] for r in f["reports"] if r["article_id"] == "gov"] == ["denied"]


def test_claims_and_denials_do_not_set_the_figure_when_others_give_one(new_store):
    claim = doc("cl", "claims.example", "2024-03-12", ev("The group said it killed 40 people in Karu on Tuesday.",
                                                         fat=40, modality="claimed", by="the group"))
    s = store_of(new_store, [*three_reports()[1:], claim])
    f = fused_of(s, "l1")
    assert f["fatalities"] == 14 and f["fatalities_range"] == [14, 40]


def test_fusion_is_deterministic_and_incremental_equals_full(new_store):
    s = store_of(new_store, three_reports()[:2])
    s.add_document(three_reports()[2])
    s.add_document(doc("x1", "x.example", "2024-03-16", ev("Gunmen killed five in Karu on Saturday.",
                                                            day="2024-03-16")))
    assert unfused_count(s) == 2
    fuse(s)
    assert unfused_count(s) == 0
    incremental = _partition(s)
    fuse(s, full=True)
    assert _partition(s) == incremental
    fuse(s, full=True)
    assert _partition(s) == incremental


def test_another_order_gives_the_same_events_and_ids(new_store):
    docs = [*three_reports(), doc("x2", "x.example", "2024-03-12", ev("Eight killed in Lafia.", loc=FAR))]
    a = new_store("a")
    for d in docs:
        a.add_document(d)
        fuse(a)
    b = new_store("b")
    for d in reversed(docs):
        b.add_document(d)
        fuse(b)
    assert _partition(a) == _partition(b)


def _partition(s: Store) -> dict[str, frozenset[str]]:
    from sqlalchemy import select

    from eventwire.store import schema as t

    with s.engine.connect() as conn:
        rows = conn.execute(select(t.fused_reports.c.fused_id, t.fused_reports.c.event_id)).all()
    out: dict[str, set[str]] = {}
    for fid, eid in rows:
        out.setdefault(fid, set()).add(eid)
    return {k: frozenset(v) for k, v in out.items()}


# ---- the views, through the CLI ----------------------------------------------------------------

def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwire", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture
def db(new_store) -> str:
    copy = doc("c1", "farm.example", "2024-03-13")
    copy.events = []
    s = store_of(new_store, [*three_reports(), doc("x2", "x.example", "2024-03-12",
                                                  ev("Eight killed in Lafia.", loc=FAR, fat=8))],
                 copies={"w1": copy})
    return s.db_arg


def test_events_lists_fused_events_and_reports_lists_each_articles(db: str):
    fused = run("events", "--db", db)
    assert fused.returncode == 0, fused.stderr
    lines = fused.stdout.splitlines()
    assert len(lines) == 2 and any("4 articles, 3 independent" in ln and "fatalities 12 (12-20 by source)" in ln
                                   for ln in lines)
    per_article = run("events", "--db", db, "--reports")
    assert len(per_article.stdout.splitlines()) == 4


def test_show_why_prints_each_report_and_why_it_was_merged(db: str):
    fid = next(ln.split()[0] for ln in run("events", "--db", db).stdout.splitlines() if "4 articles" in ln)
    why = run("show", fid, "--db", db, "--why")
    assert why.returncode == 0, why.stderr
    assert why.stdout.count("merged with") >= 2 and "km apart" in why.stdout and "same day" in why.stdout
    assert "farm.example" in why.stdout and "not counted again" in why.stdout
    rid = json.loads(run("show", fid, "--db", db).stdout)["reports"][0]["event_id"]
    per = json.loads(run("show", rid, "--db", db).stdout)
    assert per["fused_into"] == fid
    refused = run("show", rid, "--db", db, "--why")
    assert refused.returncode == 1 and "not a fused event" in refused.stderr


def test_exports_carry_reports_and_source_counts(db: str, tmp_path: Path):
    out = json.loads(run("export", "--db", db, "--format", "json").stdout)
    big = next(e for e in out if e["articles"] == 4)
    assert {r["input"] for r in big["reports"]} == {"/in/w1.txt", "/in/l1.txt", "/in/n1.txt"}
    assert all(r["url"] and r["title"] for r in big["reports"])
    rows = list(csv.DictReader(io.StringIO(run("export", "--db", db).stdout)))
    row = next(r for r in rows if r["articles"] == "4")
    assert sorted(row["source"].split("; ")) == ["farm.example", "local.example", "ngo.example", "wire.example"]
    assert row["sources_independent"] == "3" and row["fatalities"] == "12" and row["fatalities_range"] == "12-20"
    per = list(csv.DictReader(io.StringIO(run("export", "--db", db, "--reports").stdout)))
    assert len(per) == 4


def test_reading_a_store_with_unfused_events_says_how_to_fuse_them(new_store):
    s = new_store("old")
    for d in three_reports():
        s.add_document(d)
    proc = run("events", "--db", s.db_arg)
    assert proc.returncode == 0 and "run 'eventwire fuse'" in proc.stderr
    fused = run("fuse", "--db", s.db_arg)
    assert fused.returncode == 0 and "fused 3 reports into 1 events" in fused.stdout
    assert "not fused" not in run("events", "--db", s.db_arg).stderr


def spliced_page() -> Document:
    # A content farm's page a week later: the wire's sentence under its own date, so "on Tuesday"
    # resolved to the next Tuesday, next to a sentence of its own.
    return doc("farm", "farm.example", "2024-03-20",
               ev("Gunmen killed at least 12 people in Karu on Tuesday, residents and officials said.",
                  day="2024-03-19", fat=12),
               ev("Officials in the state capital promised more patrols on the roads around the town.",
                  type_="Strategic developments", sub="Other", a1=None, a2=None, loc=None, day=None),
               title="Top 10 shocking stories this week")


@pytest.mark.parametrize("farm_first", [False, True])
def test_a_page_repeating_a_report_under_another_date_joins_its_event_as_a_copy(new_store, farm_first: bool):
    wire = three_reports()
    wire[0] = doc("w1", "wire.example", "2024-03-12",
                  ev("Gunmen killed at least 12 people in Karu on Tuesday, residents and officials said.", fat=12))
    s = new_store()
    order = [spliced_page(), *wire] if farm_first else [*wire, spliced_page()]
    for d in order:  # one ingest (and fusion run) per article
        s.add_document(d)
        fuse(s)
    f = fused_of(s, "w1")
    assert "farm" in {r["article_id"] for r in f["reports"]}
    assert f["articles"] == 4 and f["sources_independent"] == 3 and f["date"] == "2024-03-12"
    rep = next(r for r in f["reports"] if r["article_id"] == "farm" and r["lead"])
    assert rep["independent"] is False
    assert any(m.get("parts", {}).get("repeated sentence") for m in rep["merged"])
    incremental = _partition(s)
    fuse(s, full=True)
    assert _partition(s) == incremental


def test_an_article_restating_the_event_as_background_is_listed_not_counted(new_store):
    later = doc("bg", "later.example", "2024-03-14",
                ev("Bandits abducted 30 pupils from a school in Lafia on Thursday.", loc=FAR, day="2024-03-14",
                   type_="Violence against civilians", sub="Abduction/forced disappearance"),
                ev("Gunmen killed at least 12 people in nearby Karu on Tuesday.", fat=12))
    s = store_of(new_store, [*three_reports(), later])
    f = fused_of(s, "w1")
    rep = next(r for r in f["reports"] if r["article_id"] == "bg")
    assert rep["role"] == "background" and not rep["independent"]
    assert f["articles"] == 4 and f["sources_independent"] == 3
    assert fused_of(s, "bg")["sub_event_type"] == "Abduction/forced disappearance"
