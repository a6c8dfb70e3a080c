"""The event store: write annotated documents once, read articles and events back.

Every article is written in one transaction with all its annotations, so a crash
leaves either the whole article or nothing; article ids are stable, so writing the
same article again is a no-op (also when two processes race: the second insert is
ignored by the database's own conflict handling). Storing an original and looking its
near-duplicates up are one transaction holding its LSH band keys (``Store.writing``), so of
two concurrent ingests of an article and its copy, the one stored second is linked to the first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func, insert, select, text

from ..document import Document
from . import schema as t
from .db import make_engine, migrate
from .location import locate


def _insert_ignore(conn, table):
    """INSERT that silently skips rows whose key exists (SQLite and PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing()


def content_hash(text_: str) -> str:
    return hashlib.sha256(" ".join(text_.split()).encode("utf-8")).hexdigest()


def event_id(article_id: str, ev) -> str:
    key = f"{article_id}:{ev.start}:{ev.end}:{ev.event_type}:{ev.sub_event_type}:{ev.actor1}:{ev.actor2}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


class Store:
    """An open store (SQLite file or PostgreSQL database) at the newest schema.

    ``create=False`` for reading: a store that does not exist yet is an error, and nothing is created.
    """

    def __init__(self, db: str | None = None, engine: Engine | None = None, create: bool = True):
        if engine is None:
            loc = locate(db, create)
            self.url, self.path = loc.url, loc.path
        else:
            self.url = str(engine.url)
            name = engine.url.database if engine.dialect.name == "sqlite" else None
            self.path = Path(name) if name and name != ":memory:" else None
        self.engine = engine or make_engine(self.url)
        try:
            migrate(self.engine, create)
        except BaseException:
            self.engine.dispose()
            raise
        self.dialect = self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- writing -------------------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(t.articles.c.id).where(t.articles.c.id == article_id)).first() is not None

    def add_document(self, doc: Document, signature: bytes | None = None,
                     duplicate_of: str | None = None, similarity: float | None = None,
                     bands: list[tuple[int, int]] | None = None) -> bool:
        """Store an article with all its annotations in one transaction; False if it was there already."""
        with self.writing(bands) as w:
            return w.add_document(doc, signature=signature, duplicate_of=duplicate_of,
                                  similarity=similarity, bands=bands)

    @contextmanager
    def writing(self, bands: list[tuple[int, int]] | None = None) -> Iterator[Writer]:
        """One write transaction that holds ``bands``' LSH keys until it commits.

        Looking near-duplicates up and storing the article must be one step: two ingests
        that each looked before either stored would both store an original. Inside this
        block no other writer can store an article sharing a band key, so candidates read
        through the ``Writer`` include every original committed before it, and an original
        stored here is seen by every later writer. SQLite: BEGIN IMMEDIATE (one writer per
        file). PostgreSQL: a transaction-scoped advisory lock per key, taken in key order so
        that two writers cannot deadlock; articles sharing no key do not wait for each other.
        """
        with self.engine.begin() as conn:
            if self.dialect == "sqlite":
                # pysqlite would begin lazily (deferred) at the first write, after the reads: too late.
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            elif bands:
                keys = sorted({_lock_key(k) for _b, k in bands})
                conn.execute(text("SELECT pg_advisory_xact_lock(:space, k) FROM unnest(CAST(:keys AS int[])) AS k"),
                             {"space": _LSH_LOCK_SPACE, "keys": keys})
            yield Writer(self, conn)

    def _write(self, conn, doc: Document, signature: bytes | None, duplicate_of: str | None,
               similarity: float | None, bands: list[tuple[int, int]] | None) -> bool:
        art = doc.article
        site_id = self._site_id(conn, art.site)
        row = {
            "id": art.id, "site_id": site_id, "url": art.url, "input": art.input, "title": art.title,
            "published": art.published, "retrieved": art.retrieved, "language": art.language,
            "text": art.text, "content_hash": content_hash(art.text), "duplicate_of": duplicate_of,
            "similarity": similarity, "signature": signature, "skipped": doc.skipped or None,
            # Taken inside the transaction (after its locks), so "oldest" is the order of storing.
            "case_label": doc.case_label, "ingested_at": datetime.now(UTC),
        }
        inserted = conn.execute(_insert_ignore(conn, t.articles).values(**row).returning(t.articles.c.id))
        if inserted.first() is None:
            return False  # stored before (or by a concurrent ingest a moment ago)
        self._add_annotations(conn, doc)
        if bands:
            conn.execute(insert(t.lsh_bands), [{"band": b, "key": k, "article_id": art.id} for b, k in bands])
        if self.dialect == "sqlite":
            conn.execute(text("INSERT INTO articles_fts (article_id, title, text) VALUES (:i, :ti, :tx)"),
                         {"i": art.id, "ti": art.title or "", "tx": art.text})
        return True

    def _site_id(self, conn, name: str | None) -> int | None:
        if not name:
            return None
        conn.execute(_insert_ignore(conn, t.sites).values(name=name))
        return conn.execute(select(t.sites.c.id).where(t.sites.c.name == name)).scalar_one()

    def _add_annotations(self, conn, doc: Document) -> None:
        aid = doc.article.id
        spans = [
            (t.entities, [e.to_dict() for e in doc.entities]),
            (t.places, [p.to_dict() for p in doc.places]),
            (t.times, [x.to_dict() for x in doc.times]),
            (t.quotes, [{k: v for k, v in q.to_dict().items() if k not in ("speaker_start", "speaker_end")}
                        for q in doc.quotes]),
        ]
        for table, rows in spans:
            if rows:
                conn.execute(insert(table), [{"article_id": aid, **r} for r in rows])
        for ev in doc.events:
            eid = event_id(aid, ev)
            loc = ev.location
            conn.execute(_insert_ignore(conn, t.events).values(
                id=eid, event_type=ev.event_type, sub_event_type=ev.sub_event_type, actor1=ev.actor1,
                actor2=ev.actor2, assoc_actors=ev.assoc_actors or [], location=loc.name if loc else None,
                lat=loc.lat if loc else None, lon=loc.lon if loc else None, country=loc.country if loc else None,
                geonameid=loc.geonameid if loc else None, geo_precision=loc.precision if loc else None,
                date=ev.date, date_precision=ev.date_precision, fatalities=ev.fatalities,
                modality=ev.modality, attributed_to=ev.attributed_to, confidence=ev.confidence,
            ))
            conn.execute(insert(t.event_sources).values(
                event_id=eid, article_id=aid, start=ev.start, end=ev.end, evidence=ev.evidence,
                modality=ev.modality, attributed_to=ev.attributed_to, trigger=ev.trigger,
            ))

    # ---- reading -------------------------------------------------------------------------

    def near_duplicate_candidates(self, bands: list[tuple[int, int]]) -> list[tuple[str, bytes]]:
        """(id, signature) of stored originals sharing an LSH band key, oldest first."""
        if not bands:
            return []
        with self.engine.connect() as conn:
            return _candidates(conn, bands)

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            n = {name: conn.execute(select(func.count()).select_from(tab)).scalar_one()
                 for name, tab in (("articles", t.articles), ("events", t.events), ("sites", t.sites),
                                   ("entities", t.entities), ("places", t.places), ("quotes", t.quotes))}
            n["duplicates"] = conn.execute(
                select(func.count()).select_from(t.articles).where(t.articles.c.duplicate_of.is_not(None))
            ).scalar_one()
        return n

    def article(self, article_id: str) -> dict | None:
        """An article with its annotations and events, as a record like `eventwire extract`'s."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.articles, t.sites.c.name.label("site"))
                .join(t.sites, t.sites.c.id == t.articles.c.site_id, isouter=True)
                .where(t.articles.c.id == article_id)
            ).mappings().first()
            if row is None:
                return None
            rec = {"article": _article_dict(row)}
            for key, tab in (("entities", t.entities), ("places", t.places), ("times", t.times),
                             ("quotes", t.quotes)):
                rows = conn.execute(select(tab).where(tab.c.article_id == article_id).order_by(tab.c.start))
                rec[key] = [{k: v for k, v in r.items() if k not in ("id", "article_id")} for r in rows.mappings()]
            ev_ids = [r[0] for r in conn.execute(
                select(t.event_sources.c.event_id).where(t.event_sources.c.article_id == article_id)
                .order_by(t.event_sources.c.start))]
        rec["events"] = [self.event(e) for e in ev_ids]
        rec["case_label"] = row["case_label"]
        return rec

    def fused_event(self, fid: str) -> dict | None:
        """A fused event with every report, its copies and sources (``store.fused.read_fused``)."""
        from .fused import read_fused

        with self.engine.connect() as conn:
            out = read_fused(conn, fid)
            if out is not None:
                out["actor_kinds"] = _actor_kinds(conn, list(dict.fromkeys(r["article_id"] for r in out["reports"])),
                                                  [out["actor1"], out["actor2"], *out["assoc_actors"]])
        return out

    def event(self, eid: str) -> dict | None:
        """An event with its sources: each article and the evidence sentence it was read from."""
        with self.engine.connect() as conn:
            ev = conn.execute(select(t.events).where(t.events.c.id == eid)).mappings().first()
            if ev is None:
                return None
            srcs = conn.execute(
                select(t.event_sources, t.articles.c.title, t.articles.c.url, t.articles.c.published,
                       t.articles.c.duplicate_of, t.articles.c.ingested_at, t.sites.c.name.label("site"))
                .join(t.articles, t.articles.c.id == t.event_sources.c.article_id)
                .join(t.sites, t.sites.c.id == t.articles.c.site_id, isouter=True)
                .where(t.event_sources.c.event_id == eid)
            ).mappings().all()
            out = event_dict(ev)
            out["fused_into"] = conn.execute(select(t.fused_reports.c.fused_id)
                                             .where(t.fused_reports.c.event_id == eid)).scalar()
            out["actor_kinds"] = _actor_kinds(conn, [s["article_id"] for s in srcs],
                                              [ev["actor1"], ev["actor2"], *(ev["assoc_actors"] or [])])
        out["sources"] = [{
            "article_id": s["article_id"], "site": s["site"], "title": s["title"], "url": s["url"],
            "published": s["published"].isoformat() if s["published"] else None,
            "duplicate_of": s["duplicate_of"], "evidence": s["evidence"], "start": s["start"], "end": s["end"],
            "modality": s["modality"], "attributed_to": s["attributed_to"],
            "ingested_at": s["ingested_at"].isoformat() if s["ingested_at"] else None,
        } for s in srcs]
        return out


class Writer:
    """The open transaction of ``Store.writing``: look near-duplicates up, then store, atomically."""

    def __init__(self, store: Store, conn) -> None:
        self._store, self._conn = store, conn

    def near_duplicate_candidates(self, bands: list[tuple[int, int]]) -> list[tuple[str, bytes]]:
        """As ``Store.near_duplicate_candidates``, read inside this transaction."""
        return _candidates(self._conn, bands) if bands else []

    def add_document(self, doc: Document, signature: bytes | None = None,
                     duplicate_of: str | None = None, similarity: float | None = None,
                     bands: list[tuple[int, int]] | None = None) -> bool:
        """As ``Store.add_document``; committed when the ``writing`` block ends."""
        return self._store._write(self._conn, doc, signature, duplicate_of, similarity, bands)


# Advisory locks of LSH band keys live in their own (int, int) key space: PostgreSQL keeps it
# apart from single-bigint locks such as the migration's. A key folded to 32 bits may share its
# lock with another key: that only makes two unrelated articles wait for each other a moment.
_LSH_LOCK_SPACE = 0x4C5348  # "LSH"


def _lock_key(key: int) -> int:
    folded = (key ^ (key >> 32)) & 0xFFFFFFFF
    return folded - (1 << 32) if folded >= 1 << 31 else folded


def _candidates(conn, bands: list[tuple[int, int]]) -> list[tuple[str, bytes]]:
    # Keys carry their band (dedup.band_keys), so one primary-key lookup per key finds them.
    ids = select(t.lsh_bands.c.article_id).where(t.lsh_bands.c.key.in_([k for _b, k in bands]))
    q = (select(t.articles.c.id, t.articles.c.signature)
         .where(t.articles.c.id.in_(ids), t.articles.c.signature.is_not(None))
         .order_by(t.articles.c.ingested_at, t.articles.c.id))
    return [(r[0], r[1]) for r in conn.execute(q)]


def _actor_kinds(conn, article_ids: list[str], names: list[str | None]) -> dict[str, str]:
    """The entity kind (spec: armed_group, state_force, ...) of each named actor, as its articles tagged it."""
    names = [n for n in names if n]
    if not names or not article_ids:
        return {}
    rows = conn.execute(select(t.entities.c.actor, t.entities.c.kind, func.count())
                        .where(t.entities.c.article_id.in_(article_ids), t.entities.c.actor.in_(names))
                        .group_by(t.entities.c.actor, t.entities.c.kind))
    best: dict[str, tuple[int, str]] = {}
    for actor, kind, n in rows:
        if (n, kind) > best.get(actor, (0, "")):  # the kind most mentions carry; ties by name, so stable
            best[actor] = (n, kind)
    return {a: k for a, (_n, k) in best.items()}


def _article_dict(row) -> dict:
    d = {k: row[k] for k in ("id", "input", "url", "site", "title", "language", "text", "duplicate_of",
                             "similarity")}
    for k in ("published", "retrieved"):
        d[k] = row[k].isoformat() if row[k] else None
    return d


def event_dict(ev) -> dict:
    loc = None
    if ev["lat"] is not None:
        loc = {"name": ev["location"], "lat": ev["lat"], "lon": ev["lon"], "country": ev["country"],
               "geonameid": ev["geonameid"], "precision": ev["geo_precision"]}
    return {
        "id": ev["id"], "event_type": ev["event_type"], "sub_event_type": ev["sub_event_type"],
        "actor1": ev["actor1"], "actor2": ev["actor2"], "assoc_actors": ev["assoc_actors"] or [],
        "location": loc, "date": ev["date"], "date_precision": ev["date_precision"],
        "fatalities": ev["fatalities"], "modality": ev["modality"], "attributed_to": ev["attributed_to"],
        "confidence": ev["confidence"],
    }
