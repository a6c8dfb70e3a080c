"""A sample of the article-extraction-benchmark pages through the whole pipeline.

The full 181-page run with its figures is benchmarks/article_body.py; this keeps CI
short while still failing if body extraction regresses or a stage crashes on real pages.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

from eventwire.bodyeval import macro_f1, page_scores
from eventwire.pipeline import Pipeline
from eventwire.reading import read_article

from .conftest import DATA, ROOT, need

SAMPLE = 20  # every 9th page: spread over the benchmark, not its first few
F1_FLOOR = 0.95  # this sample measures 0.976, the full run 0.972


def test_sample_pages_extract_well_and_run_through_every_stage():
    root = need(DATA / "article-extraction-benchmark")
    gt = json.loads((root / "ground-truth.json").read_text("utf-8"))
    ids = sorted(gt)[::9][:SAMPLE]
    pipe = Pipeline()
    pairs = []
    for pid in ids:
        art = read_article((root / "html" / f"{pid}.html.gz").read_bytes(), pid, url=gt[pid].get("url"))
        pairs.append(page_scores(art.text, gt[pid]["articleBody"]))
        rec = pipe(art).to_record()
        text = rec["article"]["text"]
        for key in ("entities", "places", "times", "quotes"):
            for item in rec[key]:
                assert text[item["start"]:item["end"]] == item["text"], (pid, key, item)
        for ev in rec["events"]:
            assert text[ev["start"]:ev["end"]] == ev["evidence"]
    _p, _r, f1 = macro_f1(pairs)
    assert f1 >= F1_FLOOR, f1


def test_metric_matches_its_definition():
    assert page_scores("a b c d e", "a b c d e") == (1.0, 1.0)
    p, r = page_scores("a b c d e f", "a b c d e")  # 3 shingles predicted, 2 right, 2 gold
    assert (round(p, 3), r) == (0.667, 1.0)
    assert page_scores("", "a b c d") == (0.0, 0.0)
    assert macro_f1([(1.0, 0.5), (0.5, 1.0)]) == (0.75, 0.75, 0.75)


def test_fusion_scale_quick_runs_and_prints_its_figures():
    # benchmarks/fusion_scale.py --quick: 2k and 5k synthetic reports (the full ladder is 10k-100k).
    # Figures only, no timing assertion; exit 0 also means incremental = full at both sizes.
    res = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "fusion_scale.py"), "--quick"],
                         capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr[-1000:]
    lines = res.stdout.splitlines()
    header = [lines[0][i:i + 10].strip() for i in range(0, len(lines[0]), 10)]
    assert header[:4] == ["reports", "articles", "days", "full s"] and header[12:14] == ["P", "R"]
    rows = [line.split() for line in lines[1:3]]
    assert [int(r[0]) // 100 for r in rows] == [20, 50]  # about 2000 and 5000 reports (whole articles)
    for r in rows:
        assert all(re.fullmatch(r"\d+(\.\d+)?", x) for x in r[:-1]), r
        assert 0.5 < float(r[12]) <= 1.0 and 0.5 < float(r[13]) <= 1.0  # planted pairs: precision, recall
        assert r[-1] == "yes"  # incremental = full
    assert lines[3].startswith("growth: ") and "(linear: 2.5x)" in lines[3]


def test_api_latency_sample_serves_every_scenario_and_prints_its_figures(tmp_path):
    # benchmarks/api_latency.py --sample: a real `eventwire serve` on small stores, concurrent clients.
    # Figures only, no timing assertion; exit 0 also means no request failed.
    res = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "api_latency.py"), "--sample", "--backends",
                          "sqlite", "--cache", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    lines = res.stdout.splitlines()
    assert lines[1].split() == ["backend", "events", "scenario", "requests", "errors", "p50", "ms", "p95", "ms",
                                "max", "ms", "req/s"]
    rows = [line.split() for line in lines[2:12]]
    assert [(r[1], r[2]) for r in rows] == [(n, sc) for n in ("1000", "100")
                                            for sc in ("page", "deep", "weekly", "weekly-counted", "weekly+filter")]
    for r in rows:
        assert r[0] == "sqlite" and r[3] == "40" and r[4] == "0", r
        assert all(re.fullmatch(r"\d+\.\d", x) for x in r[5:9]), r
    assert lines[12].startswith("sqlite: p95 at 1000 events / at 100: page ")
    assert re.match(r"sqlite, in process, one client, 1000 events: deep page .* ms streaming -> .* ms keyset",
                    lines[13])


def test_watch_throughput_sample_runs_and_prints_its_figures():
    # benchmarks/watch_throughput.py --sample: 5 feeds on a local server, one publication round.
    # Figures only, no timing assertion; exit 0 means every published article was stored and fused.
    res = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "watch_throughput.py"), "--sample"],
                         capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr[-1000:]
    out = res.stdout
    assert re.search(r"published 5, stored 5 \(5 articles in the store", out), out
    assert re.search(r"throughput: \d+\.\d articles/minute sustained", out), out
    # the alert rule matches some of the sample pages' events; every alert arrives signed
    m = re.search(r"alerts: (\d+) received \((\d+) signed\), on (\d+) events from (\d+) of 5 articles", out)
    assert m and int(m[1]) >= 1 and m[1] == m[2] and int(m[3]) >= 1 and 1 <= int(m[4]) <= 5, out
    for stage in ("stored", "fused", "alert"):
        m = re.search(rf"lag publication -> {stage}: p50 (\d+\.\d) s, p90 (\d+\.\d) s, max (\d+\.\d) s", out)
        assert m and float(m[1]) <= float(m[2]) <= float(m[3]), out
