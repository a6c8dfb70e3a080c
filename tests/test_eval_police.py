"""`eventwire eval police` on IndiaPoliceEvents: the README's scoring rules, sentence location,
the keyword baseline, and a sample run through the real CLI.

Full figures (591 documents): benchmarks/events_approaches.md, "police-events, first measurement".
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from eventwire.errors import UsageError
from eventwire.evaluation import evaluate
from eventwire.evaluation.police import LABELS, README_BASELINE, keyword_labels, labels_of, locate, overlaps
from eventwire.models import Event

from .conftest import DATA, need

POLICE = DATA / "police-events"
LIMIT = 30
# Floors below what the sample measured when this test was written (against regression; the
# current detector finds few police events on lower-cased Times of India text, see the benchmark notes).
KEYWORD_DOC_ANY_FLOOR = 0.45
KEYWORD_DOC_FORCE_FLOOR = 0.6
OURS_DOC_ANY_FLOOR = 0.05


def ev(event_type: str = "Violence against civilians", sub: str | None = "Attack",
       actor1: str | None = "Police Forces of India", actor2: str | None = None,
       fatalities: int | None = None, modality: str = "asserted", trigger: str | None = None,
       start: int = 0, end: int = 10) -> Event:
    return Event(event_type=event_type, sub_event_type=sub, evidence="x", start=start, end=end, actor1=actor1,
                 actor2=actor2, fatalities=fatalities, modality=modality, trigger=trigger)


def test_police_event_definition():
    assert labels_of(ev()) == {"ANY_ACTION", "FORCE"}
    assert labels_of(ev(actor1="Rioters (India)")) == set()
    assert labels_of(ev(actor1=None)) == set()
    # police as actor2 counts only in the two intervention sub-types, where ACLED puts the force there
    assert labels_of(ev("Riots", "Mob violence", actor1="Rioters (India)", actor2="Police Forces of India")) == set()
    assert labels_of(ev("Protests", "Protest with intervention", actor1="Protesters (India)",
                        actor2="Police Forces of India")) == {"ANY_ACTION", "FORCE"}
    assert labels_of(ev("Protests", "Excessive force against protesters", actor1="Protesters (India)",
                        actor2="Police Forces of India (2014-)")) == {"ANY_ACTION", "FORCE"}
    # a police action that is no violence: ANY_ACTION only; Arrests: ARREST
    assert labels_of(ev("Strategic developments", "Arrests")) == {"ANY_ACTION", "ARREST"}
    assert labels_of(ev("Strategic developments", "Disrupted weapons use")) == {"ANY_ACTION"}


def test_kill_needs_force_and_fatalities_or_a_killing_trigger():
    assert "KILL" in labels_of(ev(fatalities=3))
    assert "KILL" not in labels_of(ev(fatalities=0))
    assert "KILL" in labels_of(ev("Battles", "Armed clash", trigger="shot dead"))
    assert "KILL" in labels_of(ev(trigger="lynched"))
    assert "KILL" not in labels_of(ev(trigger="beat"))
    # fatalities on an arrest are not a police killing
    assert "KILL" not in labels_of(ev("Strategic developments", "Arrests", fatalities=2, trigger="killed"))


def test_modality_filter():
    for modality in ("asserted", "reported"):
        assert labels_of(ev(modality=modality, fatalities=1)) == {"ANY_ACTION", "FORCE", "KILL"}
    for modality in ("negated", "hypothetical", "planned", "threatened"):
        assert labels_of(ev(modality=modality, fatalities=1)) == set()


def test_sentence_overlap():
    assert overlaps(5, 15, (10, 20)) and overlaps(10, 20, (0, 11))
    assert not overlaps(0, 10, (10, 20)) and not overlaps(20, 30, (10, 20))
    assert not overlaps(0, 100, None)


def test_locate_copes_with_mojibake_repair_and_a_dropped_dateline():
    read = ("ahmedabad: the police’s curfew held. police arrested 12 men.\n\n"
            "“it is calm,” he said. police arrested 12 men.")
    gold = ["This story is from March 1, 2002\n\nahmedabad: the policeâ€™s curfew held.",
            "police arrested 12 men.", "â€œit is calm,â€\x9d he said.", "police arrested 12 men.", "\"", "not in it."]
    spans = locate(read, gold)
    assert read[spans[0][0]:spans[0][1]] == "ahmedabad: the police’s curfew held"
    assert read[spans[1][0]:spans[1][1]] == "police arrested 12 men"
    assert read[spans[2][0]:spans[2][1]] == "it is calm,” he said"
    assert spans[3][0] > spans[1][0]  # searched in order: the second copy
    assert spans[4] is None and spans[5] is None


def test_keyword_baseline_needs_police_and_an_action_in_one_sentence():
    assert keyword_labels("police arrested five men.") == {"ARREST", "ANY_ACTION"}
    assert keyword_labels("five men were arrested.") == set()
    assert {"KILL", "FORCE"} <= keyword_labels("two were shot dead when policemen opened fire.")
    assert keyword_labels("the police commissioner spoke to reporters.") == set()


def test_bad_path_is_a_usage_error(tmp_path: Path):
    with pytest.raises(UsageError):
        evaluate("police", tmp_path)
    (tmp_path / "docs.jsonl").write_text("")
    (tmp_path / "sents.jsonl").write_text("")
    with pytest.raises(UsageError):
        evaluate("police", tmp_path)


def test_eval_police_sample_through_the_cli():
    need(POLICE)
    proc = subprocess.run([sys.executable, "-m", "eventwire", "eval", "police", "--limit", str(LIMIT), "--json",
                           "--errors"], capture_output=True, timeout=600)
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"Traceback" not in proc.stderr
    rep = json.loads(proc.stdout)
    assert rep["stage"] == "police" and f"({LIMIT} documents" in rep["data"]
    m = rep["metrics"]
    names = {f"{lv}_{lab.lower()}{kind}_f1" for lv in ("doc", "sent") for lab in LABELS for kind in ("", "_keyword")}
    assert set(m) == names
    assert all(0.0 <= v <= 1.0 for v in m.values())
    assert m["doc_any_action_keyword_f1"] >= KEYWORD_DOC_ANY_FLOOR
    assert m["doc_force_keyword_f1"] >= KEYWORD_DOC_FORCE_FLOOR
    assert m["doc_any_action_f1"] >= OURS_DOC_ANY_FLOOR
    details = "\n".join(rep["details"])
    for label in LABELS:  # the README's published baseline is printed beside ours
        assert f"README F1 {README_BASELINE[label]:.2f}" in details
    assert "gold sentences not located" in details
    assert any(e.split()[1] == "MISSED" for e in rep["errors"])


def test_eval_police_bad_folder_is_one_line(tmp_path: Path):
    proc = subprocess.run([sys.executable, "-m", "eventwire", "eval", "police", str(tmp_path)],
                          capture_output=True, timeout=120)
    assert proc.returncode != 0 and b"Traceback" not in proc.stderr
    assert len([ln for ln in proc.stderr.decode().splitlines() if ln.strip()]) == 1
