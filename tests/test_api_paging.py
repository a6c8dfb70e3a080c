"""Keyset pages and database-counted aggregates (issue 11) against plain Python over a random store.

A store of random fused events and reports (ties on a day, month- and year-only dates, undated
events, an impossible date, events without a place, empty and repeated actors) is written
straight into the tables; the API's pages must be the Python sort of those rows, also when rows
arrive between two pages, and its aggregates a Python count over the events it lists.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from .test_store import BACKENDS, PG_URL, _fresh_pg_database

N_FUSED, N_REPORTS = 400, 150
TYPES = ["Battles", "Protests", "Riots", "Violence against civilians"]
ACTORS = [None, "", "JNIM", "Boko Haram", "Military Forces of Mali", "Civilians (ML)"]
DAYS = [(date(2023, 1, 2) + timedelta(days=k)).isoformat() for k in range(0, 400, 3)]


def _date(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.08:
        return None
    if roll < 0.14:
        return rng.choice(DAYS)[:7]  # month only
    if roll < 0.17:
        return rng.choice(DAYS)[:4]  # year only
    if roll < 0.18:
        return "2023-02-30"  # no such day: undated by day and week, February by month
    return rng.choice(DAYS[:20])  # few days: many events share one


def _event(rng: random.Random, i: int, prefix: str) -> dict:
    placed = rng.random() > 0.15
    a1 = rng.choice(ACTORS)
    return dict(id=f"{prefix}{rng.getrandbits(64):016x}{i:04d}", event_type=rng.choice(TYPES), sub_event_type=None,
                actor1=a1, actor2=a1 if rng.random() < 0.1 else rng.choice(ACTORS), assoc_actors=[],
                location="somewhere" if placed else None, lat=rng.uniform(10, 14) if placed else None,
                lon=rng.uniform(-2, 4) if placed else None, country=rng.choice(["ML", "BF", "NE"]),
                geonameid=None, geo_precision=1 if placed else None, date=_date(rng), date_precision=None,
                fatalities=None, modality=rng.choice(["reported", "asserted", "denied"]), attributed_to=None,
                confidence=0.8)


def fused_rows(rng: random.Random, n: int, prefix: str = "f") -> list[dict]:
    out = []
    for i in range(n):
        ev = _event(rng, i, prefix)
        out.append(dict(ev, fatalities_min=None, fatalities_max=None, fatalities_rule=None, contested=False,
                        reports=1, articles=1, sources_independent=1, outlets=None))
    return out


def _fill(db: str) -> tuple[list[dict], set[str]]:
    """The random store; returns its fused rows and the ids of reports that have an original article."""
    from eventwire.store import Store
    from eventwire.store import schema as t

    rng = random.Random(11)
    fused = fused_rows(rng, N_FUSED)
    reports = [_event(rng, i, "r") for i in range(N_REPORTS)]
    when = datetime(2025, 1, 1, tzinfo=UTC)
    arts = [dict(id=f"a{k}", text="x", content_hash=f"h{k}", ingested_at=when, duplicate_of=None) for k in range(5)]
    arts.append(dict(id="copy", text="x", content_hash="hc", ingested_at=when, duplicate_of="a0"))
    sources, originals = [], set()
    for ev in reports:
        art = "copy" if rng.random() < 0.2 else f"a{rng.randrange(5)}"  # some read only from a copy
        originals |= {ev["id"]} if art != "copy" else set()
        sources.append(dict(event_id=ev["id"], article_id=art, start=0, end=1, evidence="x", modality="reported"))
    with Store(db) as store, store.engine.begin() as conn:
        conn.execute(insert(t.fused_events), fused)
        conn.execute(insert(t.articles), arts)
        conn.execute(insert(t.events), reports)
        conn.execute(insert(t.event_sources), sources)
    return fused, originals


@pytest.fixture(scope="module", params=BACKENDS)
def db(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        return str(tmp_path_factory.mktemp("paging") / "events.db")
    return _fresh_pg_database(PG_URL, "paging" + tmp_path_factory.mktemp("pgpaging").name)


@pytest.fixture(scope="module")
def filled(db) -> tuple[list[dict], set[str]]:
    return _fill(db)


@pytest.fixture(scope="module")
def client(db, filled):
    from eventwire.api import create_app

    with TestClient(create_app(db)) as c:
        yield c


def stable_sort(rows: list[dict]) -> list[str]:
    """Date descending, undated last, then id ascending: the order the API promises."""
    dated = sorted((r for r in rows if r["date"] is not None), key=lambda r: r["id"])
    dated.sort(key=lambda r: r["date"], reverse=True)
    return [r["id"] for r in dated] + sorted(r["id"] for r in rows if r["date"] is None)


def pages(client, limit: int, **params) -> tuple[list[str], int]:
    seen, cursor, n = [], None, 0
    while True:
        r = client.get("/api/events", params={"limit": limit, **params} | ({"cursor": cursor} if cursor else {}))
        assert r.status_code == 200, r.text
        body = r.json()
        assert len(body["items"]) <= limit
        seen += [e["id"] for e in body["items"]]
        n += 1
        cursor = body["next_cursor"]
        if not cursor:
            return seen, n
        assert n <= 2000, "the cursor does not move on"


def listed(client, **params) -> list[dict]:
    out, cursor = [], None
    while True:
        body = client.get("/api/events", params={"limit": 1000, **params} | ({"cursor": cursor} if cursor else {}
                                                                             )).json()
        out += body["items"]
        if not (cursor := body["next_cursor"]):
            return out


# ---- pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [1, 7, 100, 1000])
def test_pages_are_the_stable_sort_of_the_rows(client, filled, limit):
    fused, _ = filled
    seen, n = pages(client, limit)
    assert seen == stable_sort(fused)
    assert n == -(-len(fused) // limit)  # no empty last page


@pytest.mark.parametrize("params", [{"type": "Protests"}, {"country": "bf"},
                                    {"since": "2023-01", "until": "2023-02-10"}, {"actor": "jnim"},
                                    {"modality": "denied"}, {"near": "12,1", "radius": "150"}])
def test_filtered_pages_are_the_sorted_matching_rows(client, filled, params):
    fused, _ = filled
    everything = {e["id"]: e for e in listed(client)}
    expected = [i for i in stable_sort(fused) if i in {e["id"] for e in listed(client, **params)}]
    assert 0 < len(expected) < len(everything)
    assert pages(client, 5, **params)[0] == expected


def test_report_pages_skip_events_read_only_from_copies(client, filled):
    _, originals = filled
    seen, _n = pages(client, 9, reports=True)
    assert set(seen) == originals and len(seen) == len(originals)
    with_copies, _n = pages(client, 9, reports=True, include_duplicates=True)
    assert len(with_copies) == N_REPORTS


def test_a_page_keeps_its_place_when_events_arrive_between_pages(db, filled):
    """Rows added after the first page: the later pages hold those sorting after the cursor, none twice."""
    from eventwire.api import create_app
    from eventwire.store import Store
    from eventwire.store import schema as t

    fused, _ = filled
    with TestClient(create_app(db)) as c:
        first = c.get("/api/events", params={"limit": 30}).json()
        cursor_row = next(r for r in fused if r["id"] == first["items"][-1]["id"])
        new = fused_rows(random.Random(5), 60, prefix="n")  # newer, older and undated ones, some on its day
        for row in new[:5]:
            row["date"] = cursor_row["date"]
        with Store(db) as store, store.engine.begin() as conn:
            conn.execute(insert(t.fused_events), new)
        try:
            rest, cursor = [], first["next_cursor"]
            while cursor:
                body = c.get("/api/events", params={"limit": 30, "cursor": cursor}).json()
                rest += [e["id"] for e in body["items"]]
                cursor = body["next_cursor"]
        finally:
            with Store(db) as store, store.engine.begin() as conn:
                conn.execute(t.fused_events.delete().where(t.fused_events.c.id.in_([r["id"] for r in new])))
    order = stable_sort(fused + new)
    after = order[order.index(cursor_row["id"]) + 1:]
    assert rest == after
    assert not {e["id"] for e in first["items"]} & set(rest)
    assert any(r["id"] in rest for r in new) and any(r["id"] not in rest for r in new)


# ---- aggregates ----------------------------------------------------------------------------------


def _period(value: str | None, by: str) -> str | None:
    if by == "month":
        return value[:7] + "-01" if value and len(value) >= 7 else None
    try:
        d = date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        d = None
    if d is None:
        return None
    return (d - timedelta(days=d.weekday())).isoformat() if by == "week" else d.isoformat()


def _groups(ev: dict, group: str) -> list:
    if group == "event_type":
        return [ev["event_type"]]
    if group == "country":
        return [(ev["location"] or {}).get("country")]
    return list(dict.fromkeys(a for a in (ev["actor1"], ev["actor2"]) if a)) or [None]


def python_count(events: list[dict], by: str, group: str) -> tuple[dict, int]:
    counts: Counter = Counter()
    undated = 0
    for ev in events:
        p = _period(ev["date"], by)
        if p is None:
            undated += 1
            continue
        for g in _groups(ev, group):
            counts[(p, g)] += 1
    return dict(counts), undated


@pytest.mark.parametrize("by", ["day", "week", "month"])
@pytest.mark.parametrize("group", ["event_type", "country", "actor"])
@pytest.mark.parametrize("params", [{}, {"country": "ML"}, {"type": "Riots", "since": "2023-01-10"},
                                    {"near": "12,1", "radius": "200"}, {"reports": True}])
def test_aggregates_are_a_python_count_of_the_listed_events(client, by, group, params):
    body = client.get("/api/aggregates", params={"by": by, "group": group, **params}).json()
    counts, undated = python_count(listed(client, **params), by, group)
    assert {(b["period"], b["group"]): b["count"] for b in body["buckets"]} == counts
    assert body["undated"] == undated
    keys = [(b["period"], b["group"] is None, b["group"] or "") for b in body["buckets"]]
    assert keys == sorted(keys)  # by period, then group, events without the group last


def test_admin1_groups_as_the_places_say(client):
    body = client.get("/api/aggregates", params={"by": "month", "group": "admin1"}).json()
    events = listed(client)
    assert sum(b["count"] for b in body["buckets"]) + body["undated"] == len(events)
    placed = sum(1 for e in events if e["location"] and _period(e["date"], "month"))
    assert sum(b["count"] for b in body["buckets"] if b["group"] is not None) <= placed
    assert {b["group"] for b in body["buckets"]} - {None}  # the Sahel boxes fall in named regions


@pytest.mark.parametrize("params", [{}, {"country": "NE"}, {"reports": True}])
def test_change_is_the_python_weekly_count(client, params):
    body = client.get("/api/aggregates/change", params=params).json()
    weekly: Counter = Counter()
    for ev in listed(client, **params):
        w = _period(ev["date"], "week")
        if w:
            weekly[(date.fromisoformat(w), ev["event_type"])] += 1
    latest = max(w for w, _t in weekly)
    assert body["week"] == latest.isoformat()
    for row in body["types"]:
        before = [weekly[(latest - timedelta(weeks=k), row["event_type"])] for k in range(1, 53)]
        assert row["latest"] == weekly[(latest, row["event_type"])]
        assert row["mean_4_weeks"] == pytest.approx(sum(before[:4]) / 4)
        assert row["mean_52_weeks"] == pytest.approx(sum(before) / 52)


# ---- cursors, serve --workers --------------------------------------------------------------------


@pytest.mark.parametrize("cursor", ["WyIyMDIzLTAxLTAyIiwiYVx1MDAwMCJd",  # ["2023-01-02","a\u0000"]
                                    "WzEsMl0", "bnVsbA"])  # [1,2] and null
def test_a_forged_cursor_is_a_400(client, cursor):
    r = client.get("/api/events", params={"cursor": cursor})
    assert r.status_code == 400 and r.json()["error"].startswith("cursor: not a cursor this API gave")


def test_an_article_cursor_with_no_date_in_it_is_a_400(client):
    from eventwire.api.cursor import encode

    r = client.get("/api/articles", params={"cursor": encode("June", "a1")})
    assert r.status_code == 400 and r.json()["error"].startswith("cursor: not a cursor")
    assert client.get("/api/articles", params={"cursor": encode(None, "a1")}).status_code == 200


def test_serve_with_workers_answers_as_one_process(client, db):
    from .test_api import _free_port

    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "eventwire", "serve", "--db", db, "--port", str(port),
                             "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/events?limit=3", timeout=5) as r:
                    body = r.read()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.poll() else ""
                time.sleep(0.3)
        import json

        assert json.loads(body) == client.get("/api/events", params={"limit": 3}).json()
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    assert "with 2 workers" in proc.stderr.read()


def test_serve_workers_must_be_a_positive_number(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "eventwire", "serve", "--db", str(tmp_path / "x.db"), "--workers",
                           "0"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "--workers" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_served_connections_send_without_waiting_for_acks():
    """TCP_NODELAY on every accepted connection: kept-alive answers do not wait for delayed ACKs (~40 ms)."""
    import asyncio
    import socket

    from eventwire.commands import listening_socket

    async def nodelay() -> int:
        sock = listening_socket("127.0.0.1", 0)
        sock.listen()
        seen: asyncio.Future = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport):
                s = transport.get_extra_info("socket")
                seen.set_result(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

        server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
        _r, w = await asyncio.open_connection("127.0.0.1", sock.getsockname()[1])
        try:
            return await asyncio.wait_for(seen, 30)
        finally:
            w.close()
            server.close()

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:  # its own thread: a test before may have left a loop running here
        assert pool.submit(asyncio.run, nodelay()).result(timeout=60) != 0
