"""Mojibake (UTF-8 read as Windows-1252 and saved again) is repaired when an article is read."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from eventwire.reading.repair import repair_mojibake


def extract_text(path: Path) -> str:
    proc = subprocess.run([sys.executable, "-m", "eventwire", "extract", str(path)], capture_output=True, timeout=300)
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr, proc.stderr.decode()
    return json.loads(proc.stdout.decode().splitlines()[0])["article"]["text"]


def garble(text: str) -> str:
    """What a Windows-1252 reading of the UTF-8 bytes gives (as archives saved it)."""
    return text.encode("utf-8").decode("cp1252", errors="replace")


def test_extract_repairs_mojibake_in_a_plain_text(tmp_path: Path):
    clean = ("The minister’s office said “no one was hurt” in the blast at the café near the Zürich station, "
             "and police — who arrived within minutes — closed the road.\n")
    path = tmp_path / "garbled.txt"
    path.write_text(garble(clean), encoding="utf-8")
    assert "â€™" in path.read_text(encoding="utf-8")
    assert extract_text(path) == clean.strip()


@pytest.mark.parametrize("text", [
    "naïve café “quoted” – dash, São Paulo, Zürich, Ελλάδα, привет",
    "CAFÉ— ALL CAPS WITH A DASH",
    "plain ASCII text",
])
def test_clean_text_is_unchanged(text: str):
    assert repair_mojibake(text) == text


def test_flattened_no_break_space_and_lost_closing_quote():
    # "Â" before a space is a no-break space whose second byte became a space; "â€\ufffd" lost the
    # last byte of a closing quote.
    assert repair_mojibake("related storiesÂ gujarat and â€œsellâ€\ufffd") == "related stories gujarat and “sell”"
    assert repair_mojibake("Ð¿Ñ€Ð¸Ð²ÐµÑ‚ and cafÃ©") == "привет and café"
