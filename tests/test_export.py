"""Query and export commands over a real store: events, articles, show, CSV/JSON/GeoJSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from eventwire.extract import extract_text
from eventwire.fusion import fuse
from eventwire.store import Store

from .conftest import SEED, need


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("store") / "events.db")
    doc = extract_text(need(SEED / "raqqa-2017-06.txt").read_text("utf-8"), "raqqa-2017-06.txt")
    with Store(path) as s:
        s.add_document(doc)
        fuse(s)  # as ingest does after storing
    return path


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwire", *args], capture_output=True, text=True, timeout=300)


def test_geojson_is_a_feature_collection_of_points(db: str, tmp_path: Path):
    out = tmp_path / "events.geojson"
    proc = run("export", "--db", db, "--format", "geojson", "-o", str(out))
    assert proc.returncode == 0
    gj = json.loads(out.read_text())
    assert gj["type"] == "FeatureCollection" and gj["features"]
    for f in gj["features"]:
        assert f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert {"event_type", "modality", "sources"} <= set(f["properties"])
    raqqa = [f for f in gj["features"] if f["properties"]["location"] == "Ar Raqqah"]
    assert raqqa and raqqa[0]["geometry"]["coordinates"][0] == pytest.approx(39.0, abs=0.1)  # lon first


def test_json_export_and_filters(db: str):
    proc = run("export", "--db", db, "--format", "json", "--type", "Battles", "--since", "2017")
    events = json.loads(proc.stdout)
    assert events and all(e["event_type"] == "Battles" and e["date"] >= "2017" for e in events)
    assert all(e["sources"][0]["evidence"] for e in events)


def test_events_near_a_named_place_and_show(db: str):
    proc = run("events", "--db", db, "--near", "Raqqa", "--radius", "30", "--json")
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(ln) for ln in proc.stdout.splitlines()]
    assert events and all(e["location"]["name"] == "Ar Raqqah" for e in events)
    shown = json.loads(run("show", "--db", db, events[0]["id"]).stdout)
    assert shown["id"] == events[0]["id"] and shown["sources"][0]["evidence"]
    assert run("show", "--db", db, "nope").returncode == 1


def test_articles_listing_and_text_search(db: str):
    proc = run("articles", "--db", db, "--text", "caliph")
    assert proc.returncode == 0 and "Backed Syrian fighters" in proc.stdout
    assert run("articles", "--db", db, "--text", "volcano").stdout == ""


def test_bad_query_arguments_are_usage_errors(db: str):
    for args in (["--country", "Syria"], ["--bbox", "1,2,3"], ["--near", "Nowhereville Xq"]):
        proc = run("events", "--db", db, *args)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, args
