"""Case-robust reading: all-lower and all-upper text yields what the cased text yields (issue 9, item 6)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from eventwire.casing import degraded_paragraphs, restore_case

# Written for these tests (no evaluation data): actors with and without a country, two places and
# two events of different types, one with a fatality count.
NEWS = (
    "Syrian government troops seized the town of Saraqib from rebels on Monday, killing 12 fighters, the "
    "army said in a statement. Fighters of Hayat Tahrir al-Sham later shelled the nearby city of Idlib, "
    "residents told Reuters.\n"
)


def extract(path: Path) -> dict:
    proc = subprocess.run([sys.executable, "-m", "eventwire", "extract", str(path)], capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"Traceback" not in proc.stderr
    lines = proc.stdout.decode().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def findings(rec: dict) -> tuple[set, set, set]:
    actors = {(e["kind"], e["actor"]) for e in rec["entities"] if e["actor"]}
    places = {p["name"] for p in rec["places"]}
    events = {(e["sub_event_type"], e["actor1"], e["actor2"], e["fatalities"], (e.get("location") or {}).get("name"))
              for e in rec["events"]}
    return actors, places, events


def assert_points_into(rec: dict, text: str) -> None:
    """Every span of the record quotes the article's own text (the degraded text, not a restored copy)."""
    assert rec["article"]["text"] == text.strip()
    body = rec["article"]["text"]
    for e in rec["entities"]:
        assert body[e["start"]:e["end"]] == e["text"]
    for p in rec["places"]:
        assert body[p["start"]:p["end"]] == p["text"]
    for ev in rec["events"]:
        assert body[ev["start"]:ev["end"]] == ev["evidence"]


@pytest.fixture(scope="module")
def cased(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("casing") / "cased.txt"
    path.write_text(NEWS, encoding="utf-8")
    return extract(path)


def test_cased_paragraph_finds_actors_places_and_events(cased):
    actors, places, events = findings(cased)
    assert ("state_force", "Military Forces of Syria") in actors and ("armed_group", "Hayat Tahrir al-Sham") in actors
    assert {"Saraqib", "Idlib"} <= places
    assert len(events) == 2


@pytest.mark.parametrize("transform", [str.lower, str.upper], ids=["lower", "upper"])
def test_degraded_case_yields_what_the_cased_text_yields(cased, tmp_path, transform):
    text = transform(NEWS)
    path = tmp_path / "degraded.txt"
    path.write_text(text, encoding="utf-8")
    rec = extract(path)
    assert findings(rec) == findings(cased)
    assert_points_into(rec, text)
    # A person's or actor's canonical name is a name, but the entity text is what the article wrote.
    assert any(e["text"] == transform("Hayat Tahrir al-Sham") for e in rec["entities"])


def test_cased_text_is_left_as_it_is(cased):
    assert restore_case(NEWS) is None
    assert_points_into(cased, NEWS)


def test_cased_title_over_a_lower_cased_body_restores_only_the_body():
    title = "Police Arrest 20 After Clashes in Ahmedabad\n\n"
    body = ("police arrested 20 people in ahmedabad on sunday after clashes between two groups. the city's "
            "police commissioner said that curfew was imposed in three areas of gujarat.\n")
    text = title + body
    spans = degraded_paragraphs(text)
    assert spans == [(len(title), len(text) - 1, "lower")]
    restored = restore_case(text)
    assert restored is not None and len(restored) == len(text)
    assert restored.lower() == text.lower() and restored[:len(title)] == title
    assert restored[len(title):].startswith("Police arrested 20 people in Ahmedabad on Sunday")
    assert "Gujarat" in restored and ". The city's police" in restored


def test_upper_case_text_is_lower_cased_but_acronyms_and_names_kept():
    text = "ISIS FIGHTERS ATTACKED AN ARMY POST NEAR MOSUL ON FRIDAY, AND THE U.S. MILITARY SAID IT STRUCK BACK.\n"
    restored = restore_case(text)
    assert restored is not None
    assert restored.startswith("ISIS fighters attacked an")
    assert "Mosul on Friday" in restored and "U.S." in restored and " it struck back." in restored


@pytest.mark.parametrize("text", [
    # normal news, a short all-caps kicker and a dateline included
    "BREAKING NEWS\nWASHINGTON — The Senate passed the bill on Tuesday. Lawmakers said it would help "
    "farmers in Iowa and Ohio, and the president is expected to sign it next week.\n",
    # a line broken mid-sentence in a normal article starts lower-case
    "The minister said the plan, which was announced on Friday by the government in Nairobi,\n"
    "would cost about 2.5 million dollars over three years and create some thousand jobs in the region.\n",
    # a script without letter case, with a few Latin acronyms
    "다만 MBC 드라마는 방영을 시작한 지 얼마 되지 않았지만 벌써 지쳐가는 인상이다 KBS SBS 그리고 많은 사람들이 봤다.\n",
    # too short to judge
    "clashes in the north\n",
])
def test_normal_or_short_text_is_not_flagged(text):
    assert degraded_paragraphs(text) == []
    assert restore_case(text) is None


def test_one_line_lower_case_text_is_restored():
    text = "police fired tear gas at protesters in nairobi on tuesday, witnesses said."
    restored = restore_case(text)
    assert restored is not None and restored.startswith("Police fired tear gas at protesters in Nairobi on Tuesday")
