"""`eventwire eval articles` and `eventwire eval dates` on a sample of the article-extraction-benchmark.

Full runs (figures in benchmarks/articles_approaches.md and benchmarks/dates_approaches.md): body
F1 0.972 on the 181 pages; publication date 0.989 on the 181 pages (htmldate alone 0.917), on each
half by id hash above htmldate. Here the first 30 pages keep the run short.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.errors import UsageError
from eventwire.evaluation import dates as dates_eval
from eventwire.evaluation import evaluate

from .conftest import DATA, need

LIMIT = 30
BODY_F1_FLOOR = 0.95  # the first 30 pages measure 0.970
DATE_ACCURACY_FLOOR = 0.93  # the first 30 pages measure 0.967 (htmldate alone 0.933)


def test_eval_articles_sample_scores_above_floor():
    need(DATA / "article-extraction-benchmark")
    report = evaluate("articles", None, LIMIT)
    assert report.stage == "articles" and "30 pages" in report.data
    assert report.metrics["f1"] >= BODY_F1_FLOOR, report.metrics
    assert report.targets["f1"] == 0.965


def test_eval_dates_sample_scores_above_floor_and_htmldate_on_each_half():
    need(DATA / "article-extraction-benchmark")
    report = evaluate("dates", None, LIMIT)
    m = report.metrics
    assert m["accuracy"] >= DATE_ACCURACY_FLOOR, (m, report.errors)
    # htmldate alone is the base the reader starts from: never below it, on either half or overall.
    for split in ("", "dev half ", "held-out half "):
        assert m[f"{split}accuracy"] >= m[f"{split}htmldate accuracy"], (split, m)
    assert report.targets["accuracy"] == 0.95
    assert report.details[0].startswith("pages stating a date: 30 + ")
    halves = [d for d in report.details if d.startswith(("dev half:", "held-out half:"))]
    assert len(halves) == 2 and sum(int(d.split(": ")[1].split()[0]) for d in halves) == 30
    lines = report.lines(show_errors=True)
    assert lines[1].startswith("  accuracy: ") and "errors (" in lines[-1 - len(report.errors)]
    assert all(e.startswith(("[dev half]", "[held-out half]", "[seed]")) for e in report.errors)


def test_date_halves_are_fixed_and_even():
    gold = dates_eval.load_gold()
    halves = [dates_eval.half(pid) for pid in gold]
    assert set(halves) == {"dev half", "held-out half"}
    assert 0.4 < halves.count("dev half") / len(halves) < 0.6
    assert dates_eval.half("abc") == dates_eval.half("abc") != dates_eval.half("abd")


def test_date_gold_is_complete_and_well_formed():
    bench = need(DATA / "article-extraction-benchmark")
    gold = dates_eval.load_gold()
    pages = {p.name.removesuffix(".html.gz") for p in (bench / "html").glob("*.html.gz")}
    assert set(gold) == pages  # one hand-checked line per page
    stated = [d for d in gold.values() if d is not None]
    assert len(stated) >= 170 and all(1990 < d.year < 2030 for d in stated)


def test_eval_dates_without_gold_or_on_the_wrong_folder_is_a_usage_error(tmp_path: Path, monkeypatch):
    with pytest.raises(UsageError, match="ground-truth.json"):
        evaluate("dates", tmp_path)
    (tmp_path / "ground-truth.json").write_text("{}", "utf-8")
    monkeypatch.setattr(dates_eval, "GOLD", tmp_path / "missing.tsv")
    with pytest.raises(UsageError, match="gold not found"):
        evaluate("dates", tmp_path)
    bad = tmp_path / "bad.tsv"
    bad.write_text("# comment\nid\tdate\tevidence\nabc\t2019-13-01\tx\n", "utf-8")
    monkeypatch.setattr(dates_eval, "GOLD", bad)
    with pytest.raises(UsageError, match="bad date"):
        evaluate("dates", tmp_path)


def test_eval_dates_counts_pages_stating_none(tmp_path: Path, monkeypatch):
    # A page with no date at all: eventwire must not invent one.
    html = tmp_path / "html"
    html.mkdir()
    body = "<p>" + "Plain words of a story without any date in it. " * 12 + "</p>"
    (html / "p1.html.gz").write_bytes(__import__("gzip").compress(
        f"<html><body><h1>A story</h1>{body}</body></html>".encode()))
    (tmp_path / "ground-truth.json").write_text('{"p1": {"articleBody": "x", "url": null}}', "utf-8")
    gold = tmp_path / "gold.tsv"
    gold.write_text("id\tdate\tevidence\np1\tnone\tno date\n", "utf-8")
    monkeypatch.setattr(dates_eval, "GOLD", gold)
    report = dates_eval.evaluate(tmp_path)
    assert report.metrics["false date share"] == 0.0
    assert "pages stating none: 1, given a date anyway: 0" in report.details
