"""Alerts (issue 12): rules filter as `eventwire events` does, fire once per real-world event, and again
only on a material change (a new fatalities figure, a new independent source, a denial), also when
fusion changes the event's id, merges two events or splits one; the CLI's one-line errors.

Real stores are filled through the CLI from fusion-dev articles (read from /work/shared); the
identity rules are checked on stores whose fusion results are written directly, so each case is exact.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from eventwire.store import Store

from .conftest import SHARED, need
from .test_store import BACKENDS, PG_URL, _fresh_pg_database

FUSION_DEV = SHARED / "data" / "fusion-dev"
FILES = [f"fd{i:02d}.txt" for i in range(1, 33)]


def cli(*args: str, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwire", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


def fresh_db(backend: str, tmp_path, name: str) -> str:
    if backend == "sqlite":
        return str(tmp_path / f"{name}.db")
    return _fresh_pg_database(PG_URL, name + tmp_path.name)


def ingest(db: str, *names: str) -> subprocess.CompletedProcess:
    proc = cli("ingest", "--db", db, *(str(need(FUSION_DEV / f"{n}.txt")) for n in names))
    assert proc.returncode == 0, proc.stderr
    return proc


def jsonl(path) -> list[dict]:
    return [json.loads(ln) for ln in path.read_text("utf-8").splitlines()] if path.exists() else []


# ---- simulated fusion: exact control over fused ids, members and facts --------------------------


def put_fused(store: Store, events: dict[str, dict]) -> None:
    """Replace the store's fused events by ``events`` (fused id -> members and facts), as a fusion run would."""
    from sqlalchemy import delete, insert, select

    from eventwire.store import schema as t

    with store.engine.begin() as conn:
        have = {r[0] for r in conn.execute(select(t.events.c.id))}
        for e in events.values():
            for m in e["members"]:
                if m not in have:
                    conn.execute(insert(t.events).values(id=m, event_type="Battles", modality="asserted",
                                                         confidence=0.9))
                    have.add(m)
        conn.execute(delete(t.fused_reports))
        conn.execute(delete(t.fused_events))
        for fid, e in events.items():
            conn.execute(insert(t.fused_events).values(
                id=fid, event_type=e.get("event_type", "Battles"), sub_event_type="Armed clash",
                country=e.get("country", "BF"), lat=e.get("lat", 14.1), lon=e.get("lon", -1.6), location="Djibo",
                date="2024-02-08", fatalities=e.get("fatalities"), modality=e.get("modality", "asserted"),
                contested=e.get("contested", False), confidence=0.9, reports=len(e["members"]),
                articles=e.get("articles", e.get("sources", 1)), sources_independent=e.get("sources", 1)))
            conn.execute(insert(t.fused_reports), [{"event_id": m, "fused_id": fid, "unit_id": m}
                                                   for m in e["members"]])


def add_alert(store: Store, path, name: str = "bf", backfill: bool = False, **filters) -> int:
    from eventwire.alerts import registry
    from eventwire.alerts.rules import Deliveries, Filters
    from eventwire.alerts.run import record

    with store.engine.begin() as conn:
        aid = registry.add(conn, name, Filters(**({"country": "BF"} | filters)), Deliveries(jsonl=str(path)),
                           None, backfill)
    record(store)
    return aid


@pytest.fixture(params=BACKENDS)
def sim(request, tmp_path):
    s = Store(fresh_db(request.param, tmp_path, "sim"))
    yield s
    s.close()


def fire(store: Store, events: dict[str, dict], out) -> list[dict]:
    """One fusion round and one alerts run; the alerts it delivered to ``out``."""
    from eventwire.alerts import run_alerts

    before = len(jsonl(out))
    put_fused(store, events)
    s = run_alerts(store)
    assert s.failed == 0 and s.pending == 0
    return jsonl(out)[before:]


