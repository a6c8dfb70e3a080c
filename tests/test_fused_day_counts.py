"""``fused_day_counts``: fused events per date and type, kept by triggers, read by whole-store counts.

On SQLite and (when a server is configured) PostgreSQL: the table must equal a GROUP BY over
``fused_events`` after every kind of write (fusion runs through the CLI, deletes, updates, odd dates),
after migrating an older store, and ``count_events`` must answer from it exactly what the base query does.
"""

from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter

import pytest
from sqlalchemy import delete, func, insert, select, text, update

from eventwire.store import Store
from eventwire.store import schema as t
from eventwire.store.query import EventFilter, count_events

from .conftest import SHARED, need
from .test_store import BACKENDS, PG_URL, _fresh_pg_database

FUSION_DEV = SHARED / "data" / "fusion-dev"
TYPES = ["Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
         "Strategic developments"]


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "events.db")
    return _fresh_pg_database(PG_URL, "rollup" + tmp_path.name[-12:])


def _cli(*args: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "eventwire", *args], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr


def _ingest(db: str, *names: str) -> None:
    _cli("ingest", "--db", db, "--quiet", *(str(need(FUSION_DEV / n)) for n in names))


def rollup(store: Store) -> Counter:
    """The table as {(date or None, event_type): n}, without the keys at 0; no key twice, no count below 0."""
    r = t.fused_day_counts
    with store.engine.connect() as conn:
        rows = conn.execute(select(r.c.date, r.c.undated, r.c.event_type, r.c.n)).all()
    out: Counter = Counter()
    for day, undated, etype, n in rows:
        assert n >= 0, (day, undated, etype, n)
        assert not undated or day == "", (day, undated)
        key = (None if undated else day, etype)
        assert key not in out
        if n:
            out[key] = n
    return out


def grouped(store: Store) -> Counter:
    fe = t.fused_events
    with store.engine.connect() as conn:
        rows = conn.execute(select(fe.c.date, fe.c.event_type, func.count()).group_by(fe.c.date, fe.c.event_type))
        return Counter({(d, e): n for d, e, n in rows})


def _row(i: int, day: str | None, etype: str) -> dict:
    """A fused_events row: only the date and the type matter here."""
    return dict(id=f"fe-{i:06d}", event_type=etype, sub_event_type=None, actor1=None, actor2=None, assoc_actors=[],
                location=None, lat=None, lon=None, country="SY" if i % 3 else None, geonameid=None,
                geo_precision=None, date=day, date_precision=None, fatalities=None, fatalities_min=None,
                fatalities_max=None, fatalities_rule=None, modality="reported", contested=False, attributed_to=None,
                confidence=0.9, reports=1, articles=1, sources_independent=1, outlets=None)


# Dates as they may be stored: days, months, years, none, an impossible day, an empty string.
ODD_DATES = [None, "2017", "2017-06", "2017-06-12", "2017-02-30", "", "2016-12-31", "2018-01"]


def _random_rows(n: int, seed: int, start: int = 0) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(start, start + n):
        roll = rng.random()
        if roll < 0.15:
            day = rng.choice(ODD_DATES)
        else:
            day = f"20{rng.randrange(15, 19)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        out.append(_row(i, day, rng.choice(TYPES)))
    return out


def test_fusion_runs_through_the_cli_keep_it_equal_to_a_group_by(db):
    _ingest(db, "fd01.txt", "fd02.txt", "fd03.txt")
    with Store(db, create=False) as store:
        first = grouped(store)
        assert sum(first.values()) > 0
        assert rollup(store) == first
    _ingest(db, "fd04.txt", "fd05.txt", "fd06.txt", "fd07.txt")  # fuses around the new reports: deletes, inserts
    with Store(db, create=False) as store:
        second = grouped(store)
        assert sum(second.values()) > sum(first.values())
        assert rollup(store) == second
    _cli("fuse", "--db", db, "--full")  # every fused event deleted and written again
    with Store(db, create=False) as store:
        assert rollup(store) == grouped(store) == second


def test_concurrent_ingests_keep_it_equal_to_a_group_by(db):
    """Two ingests at once: each fuses in its own transaction (fusion's lock orders them)."""
    Store(db).close()  # the schema first: the race under test is the writes, not the migration
    procs = [subprocess.Popen([sys.executable, "-m", "eventwire", "ingest", "--db", db, "--quiet",
                               *(str(need(FUSION_DEV / n)) for n in names)], stderr=subprocess.PIPE, text=True)
             for names in (["fd08.txt", "fd09.txt", "fd10.txt"], ["fd11.txt", "fd12.txt", "fd13.txt"])]
    for p in procs:
        _out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    with Store(db, create=False) as store:
        assert sum(grouped(store).values()) > 0
        assert rollup(store) == grouped(store)


