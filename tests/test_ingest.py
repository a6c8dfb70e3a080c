"""`eventwire ingest`: idempotent, duplicate-aware, crash-safe and concurrent, on real files."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from eventwire.store import Store
from eventwire.store import schema as t

from .conftest import DATA, SEED, need
from .test_store import PG_URL, _fresh_pg_database

FUSION = DATA / "fusion-dev"


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwire", *args], capture_output=True, text=True,
                          timeout=900, env={**os.environ, **(env or {})})


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The seed and the fusion-dev reports (which include a syndicated and a re-spun copy)."""
    d = tmp_path / "corpus"
    d.mkdir()
    shutil.copy(need(SEED / "raqqa-2017-06.txt"), d)
    for f in sorted(need(FUSION).glob("fd*.txt")):
        shutil.copy(f, d)
    return d


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def db(request, tmp_path) -> str:
    return str(tmp_path / "events.db") if request.param == "sqlite" else _fresh_pg_database(PG_URL, tmp_path.name)


def counts(db: str) -> dict:
    with Store(db) as s:
        return s.counts()


def test_ingest_twice_adds_nothing_and_links_duplicates(corpus: Path, db: str):
    first = run("ingest", "--db", db, str(corpus))
    assert first.returncode == 0, first.stderr
    assert "ingested 33 articles" in first.stdout
    n = counts(db)
    assert n["articles"] == 33
    # The copies fusion-dev's gold names, linked to their originals (in either direction: the
    # original is whichever was ingested first).
    gold = json.loads((FUSION / "gold.json").read_text())["articles"]
    want = {frozenset((a, g["duplicate_of"])) for a, g in gold.items() if g["duplicate_of"]}
    with Store(db) as s, s.engine.connect() as conn:
        rows = conn.execute(select(t.articles.c.input, t.articles.c.duplicate_of, t.articles.c.id)).all()
    by_id = {r.id: Path(r.input).stem for r in rows}
    got = {frozenset((Path(r.input).stem, by_id[r.duplicate_of])) for r in rows if r.duplicate_of}
    assert got == want
    assert n["events"] > 20
    again = run("ingest", "--db", db, str(corpus))
    assert again.returncode == 0
    assert "ingested 0 articles" in again.stdout and "already in the store: 33" in again.stdout
    assert counts(db) == n


def test_exit_status_is_failure_only_when_nothing_could_be_ingested(tmp_path: Path):
    db = str(tmp_path / "x.db")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "a.bin").write_bytes(b"\x00" * 100)
    proc = run("ingest", "--db", db, str(tmp_path / "bad"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert run("ingest", "--db", db, "/nonexistent").returncode == 2


def test_kill_9_loses_nothing_and_the_rerun_finishes(corpus: Path, tmp_path: Path):
    db = str(tmp_path / "crash.db")
    proc = subprocess.Popen([sys.executable, "-m", "eventwire", "ingest", "--db", db, "--quiet", str(corpus)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    engine = None
    deadline = time.time() + 300
    try:
        # Kill it for real, in the middle: once some articles are committed and others are not.
        while time.time() < deadline:
            time.sleep(0.5)
            if Path(db).exists():
                engine = engine or create_engine(f"sqlite:///{db}")
                try:
                    with engine.connect() as conn:
                        done = conn.execute(select(func.count()).select_from(t.articles)).scalar_one()
                except Exception:
                    continue
                if done >= 5:
                    break
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    partial = counts(db)
    assert 5 <= partial["articles"] < 33
    # No half-written article: every stored original has its annotations and FTS row.
    with Store(db) as s, s.engine.connect() as conn:
        originals = conn.execute(select(t.articles.c.id).where(t.articles.c.duplicate_of.is_(None))).scalars().all()
        for aid in originals:
            assert conn.execute(select(func.count()).select_from(t.entities)
                                .where(t.entities.c.article_id == aid)).scalar_one() > 0, aid
        fts = conn.exec_driver_sql("SELECT count(*) FROM articles_fts").scalar_one()
        assert fts == partial["articles"]
    rerun = run("ingest", "--db", db, str(corpus))
    assert rerun.returncode == 0, rerun.stderr
    assert f"already in the store: {partial['articles']}" in rerun.stdout
    final = counts(db)
    assert final["articles"] == 33


def test_two_concurrent_ingests_neither_deadlock_nor_duplicate(corpus: Path, db: str):
    procs = [subprocess.Popen([sys.executable, "-m", "eventwire", "ingest", "--db", db, str(corpus)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=900) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-500:] for o in outs]
    n = counts(db)
    assert n["articles"] == 33
    with Store(db) as s, s.engine.connect() as conn:
        ids = conn.execute(select(t.event_sources.c.event_id)).scalars().all()
    assert len(ids) == len(set(ids))  # no event stored twice


def _snapshot(db: str) -> dict:
    with Store(db) as s, s.engine.connect() as conn:
        return {
            "articles": sorted(conn.execute(select(t.articles.c.id, t.articles.c.duplicate_of, t.articles.c.title,
                                                   t.articles.c.published, t.articles.c.text)).all()),
            "events": sorted(tuple(r) for r in conn.execute(select(t.events)).all()),
            "sources": sorted(conn.execute(select(t.event_sources.c.event_id, t.event_sources.c.article_id,
                                                  t.event_sources.c.start, t.event_sources.c.end)).all()),
            "entities": conn.execute(select(func.count()).select_from(t.entities)).scalar_one(),
            "places": sorted(conn.execute(select(t.places.c.article_id, t.places.c.start, t.places.c.geonameid)).all()),
        }


def test_dask_workers_give_the_serial_result(corpus: Path, tmp_path: Path):
    serial, parallel = str(tmp_path / "serial.db"), str(tmp_path / "parallel.db")
    assert run("ingest", "--db", serial, "--quiet", str(corpus)).returncode == 0
    proc = run("ingest", "--db", parallel, "--workers", "2", str(corpus))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "ingested 33 articles" in proc.stdout
    assert proc.stderr.strip() == ""  # the cluster's own logging stays out of the user's way
    a, b = _snapshot(serial), _snapshot(parallel)
    assert a["articles"] == b["articles"]
    assert a["events"] == b["events"]
    assert a == b


def test_unreachable_scheduler_is_one_clear_line(tmp_path: Path):
    proc = run("ingest", "--db", str(tmp_path / "x.db"), "--scheduler", "tcp://127.0.0.1:9", str(SEED))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "cannot reach the Dask scheduler" in proc.stderr