def test_one_event_fires_once_and_again_only_on_a_material_change(sim, tmp_path):
    out = tmp_path / "a.jsonl"
    put_fused(sim, {"Fold": {"members": ["r1"], "fatalities": 5}})
    add_alert(sim, out)
    assert fire(sim, {"Fold": {"members": ["r1"], "fatalities": 5}}, out) == []  # stored before: silent
    got = fire(sim, {"Fnew": {"members": ["r5"], "fatalities": 2, "country": "BF"},
                     "Fml": {"members": ["r6"], "country": "ML"}}, out)
    assert [(a["event_key"], a["reasons"], a["event"]["id"]) for a in got] == [("Fnew", ["new"], "Fnew")]
    assert fire(sim, {"Fnew": {"members": ["r5"], "fatalities": 2}}, out) == []  # nothing changed
    # More articles (copies), another modality: not material.
    assert fire(sim, {"Fnew": {"members": ["r5", "r5c"], "fatalities": 2, "articles": 3,
                               "modality": "reported"}}, out) == []
    got = fire(sim, {"Fnew": {"members": ["r5", "r5c", "r7"], "fatalities": 2, "sources": 2}}, out)
    assert [a["reasons"] for a in got] == [["sources"]]
    assert got[0]["previous"] == {"fatalities": 2, "sources": 1, "denied": False}
    # A report that is not an independent source (a background mention) brings a new figure.
    got = fire(sim, {"Fnew": {"members": ["r5", "r5c", "r7", "r8"], "fatalities": 9, "sources": 2}}, out)
    assert [a["reasons"] for a in got] == [["fatalities"]]
    got = fire(sim, {"Fnew": {"members": ["r5", "r5c", "r7", "r8", "r9"], "fatalities": 9, "sources": 2,
                              "contested": True}}, out)
    assert [a["reasons"] for a in got] == [["denied"]]
    # The old event changes materially: it fires (an update of an event the alert had recorded).
    got = fire(sim, {"Fold": {"members": ["r1", "r2"], "fatalities": 5, "sources": 2}}, out)
    assert [(a["event_key"], a["reasons"]) for a in got] == [("Fold", ["sources"])]


def test_identity_follows_the_reports_when_fusion_changes_ids_merges_and_splits(sim, tmp_path):
    out = tmp_path / "a.jsonl"
    add_alert(sim, out)
    got = fire(sim, {"Fb": {"members": ["rb"], "fatalities": 4}}, out)
    assert [(a["event_key"], a["reasons"]) for a in got] == [("Fb", ["new"])]
    # An earlier report joins: the fused id changes, the event does not; no new figure, no new source.
    got = fire(sim, {"Fa": {"members": ["ra", "rb"], "fatalities": 4}}, out)
    assert got == []
    got = fire(sim, {"Fa": {"members": ["ra", "rb"], "fatalities": 4}, "Fc": {"members": ["rc"], "fatalities": 6}},
               out)
    assert [(a["event_key"], a["reasons"]) for a in got] == [("Fc", ["new"])]
    # Two alerted events merge: one event, under the older key; the merged figure is the first one's.
    got = fire(sim, {"Fa": {"members": ["ra", "rb", "rc"], "fatalities": 4, "sources": 2}}, out)
    assert [(a["event_key"], a["reasons"], a["event"]["id"]) for a in got] == [("Fb", ["sources"], "Fa")]
    from sqlalchemy import select

    from eventwire.store import schema as t

    with sim.engine.connect() as conn:
        assert sorted(r[0] for r in conn.execute(select(t.alert_state.c.event_key))) == ["Fb"]
    # It splits again: neither part has anything new, so nothing fires.
    assert fire(sim, {"Fa": {"members": ["ra", "rb"], "fatalities": 4}, "Fc": {"members": ["rc"], "fatalities": 4}},
                out) == []
    # Then the split-off part gets a new source of its own: it fires, under its own new key.
    got = fire(sim, {"Fa": {"members": ["ra", "rb"], "fatalities": 4},
                     "Fc": {"members": ["rc", "rd", "re"], "fatalities": 4, "sources": 3}}, out)
    assert [(a["reasons"], a["event"]["id"]) for a in got] == [(["sources"], "Fc")]
    assert got[0]["event_key"] != "Fb"


