"""Event modality read from the clause, through `eventwire extract` as a user runs it.

Negated, failed and prevented actions, tolls of a period, protection against something,
history and habits are no event; orders, plans, calls and threats are planned/threatened,
conditionals hypothetical, claims and denials carry who claims or denies.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, need

PAGES = ROOT / "samples" / "pages"

# name -> one-paragraph article body (the sentences are ours, not from any benchmark).
CASES = {
    "failed": "The police failed to arrest Shah in Ahmedabad on Monday.",
    "arrested": "Police arrested Shah in Ahmedabad on Monday.",
    "not_shelled": "The army did not shell the town of Idlib on Sunday.",
    "no_one": "No one was arrested after the riot in Ahmedabad on Monday.",
    "yet_to": "The police are yet to arrest the accused in Ahmedabad.",
    "failed_to_prevent": "Police failed to prevent an attack by Al Shabaab militants on an army base in Baidoa "
                         "on Tuesday.",
    "denied": "The Syrian army denied shelling the village of Kafr Nabl on Sunday.",
    "ordered": "The police commissioner ordered officers to arrest the rioters in Ahmedabad on Monday.",
    "rounding_up": "The police commissioner ordered the rounding up of rowdies in Ahmedabad on Monday.",
    "vowed": "The Islamic State vowed to attack Baghdad.",
    "threat_europe": "Al Qaeda threatened to attack Europe.",
    "call_protest": "The opposition called for a protest in Harare on Friday.",
    "protested": "Thousands of people protested in Harare on Friday.",
    "plan_and_deed": "The opposition called for a protest in Harare on Friday. Thousands of people protested "
                     "in Harare on Friday.",
    "ban": "The government banned protests in Harare on Friday.",
    "conditional": "If Ethiopian troops advance, Al Shabaab militants will attack Kismayo.",
    "claimed": "The Taliban claimed to have shot down a Chinook helicopter in Kunduz on Tuesday.",
    "responsibility": "The Taliban claimed responsibility for shooting down a helicopter in Kunduz on Tuesday.",
    "accused": "The army accused Al Shabaab of shelling the market in Mogadishu on Monday.",
    "yearly_toll": "More than 2,500 Afghan civilians have been killed in the fighting so far this year, "
                   "according to the United Nations.",
    "war_toll": "Since 2011, more than 400,000 people have been killed in Syria.",
    "country_toll": "Nearly 10,000 people were killed in Afghanistan in 2019, according to a UN report.",
    "plot": "Police thwarted a plot to bomb the embassy in Nairobi on Monday.",
    "one_attack": "At least 25 Afghan civilians were killed in a Taliban attack in Kunduz on Monday.",
    "protection": "The camp provides a modicum of protection to civilians against Russian airstrikes in the region.",
    "airstrikes": "Russian airstrikes hit the town of Idlib on Sunday.",
    "anniversary": "Residents marked the anniversary of the massacre of 22 civilians by ADF militants in Beni.",
    "years_after": "Roughly 13,000 US troops remain in Afghanistan, 18 years after Washington invaded the country.",
    "habitual": "Police often arrest street vendors in Mumbai.",
    "vendors": "Police arrested street vendors in Mumbai on Monday.",
    "used_to": "Police used to arrest street vendors in Mumbai.",
    "used_force": "Security forces used excessive force to suppress a peaceful protest in Ramallah on Sunday.",
}


def _extract(paths: list[Path]) -> list[dict]:
    proc = subprocess.run([sys.executable, "-m", "eventwire", "extract", *map(str, paths)],
                          capture_output=True, timeout=600)
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"Traceback" not in proc.stderr
    return [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def events(tmp_path_factory) -> dict[str, list[dict]]:
    """Every case through one `eventwire extract` run (one model load): name -> its events."""
    folder = tmp_path_factory.mktemp("modality")
    paths = []
    for name, body in CASES.items():
        path = folder / f"{name}.txt"
        path.write_text(f"Published 6 May 2022\n\n{body}\n", "utf-8")
        paths.append(path)
    records = _extract(paths)
    assert len(records) == len(CASES)
    return {Path(r["article"]["input"]).stem: r["events"] for r in records}


def happened(evs: list[dict]) -> list[dict]:
    return [e for e in evs if e["modality"] in ("asserted", "reported", "claimed")]


def test_failed_and_negated_actions_are_no_event(events):
    assert [e["sub_event_type"] for e in events["arrested"]] == ["Arrests"]  # the same clause, not failed
    assert not [e for e in events["failed"] if e["sub_event_type"] == "Arrests"]
    assert events["not_shelled"] == []
    assert events["yet_to"] == []
    assert not [e for e in events["no_one"] if e["sub_event_type"] == "Arrests"]
    assert [e["event_type"] for e in events["no_one"]] == ["Riots"]  # the riot itself happened


def test_negators_cancel_in_pairs(events):
    (ev,) = events["failed_to_prevent"]
    assert ev["actor1"] == "Al Shabaab" and ev["modality"] == "asserted"


def test_denial_names_who_denies_and_the_doer(events):
    (ev,) = events["denied"]
    assert ev["modality"] == "denied"
    assert ev["attributed_to"] == "Syrian army"
    assert ev["actor1"] == "Military Forces of Syria"


def test_orders_are_planned_never_asserted(events):
    (ev,) = events["ordered"]
    assert (ev["sub_event_type"], ev["modality"]) == ("Arrests", "planned")
    assert ev["attributed_to"] == "police commissioner"
    assert happened(events["rounding_up"]) == []
    assert happened(events["plot"]) == []  # a thwarted plot to bomb is no bombing


def test_a_vow_or_a_threat_is_threatened_and_not_an_attack_at_its_target(events):
    (ev,) = events["vowed"]
    assert (ev["event_type"], ev["modality"], ev["attributed_to"]) == (
        "Strategic developments", "threatened", "Islamic State")
    (ev,) = events["threat_europe"]
    assert ev["modality"] == "threatened" and ev["event_type"] == "Strategic developments"
    assert ev["location"] is None  # a threat against Europe is no event in Europe


def test_a_call_for_a_protest_is_a_planned_protest(events):
    (ev,) = events["call_protest"]
    assert (ev["event_type"], ev["modality"], ev["attributed_to"]) == ("Protests", "planned", "opposition")
    assert [e["modality"] for e in events["protested"]] == ["asserted"]
    assert events["ban"] == []  # a ban on protests reports none
    # The call and the protest it called for, at one place and date: one protest, which happened.
    assert [(e["modality"], e["location"]["name"]) for e in events["plan_and_deed"]] == [("asserted", "Harare")]


def test_a_conditional_is_hypothetical(events):
    assert events["conditional"]
    assert all(e["modality"] == "hypothetical" for e in events["conditional"])


def test_claims_carry_the_claimant(events):
    for name in ("claimed", "responsibility"):
        (ev,) = events[name]
        assert (ev["modality"], ev["attributed_to"], ev["actor1"]) == ("claimed", "Taliban", "Taliban"), name
    (ev,) = events["accused"]
    assert (ev["modality"], ev["attributed_to"], ev["actor1"]) == ("claimed", "army", "Al Shabaab")


def test_tolls_of_a_period_are_no_event(events):
    assert events["yearly_toll"] == []
    assert events["war_toll"] == []
    assert events["country_toll"] == []
    (ev,) = events["one_attack"]  # one attack's toll is an event with its fatalities
    assert (ev["actor1"], ev["fatalities"]) == ("Taliban", 25)


def test_protection_against_strikes_is_no_strike(events):
    assert events["protection"] == []
    assert [e["sub_event_type"] for e in events["airstrikes"]] == ["Air/drone strike"]


def test_history_and_habits_are_no_event(events):
    assert events["anniversary"] == []
    assert events["years_after"] == []
    assert events["habitual"] == []
    assert events["used_to"] == []
    assert [e["event_type"] for e in events["used_force"]] == ["Protests"]  # "used force to" is no habit
    assert [e["sub_event_type"] for e in events["vendors"]] == ["Arrests"]


def test_sample_pages_claimed_downing_and_no_yearly_toll():
    chinook = need(PAGES / "7916ecca969ffdd8f6fc32d171fbe0dd63db40fe4c1d2ade02b1dec5929a162f.html.gz")
    tanf = need(PAGES / "1ee91d1fce65e09be8b8d2d29eab771546d98ca2ba5c862941e660e9fec12432.html.gz")
    crash, camp = _extract([chinook, tanf])
    claims = [e for e in crash["events"] if e["modality"] == "claimed"]
    assert any(e["actor1"] == "Taliban" and "Taliban" in (e["attributed_to"] or "") for e in claims)
    for e in crash["events"]:
        assert "so far this year" not in e["evidence"]
        assert (e["fatalities"] or 0) < 1000
    assert not [e for e in camp["events"] if e["sub_event_type"] == "Air/drone strike"]


def test_sentence_reading_for_events_found_without_a_trigger():
    """The reading other event paths (a sentence detector) call: the complement under a governing cue."""
    from eventwire.events.modality import sentence_reading
    from eventwire.extract import extract_text

    doc = extract_text("Published 6 May 2022\n\nThe police failed to arrest Shah in Ahmedabad on Monday. "
                       "The Taliban claimed to have shot down a Chinook. Police arrested five men in Surat.")
    failed, claim, plain = (sentence_reading(s, doc) for s in doc.spacy.sents)
    assert failed[0] == "failed"
    assert claim == (None, "claimed", "Taliban")
    assert plain == (None, "asserted", None)