def test_deletes_updates_and_odd_dates(db):
    store = Store(db)
    fe = t.fused_events
    try:
        rows = _random_rows(3000, seed=1)
        with store.engine.begin() as conn:  # as fusion writes: batches
            for i in range(0, len(rows), 700):
                conn.execute(insert(fe), rows[i:i + 700])
        assert rollup(store) == grouped(store)
        keys = set(grouped(store))
        assert {(None, e) for e in TYPES} & keys and any(d == "" for d, _ in keys)
        assert any(d == "2017-02-30" for d, _ in keys) and any(d and len(d) == 7 for d, _ in keys)

        with store.engine.begin() as conn:
            conn.execute(delete(fe).where(fe.c.id.in_([r["id"] for r in rows[:900:3]])))
            conn.execute(delete(fe).where(fe.c.date.is_(None)))  # every undated event: those keys go
        assert rollup(store) == grouped(store)
        assert not any(d is None for d, _ in rollup(store))
        assert sorted(count_events(store, EventFilter(), False, "event_type"), key=repr) == sorted(
            ((d, e, n) for (d, e), n in grouped(store).items()), key=repr)  # keys left at 0 are not counts

        with store.engine.begin() as conn:
            conn.execute(update(fe).where(fe.c.date == "2017-06").values(date=None))  # month -> undated
            conn.execute(update(fe).where(fe.c.date.like("2016-0%")).values(date="2016-01"))  # days -> a month
            conn.execute(update(fe).where(fe.c.event_type == "Riots").values(event_type="Protests"))
            conn.execute(update(fe).where(fe.c.id.in_([r["id"] for r in rows[1000:1400]]))
                         .values(date="2019-05-05", event_type="Battles"))  # both at once
            conn.execute(update(fe).where(fe.c.date == "").values(date="2018-01"))
            conn.execute(update(fe).values(confidence=0.5))  # other columns: nothing moves
            conn.execute(update(fe).where(fe.c.country.is_(None)).values(date=fe.c.date))  # the same values
        after = grouped(store)
        assert rollup(store) == after
        assert not any(e == "Riots" or d == "" for d, e in after) and (None, "Battles") in after
        assert after[("2019-05-05", "Battles")] == sum(r["date"] is not None for r in rows[1000:1400])

        with store.engine.connect() as conn:  # a transaction rolled back leaves the counts as they were
            conn.execute(delete(fe))
            conn.rollback()
        assert rollup(store) == after

        with store.engine.begin() as conn:  # re-fusion from scratch: everything deleted, written again
            conn.execute(delete(fe))
            conn.execute(insert(fe), _random_rows(1500, seed=2))
        assert rollup(store) == grouped(store) != after
        if store.dialect == "postgresql":
            with store.engine.begin() as conn:
                conn.execute(text("TRUNCATE fused_events CASCADE"))
            assert rollup(store) == Counter() == grouped(store)
            with store.engine.begin() as conn:
                conn.execute(insert(fe), _random_rows(50, seed=3))
            assert rollup(store) == grouped(store)
    finally:
        store.close()


def _filters(rng: random.Random) -> EventFilter:
    """since / until / type: periods of every precision, odd strings, types in any case, patterns."""
    periods = [None, None, "2015", "2016", "2017", "2017-06", "2017-02", "2017-06-12", "2017-02-30", "2016-12-31",
               "2018-01", "2018-01-15", "2019", "2014", "2020-01-01", ""]
    kinds = [None, None, *TYPES, "battles", "PROTESTS", "Riot", "%violence%", "Explosions/Remote violence"]
    since, until = rng.choice(periods), rng.choice(periods)
    if since is None and until is None and rng.random() < 0.7:
        day = f"20{rng.randrange(15, 19)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        since, until = day[:rng.choice([4, 7, 10])], day[:rng.choice([4, 7, 10])]
    return EventFilter(since=since, until=until, event_type=rng.choice(kinds))


def test_count_events_from_the_rollup_equals_the_base_query(db):
    store = Store(db)
    try:
        with store.engine.begin() as conn:
            conn.execute(insert(t.fused_events), _random_rows(4000, seed=4))
        rng = random.Random(5)
        filters = [EventFilter(), EventFilter(until="2017"), EventFilter(since=""), EventFilter(until="")]
        filters += [_filters(rng) for _ in range(150)]
        for f in filters:
            fast = sorted(count_events(store, f, False, "event_type"), key=repr)
            base = sorted(count_events(store, f, False, "event_type", rollup=False), key=repr)
            assert fast == base, f
        whole = list(count_events(store, EventFilter(), False, "event_type"))
        assert any(d is None for d, _e, _n in whole) and any(d == "" for d, _e, _n in whole)
        # until: an event dated '' sorts before every period (as in the base query), an undated one never matches
        june = list(count_events(store, EventFilter(until="2017-06"), False, "event_type"))
        assert any(d == "" for d, _e, _n in june) and not any(d is None for d, _e, _n in june)
    finally:
        store.close()


