"""Quote stage: direct and reported speech, speakers, descriptions and cues."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest

from eventwire.models import Entity
from eventwire.quotes import find_quotes

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "acceptance" / "seed"


def quotes_of(nlp, text, entities=()):
    doc = nlp(text)
    found = find_quotes(doc, entities)
    for q in found:  # offsets are the contract: text is always the slice it claims to be
        assert doc.text[q.start:q.end] == q.text
        if q.speaker_start is not None:
            assert 0 <= q.speaker_start < q.speaker_end <= len(text)
    return found


def one(found, fragment):
    hits = [q for q in found if fragment in q.text]
    assert hits, f"no quote contains {fragment!r}: {[q.text for q in found]}"
    return hits[0]


@pytest.fixture(scope="module")
def seed_quotes(nlp):
    path = SEED / "raqqa-2017-06.txt"
    if not path.exists():
        pytest.skip(f"{path} is not here")
    raw = path.read_text(encoding="utf-8")
    title = "Backed Syrian fighters reach old city walls in Islamic State-held Raqqa"
    body = raw[[m.end() for m in re.finditer(re.escape(title), raw)][2]:].strip()
    body = re.sub(r"(\w) -(backed|led)", r"\1-\2", body)
    return quotes_of(nlp, body)


def test_seed_direct_with_appositive(seed_quotes):
    q = one(seed_quotes, "close to the front lines")
    assert q.direct and q.cue == "said"
    assert "Ryan Dillon" in q.speaker
    assert q.speaker_description.startswith("a spokesperson for the US-led coalition")
    assert q.text == "Coalition SOF are in Raqqa, and they are close to the front lines"


def test_seed_direct_after_colon(seed_quotes):
    q = one(seed_quotes, "no longer claim the title caliph")
    assert q.direct and q.speaker == "Hisham al-Hashimi" and q.cue == "said"


def test_seed_unattributed_quote_has_no_speaker(seed_quotes):
    q = one(seed_quotes, "unlawful military formations")
    assert q.direct and q.speaker is None and q.cue is None


def test_seed_reported_estimate(seed_quotes):
    q = one(seed_quotes, "3,000 to 4,000 jihadists")
    assert not q.direct and q.cue == "estimates" and "coalition" in q.speaker
    assert q.text.startswith("that Raqqa")


def test_seed_reported_claim(seed_quotes):
    q = one(seed_quotes, "killed in a heavy artillery and air strike")
    assert not q.direct and q.cue == "claimed"
    assert q.speaker.lower().endswith("state television")


def test_seed_according_to(seed_quotes):
    q = one(seed_quotes, "bring the Islamic State leader to justice")
    assert not q.direct and q.speaker == "Reuters" and q.cue == "according to"
    assert "according" not in q.text


def test_said_that_and_trailing_said(nlp):
    found = quotes_of(nlp, "The mayor said that the bridge would reopen in May.\n\n"
                           "Three fighters were killed in the clash, a local official said.")
    q = one(found, "bridge would reopen")
    assert not q.direct and q.speaker == "The mayor" and q.text.startswith("that the bridge")
    q = one(found, "Three fighters were killed")
    assert not q.direct and q.speaker == "a local official" and q.cue == "said"
    assert "official" not in q.text


def test_told_names_the_speaker_not_the_addressee(nlp):
    q = one(quotes_of(nlp, "Ahmed Hassan told Reuters that the road to Mosul was closed."), "road to Mosul")
    assert q.speaker == "Ahmed Hassan" and q.cue == "told"


def test_spokesman_appositive_in_reported_speech(nlp):
    text = "John Smith, a spokesman for the ministry, said the talks had failed."
    q = one(quotes_of(nlp, text), "talks had failed")
    assert q.speaker == "John Smith" and q.speaker_description == "a spokesman for the ministry"
    assert text[q.speaker_start:q.speaker_end] == "John Smith"


def test_split_quote_and_pronoun_resolution(nlp):
    text = ("Maria Lopez, the city's mayor, visited the camp on Tuesday.\n\n"
            "\u201cWe have no water,\u201d she said, \u201cand the children are sick.\u201d")
    found = quotes_of(nlp, text)
    first, second = one(found, "no water"), one(found, "children are sick")
    assert first.text == "We have no water" and first.direct
    assert first.speaker == second.speaker == "Maria Lopez"
    assert first.cue == "said"
    # The span marks the mention that attributes this quote: the pronoun.
    assert text[first.speaker_start:first.speaker_end] == "she"


def test_pronoun_without_clear_antecedent_stays_unknown(nlp):
    text = ("Trump met Clinton and Sanders in the hall.\n\n"
            "\u201cThis will not stand,\u201d he said.")
    q = one(quotes_of(nlp, text), "This will not stand")
    assert q.direct and q.cue == "said" and q.speaker is None and q.speaker_start is None


def test_continuation_in_same_paragraph_keeps_speaker(nlp):
    text = ('"The city is surrounded," Col. Ryan Dillon said. "We expect the battle to last months."')
    found = quotes_of(nlp, text)
    assert "Ryan Dillon" in one(found, "battle to last months").speaker


def test_multi_paragraph_quote(nlp):
    text = ('Hisham al-Hashimi said: "The group is weaker than it was.\n\n'
            '"It has lost most of its fighters in the north."')
    found = quotes_of(nlp, text)
    assert one(found, "weaker than it was").speaker == "Hisham al-Hashimi"
    assert one(found, "lost most of its fighters").speaker == "Hisham al-Hashimi"


def test_quote_alone_in_paragraph_has_no_speaker(nlp):
    text = "Shelling continued overnight.\n\n\u201cNobody is safe here anymore, nobody at all.\u201d"
    q = one(quotes_of(nlp, text), "Nobody is safe")
    assert q.speaker is None and q.direct


def test_scare_quotes_are_not_quotes(nlp):
    found = quotes_of(nlp, 'The group declared a so-called "caliphate" in 2014 and seized "large areas".')
    assert found == []


def test_nested_quotes_stay_inside(nlp):
    text = '"They call it \u2018liberation\u2019, but we call it ruin," said Ahmed Hassan.'
    q = one(quotes_of(nlp, text), "liberation")
    assert q.text == "They call it \u2018liberation\u2019, but we call it ruin" and q.speaker == "Ahmed Hassan"


def test_inverted_said_with_title(nlp):
    q = one(quotes_of(nlp, '"The airport is ours," said Gen. Tariq Saleh.'), "airport is ours")
    assert q.speaker == "Gen. Tariq Saleh" and q.cue == "said"


def test_entities_widen_a_split_speaker(nlp):
    text = "\u201cWe will hold the line,\u201d Tulsa police Chief Chuck Jordan said on Monday."
    ent = Entity("Tulsa police Chief Chuck Jordan", text.index("Tulsa"), text.index(" said"), "person")
    q = one(quotes_of(nlp, text, [ent]), "hold the line")
    assert q.speaker == "Tulsa police Chief Chuck Jordan"


def test_no_speech_no_quotes(nlp):
    assert quotes_of(nlp, "Airstrikes hit the old city. Dozens of families fled east.") == []
    assert quotes_of(nlp, "") == []


def test_lexicon_is_data_with_provenance():
    raw = json.loads(resources.files("eventwire").joinpath("data/speech_cues.json").read_text("utf-8"))
    assert raw["provenance"]
    assert {"say", "tell", "add", "claim", "estimate", "report", "announce", "deny", "warn"} <= set(
        raw["verbs"])
    assert "according to" in raw["phrases"]
