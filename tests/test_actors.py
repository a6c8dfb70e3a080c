"""Actor stage: the curated dictionary, context-only aliases, generic roles."""

from __future__ import annotations

import pytest

from eventwire.actors import dictionary_entities, get_dictionary
from eventwire.extract import extract_text
from eventwire.reading.tables import load_table


def actors_of(text: str) -> dict[str, tuple[str, str | None]]:
    return {e.text: (e.kind, e.actor) for e in extract_text("Published 18 June 2017\n\n" + text).entities}


@pytest.mark.parametrize("alias", ["ISIS", "ISIL", "Daesh", "Islamic State", "IS"])
def test_islamic_state_aliases(alias):
    ents = dictionary_entities(f"Fighters loyal to {alias} attacked the village.")
    assert [(e.text, e.actor, e.kind) for e in ents] == [(alias, "Islamic State", "armed_group")]


def test_acronyms_are_case_sensitive_and_names_are_not():
    assert dictionary_entities("this is a test") == []  # "is" is not IS
    ents = dictionary_entities("USA-backed Syrian democratic forces and the SDF advanced.")
    assert [e.actor for e in ents] == ["Syrian Democratic Forces", "Syrian Democratic Forces"]


def test_context_aliases_need_an_unambiguous_mention():
    assert dictionary_entities("The coalition government fell on Tuesday.") == []
    ents = dictionary_entities("The US-led coalition said the coalition struck twice.")
    assert [(e.text, e.actor) for e in ents] == [
        ("US-led coalition", "US-led coalition"), ("coalition", "US-led coalition"),
    ]


def test_media_and_people_kinds():
    got = actors_of("Rudaw reported that Col. Ryan Dillon spoke to Reuters and AFP on Monday.")
    assert got["Rudaw"] == ("media", "Rudaw")
    assert got["Reuters"] == ("media", "Reuters")
    assert got["AFP"] == ("media", "Agence France-Presse")
    assert got["Ryan Dillon"][0] == "person"


def test_generic_forces_take_the_country_beside_them_or_the_articles():
    got = actors_of(
        "Iraqi troops entered Mosul on Monday. Government troops and police later secured the city, "
        "while Syrian rebels watched from across the border. US forces stayed in Baghdad."
    )
    assert got["Iraqi troops"] == ("state_force", "Military Forces of Iraq")
    assert got["Government troops"] == ("state_force", "Military Forces of Iraq")
    assert got["police"] == ("state_force", "Police Forces of Iraq")
    assert got["Syrian rebels"] == ("armed_group", "Rebels (Syria)")
    assert got["US forces"] == ("state_force", "Military Forces of the United States")


def test_named_group_is_not_a_generic_role():
    got = actors_of("ISIS fighters and Houthi rebels were named. These forces and military formations were not.")
    assert got["ISIS"] == ("armed_group", "Islamic State")
    assert got["Houthi rebels"] == ("armed_group", "Houthis")
    assert "fighters" not in got and "These forces" not in got and "military" not in got


def test_dictionary_file_is_well_formed():
    table = load_table("actors.json")
    assert "provenance" in table
    names = [a["name"] for a in table["actors"]]
    assert len(names) == len(set(names))
    for a in table["actors"]:
        assert a["kind"] in {"armed_group", "state_force", "government", "coalition", "organization", "media"}
        assert a["aliases"], a["name"]
    assert get_dictionary().by_alias["ISIL"].name == "Islamic State"


def test_named_speakers_become_people():
    from eventwire.actors import speakers_as_people
    from eventwire.models import Entity, Quote

    text = '"We hold the line," said Col. Zorak Quimbly. Bright Dawn Org said so too.'
    q1 = Quote("We hold the line,", 1, 18, True, "Col. Zorak Quimbly", None, "said", 25, 43)
    q2 = Quote("so", 64, 66, False, "Bright Dawn Org", None, "said", 45, 60)
    ents = [Entity("Bright Dawn Org", 45, 60, "organization", "Bright Dawn Org")]
    got = speakers_as_people(text, ents, [q1, q2])
    assert ("Zorak Quimbly", "person") in [(e.text, e.kind) for e in got]
    # A dictionary or named organisation keeps its kind.
    assert ("Bright Dawn Org", "organization") in [(e.text, e.kind) for e in got]


def test_supporters_of_someone_stay_protesters():
    got = actors_of("Hundreds of pro-Morales demonstrators clashed with police while pro-regime forces watched "
                    "in Bolivia.")
    assert got["pro-Morales demonstrators"][1].startswith("Protesters")
    assert got["pro-regime forces"][1].startswith("Pro-Government Militia")


# ---- names conflict analysts use (issue 10: reports carry the right actors) ---------------------------

@pytest.mark.parametrize("alias", ["ISWAP", "Islamic State West Africa Province"])
def test_the_west_africa_province_is_its_own_group(alias):
    ents = dictionary_entities(f"Fighters of {alias} overran an army base near Monguno.")
    assert [e.actor for e in ents] == ["Islamic State West Africa Province"]


def test_khawarij_is_al_shabaab_only_where_al_shabaab_is_named():
    assert dictionary_entities("Officials said the Khawarij would be punished.") == []
    ents = dictionary_entities("The Khawarij, as the government calls al-Shabaab, bombed a hotel.")
    assert [e.actor for e in ents] == ["Al Shabaab", "Al Shabaab"]


def test_the_defence_and_security_forces_are_the_countrys_military():
    got = actors_of("The Defence and Security Forces (FDS) repelled an attack near Dori on Sunday.")
    assert got["Defence and Security Forces"] == ("state_force", "Military Forces of Burkina Faso")
    assert got["FDS"] == ("state_force", "Military Forces of Burkina Faso")


def test_its_fighters_are_the_group_named_before_in_the_sentence():
    got = actors_of("Al-Shabaab said in a statement on its radio that its fighters had attacked the convoy.")
    assert got["fighters"] == ("armed_group", "Al Shabaab")
    assert actors_of("Witnesses said the fighters had attacked the convoy near Baidoa.")["fighters"][1].startswith(
        "Unidentified Armed Group")


@pytest.mark.parametrize("phrase, actor", [("the Russian aggressor", "Military Forces of Russia"),
                                           ("Israeli occupation forces", "Military Forces of Israel")])
def test_one_sides_names_for_the_others_forces(phrase, actor):
    got = actors_of(f"Officials said {phrase} shelled the town on Monday.")
    assert next(v for k, v in got.items() if k in phrase) == ("state_force", actor)


def test_a_country_is_named_alike_by_the_dictionary_and_by_the_articles_places():
    got = actors_of("FARDC soldiers said the army had retaken a village near Beni, in eastern Congo.")
    assert got["the army"][1] == got["FARDC"][1] == "Military Forces of Democratic Republic of Congo"


@pytest.mark.parametrize("text, actor", [
    ("Jama'at Nusrat al-Islam wal-Muslimin", "JNIM"), ("Tatmadaw", "Military Forces of Myanmar"),
    ("MINUSMA", "MINUSMA"), ("Ansarul Islam", "Ansarul Islam"), ("OLA", "Oromo Liberation Army"),
])
def test_more_names_conflict_analysts_use(text, actor):
    assert [e.actor for e in dictionary_entities(f"A statement by {text} was read on Monday.")] == [actor]


def test_bandits_are_an_unidentified_armed_group_of_the_country():
    got = actors_of("The bandits killed 12 villagers in Zamfara on Monday.")
    assert got["bandits"] == ("armed_group", "Unidentified Armed Group (Nigeria)")
