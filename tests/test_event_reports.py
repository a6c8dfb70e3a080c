"""Per-article events carry their place, actors and modality (issue 10: fusion merges reports on them).

Texts are written for these tests; they run through the real CLI (`eventwire extract` on a folder),
once for the module.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

TEXTS = {
    "outskirts": "Published 4 March 2023\n\nA drone struck a crowded cattle market on the southern outskirts of Kaya "
                 "on Friday, killing 12 people, residents said.\n",
    "near_and_reference": "Published 4 March 2023\n\nGunmen ambushed a bus near Kongoussi, 100 km north of the "
                          "capital Ouagadougou, on Friday, killing seven passengers, local officials said.\n",
    "dateline_elsewhere": "Published 5 June 2022\n\nABUJA, June 5 (Wire) - Bandits claimed responsibility on Saturday "
                          "for a raid on a village near Gusau that residents said had killed 11 people late on "
                          "Friday.\n",
    "region_in_actor_phrase": "Published 5 June 2022\n\nOn Saturday, a Nigerien army unit was the target of an "
                              "ambush by armed men in the Tillaberi region, the defence ministry said.\n",
    "region_across_borders": "Published 5 June 2022\n\nMilitants attacked a military patrol in the Lake Chad area "
                             "on Saturday, killing four soldiers.\n",
}


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("texts")
    for name, text in TEXTS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "eventwire", "extract", str(folder)],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    recs = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    return {Path(r["article"]["input"]).stem: r for r in recs}


def first(records, name: str) -> dict:
    evs = records[name]["events"]
    assert evs, records[name]
    return evs[0]


# ---- places -----------------------------------------------------------------------------------------

def test_the_outskirts_of_a_town_are_the_town(records):
    assert first(records, "outskirts")["location"]["name"] == "Kaya"


def test_near_a_town_is_the_venue_and_north_of_the_capital_is_not(records):
    loc = first(records, "near_and_reference")["location"]
    assert loc["name"] == "Kongoussi" and loc["precision"] == 2


def test_the_dateline_is_not_the_venue_when_the_sentence_names_one(records):
    ev = first(records, "dateline_elsewhere")
    assert ev["location"]["name"] == "Gusau"  # the raid's place, in the phrase its relative clause modifies


def test_a_locative_hung_on_the_attacker_is_still_the_venue(records):
    assert first(records, "region_in_actor_phrase")["location"]["name"] == "Tillaberi"


def test_a_region_across_borders_is_no_venue(records):
    ev = first(records, "region_across_borders")
    assert ev["location"] is None or ev["location"]["country"], ev["location"]
