"""Per-article events carry their place, actors and modality (issue 10: fusion merges reports on them).

Texts are written for these tests; they run through the real CLI (`eventwire extract` on a folder),
once for the module.
"""

from __future__ import annotations

import pytest

from .conftest import extract_texts

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
    "denied_allegations": "Published 3 April 2023\n\nThe Ministry of Defence has taken note of reports by some "
                          "media outlets according to which eight villagers were killed on Tuesday in an air strike "
                          "near Kongoussi.\n\nThe Ministry firmly rejects these reports.\n",
    "reported_denial": "Published 3 April 2023\n\nSoldiers shot dead six traders at a market in Titao on Monday, "
                       "witnesses said. On Wednesday, the army denied that any civilians had been killed.\n",
    "target_of": "Published 6 June 2022\n\nA FAMa patrol was the target of a complex attack by terrorist groups "
                 "near Menaka on Sunday.\n",
    "under_attack": "Published 6 June 2022\n\nAn army convoy came under attack near Dori on Sunday, the army "
                    "said.\n",
    "affiliate_named": "Published 3 April 2023\n\nA car bomb exploded outside a hotel in Baidoa on Sunday, killing "
                       "seven people, police said. The al-Qaeda affiliate claimed responsibility for the bombing hours "
                       "later. Al-Shabaab "
                       "fighters have attacked the town before, and officials blamed al-Shabaab for the blast.\n",
    "affiliate_unnamed": "Published 3 April 2023\n\nA car bomb exploded outside a hotel in Baidoa on Sunday, "
                         "killing seven people. An al-Qaeda affiliate claimed responsibility for the bombing hours "
                         "later.\n",
    "adjective_before_group": "Published 3 April 2023\n\nRockets fired by the paramilitary Rapid Support Forces hit "
                              "a market in El Obeid on Sunday, killing nine people, residents said.\n",
    "west_africa_province": "Published 3 April 2023\n\nFighters of the Islamic State West Africa Province attacked "
                            "an army base in Monguno on Tuesday, killing seven soldiers.\n",
    "their_position": "Published 6 June 2022\n\nThe army said its soldiers in Diffa repelled an attack by armed "
                      "men on their location on Sunday night.\n",
    "the_town": "Published 9 November 2021\n\nHundreds of residents of Kaya marched through the town on Tuesday, "
                "demanding better protection.\n",
    "repelled": "Published 6 June 2022\n\nSoldiers repelled an attack by armed men near Menaka on Sunday, the army "
                "said.\n",
    "presupposed": "Published 14 September 2023\n\nThe police wish to reassure residents of Kaya following "
                   "Tuesday's violent protests by traders.\n",
    "its_fighters": "Published 3 April 2023\n\nAl-Shabaab said in a short statement on its radio that its fighters "
                    "had carried out the attack on a checkpoint in Baidoa on Monday.\n",
    "aggressor": "Published 10 November 2023\n\nThe number of people killed in Thursday's missile attack by the "
                 "Russian aggressor on Kharkiv has risen to 10.\n",
    "time_clause": "Published 11 June 2024\n\nDoctors in El Obeid worked through the night after the Rapid Support "
                   "Forces shelled a crowded market on Sunday.\n",
    "road_between": "Published 13 September 2023\n\nPolice fired tear gas on Monday to disperse crowds that had "
                    "barricaded the Nakuru-Eldoret highway.\n",
}


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> dict[str, dict]:
    return extract_texts(tmp_path_factory, TEXTS)


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
    loc = first(records, "region_in_actor_phrase")["location"]
    # "in the Tillaberi region": the town the region is named after, at region precision
    assert (loc["name"], loc["country"], loc["precision"]) == ("Tillabéri", "NE", 3), loc


def test_a_time_clause_happened_where_its_main_clause_is(records):
    ev = first(records, "time_clause")
    assert (ev["event_type"], ev["location"]["name"]) == ("Explosions/Remote violence", "El Obeid"), ev


