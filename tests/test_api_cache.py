"""The API keeps fused-event counts until a fusion run changes the fused events (store_versions)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from .conftest import SHARED, need
from .test_store import BACKENDS, PG_URL, _fresh_pg_database

FUSION_DEV = SHARED / "data" / "fusion-dev"


def _ingest(db: str, *names: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "eventwire", "ingest", "--db", db, "--quiet",
                           *(str(need(FUSION_DEV / n)) for n in names)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "events.db")
    return _fresh_pg_database(PG_URL, "cache" + tmp_path.name[-12:])


def _version(db: str) -> int:
    from eventwire.store import Store
    from eventwire.store.versions import FUSED_EVENTS, current

    with Store(db, create=False) as store, store.engine.connect() as conn:
        return current(conn, FUSED_EVENTS)


def test_fusion_raises_the_version_and_the_counts_follow(db):
    _ingest(db, "fd01.txt", "fd02.txt")
    v1 = _version(db)
    assert v1 >= 1  # a new store starts at 0; the ingest's fusion run raised it

    from eventwire.api import create_app

    with TestClient(create_app(db)) as client:
        cache = client.app.state.fused_cache
        params = {"by": "month", "group": "event_type"}
        first = client.get("/api/aggregates", params=params).json()
        again = client.get("/api/aggregates", params=params).json()
        assert again == first and cache.hits == 1
        change = client.get("/api/aggregates/change").json()
        assert client.get("/api/aggregates/change").json() == change and cache.hits == 2
        # Per-article counts are never kept: articles are stored before their fusion run.
        client.get("/api/aggregates", params={**params, "reports": "true"})
        client.get("/api/aggregates", params={**params, "reports": "true"})
        assert cache.hits == 2

        _ingest(db, "fd03.txt", "fd04.txt", "fd05.txt")  # another process writes and fuses
        assert _version(db) > v1
        after = client.get("/api/aggregates", params=params).json()
        total = sum(b["count"] for b in after["buckets"]) + after["undated"]
        before = sum(b["count"] for b in first["buckets"]) + first["undated"]
        assert total > before

    with TestClient(create_app(db)) as fresh:  # the same answer as an app that never kept anything
        assert fresh.get("/api/aggregates", params=params).json() == after


def test_a_run_that_changes_nothing_keeps_the_version(db):
    _ingest(db, "fd01.txt")
    v = _version(db)
    proc = subprocess.run([sys.executable, "-m", "eventwire", "fuse", "--db", db], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert _version(db) == v