def test_backfill_fires_for_stored_events_and_a_removed_alert_fires_no_more(sim, tmp_path):
    from eventwire.alerts import registry, run_alerts

    out = tmp_path / "a.jsonl"
    put_fused(sim, {"F1": {"members": ["r1"]}, "F2": {"members": ["r2"], "country": "ML"}})
    aid = add_alert(sim, out, backfill=True)
    run_alerts(sim)
    assert [a["event"]["id"] for a in jsonl(out)] == ["F1"]
    with sim.engine.begin() as conn:
        registry.remove(conn, aid)
    put_fused(sim, {"F1": {"members": ["r1"]}, "F3": {"members": ["r3"]}})
    assert run_alerts(sim).fired == 0
    assert len(jsonl(out)) == 1


# ---- matching = `eventwire events` ------------------------------------------------------------

RULES = [  # (alert add options, the `events` option sets whose union it must equal)
    (["--near", "Dikwa", "--radius", "50km"], [["--near", "Dikwa", "--radius", "50"]]),
    (["--near", "12.0,13.5", "--radius", "80"], [["--near", "12.0,13.5", "--radius", "80"]]),
    (["--bbox=-5,10,5,20"], [["--bbox=-5,10,5,20"]]),
    (["--country", "so"], [["--country", "SO"]]),
    (["--actor", "boko"], [["--actor", "boko"]]),
    (["--country", "ML", "--types", "Battles,Explosions/Remote violence"],
     [["--country", "ML", "--type", "Battles"], ["--country", "ML", "--type", "Explosions/Remote violence"]]),
    (["--near", "Kyiv", "--radius", "600km", "--sub-types", "Shelling/artillery/missile attack,Air/drone strike"],
     [["--near", "Kyiv", "--radius", "600", "--sub-type", "Shelling/artillery/missile attack"],
      ["--near", "Kyiv", "--radius", "600", "--sub-type", "Air/drone strike"]]),
    (["--bbox=-180,-90,180,90", "--modality", "denied"], [["--modality", "denied"]]),
    (["--actor", "Shabaab", "--modality", "reported"], [["--actor", "Shabaab", "--modality", "reported"]]),
]