def test_a_road_between_two_towns_is_at_the_first_not_a_qualifier(records):
    assert first(records, "road_between")["location"]["name"] == "Nakuru"


def test_a_region_across_borders_is_no_venue(records):
    ev = first(records, "region_across_borders")
    assert ev["location"] is None or ev["location"]["country"], ev["location"]


# ---- modality --------------------------------------------------------------------------------------------

def test_a_party_denying_the_reports_of_an_event_denies_that_event(records):
    ev = first(records, "denied_allegations")
    assert (ev["modality"], ev["attributed_to"]) == ("denied", "Ministry"), ev


def test_a_denial_reported_in_a_story_is_the_deniers_report_beside_the_event(records):
    evs = records["reported_denial"]["events"]
    assert evs[0]["modality"] != "denied" and evs[0]["location"]["name"] == "Titao"
    denials = [e for e in evs if e["modality"] == "denied"]
    assert len(denials) == 1 and denials[0]["attributed_to"] == "army", evs
    # Wednesday is the day of the denial; what it denies is the killing told before, on Monday in Titao.
    assert (denials[0]["date"], denials[0]["location"]["name"]) == ("2023-04-03", "Titao")


def test_an_event_after_following_is_taken_as_given_not_as_what_is_wished(records):
    ev = first(records, "presupposed")
    assert (ev["event_type"], ev["modality"], ev["date"]) == ("Protests", "asserted", "2023-09-12"), ev


# ---- types and actors ---------------------------------------------------------------------------------------

def test_an_attack_whose_target_is_an_army_unit_is_a_battle(records):
    ev = first(records, "target_of")
    assert (ev["event_type"], ev["actor2"]) == ("Battles", "Military Forces of Mali"), ev


def test_soldiers_who_repelled_an_attack_were_its_target(records):
    ev = first(records, "repelled")
    assert (ev["event_type"], ev["actor2"]) == ("Battles", "Military Forces of Mali"), ev


def test_a_convoy_under_attack_is_the_other_side(records):
    ev = first(records, "under_attack")
    assert ev["actor2"] == "Military Forces of Burkina Faso", ev


def test_an_affiliate_is_the_articles_group_not_the_one_it_is_tied_to(records):
    evs = records["affiliate_named"]["events"]
    assert not any(e["actor1"] == "al-Qaeda" for e in evs), evs
    assert evs[0]["actor1"] == "Al Shabaab", evs


def test_an_affiliate_of_no_named_group_is_not_guessed(records):
    evs = records["affiliate_unnamed"]["events"]
    assert evs and not any(e["actor1"] == "al-Qaeda" for e in evs), evs


def test_an_adjective_before_a_named_group_leaves_the_group_the_doer(records):
    ev = first(records, "adjective_before_group")
    assert ev["actor1"] == "Rapid Support Forces", ev
    assert ev["actor2"] == "Civilians (Sudan)"  # remote violence that struck civilians names them actor2


def test_the_west_africa_province_is_the_attacker(records):
    ev = first(records, "west_africa_province")
    assert (ev["event_type"], ev["actor1"]) == ("Battles", "Islamic State West Africa Province"), ev


def test_the_target_their_location_is_the_force_named_before(records):
    ev = first(records, "their_position")
    assert (ev["event_type"], ev["actor2"]) == ("Battles", "Military Forces of Niger"), ev


def test_the_town_a_crowd_marches_through_is_the_town_named_before_and_residents_are_protesters(records):
    ev = first(records, "the_town")
    assert ev["location"]["name"] == "Kaya"
    assert ev["actor1"] == "Protesters (Burkina Faso)"


def test_its_fighters_keep_the_groups_name_in_the_event(records):
    assert first(records, "its_fighters")["actor1"] == "Al Shabaab"


def test_one_actor_is_never_both_sides_of_a_merged_event(records):
    ev = first(records, "aggressor")
    assert ev["actor1"] == "Military Forces of Russia" and ev["actor2"] != ev["actor1"], ev