def test_the_rollup_is_read_only_when_it_holds_the_answer(db):
    """Counts by type filtered on date and type come from the rollup; any other filter reads the events."""
    store = Store(db)
    try:
        with store.engine.begin() as conn:
            conn.execute(insert(t.fused_events), [_row(i, "2017-06-12", "Battles") for i in range(6)])
            # What only the rollup says: a count the events do not have (the triggers would never write it).
            conn.execute(update(t.fused_day_counts).values(n=t.fused_day_counts.c.n + 100))

        def n(f: EventFilter, **kw) -> int:
            return sum(c for _d, _v, c in count_events(store, f, **{"reports": False, "key": "event_type", **kw}))

        assert n(EventFilter()) == n(EventFilter(since="2017", until="2017-06-12", event_type="battles")) == 106
        assert n(EventFilter(include_duplicates=True, limit=1, radius_km=5)) == 106
        assert n(EventFilter(), rollup=False) == 6
        for other in (dict(country="SY"), dict(sub_event_type="Armed clash"), dict(actor="x"),
                      dict(modality="reported"), dict(bbox=(-180, -90, 180, 90)), dict(near=(0.0, 0.0)),
                      dict(text="Raqqa")):
            assert n(EventFilter(**other)) == n(EventFilter(**other), rollup=False) <= 6, other
        assert sum(c for _d, _v, c in count_events(store, EventFilter(), False, "country")) == 6
        assert sum(c for _d, _v, c in count_events(store, EventFilter(), True, "event_type")) == 0  # reports
    finally:
        store.close()


def test_migrating_a_0008_store_counts_its_fused_events(db):
    from importlib import resources

    from alembic import command
    from alembic.config import Config

    from eventwire.store.db import make_engine

    engine = make_engine(db if "://" in db else f"sqlite:///{db}")
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("eventwire.store") / "migrations"))
    rows = _random_rows(2500, seed=6)
    with engine.begin() as conn:  # a store as revision 0008 made it, holding fused events
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008")
        conn.execute(insert(t.fused_events), rows)
    with Store(db) as store:  # opening upgrades to head
        expected = grouped(store)
        assert sum(expected.values()) == len(rows)
        assert rollup(store) == expected
        with store.engine.begin() as conn:  # and the triggers work on the migrated store
            conn.execute(delete(t.fused_events).where(t.fused_events.c.date.is_(None)))
        assert rollup(store) == grouped(store)
    with engine.begin() as conn:  # down again: no table, no trigger left behind to fail the writes
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008")
        conn.execute(insert(t.fused_events), _random_rows(10, seed=7, start=10_000))
        conn.execute(delete(t.fused_events).where(t.fused_events.c.date == "2017-06"))
    engine.dispose()
    with Store(db) as store:
        assert rollup(store) == grouped(store)


def test_the_api_weekly_counts_are_the_base_querys(db, monkeypatch):
    from fastapi.testclient import TestClient

    from eventwire.api import aggregates, create_app

    _ingest(db, "fd01.txt", "fd02.txt", "fd03.txt", "fd04.txt", "fd05.txt")
    queries = [{"by": "week", "group": "event_type"}, {"by": "month", "group": "event_type"},
               {"by": "day", "group": "event_type", "since": "2015"}, {"by": "week", "type": "Battles"}]
    with TestClient(create_app(db)) as client:
        fast = [client.get("/api/aggregates", params=q).json() for q in queries]
        fast_change = client.get("/api/aggregates/change").json()
    assert fast[0]["buckets"] and fast[0]["fused"] is True

    real = aggregates.count_events
    monkeypatch.setattr(aggregates, "count_events", lambda *a, **kw: real(*a, **kw, rollup=False))
    with TestClient(create_app(db)) as client:
        assert [client.get("/api/aggregates", params=q).json() for q in queries] == fast
        assert client.get("/api/aggregates/change").json() == fast_change
    monkeypatch.undo()

    # The API's whole-store counts do read the rollup: a count only the rollup holds shows in its answer.
    with Store(db, create=False) as store, store.engine.begin() as conn:
        conn.execute(update(t.fused_day_counts).where(t.fused_day_counts.c.undated.is_(False))
                     .values(n=t.fused_day_counts.c.n + 1))
        dated = conn.execute(select(func.count()).select_from(t.fused_day_counts)
                             .where(t.fused_day_counts.c.undated.is_(False))).scalar_one()
    with TestClient(create_app(db)) as client:
        weekly = client.get("/api/aggregates", params=queries[0]).json()
    assert sum(b["count"] for b in weekly["buckets"]) > sum(b["count"] for b in fast[0]["buckets"])
    assert dated > 0
