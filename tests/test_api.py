"""The REST API (issue 11) over a store holding real articles: every endpoint against the CLI's answers.

The store is filled through the real CLI from fusion-dev articles (read from /work/shared), once per
back-end; the API's lists, details and exports must say what `eventwire events/show/export` say.
"""

from __future__ import annotations

import csv
import io
import json
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import SHARED, need
from .test_store import BACKENDS, PG_URL, _fresh_pg_database

FUSION_DEV = SHARED / "data" / "fusion-dev"
FILES = [f"fd{i:02d}.txt" for i in range(1, 15)]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwire", *args], capture_output=True, text=True, timeout=600)


def _fill(db: str) -> str:
    proc = cli("ingest", "--db", db, "--quiet", *(str(need(FUSION_DEV / f)) for f in FILES))
    assert proc.returncode == 0, proc.stderr
    return db


@pytest.fixture(scope="module", params=BACKENDS)
def db(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        return _fill(str(tmp_path_factory.mktemp("api") / "events.db"))
    return _fill(_fresh_pg_database(PG_URL, "api" + tmp_path_factory.mktemp("pg").name))


@pytest.fixture(scope="module")
def client(db):
    from eventwire.api import create_app

    with TestClient(create_app(db)) as c:
        yield c


def get(client, path: str, **params) -> dict:
    r = client.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def all_events(client, **params) -> list[dict]:
    return get(client, "/api/events", limit=1000, **params)["items"]


def cli_ids(db: str, *args: str) -> list[str]:
    proc = cli("events", "--db", db, "--json", *args)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(ln)["id"] for ln in proc.stdout.splitlines()]


# ---- events ------------------------------------------------------------------------------------


def test_events_are_the_cli_events_fused_by_default_and_per_article_with_reports(client, db):
    fused, reports = all_events(client), all_events(client, reports=True)
    assert len(fused) >= 10 and len(reports) > len(fused)
    assert all(e["fused"] for e in fused) and not any(e["fused"] for e in reports)
    assert [e["id"] for e in fused] == cli_ids(db)
    assert [e["id"] for e in reports] == cli_ids(db, "--reports")
    dated = [e["date"] for e in fused if e["date"]]
    assert dated == sorted(dated, reverse=True)
    assert fused[-1]["date"] is None  # fusion-dev has undated events: they come last


@pytest.mark.parametrize("params, cli_args", [
    ({"type": "battles"}, ["--type", "Battles"]),
    ({"country": "ke"}, ["--country", "KE"]),
    ({"actor": "jnim"}, ["--actor", "jnim"]),
    ({"since": "2022", "until": "2023-09"}, ["--since", "2022", "--until", "2023-09"]),
    ({"bbox": "-5,10,5,20"}, ["--bbox=-5,10,5,20"]),
    ({"near": "Kisumu", "radius": "30"}, ["--near", "Kisumu", "--radius", "30"]),
    ({"near": "12.0,13.5"}, ["--near=12.0,13.5"]),
    ({"text": "Djibo"}, ["--text", "Djibo"]),
    ({"modality": "denied"}, ["--modality", "denied"]),
    ({"sub_type": "armed clash", "reports": True}, ["--sub-type", "Armed clash", "--reports"]),
])
def test_each_filter_narrows_the_events_as_the_cli_does(client, db, params, cli_args):
    everything = all_events(client, reports=params.get("reports", False))
    found = all_events(client, **params)
    assert 0 < len(found) < len(everything)
    assert [e["id"] for e in found] == cli_ids(db, *cli_args)


def test_filters_hold_on_every_event_they_return(client):
    assert {e["event_type"] for e in all_events(client, type="Protests")} == {"Protests"}
    assert {e["location"]["country"] for e in all_events(client, country="NG")} == {"NG"}
    for e in all_events(client, bbox="-5,10,5,20"):
        assert -5 <= e["location"]["lon"] <= 5 and 10 <= e["location"]["lat"] <= 20
    for e in all_events(client, since="2022-05-16", until="2023"):
        assert "2022-05-16" <= e["date"] <= "2023-12-31"


