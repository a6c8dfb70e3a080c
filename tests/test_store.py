"""The event store on SQLite and (when a server is configured) PostgreSQL: writes, reads, migrations."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import inspect

from eventwire.document import Document
from eventwire.extract import extract_text
from eventwire.models import Article
from eventwire.store import Store
from eventwire.store.query import ArticleFilter, EventFilter, find_articles, find_events

from .conftest import SEED, need

PG_URL = os.environ.get("EVENTWIRE_TEST_PG_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    if request.param == "sqlite":
        s = Store(str(tmp_path / "events.db"))
    else:
        s = Store(_fresh_pg_database(PG_URL, tmp_path.name))
    yield s
    s.close()


def _fresh_pg_database(url: str, name: str) -> str:
    """A new, empty database on the test server for one test."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    dbname = "ew_" + "".join(c for c in name.lower() if c.isalnum())[-40:]
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{dbname}"'))
    admin.dispose()
    return base.set(database=dbname).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def seed_doc() -> Document:
    return extract_text(need(SEED / "raqqa-2017-06.txt").read_text("utf-8"), "raqqa-2017-06.txt")


def test_schema_is_migrated_and_matches_the_declared_tables(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from eventwire.store.schema import metadata

    names = set(inspect(store.engine).get_table_names())
    assert {"articles", "sites", "entities", "places", "times", "quotes", "events", "event_sources",
            "alembic_version"} <= names
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    # Only the full-text parts live outside schema.py (FTS5 table, tsvector column).
    assert [d for d in diff if "fts" not in str(d) and "search" not in str(d)] == []


def test_opening_twice_is_harmless(store):
    again = Store(store.url)
    assert again.counts()["articles"] == 0
    again.close()


def test_document_is_stored_once_with_everything(store, seed_doc):
    assert store.add_document(seed_doc) is True
    assert store.add_document(seed_doc) is False  # idempotent
    n = store.counts()
    assert n["articles"] == 1
    assert n["events"] == len(seed_doc.events) > 0
    assert n["entities"] == len(seed_doc.entities)
    assert n["places"] == len(seed_doc.places)
    rec = store.article(seed_doc.article.id)
    assert rec["article"]["published"] == "2017-06-18"
    assert rec["article"]["text"] == seed_doc.article.text
    assert [q["speaker"] for q in rec["quotes"]] == [q.speaker for q in seed_doc.quotes]
    ev = rec["events"][0]
    src = ev["sources"][0]
    assert seed_doc.article.text[src["start"]:src["end"]] == src["evidence"]


def test_event_filters(store, seed_doc):
    store.add_document(seed_doc)

    def ids(**kw):
        return {e["id"] for e in find_events(store, EventFilter(**kw))}

    everything = ids()
    assert len(everything) == len(seed_doc.events)
    raqqa = ids(near=(35.95, 39.01), radius_km=25)
    assert raqqa and raqqa < everything
    assert ids(near=(48.85, 2.35), radius_km=100) == set()  # Paris
    assert ids(bbox=(38.9, 35.9, 39.1, 36.0)) == raqqa
    assert len(ids(event_type="Battles")) == sum(e.event_type == "Battles" for e in seed_doc.events)
    assert ids(actor="democratic forces") and ids(actor="democratic forces") < everything
    assert ids(country="SY") == {e["id"] for e in find_events(store, EventFilter()) if e["location"]
                                and e["location"]["country"] == "SY"}
    assert [e["date"] for e in find_events(store, EventFilter(since="2017-06", until="2017-06"))] == ["2017-06-12"]
    assert ids(since="2015") and "2014" not in {e["date"] for e in find_events(store, EventFilter(since="2015"))}
    assert ids(text="caliph") == everything
    assert ids(text="volcano") == set()
    assert ids(modality="claimed") and ids(modality="claimed") < everything


def test_full_text_search_over_articles(store, seed_doc):
    store.add_document(seed_doc)
    assert [a["id"] for a in find_articles(store, ArticleFilter(text="Raqqa"))] == [seed_doc.article.id]
    # Every word must occur; quotes and operators typed by the user cannot break the query.
    assert len(list(find_articles(store, ArticleFilter(text='"Raqqa" jihadists')))) == 1
    assert list(find_articles(store, ArticleFilter(text='jihadists" OR (x'))) == []
    assert list(find_articles(store, ArticleFilter(text="volcano"))) == []


def test_duplicates_are_linked_and_their_events_not_counted(store, seed_doc):
    store.add_document(seed_doc)
    copy = Article(id="copy-1", text=seed_doc.article.text + "\n\nSyndicated.", title="Copy")
    assert store.add_document(Document(copy), duplicate_of=seed_doc.article.id, similarity=0.97)
    arts = list(find_articles(store, ArticleFilter(duplicates=True)))
    assert [(a["id"], a["duplicate_of"]) for a in arts] == [("copy-1", seed_doc.article.id)]
    assert store.counts()["duplicates"] == 1
    assert len(list(find_events(store, EventFilter()))) == len(seed_doc.events)


def test_migration_0002_indexes_articles_stored_before_it(tmp_path, seed_doc):
    from importlib import resources

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import select

    from eventwire.dedup import band_keys, signature, signature_bytes
    from eventwire.store import schema as t
    from eventwire.store.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("eventwire.store") / "migrations"))
    with engine.begin() as conn:  # a store as revision 0001 made it, holding one article
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        sig = signature(seed_doc.article.text)
        conn.execute(t.articles.insert().values(
            id="old-1", text=seed_doc.article.text, content_hash="x", signature=signature_bytes(sig),
            ingested_at=__import__("datetime").datetime.now()))
    engine.dispose()
    store = Store(str(tmp_path / "old.db"))  # opening upgrades to head
    with store.engine.connect() as conn:
        keys = conn.execute(select(t.lsh_bands.c.band, t.lsh_bands.c.key).where(
            t.lsh_bands.c.article_id == "old-1")).all()
    assert sorted(keys) == sorted(band_keys(sig))
    assert [aid for aid, _ in store.near_duplicate_candidates(band_keys(sig))] == ["old-1"]
    store.close()


def test_head_revision_read_from_the_files_is_alembics():
    """Opening a current store skips Alembic by comparing with this head: it must be Alembic's own."""
    from importlib import resources

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from eventwire.store.db import head_revision

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("eventwire.store") / "migrations"))
    assert head_revision() == ScriptDirectory.from_config(cfg).get_current_head()


def test_case_label_round_trips_on_every_backend(store):
    doc = Document(Article(id="cl-1", text="Envoys of both countries met in Geneva on Monday."), case_label="DIPLO")
    assert store.add_document(doc)
    assert store.add_document(Document(Article(id="cl-2", text="Nothing happened.")))
    assert store.article("cl-1")["case_label"] == "DIPLO"
    assert store.article("cl-2")["case_label"] is None
    listed = {a["id"]: a["case_label"] for a in find_articles(store, ArticleFilter())}
    assert listed == {"cl-1": "DIPLO", "cl-2": None}