@pytest.fixture(scope="module", params=BACKENDS)
def filled(request, tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("alerts")
    db = fresh_db(request.param, folder, "filled")
    proc = cli("ingest", "--db", db, "--quiet", *(str(need(FUSION_DEV / f)) for f in FILES))
    assert proc.returncode == 0, proc.stderr
    return db


def _ids(proc: subprocess.CompletedProcess) -> set[str]:
    assert proc.returncode == 0, proc.stderr
    return {ln.split()[0] for ln in proc.stdout.splitlines() if ln.strip()}


@pytest.mark.parametrize(("rule", "queries"), RULES, ids=[" ".join(r) for r, _q in RULES])
def test_a_rule_matches_what_the_same_filters_list(filled, rule, queries):
    name = "m" + str(abs(hash(tuple(rule))))
    added = cli("alerts", "add", "--db", filled, "--name", name, *rule)
    assert added.returncode == 0, added.stderr
    try:
        want = set().union(*(_ids(cli("events", "--db", filled, *q)) for q in queries))
        assert want, "a rule that matches nothing checks nothing"
        assert _ids(cli("alerts", "test", "--db", filled, name)) == want
    finally:
        assert cli("alerts", "remove", "--db", filled, name).returncode == 0


def test_list_shows_rules_without_their_secret(filled):
    secret = "s3cret-value-for-the-list-test"
    proc = cli("alerts", "add", "--db", filled, "--name", "hooked", "--country", "NG",
               "--webhook", "http://127.0.0.1:9/hook", "--secret", secret)
    assert proc.returncode == 0, proc.stderr
    try:
        listed = cli("alerts", "list", "--db", filled)
        as_json = cli("alerts", "list", "--db", filled, "--json")
        assert listed.returncode == 0 and as_json.returncode == 0
        assert "hooked" in listed.stdout and "secret stored" in listed.stdout
        assert secret not in listed.stdout + listed.stderr + as_json.stdout + proc.stdout
        rec = [json.loads(ln) for ln in as_json.stdout.splitlines() if json.loads(ln)["name"] == "hooked"][0]
        assert rec["secret_stored"] is True and rec["filters"]["country"] == "NG"
    finally:
        assert cli("alerts", "remove", "--db", filled, "hooked").returncode == 0


# ---- through ingest: real articles ------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_ingest_fires_new_events_and_material_changes_once(backend, tmp_path):
    """Djibo drone strike: a first report (new), a second outlet (new source), the government's
    denial (denied), then an exact syndicated copy of an unrelated story and a re-ingest: nothing."""
    db = fresh_db(backend, tmp_path, "ing")
    out = tmp_path / "alerts.jsonl"
    ingest(db, "fd14")
    added = cli("alerts", "add", "--db", db, "--near", "Djibo", "--radius", "50km", "--jsonl", str(out))
    assert added.returncode == 0, added.stderr
    so = cli("alerts", "add", "--db", db, "--country", "SO", "--jsonl", str(tmp_path / "so.jsonl"))
    assert so.returncode == 0, so.stderr
    first = ingest(db, "fd09")
    assert "alerts: 1 fired" in first.stdout
    got = jsonl(out)
    assert [a["reasons"] for a in got] == [["new"]]
    key = got[0]["event_key"]
    assert got[0]["event"]["location"]["country"] == "BF"
    ingest(db, "fd26")
    ingest(db, "fd02")
    got = jsonl(out)
    # The government's release is a third source, and it denies the civilian deaths.
    assert [a["reasons"] for a in got][1:] == [["sources"], ["sources", "denied"]]
    assert {a["event_key"] for a in got} == {key}
    assert got[-1]["event"]["contested"] is True
    ingest(db, "fd11")  # a syndicated copy of fd14 (Somalia): one more article, no new source
    ingest(db, "fd09")  # stored already
    assert len(jsonl(out)) == 3
    assert jsonl(tmp_path / "so.jsonl") == []
    assert len({a["delivery_id"] for a in jsonl(out)}) == 3


@pytest.mark.parametrize("backend", BACKENDS[:1])
def test_a_lower_figure_from_a_new_source_fires_with_the_new_figure(backend, tmp_path):
    """Dikwa: 14 dead, then another outlet's 12 (the fused figure is the lowest credible one)."""
    db = fresh_db(backend, tmp_path, "fig")
    out = tmp_path / "alerts.jsonl"
    assert cli("alerts", "add", "--db", db, "--country", "NG", "--jsonl", str(out)).returncode == 0
    ingest(db, "fd07")
    ingest(db, "fd10")
    first = [a for a in jsonl(out) if a["event"]["fatalities"] == 14]
    assert [a["reasons"] for a in first] == [["new"]]
    key = first[0]["event_key"]
    got = [a for a in jsonl(out) if a["event_key"] == key]
    assert [a["event"]["fatalities"] for a in got] == [14, 12]
    assert got[-1]["event"]["sources_independent"] == 2
    assert sorted(got[-1]["reasons"]) == ["fatalities", "sources"]


# ---- the command line ------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "says"), [
    (["--country", "SY", "--radius", "5km"], "--radius needs --near"),
    (["--types", "Battles"], "give what to watch"),
    (["--near", "Nowhereville Xq"], "no such place in the gazetteer"),
    (["--near", "Raqqa", "--radius", "5mi"], "'5mi' is not a distance"),
    (["--near", "Raqqa", "--radius", "0km"], "give a radius above 0"),
    (["--bbox", "1,2,3"], "MIN_LON,MIN_LAT,MAX_LON,MAX_LAT"),
    (["--country", "XX"], "not a known ISO 3166-1"),
    (["--country", "SY", "--types", "Battels"], "did you mean 'Battles'"),
    (["--country", "SY", "--types", "Riots", "--sub-types", "Armed clash"], "not a sub-event type of 'Riots'"),
    (["--country", "SY", "--webhook", "ftp://host/x"], "starts with http:// or https://"),
    (["--country", "SY", "--webhook", "http://127.0.0.1:9/x"], "needs a shared secret"),
    (["--country", "SY", "--webhook", "http://127.0.0.1:9/x", "--secret", "short"], "at least 16"),
    (["--country", "SY", "--secret-env", "X"], "go with --webhook"),
    (["--country", "SY", "--jsonl", "/nonexistent-dir/a.jsonl"], "does not exist"),
])
def test_bad_rules_get_one_line_and_change_nothing(tmp_path, args, says):
    db = str(tmp_path / "e.db")
    proc = cli("alerts", "add", "--db", db, *args)
    assert proc.returncode == 2, proc.stderr
    assert says in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "e.db").exists() or cli("alerts", "list", "--db", db).stderr.startswith("0 alerts")