@pytest.mark.parametrize("reports", [False, True])
@pytest.mark.parametrize("limit", [1, 3, 7])
def test_pages_neither_skip_nor_repeat_an_event(client, reports, limit):
    everything = [e["id"] for e in all_events(client, reports=reports)]
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": limit, "reports": reports} | ({"cursor": cursor} if cursor else {})
        body = get(client, "/api/events", **params)
        assert len(body["items"]) <= limit
        seen += [e["id"] for e in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
        assert pages <= len(everything), "the cursor does not move on"
    assert seen == everything
    assert pages == -(-len(everything) // limit)


def test_a_cursor_keeps_its_place_with_a_filter(client):
    battles = [e["id"] for e in all_events(client, type="Battles")]
    first = get(client, "/api/events", type="Battles", limit=1)
    rest = get(client, "/api/events", type="Battles", limit=1000, cursor=first["next_cursor"])
    assert [e["id"] for e in first["items"] + rest["items"]] == battles


def test_limit_defaults_to_100_and_is_capped_at_1000(client):
    assert get(client, "/api/events")["next_cursor"] is None  # fewer than 100 events here
    r = client.get("/api/events", params={"limit": 1001})
    assert r.status_code == 422 and r.json()["error"].startswith("limit:")


@pytest.mark.parametrize("path, params, status, says", [
    ("/api/events", {"since": "2017-13"}, 422, "since: '2017-13' is not a real date"),
    ("/api/events", {"until": "June"}, 422, "until: 'June' is not a date"),
    ("/api/events", {"since": "2024", "until": "2023"}, 422, "until 2023 is before since 2024"),
    ("/api/events", {"bbox": "1,2,3"}, 422, "bbox: '1,2,3': give MIN_LON,MIN_LAT,MAX_LON,MAX_LAT"),
    ("/api/events", {"bbox": "5,2,1,3"}, 422, "a minimum is above its maximum"),
    ("/api/events", {"type": "Battle"}, 422, "did you mean 'Battles'?"),
    ("/api/events", {"type": "Protests", "sub_type": "Armed clash"}, 422, "is not a sub-event type of"),
    ("/api/events", {"country": "XX"}, 422, "country: 'XX' is not a known"),
    ("/api/events", {"modality": "rumoured"}, 422, "is not a modality"),
    ("/api/events", {"near": "91,0"}, 422, "latitude 91 is outside"),
    ("/api/events", {"near": "Nowhereville Xq"}, 422, "no such place in the gazetteer"),
    ("/api/events", {"radius": "10"}, 422, "radius needs near"),
    ("/api/events", {"near": "Gao", "radius": "-1"}, 422, "radius: -1 is not a number above 0"),
    ("/api/events", {"limit": "0"}, 422, "limit:"),
    ("/api/events", {"cursor": "not-a-cursor"}, 400, "cursor: not a cursor"),
    ("/api/events", {"cursor": "WzEsMl0"}, 400, "cursor: not a cursor"),  # valid base64 JSON, wrong shape
    ("/api/articles", {"since": "2020-02-30"}, 422, "since: '2020-02-30' is not a real date"),
    ("/api/articles", {"cursor": "%%%"}, 400, "cursor: not a cursor"),
    ("/api/aggregates", {"by": "year"}, 422, "by:"),
    ("/api/aggregates", {"group": "colour"}, 422, "group:"),
    ("/api/aggregates/change", {"type": "Riot"}, 422, "did you mean 'Riots'?"),
    ("/api/export.csv", {"bbox": "x"}, 422, "bbox:"),
    ("/api/export.geojson", {"since": "x"}, 422, "since:"),
    ("/api/events", {"text": "a\x00b"}, 422, "text: contains a NUL character"),
    ("/api/articles", {"text": "\x00"}, 422, "text: contains a NUL character"),
    ("/api/events/a%00b", {}, 422, "id: contains a NUL character"),
    ("/api/events/no-such-event", {}, 404, "no event with id no-such-event"),
    ("/api/articles/no-such-article", {}, 404, "no article with id no-such-article"),
    ("/api/no-such-endpoint", {}, 404, "Not Found"),
])
def test_bad_requests_get_one_json_line(client, path, params, status, says):
    r = client.get(path, params=params)
    assert r.status_code == status
    body = r.json()
    assert list(body) == ["error"] and says in body["error"] and "\n" not in body["error"]


def test_a_fused_event_comes_with_its_reports_and_a_report_names_its_fused_event(client, db):
    multi = next(e for e in all_events(client) if e["articles"] > 1)
    fused = get(client, f"/api/events/{multi['id']}")
    shown = json.loads(cli("show", "--db", db, multi["id"]).stdout)
    assert fused == json.loads(json.dumps(shown))  # what `eventwire show` prints
    assert len({r["article_id"] for r in fused["reports"]}) > 1 and fused["sources"]
    report = get(client, f"/api/events/{fused['reports'][0]['event_id']}")
    assert "reports" not in report and report["fused_into"] == multi["id"]
    assert report["sources"][0]["article_id"] == fused["reports"][0]["article_id"]


# ---- articles ----------------------------------------------------------------------------------


def test_articles_newest_first_paginated_and_searchable(client):
    arts = get(client, "/api/articles", limit=1000)["items"]
    assert len(arts) == len(FILES)
    pub = [a["published"] for a in arts if a["published"]]
    assert pub == sorted(pub, reverse=True)
    seen, cursor = [], None
    while True:
        body = get(client, "/api/articles", limit=4, **({"cursor": cursor} if cursor else {}))
        seen += [a["id"] for a in body["items"]]
        if not (cursor := body["next_cursor"]):
            break
        assert len(seen) <= len(FILES), "the cursor does not move on"
    assert seen == [a["id"] for a in arts]
    hits = get(client, "/api/articles", text="Kisumu")["items"]
    assert 0 < len(hits) < len(arts)
    for a in hits:
        assert "kisumu" in get(client, f"/api/articles/{a['id']}")["article"]["text"].lower()
    copies = get(client, "/api/articles", duplicates=True)["items"]
    assert all(a["duplicate_of"] for a in copies)
    assert len(copies) + len(get(client, "/api/articles", duplicates=False)["items"]) == len(arts)


def test_an_article_comes_with_its_annotations_and_events(client, db):
    art = next(a for a in get(client, "/api/articles")["items"] if not a["duplicate_of"])
    rec = get(client, f"/api/articles/{art['id']}")
    assert rec["article"]["id"] == art["id"] and rec["article"]["text"]
    assert rec["places"] and rec["events"]
    assert rec == json.loads(json.dumps(json.loads(cli("show", "--db", db, art["id"]).stdout)))


# ---- aggregates --------------------------------------------------------------------------------


@pytest.mark.parametrize("reports", [False, True])
def test_aggregates_count_every_matching_event_once_per_bucket(client, reports):
    events = all_events(client, reports=reports)
    by_month = get(client, "/api/aggregates", by="month", group="event_type", reports=reports)
    expected: dict = {}
    for e in events:
        if e["date"] and len(e["date"]) >= 7:  # a year-only date has no month
            key = (e["date"][:7] + "-01", e["event_type"])
            expected[key] = expected.get(key, 0) + 1
    assert {(b["period"], b["group"]): b["count"] for b in by_month["buckets"]} == expected
    assert by_month["undated"] == sum(1 for e in events if len(e["date"] or "") < 7)
    weeks = get(client, "/api/aggregates", by="week", group="country", reports=reports)["buckets"]
    assert all(date.fromisoformat(b["period"]).weekday() == 0 for b in weeks)
    assert sum(b["count"] for b in weeks) == sum(1 for e in events if e["date"] and len(e["date"]) == 10)


def test_aggregates_take_the_filters_and_groups(client):
    ke = get(client, "/api/aggregates", by="day", group="country", country="KE")["buckets"]
    assert ke and {b["group"] for b in ke} == {"KE"}
    admin1 = {b["group"] for b in get(client, "/api/aggregates", by="month", group="admin1")["buckets"]}
    assert "Kisumu" in admin1 and len(admin1) > 3
    actors = get(client, "/api/aggregates", by="month", group="actor", actor="JNIM")["buckets"]
    assert any(b["group"] == "JNIM" for b in actors)


def test_change_compares_the_latest_week_with_the_weeks_before(client):
    events = [e for e in all_events(client) if e["date"] and len(e["date"]) == 10]
    body = get(client, "/api/aggregates/change")
    newest = max(date.fromisoformat(e["date"]) for e in events)
    week = newest - timedelta(days=newest.weekday())
    assert body["week"] == week.isoformat()
    by_type = {t["event_type"]: t for t in body["types"]}
    for etype, row in by_type.items():
        in_week = [e for e in events if e["event_type"] == etype and week <= date.fromisoformat(e["date"]) < week +
                   timedelta(days=7)]
        year = [e for e in events if e["event_type"] == etype
                and week - timedelta(weeks=52) <= date.fromisoformat(e["date"]) < week]
        assert row["latest"] == len(in_week)
        assert row["mean_52_weeks"] == pytest.approx(len(year) / 52)
    assert get(client, "/api/aggregates/change", since="2030")["types"] == []


# ---- exports -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt, params", [("csv", {}), ("geojson", {}), ("csv", {"reports": True, "country": "NG"}),
                                         ("geojson", {"type": "Battles"})])
