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


# --- attribution conventions measured on PolNeAR (benchmarks/quotes_approaches.md) ------------


def test_embedded_fragments_fold_into_the_reported_clause(nlp):
    text = 'Cruz called Trump a "pathological liar" and a "serial philanderer."'
    found = quotes_of(nlp, text)
    assert len(found) == 1
    q = found[0]
    assert not q.direct and q.speaker == "Cruz" and "pathological liar" in q.text and "philanderer" in q.text


def test_quoted_title_without_cue_is_no_quote(nlp):
    assert quotes_of(nlp, 'She appeared on "The Tonight Show With Jimmy Fallon" on Monday night.') == []


def test_colon_closing_the_previous_paragraph(nlp):
    text = 'Caddell continued:\n\n"The health issue overall is very much a partisan issue."'
    q = one(quotes_of(nlp, text), "partisan issue")
    assert q.direct and q.speaker == "Caddell"


def test_signature_dash_names_the_speaker(nlp):
    text = "\u201cHe represents our greatest shame.\u201d \u2015\u00a0Sonya Herridge\n\u201cWe deserve better.\u201d"
    q = one(quotes_of(nlp, text), "greatest shame")
    assert q.speaker == "Sonya Herridge" and text[q.speaker_start:q.speaker_end] == "Sonya Herridge"


def test_pronoun_resolved_by_gender(nlp):
    text = ("Hillary Clinton criticized Donald Trump on Tuesday.\n\n"
            "\u201cHow many times do we have to see this?\u201d she said.")
    q = one(quotes_of(nlp, text), "How many times")
    assert q.speaker == "Hillary Clinton" and text[q.speaker_start:q.speaker_end] == "she"


def test_pronoun_of_the_wrong_gender_is_not_resolved(nlp):
    text = "Mrs. Smith spoke at the rally.\n\n\u201cWe will win,\u201d he said."
    q = one(quotes_of(nlp, text), "We will win")
    assert q.speaker is None and q.speaker_start is None


def test_relative_pronoun_is_the_speaker_mention(nlp):
    text = "The plan was backed by Senator John Smith, who said the program would save money."
    q = one(quotes_of(nlp, text), "save money")
    assert q.speaker == "Senator John Smith" and text[q.speaker_start:q.speaker_end] == "who"


def test_parenthetical_frame(nlp):
    text = "The museum, Mr. Obama said, would make visitors face uncomfortable truths."
    q = one(quotes_of(nlp, text), "uncomfortable truths")
    assert not q.direct and q.speaker == "Mr. Obama" and q.cue == "said"


def test_stance_and_intention_cues_need_a_named_source(nlp):
    found = quotes_of(nlp, "The NAACP called for a moratorium on charter schools.\n\n"
                           "Clinton wants to triple the size of the AmeriCorps program.")
    q = one(found, "moratorium")
    assert q.speaker == "The NAACP" and q.cue == "called for" and q.text == "a moratorium on charter schools"
    q = one(found, "AmeriCorps")
    assert q.speaker == "Clinton" and q.text.startswith("to triple")
    # No source named: no attribution.
    assert quotes_of(nlp, "It wants to rain all week.") == []


def test_transcript_turns(nlp):
    text = ("WALLACE: Will Gennifer Flowers be there tomorrow night?\n\n"
            "PENCE: She will not be attending the debate.\n\n"
            "UPDATE: The debate starts at 9 p.m.")
    found = quotes_of(nlp, text)
    q = one(found, "not be attending")
    assert q.speaker == "PENCE" and q.text == "She will not be attending the debate." and q.cue == ":"
    assert not any("debate starts" in f.text and f.speaker == "UPDATE" for f in found)


def test_reported_content_stays_in_its_paragraph(nlp):
    text = ("However laudable the goal, the tax is a misguided approach.\n\n"
            "''There's no evidence whatsoever,'' Mr. Burman said. ''The real issue is governance.''")
    found = quotes_of(nlp, text)
    assert any(q.speaker == "Mr. Burman" and q.direct for q in found)
    for q in found:
        if q.speaker_start is not None and q.speaker_start > text.index("\n"):
            assert q.start > text.index("\n"), q


def test_colon_after_a_named_subject_introduces_its_words(nlp):
    text = 'President Obama is rolling out a more personal campaign message: "It\'s about me."'
    q = one(quotes_of(nlp, text), "about me")
    assert q.direct and q.speaker == "President Obama"
    # A colon after a clause with no named subject attributes nothing.
    q = one(quotes_of(nlp, 'The enthusiasm is recorded in detail: "Here comes the big day, folks."'), "big day")
    assert q.speaker is None
