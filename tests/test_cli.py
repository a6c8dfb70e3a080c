"""The `eventwire extract` command, run as a user runs it: a real process, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SEED, need

WIRE = (
    "GOMA, Congo, March 3 (Reuters) - M23 rebels seized the town of Rubaya on Monday after heavy "
    "fighting with the Congolese army, residents said.\n\nThe army did not comment.\n"
)


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "eventwire", *args], input=stdin, capture_output=True, timeout=300
    )


def lines_of(err: bytes) -> list[str]:
    return [ln for ln in err.decode().splitlines() if ln.strip()]


def assert_no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()


def test_single_file_prints_one_json_record():
    proc = run("extract", str(need(SEED / "raqqa-2017-06.txt")))
    assert proc.returncode == 0, proc.stderr.decode()
    rec = json.loads(proc.stdout)
    assert set(rec) >= {"article", "entities", "places", "times", "quotes", "events"}
    assert rec["article"]["published"] == "2017-06-18"
    assert rec["article"]["input"].endswith("raqqa-2017-06.txt")


def test_several_inputs_give_json_lines_in_input_order(tmp_path: Path):
    a, b = tmp_path / "b-first.txt", tmp_path / "a-second.txt"
    a.write_text(WIRE)
    b.write_text(WIRE.replace("Rubaya", "Sake"))
    proc = run("extract", str(a), str(b))
    assert proc.returncode == 0
    recs = [json.loads(ln) for ln in proc.stdout.decode().splitlines()]
    assert [Path(r["article"]["input"]).name for r in recs] == ["b-first.txt", "a-second.txt"]
    assert "Sake" in recs[1]["article"]["text"]


def test_standard_input():
    proc = run("extract", "-", stdin=WIRE.encode())
    assert proc.returncode == 0, proc.stderr.decode()
    rec = json.loads(proc.stdout)
    assert rec["article"]["input"] == "-"
    assert any(e["actor"] == "M23" for e in rec["entities"])


def test_missing_file_is_a_usage_error():
    proc = run("extract", "/nonexistent/article.txt")
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert lines_of(proc.stderr) == ["eventwire: /nonexistent/article.txt: no such file or directory"]


def test_no_command_is_a_usage_error():
    assert run().returncode == 2
    assert run("extract").returncode == 2


def test_directory_of_binaries_gives_one_line_each(tmp_path: Path):
    for i in range(3):
        (tmp_path / f"blob{i}").write_bytes(bytes(range(256)) * 40)
    proc = run("extract", str(tmp_path))
    assert proc.returncode == 1
    assert_no_traceback(proc)
    err = lines_of(proc.stderr)
    assert len(err) == 3 and all("binary" in ln for ln in err)
    assert proc.stdout == b""


def test_empty_file(tmp_path: Path):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    proc = run("extract", str(f))
    assert proc.returncode == 1
    assert_no_traceback(proc)
    assert lines_of(proc.stderr) == [f"eventwire: {f}: input is empty"]


def test_fifty_megabyte_file(tmp_path: Path):
    f = tmp_path / "huge.txt"
    with f.open("wb") as fh:
        fh.write(b"word " * (10 * 1024 * 1024))
    proc = run("extract", str(f))
    assert proc.returncode == 1
    assert_no_traceback(proc)
    err = lines_of(proc.stderr)
    assert len(err) == 1 and "52.4 MB, over the 20 MB limit" in err[0]


def test_invalid_utf8_is_read_with_a_warning(tmp_path: Path):
    f = tmp_path / "latin1.txt"
    f.write_bytes(WIRE.replace("Rubaya", "Rubay\u00e1").encode("latin-1") + b"\xff\xfe tail words here.")
    proc = run("extract", str(f))
    assert proc.returncode == 0
    assert_no_traceback(proc)
    err = lines_of(proc.stderr)
    assert len(err) == 1 and "not valid UTF-8" in err[0]
    assert "Rubay" in json.loads(proc.stdout)["article"]["text"]


def test_folder_with_one_bad_file_still_yields_the_others(tmp_path: Path):
    (tmp_path / "1.txt").write_text(WIRE)
    (tmp_path / "2.page").write_bytes(b"\x00" * 500)
    (tmp_path / "3.txt").write_text(WIRE.replace("Rubaya", "Sake"))
    proc = run("extract", str(tmp_path))
    assert proc.returncode == 0
    assert_no_traceback(proc)
    recs = [json.loads(ln) for ln in proc.stdout.decode().splitlines()]
    assert [Path(r["article"]["input"]).name for r in recs] == ["1.txt", "3.txt"]
    assert len(lines_of(proc.stderr)) == 1 and "2.page" in proc.stderr.decode()


def test_folder_skips_files_that_are_not_articles(tmp_path: Path):
    (tmp_path / "story.txt").write_text(WIRE)
    (tmp_path / "gold.json").write_text('{"a": 1}')
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff" + b"\x00" * 100)
    proc = run("extract", str(tmp_path))
    assert proc.returncode == 0
    assert len(proc.stdout.decode().splitlines()) == 1
    assert lines_of(proc.stderr) == ["eventwire: skipped 2 not an article file"]


def test_non_english_article_keeps_text_and_says_what_was_skipped(tmp_path: Path):
    f = tmp_path / "fr.txt"
    f.write_text(
        "Des milliers de manifestants ont défilé samedi à Paris contre la réforme des retraites. "
        "La police a utilisé des gaz lacrymogènes près de la place de la Nation, selon des témoins.\n",
        encoding="utf-8",
    )
    proc = run("extract", str(f))
    assert proc.returncode == 0
    rec = json.loads(proc.stdout)
    assert rec["article"]["language"] == "fr"
    assert "manifestants" in rec["article"]["text"]
    assert rec["entities"] == [] and rec["events"] == [] and rec["quotes"] == []
    assert any(s.startswith("events:") for s in rec["skipped"])


@pytest.mark.parametrize("bad", [["extract", "--max-mb", "abc", "x"], ["nonsense"]])
def test_bad_arguments_exit_2(bad):
    proc = run(*bad)
    assert proc.returncode == 2
    assert_no_traceback(proc)


def test_unknown_model_is_one_clear_line(tmp_path: Path):
    f = tmp_path / "a.txt"
    f.write_text(WIRE)
    proc = run("extract", "--model", "no_such_pipeline_xx", str(f))
    assert proc.returncode == 1
    assert_no_traceback(proc)
    err = lines_of(proc.stderr)
    assert len(err) == 1 and "no_such_pipeline_xx is not installed" in err[0]


def test_broken_html_and_truncated_gzip(tmp_path: Path):
    import gzip

    broken = tmp_path / "broken.html"
    broken.write_bytes(
        b"<html><head><title>Clashes in Tripoli</title><body><div><p>Armed groups clashed in the Libyan "
        b"capital Tripoli on Saturday, killing at least 12 people, the health ministry said.<p>Residents "
        b"said the fighting was the worst in months and that families fled their homes overnight<div><span>"
    )
    full = gzip.compress(need(SEED / "raqqa-2017-06.txt").read_bytes())
    cut = tmp_path / "cut.txt.gz"
    cut.write_bytes(full[: len(full) * 3 // 4])  # a capture cut off in transfer
    proc = run("extract", str(broken), str(cut))
    assert_no_traceback(proc)
    assert proc.returncode == 0
    recs = [json.loads(ln) for ln in proc.stdout.decode().splitlines()]
    assert len(recs) == 2
    assert "Tripoli" in recs[0]["article"]["text"]
    assert recs[1]["article"]["text"].startswith("USA-backed Syrian democratic forces")
    assert any("truncated" in ln for ln in lines_of(proc.stderr))


def test_impossible_dates_are_ignored_not_fatal(tmp_path: Path):
    f = tmp_path / "bad-date.txt"
    f.write_text("Headline about the fighting\n\n31 February 2017\n\n" + WIRE)
    proc = run("extract", str(f))
    assert proc.returncode == 0
    assert_no_traceback(proc)
    assert json.loads(proc.stdout)["article"]["published"] is None


def test_a_one_line_text_is_its_own_article_text(tmp_path: Path):
    # A wire snippet or headline-only item: the one line is taken as the headline, and it is
    # also everything the article says, so it is read (issue 9: such texts gave no record).
    line = "Security forces arrested 45 protesters outside the parliament in Lagos on Monday"
    f = tmp_path / "snippet.txt"
    f.write_text(line + "\n", encoding="utf-8")
    proc = run("extract", str(f))
    assert proc.returncode == 0, proc.stderr
    rec = json.loads(proc.stdout)
    assert rec["article"]["text"] == line
    assert any(e["sub_event_type"] == "Arrests" for e in rec["events"])
