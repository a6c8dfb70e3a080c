"""`eventwire eval places`: scoring rules on made-up data, and a floor on a small sample of LGL and GeoVirus."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.errors import UsageError
from eventwire.evaluation import places as ev
from eventwire.models import Place

from .conftest import DATA, need

GEO = DATA / "geoparsing"


def _article(text: str, *gold: tuple[int, int, float | None, float | None]) -> ev.GoldArticle:
    return ev.GoldArticle("a", text, None, [ev.Gold(s, e, text[s:e], lat, lon) for s, e, lat, lon in gold])


def _place(text: str, s: int, e: int, lat: float, lon: float, feature: str = "city") -> Place:
    return Place(text[s:e], s, e, text[s:e], lat, lon, "US", feature=feature)


def test_score_counts_all_gold_and_judges_emitted_places():
    text = "Paris and Lyon and Main Street and Moon"
    art = _article(text, (0, 5, 48.85, 2.35), (10, 14, 45.76, 4.83), (19, 30, None, None))
    preds = [
        _place(text, 0, 5, 33.66, -95.55),  # Paris, Texas: found, far off
        _place(text, 19, 30, 0.0, 0.0),  # on an uncoordinated gold span: not judged
        _place(text, 35, 39, 10.0, 10.0),  # no gold: spurious
    ]
    errors: list[str] = []
    sc = ev.score([art], [preds], errors)
    assert (sc.gold, sc.uncoordinated, sc.found, sc.correct) == (2, 1, 1, 0)
    assert sc.acc161 == 0.0 and sc.emitted == 3 and sc.emitted_unjudged == 1
    assert sc.precision == 0.0 and sc.span_precision == pytest.approx(2 / 3)
    assert sum("missed 'Lyon'" in e for e in errors) == 1
    assert sum("wrong 'Paris'" in e for e in errors) == 1
    assert sum("spurious 'Moon'" in e for e in errors) == 1

    right = [_place(text, 0, 5, 48.86, 2.34), _place(text, 10, 14, 45.0, 4.0)]  # Lyon within 161 km
    sc = ev.score([art], [right])
    assert sc.acc161 == 1.0 and sc.precision == 1.0


def test_one_based_offsets_are_realigned(tmp_path: Path):
    f = tmp_path / "geo.xml"
    f.write_text("<articles><article><text>In Paris and Rome.</text><locations>"
                 "<location><name>Paris</name><start>4</start><end>9</end><lat>48.85</lat><lon>2.35</lon></location>"
                 "<location><name>Rome</name><start>14</start><end>18</end><lat>41.9</lat><lon>12.5</lon></location>"
                 "</locations></article></articles>", encoding="utf-8")
    (art,) = ev.load(f)
    assert [(g.start, g.end, g.text) for g in art.toponyms] == [(3, 8, "Paris"), (13, 17, "Rome")]
    assert [art.text[g.start:g.end] for g in art.toponyms] == ["Paris", "Rome"]


def test_bad_input_is_a_usage_error(tmp_path: Path):
    bad = tmp_path / "lgl.xml"
    bad.write_text("not xml", encoding="utf-8")
    with pytest.raises(UsageError):
        ev.evaluate(bad)
    with pytest.raises(UsageError):
        ev.evaluate(tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UsageError):
        ev.evaluate(empty)


def test_sample_scores_hold():
    need(GEO / "lgl.xml")
    need(GEO / "GeoVirus.xml")
    report = ev.evaluate(GEO, limit=12)
    m = report.metrics
    assert set(report.targets) == {"lgl_acc161", "lgl_precision", "geovirus_acc161", "geovirus_precision"}
    # measured on these 12 + 12 articles: 0.516, 0.742, 0.763, 0.734 (benchmarks/places_approaches.md)
    assert m["lgl_acc161"] >= FLOORS["lgl_acc161"]
    assert m["lgl_precision"] >= FLOORS["lgl_precision"]
    assert m["geovirus_acc161"] >= FLOORS["geovirus_acc161"]
    assert m["geovirus_precision"] >= FLOORS["geovirus_precision"]
    assert any(e.startswith("lgl ") for e in report.errors)


FLOORS = {"lgl_acc161": 0.47, "lgl_precision": 0.69, "geovirus_acc161": 0.71, "geovirus_precision": 0.68}