def test_exports_download_what_the_cli_exports(client, db, tmp_path, fmt, params):
    r = client.get(f"/api/export.{fmt}", params=params)
    assert r.status_code == 200
    assert f'filename="eventwire-events.{fmt}"' in r.headers["content-disposition"]
    args = [("--reports",) if k == "reports" else (f"--{k}", v) for k, v in params.items()]
    out = tmp_path / f"out.{fmt}"
    proc = cli("export", "--db", db, "--format", fmt, "-o", str(out), *(a for pair in args for a in pair))
    assert proc.returncode == 0, proc.stderr
    assert r.text == out.read_text("utf-8")
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert rows and "event_id_cnty" in rows[0]
    else:
        assert json.loads(r.text)["features"]


def test_export_limit_and_acled_only(client):
    rows = list(csv.reader(io.StringIO(client.get("/api/export.csv", params={"limit": 2, "acled_only": True}).text)))
    assert len(rows) <= 3 and len(rows[0]) == 31


# ---- schema, the server, no model --------------------------------------------------------------


def test_openapi_schema_describes_every_endpoint_with_response_models(client):
    spec = get(client, "/openapi.json")
    paths = spec["paths"]
    for p in ("/api/events", "/api/events/{id}", "/api/articles", "/api/articles/{id}", "/api/aggregates",
              "/api/aggregates/change", "/api/export.csv", "/api/export.geojson"):
        assert "get" in paths[p]
    ok = paths["/api/events"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/EventPage")
    assert {"Event", "EventDetail", "ArticleDetail", "Aggregates", "Change", "ErrorOut"} <= set(
        spec["components"]["schemas"])


def test_the_app_keeps_to_its_openapi_schema(client):
    """Schemathesis requests from the schema: no 5xx, and every answer as the schema says (status, type, body)."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) == 18  # 8 reading, 4 writing (403 here: no token configured), 5 in catalog.py, 1 watch
    statuses: set[int] = set()
    for op in operations:
        @given(case=op.as_strategy())
        @settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            statuses.add(case.call_and_validate(checks=checks).status_code)

        check()
    assert {200, 422} <= statuses  # it reached both the data and the checks


def test_reading_loads_no_language_model(db):
    code = ("import sys\nfrom fastapi.testclient import TestClient\nfrom eventwire.api import create_app\n"
            f"c = TestClient(create_app({db!r}))\n"
            "for p in ('/api/events', '/api/events?near=Gao', '/api/articles?text=Kisumu',"
            " '/api/aggregates?group=admin1', '/api/export.csv'):\n    assert c.get(p).status_code == 200, p\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc', 'torch')))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_serve_on_a_missing_store_is_one_line(tmp_path):
    proc = cli("serve", "--db", str(tmp_path / "none.db"))
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"eventwire: no store at {tmp_path / 'none.db'} (run 'eventwire ingest --db " \
                                  f"{tmp_path / 'none.db'} ...' first)"
    assert not (tmp_path / "none.db").exists()
    proc = cli("serve", "--db", str(tmp_path / "none.db"), "--port", "70000")
    assert proc.returncode == 2 and "--port 70000" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_over_http(client, db):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "eventwire", "serve", "--db", db, "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/events?limit=5", timeout=5) as r:
                    body = json.load(r)
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.poll() else ""
                time.sleep(0.2)
        assert body == get(client, "/api/events", limit=5)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert f"at http://127.0.0.1:{port}/api" in proc.stderr.read()


def test_serve_on_a_port_in_use_is_one_line(db):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = cli("serve", "--db", db, "--port", str(port))
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"eventwire: cannot listen on 127.0.0.1:{port}: Address already in use"
