"""Each stage's wall-time budget: a hanging stage is cut off, its article skipped with one line, the run goes on."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from eventwire.budget import OverBudget, StageTimeout, run_stage
from eventwire.store import Store

from .budget_slow_stage import HANG_MARKER
from .conftest import ROOT, SEED, need

SECONDS = 5  # the budget of the CLI tests: far above what a stage takes on a short article


def _spin(seconds: float) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return "done"


def _in_thread(func):
    box: dict = {}

    def target():
        try:
            box["value"] = func()
        except BaseException as exc:  # noqa: BLE001 - the test looks at whatever came out
            box["error"] = exc

    t = threading.Thread(target=target)
    t.start()
    t.join(60)
    assert not t.is_alive(), "the budget did not stop the stage"
    return box


def test_a_looping_stage_is_cut_off_in_the_main_thread():
    t0 = time.monotonic()
    with pytest.raises(OverBudget, match=r"^stage 'quotes' exceeded its 0\.3 s budget; skipped$"):
        run_stage("quotes", 0.3, _spin, 1000)
    assert time.monotonic() - t0 < 30  # a generous bound that only a hang exceeds


def test_a_sleep_and_a_runaway_regex_are_cut_off_in_the_main_thread():
    with pytest.raises(OverBudget):
        run_stage("times", 0.2, time.sleep, 1000)
    # Catastrophic backtracking: hours without the budget (re checks for signals as it runs).
    with pytest.raises(OverBudget):
        run_stage("places", 0.3, re.match, r"(a+)+$", "a" * 40 + "b")


def test_a_looping_stage_is_cut_off_in_another_thread():
    # Dask workers run their tasks in threads, where no signal can reach: the watchdog does.
    box = _in_thread(lambda: run_stage("events", 0.3, _spin, 1000))
    assert isinstance(box.get("error"), OverBudget)
    assert str(box["error"]) == "stage 'events' exceeded its 0.3 s budget; skipped"


def test_a_stage_that_catches_every_exception_is_still_cut_off():
    def stubborn() -> None:
        while True:
            try:
                _spin(0.05)
            except Exception:  # noqa: BLE001 - what a careless stage might do
                pass

    with pytest.raises(OverBudget):
        run_stage("actors", 0.2, stubborn)
    assert isinstance(_in_thread(lambda: run_stage("actors", 0.2, stubborn)).get("error"), OverBudget)


def test_stages_that_end_at_their_deadline_leave_no_stray_interrupt():
    """Many stages finishing right at their budget: each either returns or is skipped, and no

    interrupt goes off afterwards in the caller's code (it would escape as StageTimeout)."""

    def many() -> tuple[int, int]:
        done = skipped = 0
        for i in range(80):
            try:
                run_stage("events", 0.02, _spin, 0.012 + (i % 17) * 0.001)
                done += 1
            except OverBudget:
                skipped += 1
            _spin(0.03)  # the caller's own code, where a late interrupt would land
        return done, skipped

    for outcome in (_in_thread(many), {"value": many()}):
        assert "error" not in outcome, repr(outcome.get("error"))
        done, skipped = outcome["value"]
        assert done + skipped == 80 and done > 0 and skipped > 0
    assert not issubclass(StageTimeout, Exception)


def test_no_budget_means_no_limit():
    assert run_stage("parse", None, _spin, 0.05) == "done"
    assert run_stage("parse", 0, _spin, 0.05) == "done"


# ---- through the real CLI, with a stage that hangs on one article -------------------------------


def run_cli(*args: str, workers_preload: bool = False) -> subprocess.CompletedProcess:
    """``eventwire ARGS`` with tests/budget_slow_stage.py loaded (also on Dask workers)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src"),
                                                        os.environ.get("PYTHONPATH", "")])}
    if workers_preload:
        env["DASK_DISTRIBUTED__WORKER__PRELOAD"] = '["tests.budget_slow_stage"]'
    code = "import sys, tests.budget_slow_stage; from eventwire.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=600,
                          cwd=ROOT, env=env)


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """Three articles in name order: a normal one, one on which the quotes stage hangs, the seed."""
    d = tmp_path / "in"
    d.mkdir()
    seed = need(SEED / "raqqa-2017-06.txt").read_text(encoding="utf-8")
    (d / "a-plain.txt").write_text("Published 3 May 2021\n\nRebels attacked an army post near Idlib on Monday, "
                                   "killing two soldiers, the Syrian army said.\n", encoding="utf-8")
    # A near-duplicate of the seed: in ingest the seed must still be stored, as an original.
    (d / "b-hang.txt").write_text(f"{seed.rstrip()}\n\n{HANG_MARKER}\n", encoding="utf-8")
    (d / "c-seed.txt").write_text(seed, encoding="utf-8")
    return d


LINE = re.compile(rf"^eventwire: \S*b-hang\.txt: stage 'quotes' exceeded its {SECONDS} s budget; skipped$")


def test_extract_skips_the_hanging_article_and_goes_on(inputs: Path):
    proc = run_cli("extract", "--stage-seconds", str(SECONDS), str(inputs))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and LINE.match(lines[0]), proc.stderr
    recs = [json.loads(ln) for ln in proc.stdout.splitlines()]
    assert [Path(r["article"]["input"]).name for r in recs] == ["a-plain.txt", "c-seed.txt"]
    assert recs[1]["events"] and recs[1]["quotes"]  # the article after the skip is processed in full
    # Only the hanging article: exit 1, its line, no record.
    alone = run_cli("extract", "--stage-seconds", str(SECONDS), str(inputs / "b-hang.txt"))
    assert alone.returncode == 1 and alone.stdout == ""
    assert LINE.match(alone.stderr.strip())


@pytest.mark.parametrize("workers", [None, 2])
def test_ingest_skips_the_hanging_and_the_too_long_article_and_stores_the_rest(inputs: Path, tmp_path: Path,
                                                                            workers: int | None):
    """And an article over --max-chars (on a worker, the cap is checked where the article is read)."""
    db = str(tmp_path / "events.db")
    (inputs / "d-long.txt").write_text("Published 1 May 2020\n\n" + "The talks went on. " * 2000, encoding="utf-8")
    extra = ["--workers", str(workers)] if workers else []
    proc = run_cli("ingest", "--db", db, "--stage-seconds", str(SECONDS), "--max-chars", "20000", *extra,
                   str(inputs), workers_preload=bool(workers))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 2 and LINE.match(lines[0]), proc.stderr[-3000:]
    assert re.match(r"^eventwire: \S*d-long\.txt: text of 3\d,\d\d\d characters exceeds --max-chars 20000; skipped$",
                    lines[1])
    assert "ingested 2 articles" in proc.stdout
    assert "skipped: 1 over-time-budget, 1 too-long" in proc.stdout
    with Store(db) as store:
        rows = {Path(a["input"]).name for a in store_articles(store)}
        assert rows == {"a-plain.txt", "c-seed.txt"}
        assert store.counts()["events"] > 0


def store_articles(store: Store) -> list[dict]:
    from eventwire.store.query import ArticleFilter, find_articles

    return list(find_articles(store, ArticleFilter(limit=100)))
