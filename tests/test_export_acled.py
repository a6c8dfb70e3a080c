"""The ACLED CSV export against ACLED's own format: header, value rules, dtypes, left-out events, GeoJSON."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from eventwire.export import (
    ACLED_COLUMNS,
    acled_date,
    civilian_targeting,
    countries,
    disorder_type,
    event_number,
    inter_code,
    interaction,
    write_csv,
)

from .conftest import ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "acled_codebook_sample.csv"
REGIONS = {"Western Africa", "Middle Africa", "Eastern Africa", "Southern Africa", "Northern Africa", "South Asia",
           "Southeast Asia", "Middle East", "Europe", "Caucasus and Central Asia", "Central America",
           "South America", "Caribbean", "East Asia", "North America", "Oceania", "Antarctica"}
SCALES = {"Local partner", "New media", "Other", "Local", "Subnational", "National", "Regional", "International"}
EVENT_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
               "Strategic developments"}


def _coord(lo: float, hi: float):
    return lambda v, r: lo <= float(v) <= hi and len(v.partition(".")[2]) <= 4


def _code(lo: int, hi: int):
    return lambda v, r: v.isdigit() and lo <= int(v) <= hi


# ACLED's value formats (codebook Table 1); the fixture, written from the codebook, must pass them too.
RULES = {
    "event_id_cnty": lambda v, r: re.fullmatch(r"[A-Z]{3}\d+", v),
    "event_date": lambda v, r: datetime.strptime(v, "%Y-%m-%d"),
    "year": lambda v, r: v == r["event_date"][:4],
    "time_precision": _code(1, 3),
    "disorder_type": lambda v, r: v in {"Political violence", "Demonstrations", "Strategic developments",
                                        "Political violence; Demonstrations"},
    "event_type": lambda v, r: v in EVENT_TYPES,
    "inter1": _code(0, 8),
    "inter2": _code(0, 8),
    "interaction": lambda v, r: v.isdigit() and (v == "0" or len(v) == 2),
    "civilian_targeting": lambda v, r: v in ("", "Civilian targeting"),
    "iso": _code(0, 999),
    "region": lambda v, r: v in REGIONS,
    "country": lambda v, r: bool(v),
    "latitude": _coord(-90, 90),
    "longitude": _coord(-180, 180),
    "geo_precision": _code(1, 3),
    "source_scale": lambda v, r: v == "" or all(p in SCALES for p in v.split("-")),
    "fatalities": _code(0, 10**6),
    "timestamp": lambda v, r: re.fullmatch(r"\d{9,10}", v),
}


def check_acled_row(row: dict) -> list[str]:
    return [f"{col}={row[col]!r}" for col, ok in RULES.items() if not ok(row[col], row)]


def fixture_rows() -> list[dict]:
    with FIXTURE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwire", *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    """A store filled through the real CLI from the bundled sample (a text capture and six news pages)."""
    path = str(tmp_path_factory.mktemp("acled") / "events.db")
    proc = run("ingest", "--db", path, str(ROOT / "samples" / "raqqa-2017-06.txt"), str(ROOT / "samples" / "pages"))
    assert proc.returncode == 0, proc.stderr
    return path


@pytest.fixture(scope="module")
def exported(store: str) -> subprocess.CompletedProcess:
    proc = run("export", "--db", store, "--format", "csv")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    return proc


# ---- the fixture pins down ACLED's format, and eventwire's rules agree with it ------------------------------

def test_fixture_follows_acleds_format_and_our_derivations_agree():
    rows = fixture_rows()
    assert rows and list(rows[0]) == ACLED_COLUMNS  # ACLED's 31 columns, ACLED's order
    for r in rows:
        assert not check_acled_row(r), (r["event_id_cnty"], check_acled_row(r))
        assert int(r["interaction"]) == interaction(int(r["inter1"]), int(r["inter2"]))
        assert r["disorder_type"] == disorder_type(r["event_type"], r["sub_event_type"])
        assert r["civilian_targeting"] == civilian_targeting(r["event_type"], r["sub_event_type"],
                                                             int(r["inter1"]), int(r["inter2"]))
        c = next(c for c in countries().values() if c.name == r["country"])
        assert (c.iso, c.region, r["event_id_cnty"][:3]) == (int(r["iso"]), r["region"], c.iso3)


# ---- through the CLI ---------------------------------------------------------------------------------------

def test_csv_header_and_every_value_read_as_acleds(exported):
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert rows
    assert list(rows[0])[:len(ACLED_COLUMNS)] == list(fixture_rows()[0])
    for r in rows:
        assert not check_acled_row(r), (r["event_id"], check_acled_row(r))
        c = countries()[next(k for k, v in countries().items() if v.name == r["country"])]
        assert r["event_id_cnty"] == f"{c.iso3}{event_number(r['event_id'])}"
    sdf = next(r for r in rows if r["actor1"] == "Syrian Democratic Forces")
    assert (sdf["event_date"], sdf["year"], sdf["time_precision"]) == ("2017-06-12", "2017", "1")
    assert (sdf["country"], sdf["iso"], sdf["region"], sdf["admin1"]) == ("Syria", "760", "Middle East", "Ar-Raqqah")
    assert (sdf["inter1"], sdf["inter2"], sdf["interaction"]) == ("2", "2", "22")  # two rebel groups
    assert sdf["event_id_cnty"].startswith("SYR") and sdf["fatalities"] == "0"
    assert "captured several strategic neighborhoods" in sdf["notes"] and "modality: reported" in sdf["tags"]


def test_events_acled_has_no_row_for_are_counted_not_written(store, exported):
    events = json.loads(run("export", "--db", store, "--format", "json").stdout)
    def dated(e: dict) -> bool:
        return bool(e["date"] and re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", e["date"]))

    year_only = sum(1 for e in events if e["date"] and re.fullmatch(r"\d{4}", e["date"]))
    undated = sum(1 for e in events if not e["date"])
    coarse = sum(1 for e in events if e["date"] and not dated(e) and not re.fullmatch(r"\d{4}", e["date"]))
    unplaced = sum(1 for e in events if dated(e) and not e["location"])
    # The sample has events known only to their year (e.g. Raqqa's fall in 2014): no ACLED row, one count.
    assert (f"{year_only} events left out of the ACLED CSV: known only to the year" in exported.stderr) \
        == bool(year_only)
    assert (f"{undated} events left out of the ACLED CSV: no date" in exported.stderr) == bool(undated)
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert len(rows) == len(events) - year_only - undated - coarse - unplaced
    assert f"exported {len(rows)} events" in exported.stderr
    by_id = {e["id"]: e for e in events}
    for r in rows:  # a month is dated to its 15th with time precision 3, a day as it is with 1
        ev = by_id[r["event_id"]]
        expect = (ev["date"], "1") if len(ev["date"]) == 10 else (ev["date"] + "-15", "3")
        assert (r["event_date"], r["time_precision"]) == expect


def test_acled_only_writes_exactly_acleds_header(store, exported):
    proc = run("export", "--db", store, "--format", "csv", "--acled-only")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert list(rows[0]) == list(fixture_rows()[0])  # ACLED's 31 columns, nothing after them
    full = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [r["event_id_cnty"] for r in rows] == [r["event_id_cnty"] for r in full]


def test_pandas_reads_the_csv_with_the_dtypes_of_acleds_file(exported):
    pd = pytest.importorskip("pandas")
    ours = pd.read_csv(io.StringIO(exported.stdout), parse_dates=["event_date"])
    theirs = pd.read_csv(FIXTURE, parse_dates=["event_date"])
    assert ours["event_date"].dtype.kind == "M" and theirs["event_date"].dtype.kind == "M"
    for col in ("year", "time_precision", "inter1", "inter2", "interaction", "iso", "geo_precision", "fatalities",
                "timestamp"):
        assert ours[col].dtype == theirs[col].dtype == "int64", col
    for col in ("latitude", "longitude"):
        assert ours[col].dtype == theirs[col].dtype == "float64", col
    for col in ("event_id_cnty", "event_type", "actor1", "region", "country", "location", "notes"):
        assert ours[col].dtype == theirs[col].dtype, col
    assert (ours["year"] == ours["event_date"].dt.year).all()


def test_geopandas_reads_the_geojson_as_wgs84_points(store, tmp_path: Path):
    gpd = pytest.importorskip("geopandas")
    out = tmp_path / "events.geojson"
    proc = run("export", "--db", store, "--format", "geojson", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    gdf = gpd.read_file(out)
    features = json.loads(out.read_text("utf-8"))["features"]
    assert len(gdf) == len(features) > 0
    assert set(gdf.geom_type) == {"Point"} and gdf.crs.to_epsg() == 4326
    assert gdf.geometry.x.between(-180, 180).all() and gdf.geometry.y.between(-90, 90).all()
    assert {"event_type", "actor1", "modality"} <= set(gdf.columns)
    assert gdf["confidence"].dtype == "float64" and gdf["geo_precision"].dtype.kind == "i"
    assert set(gdf["geo_precision"]) <= {1, 2, 3}


def test_event_id_cnty_is_the_same_when_the_article_is_ingested_again(store, tmp_path: Path):
    other = str(tmp_path / "again.db")
    assert run("ingest", "--db", other, str(ROOT / "samples" / "raqqa-2017-06.txt")).returncode == 0

    def ids(db: str) -> dict[str, str]:
        rows = csv.DictReader(io.StringIO(run("export", "--db", db, "--format", "csv").stdout))
        return {r["event_id"]: r["event_id_cnty"] for r in rows}

    first, again = ids(store), ids(other)
    assert again and all(first[k] == v for k, v in again.items())


# ---- the derivations one by one ----------------------------------------------------------------------------

def test_inter_codes_come_from_actor_kinds_and_acleds_generic_names():
    assert inter_code("Syrian Democratic Forces", "armed_group", "SY") == 2
    assert inter_code("Military Forces of Syria", "state_force", "SY") == 1
    assert inter_code("Government of Syria", "government", "SY") == 1
    assert inter_code("Military Forces of Russia", "state_force", "JO") == 8  # state forces abroad: external
    assert inter_code("Military Forces of the United States", "state_force", "SY") == 8
    assert inter_code("Military Forces of Democratic Republic of Congo", "state_force", "CD") == 1
    assert inter_code("US-led coalition", "coalition", "SY") == 8
    assert inter_code("Protesters (Kenya)", "other", "KE") == 6
    assert inter_code("Rioters (Kenya)", "other", "KE") == 5
    assert inter_code("Civilians (Nigeria)", "other", "NG") == 7
    assert inter_code("Unidentified Armed Group (Nigeria)", "armed_group", "NG") == 3
    assert inter_code("Pro-Government Militia (Syria)", "armed_group", "SY") == 3
    assert inter_code("Fulani Ethnic Militia (Nigeria)", "armed_group", "NG") == 4
    assert inter_code("Islamic State") == 2  # no kind recorded: eventwire's curated actor list knows it
    assert inter_code("Jane Doe", "person", "US") == 0 and inter_code(None) == 0


def test_interaction_codes_are_acleds_two_digit_codes():
    assert interaction(1, 0) == 10 and interaction(0, 1) == 10  # state forces alone
    assert interaction(1, 2) == 12 and interaction(2, 1) == 12
    assert interaction(7, 1) == 17 and interaction(6, 6) == 66 and interaction(8, 2) == 28
    assert interaction(0, 0) == 0


def test_dates_and_time_precision():
    assert acled_date("2017-06-12", "day") == ("2017-06-12", 1)
    assert acled_date("2017-02", "month") == ("2017-02-15", 3)
    assert acled_date("2017-W23") == ("2017-06-07", 2)  # a week: its Wednesday
    assert acled_date("2017-06-12", "month") == ("2017-06-15", 3)  # a day the pipeline filled in for a month
    assert acled_date("2014", "year") is None and acled_date(None) is None
    assert acled_date("2014-SU") is None and acled_date("P3M") is None  # a season, a duration: no ACLED date


def test_write_csv_leaves_out_year_only_and_placeless_events_and_keeps_admin_names():
    def ev(i: str, date: str | None, prec: str | None, loc: dict | None) -> dict:
        return {"id": i, "event_type": "Protests", "sub_event_type": "Peaceful protest", "actor1": "Protesters (Kenya)",
                "actor2": None, "assoc_actors": [], "location": loc, "date": date, "date_precision": prec,
                "fatalities": None, "modality": "asserted", "attributed_to": None, "confidence": 0.7,
                "sources": [{"article_id": "a", "site": "nation.co.ke", "evidence": "Hundreds marched.",
                             "ingested_at": "2024-05-01T10:00:00"}]}

    nairobi = {"name": "Nairobi", "lat": -1.2833, "lon": 36.8167, "country": "KE", "geonameid": 184745, "precision": 1}
    kenya = {"name": "Kenya", "lat": 1.0, "lon": 38.0, "country": "KE", "geonameid": 192950, "precision": 3}
    out = io.StringIO()
    n, left = write_csv([ev("a", "2024-04-30", "day", nairobi), ev("b", "2024", "year", nairobi),
                         ev("c", "2024-04", "month", None), ev("d", "2024-04", "month", kenya),
                         ev("e", "2024-SU", None, nairobi), ev("f", None, None, nairobi)], out)
    assert n == 2 and left == {"known only to the year": 1, "no location": 1, "dated more coarsely than a month": 1,
                               "no date": 1}
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["event_date"] for r in rows] == ["2024-04-30", "2024-04-15"]
    a, d = rows
    assert (a["admin1"], a["inter1"], a["inter2"], a["interaction"]) == ("Nairobi Area", "6", "0", "60")
    assert (a["fatalities"], a["source_scale"], a["timestamp"], a["region"]) == ("0", "National", "1714557600",
                                                                                "Eastern Africa")
    assert not check_acled_row(a) and not check_acled_row(d)
    assert d["admin1"] == d["admin2"] == ""  # a country-wide place has no admin division
    assert write_csv([], io.StringIO(), extra=False)[0] == 0
