"""The place stage: toponym detection, normalisation and context-driven disambiguation."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from eventwire.places import find_places, get_gazetteer, normalize

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "acceptance" / "seed"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return path


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742.0 * math.asin(math.sqrt(h))


def _seed_body() -> str:
    raw = need(SEED / "raqqa-2017-06.txt").read_text(encoding="utf-8")
    headline = "Backed Syrian fighters reach old city walls in Islamic State-held Raqqa"
    return raw.split(headline)[3].strip().replace("USA -backed", "USA-backed")


@pytest.fixture(scope="module")
def seed_places(nlp):
    doc = nlp(_seed_body())
    return doc, find_places(doc)


def _by_text(places, text):
    return [p for p in places if p.text == text]


# --------------------------------------------------------------------------- seed acceptance


def test_seed_offsets_sorted_and_exact(seed_places):
    doc, places = seed_places
    assert places == sorted(places, key=lambda p: p.start)
    for p in places:
        assert doc.text[p.start:p.end] == p.text


def test_seed_every_raqqa_mention(seed_places):
    doc, places = seed_places
    raqqa = _by_text(places, "Raqqa")
    assert len(raqqa) == doc.text.count("Raqqa")
    for p in raqqa:
        assert _km((p.lat, p.lon), (35.953, 39.008)) < 30
        assert p.country == "SY"


@pytest.mark.parametrize("text,point", [("Mosul", (36.335, 43.119)), ("al-Bab", (36.371, 37.516))])
def test_seed_cities(seed_places, text, point):
    _, places = seed_places
    found = _by_text(places, text)
    assert found
    for p in found:
        assert _km((p.lat, p.lon), point) < 30


@pytest.mark.parametrize("text,iso", [("Syria", "SY"), ("Iraq", "IQ"), ("Jordan", "JO"), ("Turkey", "TR"),
                                      ("USA", "US"), ("U.S.", "US"), ("United States", "US")])
def test_seed_countries(seed_places, text, iso):
    _, places = seed_places
    found = _by_text(places, text)
    assert found
    assert all(p.country == iso and p.feature == "country" for p in found)


def test_seed_regions_and_non_places(seed_places):
    doc, places = seed_places
    texts = {p.text for p in places}
    assert {"Europe", "Middle East"} <= texts
    assert all(p.feature == "region" for p in places if p.text in ("Europe", "Middle East"))
    for bad in ("Islamic State", "Islamic", "Syrian", "Kurdish", "Reuters", "Rudaw", "Ramadan", "Caliphate"):
        assert bad not in texts
    start = doc.text.index("Islamic State")
    assert not any(p.start < start + 13 and start < p.end for p in places)


# --------------------------------------------------------------------------- rules


@pytest.mark.parametrize("a,b", [("al-Bab", "Al Bab"), ("Al-Bab", "al bab"), ("U.S.", "US"),
                                 ("the United States", "United States"), ("Al Bāb", "al-Bab"),
                                 ("Saint Louis", "St. Louis")])
def test_normalize(a, b):
    assert normalize(a) == normalize(b)


def test_us_variants_are_one_country():
    gaz = get_gazetteer()
    for name in ("U.S.", "US", "USA", "United States", "the United States", "America"):
        assert any(e.feature == "country" and e.country == "US" for e in gaz.candidates(name)), name


def test_candidates_cover_countries_states_cities_regions():
    gaz = get_gazetteer()
    assert {e.feature for e in gaz.candidates("Georgia")} >= {"country", "admin"}
    assert any(e.country == "FR" for e in gaz.candidates("Paris"))
    assert any(e.country == "US" and e.admin1 == "TX" for e in gaz.candidates("Paris"))
    assert any(e.feature == "region" for e in gaz.candidates("Middle East"))
    assert gaz.candidates("Kurdistan Region")[0].country == "IQ"


def test_paris_texas_vs_france(nlp):
    tx = nlp("Storms hit northeast Texas overnight. In Paris, the Lamar County seat, officials in Texas "
             "opened shelters after high winds damaged homes.")
    fr = nlp("French police said the suspect was arrested in Paris on Tuesday, France's interior ministry "
             "said, after raids near Lyon.")
    p_tx = [p for p in find_places(tx) if p.text == "Paris"]
    p_fr = [p for p in find_places(fr) if p.text == "Paris"]
    assert p_tx and p_tx[0].country == "US" and p_tx[0].admin1 == "TX"
    assert p_fr and p_fr[0].country == "FR"


def test_country_name_beats_small_town(nlp):
    doc = nlp("Refugees crossed from Syria into Jordan last week, aid agencies said.")
    jordan = [p for p in find_places(doc) if p.text == "Jordan"]
    assert jordan and jordan[0].country == "JO" and jordan[0].feature == "country"


def test_person_and_org_names_are_not_places(nlp):
    doc = nlp("Jordan Peterson spoke to the Washington Post about his new book. "
              "Paris Hilton was not available for comment.")
    texts = {p.text for p in find_places(doc)}
    assert not texts & {"Jordan", "Washington", "Paris", "Jordan Peterson", "Washington Post"}


def test_exclude_spans_are_honoured(nlp):
    text = "Fighters of the Syrian Democratic Forces entered Raqqa, Reuters reported."
    doc = nlp(text)
    assert any(p.text == "Raqqa" for p in find_places(doc))
    s = text.index("Raqqa")
    assert not any(p.text == "Raqqa" for p in find_places(doc, exclude=[(s, s + 5)]))
    sdf = text.index("Syrian Democratic Forces")
    places = find_places(doc, exclude=[(sdf, sdf + 24)])
    assert not any(p.start < sdf + 24 and sdf < p.end for p in places)


def test_mislabelled_toponyms_are_found(nlp):
    doc = nlp("Turkish-backed rebels took al-Bab, and government troops advanced from al-Bab toward Raqqa.")
    places = find_places(doc)
    assert [p.text for p in places if p.text == "al-Bab"] == ["al-Bab", "al-Bab"]
    assert all(p.country == "SY" for p in places if p.text in ("al-Bab", "Raqqa"))


def test_dateline_state_abbreviation(nlp):
    doc = nlp("ALEXANDRIA, La. -- A woman from Alexandria, La., was charged with arson on Friday.")
    places = find_places(doc)
    alex = [p for p in places if p.text.lower() == "alexandria"]
    assert alex and all(p.country == "US" and p.admin1 == "LA" for p in alex)
    assert any(p.text == "La." and p.feature == "admin" for p in places)


def test_every_place_is_well_formed(nlp):
    doc = nlp("Officials in Baghdad and Erbil, in the Kurdistan Region, met envoys from the UK and Europe.")
    places = find_places(doc)
    assert {"Baghdad", "Erbil", "Kurdistan Region", "UK", "Europe"} <= {p.text for p in places}
    for p in places:
        assert -90 <= p.lat <= 90 and -180 <= p.lon <= 180
        assert p.feature in ("country", "admin", "city", "locality", "region")
        assert p.country is None or len(p.country) == 2


# --------------------------------------------------------------------------- divisions, institutions, people


def test_us_counties_follow_the_article_state(nlp):
    doc = nlp("School boards in Barrow County and Oconee County met on Monday. Clarke County "
              "officials said the new policy would follow later.")
    clarke = [p for p in find_places(doc) if p.text == "Clarke County"]
    assert clarke and clarke[0].country == "US" and clarke[0].admin1 == "GA"
    assert _km((clarke[0].lat, clarke[0].lon), (33.95, -83.37)) < 80


def test_county_in_a_named_state(nlp):
    doc = nlp("A fire destroyed a barn in Henry County, Iowa, on Tuesday, the sheriff said.")
    henry = [p for p in find_places(doc) if p.text == "Henry County"]
    assert henry and henry[0].admin1 == "IA" and henry[0].feature == "admin"


def test_provinces_outside_the_us(nlp):
    doc = nlp("Health workers culled hogs at a farm in Pandi, Bulacan, after an outbreak in the "
              "Philippines. Cases were also reported in Nueva Ecija.")
    found = {p.text: p for p in find_places(doc)}
    assert found["Bulacan"].country == "PH" and found["Nueva Ecija"].country == "PH"
    assert _km((found["Bulacan"].lat, found["Bulacan"].lon), (14.9, 120.9)) < 100


def test_place_inside_an_institution_name(nlp):
    doc = nlp("A spokesman for the Ohio Department of Transportation said the road would reopen. "
              "She studied at the University of Georgia before moving to Atlanta.")
    found = {p.text: p for p in find_places(doc)}
    assert found["Ohio"].admin1 == "OH" and found["Ohio"].feature == "admin"
    assert found["Georgia"].country == "US" and found["Georgia"].admin1 == "GA"


def test_team_and_paper_names_are_not_places(nlp):
    doc = nlp("The Texas Rangers beat the Dallas Mavericks fans' favourite, the Washington Post reported.")
    assert not {"Texas", "Washington"} & {p.text for p in find_places(doc)}


def test_surname_after_full_name_is_a_person(nlp):
    doc = nlp("Jerry Hughes bought his dog in Caddo. Now Hughes is having a hard time, and Hughes said "
              "he would not give up.")
    assert "Hughes" not in {p.text for p in find_places(doc)}


def test_word_written_in_lower_case_elsewhere_is_common(nlp):
    doc = nlp("Man charged with burglary. A man was arrested on Friday after a break-in, police said.")
    assert "Man" not in {p.text for p in find_places(doc)}


def test_upper_case_dateline_and_dotted_state(nlp):
    doc = nlp("TORRINGTON — The City Council tentatively approved the budget. The school opened a "
              "second campus in D.C. for its older students.")
    found = {p.text: p for p in find_places(doc)}
    assert found["TORRINGTON"].country == "US" and found["TORRINGTON"].admin1 == "CT"
    assert found["D.C."].country == "US"


# ---- spellings and weak namesakes (issue 10: reports must carry their place) ---------------------------

def test_a_hamlet_namesake_does_not_veto_the_articles_town(nlp):
    # "Soum" is also a village of 5,000 in Senegal: it must not make Titao (Burkina Faso) a far town.
    doc = nlp("Gunmen raided a cattle market on the edge of Titao on Monday, residents of Soum said.")
    titao = [p for p in find_places(doc) if p.text == "Titao"]
    assert titao and titao[0].country == "BF"


def test_a_province_is_never_a_hamlet_that_shares_its_name(nlp):
    doc = nlp("Gunmen raided a gold mine in Soum province on Monday, residents said.")
    assert not [p for p in find_places(doc) if p.country == "SN"]


def test_an_older_spelling_of_a_capital_is_the_city_not_the_province_around_it(nlp):
    kiev = [p for p in find_places(nlp("Two drones hit a power station in Kiev overnight, the mayor said."))
            if p.text == "Kiev"]
    kyiv = [p for p in find_places(nlp("Two drones hit a power station in Kyiv overnight, the mayor said."))
            if p.text == "Kyiv"]
    assert kiev and kyiv and kiev[0].feature == "city"
    assert _km((kiev[0].lat, kiev[0].lon), (kyiv[0].lat, kyiv[0].lon)) < 1


@pytest.mark.parametrize("text", ["Al Obeid", "El Obeid"])
def test_either_spelling_of_the_arabic_article(nlp, text):
    doc = nlp(f"Fighting resumed in {text} on Tuesday as the army shelled positions around the city.")
    found = [p for p in find_places(doc) if p.text == text]
    assert found and found[0].name == "El Obeid" and found[0].country == "SD"


def test_x_city_is_the_town_not_the_county_around_it(nlp):
    found = [p for p in find_places(nlp("Traders in Kisumu City closed their shops on Monday.")) if p.country == "KE"]
    assert found and found[0].feature == "city" and found[0].name == "Kisumu"


def test_a_small_town_opening_a_sentence_is_a_place_when_named_as_one_elsewhere(nlp):
    for text, town in [("Kongoussi has been cut off since May. Traders in Kongoussi said prices had doubled.",
                        "Kongoussi"),
                       ("Dori is the capital of the Sahel region. Gunmen attacked a convoy near Dori.", "Dori")]:
        found = [p for p in find_places(nlp(text)) if p.text == town]
        assert [p.start for p in found] == [0, text.rindex(town)] and all(p.country == "BF" for p in found)


@pytest.mark.parametrize("name, town", [("Kidal", (18.44, 1.41)), ("Agadez", (16.97, 7.99))])
def test_a_bare_name_shared_by_a_town_and_its_wide_region_is_the_town(nlp, name, town):
    doc = nlp(f"Gunmen attacked a checkpoint in {name} on Monday, killing four soldiers, officials said.")
    found = [p for p in find_places(doc) if p.text == name]
    assert found and found[0].feature == "city" and _km((found[0].lat, found[0].lon), town) < 5