def test_unknown_alert_and_missing_store_are_one_line(tmp_path):
    db = str(tmp_path / "e.db")
    assert cli("alerts", "add", "--db", db, "--country", "SY", "--name", "sy").returncode == 0
    dup = cli("alerts", "add", "--db", db, "--country", "SY", "--name", "sy")
    assert dup.returncode == 1 and "exists already" in dup.stderr
    for action in ("remove", "test"):
        proc = cli("alerts", action, "--db", db, "nope")
        assert proc.returncode == 1 and proc.stderr.strip() == \
            "eventwire: no alert with id or name 'nope' (see 'eventwire alerts list')"
    missing = cli("alerts", "run", "--db", str(tmp_path / "none.db"))
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
    assert not (tmp_path / "none.db").exists()
    assert cli("alerts", "remove", "--db", db, "sy").stdout.startswith("removed alert 1 'sy'")


def test_a_sender_that_died_after_writing_a_line_does_not_write_it_twice(sim, tmp_path):
    import time

    from eventwire.alerts import state
    from eventwire.alerts.deliver import to_jsonl
    from eventwire.alerts.run import deliver_pending, record

    out = tmp_path / "a.jsonl"
    add_alert(sim, out)
    put_fused(sim, {"F1": {"members": ["r1"]}, "F2": {"members": ["r2"]}})
    record(sim)
    # A sender claims both, appends the first line, and dies before marking anything delivered.
    with sim.engine.begin() as conn:
        state.lock(conn)
        rows = state.claim(conn, time.time(), lease=0.0)
    assert len(rows) == 2
    to_jsonl(rows[0]["target"], rows[0]["id"], rows[0]["payload"], maybe_sent=False)
    s = deliver_pending(sim, now=time.time() + 1)
    assert (s.delivered, s.pending) == (2, 0)
    got = jsonl(out)
    assert sorted(a["event"]["id"] for a in got) == ["F1", "F2"]
    assert len({a["delivery_id"] for a in got}) == 2


def test_alerts_run_prints_stdout_alerts_once(tmp_path):
    db = str(tmp_path / "s.db")
    assert cli("alerts", "add", "--db", db, "--country", "BF", "--name", "bf").returncode == 0
    s = Store(db)
    try:
        put_fused(s, {"F1": {"members": ["r1"], "fatalities": 7}})
    finally:
        s.close()
    first = cli("alerts", "run", "--db", db)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ALERT bf: new  F1  2024-02-08  Battles @ Djibo, fatalities 7")
    assert "1 fired" in first.stderr and "1 delivered" in first.stderr
    again = cli("alerts", "run", "--db", db)
    assert again.returncode == 0 and again.stdout == ""


def test_fuse_checks_the_alerts_too(tmp_path):
    db = str(tmp_path / "f.db")
    out = tmp_path / "a.jsonl"
    assert cli("alerts", "add", "--db", db, "--country", "BF", "--jsonl", str(out)).returncode == 0
    s = Store(db)
    try:
        put_fused(s, {"F1": {"members": ["r1"]}})  # as if fusion had just written it
    finally:
        s.close()
    proc = cli("fuse", "--db", db)
    assert proc.returncode == 0, proc.stderr
    assert "alerts: 1 fired on 1 changed events, 1 delivered" in proc.stdout
    assert [a["event"]["id"] for a in jsonl(out)] == ["F1"]
