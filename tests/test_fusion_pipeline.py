"""Fusion end to end: real articles through `eventwire ingest` (the whole pipeline), then the views."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import SEED, need

FIXTURES = Path(__file__).parent / "fixtures" / "fusion"
FUSION_DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "fusion-dev"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwire", *args], capture_output=True, text=True, timeout=600)


def test_the_seed_page_and_two_wire_reports_of_the_sdf_advance_are_one_event(tmp_path: Path):
    db = str(tmp_path / "e.db")
    seed = need(SEED / "raqqa-2017-06.txt")
    proc = run("ingest", "--db", db, str(seed), str(FIXTURES / "raqqa-wire-a.txt"), str(FIXTURES / "raqqa-wire-b.txt"))
    assert proc.returncode == 0, proc.stderr
    assert "reported by several articles" in proc.stdout
    events = [json.loads(ln) for ln in run("events", "--db", db, "--json").stdout.splitlines()]
    advance = [e for e in events if e["sub_event_type"] == "Non-state actor overtakes territory"
               and e["date"] == "2017-06-12"]
    assert len(advance) == 1, [(e["sub_event_type"], e["date"], e["articles"]) for e in events]
    ev = advance[0]
    assert ev["actor1"] == "Syrian Democratic Forces" and ev["location"]["name"] == "Ar Raqqah"
    assert {Path(r["input"]).name for r in ev["reports"]} == {"raqqa-2017-06.txt", "raqqa-wire-a.txt",
                                                             "raqqa-wire-b.txt"}
    assert ev["articles"] == 3 and ev["sources_independent"] == 3
    # The seed's background (Raqqa seized in 2014) is another event, not merged into the advance.
    assert any(e["date"] == "2014" for e in events)


def test_eval_fusion_fuses_the_development_set_without_merging_distractors():
    need(FUSION_DEV / "gold.json")
    proc = run("eval", "fusion", str(FUSION_DEV), "--json")
    assert proc.returncode == 0, proc.stderr
    m = json.loads(proc.stdout)["metrics"]
    # Guards against a regression to no fusion (pairwise recall 0.06 before fusion) or to merging
    # everything; the figures themselves are in the README.
    assert m["pairwise_precision"] >= 0.9 and m["pairwise_recall"] >= 0.5
    assert m["distractor_separation"] == 1.0 and m["duplicate_recall"] == 1.0
