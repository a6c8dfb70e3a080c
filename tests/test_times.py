"""Time-expression stage: spans, TIMEX3 values, tense, ambiguity, false positives, no anchor."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from eventwire.times import find_times

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "acceptance" / "seed"

ANCHOR = date(2017, 6, 18)  # a Sunday: the seed article's publication date


def values(text: str, anchor: date | None = ANCHOR, doc=None) -> dict[str, str]:
    return {t.text: t.value for t in find_times(text, anchor, doc)}


def one(text: str, anchor: date | None = ANCHOR, doc=None) -> tuple[str, str]:
    found = find_times(text, anchor, doc)
    assert len(found) == 1, found
    return found[0].text, found[0].value


# ---------------------------------------------------------------- the seed article


@pytest.fixture(scope="module")
def seed_text() -> str:
    path = SEED / "raqqa-2017-06.txt"
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return path.read_text(encoding="utf-8")


def _check_seed(text: str, times) -> None:
    def at(fragment: str, inner: str):
        base = text.index(fragment) + fragment.index(inner)
        hits = [t for t in times if t.start <= base < t.end]
        assert hits, f"nothing found at {inner!r} in {fragment!r}"
        return hits[0]

    assert at("reported Monday that", "Monday").value == "2017-06-12"
    assert at("In related news Monday,", "Monday").value == "2017-06-12"
    assert at("into Raqqa in February.", "February").value == "2017-02"
    late_may = at("which began in late May.", "late May")
    assert "late May" in late_may.text and late_may.value.startswith("2017-05")
    summer = at("since the summer of 2014", "summer")
    assert summer.text == "the summer of 2014" and summer.value == "2014-SU"
    assert at("Syrian rebels in 2014 during", "2014").value == "2014"
    assert at("18 June 2017", "18 June 2017").value == "2017-06-18"
    assert at("In recent months,", "recent months").value == "PXM"
    # "3,000 to 4,000 jihadists" carries no year.
    assert not [t for t in times if "000" in t.text]


def _check_invariants(text: str, times) -> None:
    assert [t.start for t in times] == sorted(t.start for t in times)
    for a, b in zip(times, times[1:], strict=False):
        assert a.end <= b.start, (a, b)
    for t in times:
        assert text[t.start : t.end] == t.text
        assert t.type in ("DATE", "TIME", "DURATION", "SET")


def test_seed_without_doc(seed_text):
    times = find_times(seed_text, ANCHOR)
    _check_invariants(seed_text, times)
    _check_seed(seed_text, times)


def test_seed_with_doc(seed_text, nlp):
    times = find_times(seed_text, ANCHOR, nlp(seed_text))
    _check_invariants(seed_text, times)
    _check_seed(seed_text, times)


def test_doc_over_other_text_is_ignored(nlp):
    doc = nlp("Something else entirely.")
    assert values("They met on Monday.", doc=doc) == {"Monday": "2017-06-12"}


# ---------------------------------------------------------------- absolute dates


@pytest.mark.parametrize(
    "text, span, value",
    [
        ("It happened on 18 June 2017 in Raqqa.", "18 June 2017", "2017-06-18"),
        ("It happened on June 18, 2017 in Raqqa.", "June 18, 2017", "2017-06-18"),
        ("The report of Jun. 18 said so.", "Jun. 18", "2017-06-18"),
        ("Filed 2017-06-18 by the agency.", "2017-06-18", "2017-06-18"),
        ("Filed 18/06/2017 by the agency.", "18/06/2017", "2017-06-18"),
        ("Filed 06/18/2017 by the agency.", "06/18/2017", "2017-06-18"),
        ("The offensive began in June 2017.", "June 2017", "2017-06"),
        ("They met on Thursday, April 6, in Geneva.", "Thursday, April 6", "2017-04-06"),
        ("Raqqa fell in 2014.", "2014", "2014"),
        ("It was popular in the 1990s.", "1990s", "199"),
        ("A relic of the 19th century.", "19th century", "18"),
        ("Fighting resumed in mid-2014.", "mid-2014", "2014"),
    ],
)
def test_absolute_dates(text, span, value):
    assert one(text) == (span, value)


def test_ambiguous_numeric_date_follows_document_convention():
    # 03/04/2017 alone is ambiguous; an unambiguous day-first date elsewhere settles it.
    text = "Signed 25/05/2017, ratified 03/04/2017."
    assert values(text, date(2017, 6, 18))["03/04/2017"] == "2017-04-03"
    text = "Signed 05/25/2017, ratified 03/04/2017."
    assert values(text, date(2017, 6, 18))["03/04/2017"] == "2017-03-04"


def test_ambiguous_numeric_date_prefers_reading_just_before_publication():
    assert one("The strike of 06/05/2017 killed four.", date(2017, 6, 10))[1] == "2017-06-05"


def test_versions_and_scores_are_not_dates():
    assert find_times("Upgrade to version 1.2.10 now available; the score was 3-1.", ANCHOR) == [
        t
        for t in find_times("Upgrade to version 1.2.10 now available; the score was 3-1.", ANCHOR)
        if t.value == "PRESENT_REF"
    ]


# ---------------------------------------------------------------- relative dates


@pytest.mark.parametrize(
    "text, value",
    [
        ("yesterday", "2017-06-17"),
        ("today", "2017-06-18"),
        ("tomorrow", "2017-06-19"),
        ("last night", "2017-06-17TNI"),
        ("Monday night", "2017-06-12TNI"),
        ("last week", "2017-W23"),
        ("this week", "2017-W24"),
        ("last month", "2017-05"),
        ("this month", "2017-06"),
        ("earlier this month", "2017-06"),
        ("last year", "2016"),
        ("next year", "2018"),
        ("late last year", "2016"),
        ("two days ago", "2017-06-16"),
        ("three months ago", "2017-03"),
        ("a year ago", "2016"),
        ("years ago", "PAST_REF"),
        ("last summer", "2016-SU"),
        ("this summer", "2017-SU"),
        ("last Thursday", "2017-06-15"),
        ("next Thursday", "2017-06-22"),
        ("in April next year", "2018-04"),
    ],
)
def test_relative_expressions(text, value):
    found = find_times(f"It was said {text}, officials said.", ANCHOR)
    assert [(t.text.removeprefix("in "), t.value) for t in found] == [(text.removeprefix("in "), value)]


def test_weekday_on_publication_day_is_that_day():
    assert one("Officials said Sunday that the road was open.") == ("Sunday", "2017-06-18")


def test_month_without_year_resolves_to_most_recent():
    assert one("The city was seized in February.")[1] == "2017-02"
    assert one("The city was seized in June.")[1] == "2017-06"
    assert one("The city was seized in November.")[1] == "2016-11"


def test_month_day_without_year_takes_nearer_year_when_tense_is_silent():
    # "by Jan. 14" written on Jan. 5: the deadline lies ahead, not a year back.
    assert one("The boy must be returned by Jan. 14.", date(2000, 1, 5))[1] == "2000-01-14"


# ---------------------------------------------------------------- tense


@pytest.mark.parametrize(
    "text, value",
    [
        ("The ministers will meet on Monday in Geneva.", "2017-06-19"),
        ("The ministers met on Monday in Geneva.", "2017-06-12"),
        ("The ministers are scheduled to meet Monday.", "2017-06-19"),
        ("The talks will resume in November.", "2017-11"),
        ("The talks resumed in November.", "2016-11"),
    ],
)
def test_tense_without_doc(text, value):
    assert one(text)[1] == value


@pytest.mark.parametrize(
    "text, value",
    [
        ("The ministers will meet on Monday in Geneva.", "2017-06-19"),
        ("The ministers met on Monday in Geneva.", "2017-06-12"),
        ("The team planned to leave Nairobi on Monday.", "2017-06-19"),
        ("Rudaw reported Monday that the SDF advanced.", "2017-06-12"),
        ("The talks will resume in November.", "2017-11"),
        ("The talks resumed in November.", "2016-11"),
    ],
)
def test_tense_with_doc(nlp, text, value):
    assert one(text, doc=nlp(text))[1] == value


def test_deadline_cue_makes_weekday_future():
    assert one("Relatives have until 9 a.m. Tuesday to sign.")[1] == "2017-06-20T09:00"


# ---------------------------------------------------------------- durations, sets, references, clock


@pytest.mark.parametrize(
    "text, span, value, type_",
    [
        ("The siege lasted three months.", "three months", "P3M", "DURATION"),
        ("Raqqa was held for the past two years.", "past two years", "P2Y", "DURATION"),  # TimeML: "the" outside
        ("Talks went on for five hours.", "five hours", "PT5H", "DURATION"),
        ("A 24-hour curfew was imposed.", "24-hour", "PT24H", "DURATION"),
        ("The flight took 5 1/2 hours.", "5 1/2 hours", "PT5H30M", "DURATION"),
        ("It took several weeks to clear.", "several weeks", "PXW", "DURATION"),
        ("The war lasted more than a decade.", "more than a decade", "P10Y", "DURATION"),
        ("Patrols are carried out daily.", "daily", "P1D", "SET"),
        ("Protests are held every Friday.", "every Friday", "XXXX-WXX-5", "SET"),
        ("The city is now quiet.", "now", "PRESENT_REF", "DATE"),
        ("Such attacks were common in the past.", "in the past", "PAST_REF", "DATE"),
        ("The blast came at 10:35 a.m. Monday.", "10:35 a.m. Monday", "2017-06-12T10:35", "TIME"),
    ],
)
def test_durations_sets_refs_clock(text, span, value, type_):
    found = find_times(text, ANCHOR)
    assert [(t.text, t.value, t.type) for t in found] == [(span, value, type_)]


# ---------------------------------------------------------------- false positives


@pytest.mark.parametrize(
    "text",
    [
        "It may rain on the coast.",
        "May God protect them, she said.",
        "Thousands march through the capital.",
        "The Sunday Times reported the claim.",
        "The Islamic State is defended by 3,000 to 4,000 jihadists.",
        "The shelling killed 2014 people and wounded many.",
        "A 44-year-old man was arrested.",
        "He appeared on 60 Minutes to defend himself.",
        "After the fall of Mosul the group retreated.",
        "The rebels spring a surprise attack.",
        "He paid $2015 for the car.",
    ],
)
def test_false_positives(text):
    assert find_times(text, ANCHOR) == []


def test_may_as_verb_with_doc(nlp):
    text = "Clashes may continue in the city."
    assert find_times(text, ANCHOR, nlp(text)) == []


def test_month_name_in_date_context_is_kept():
    assert one("Elections are due in May.")[1] == "2017-05"


# ---------------------------------------------------------------- without an anchor


def test_no_anchor_keeps_only_anchor_free_values():
    text = (
        "On Monday, officials said the city, held since June 2017 and first taken in 2014, "
        "had been besieged for three months; yesterday a convoy arrived, and fighting is now over."
    )
    found = {t.text: t.value for t in find_times(text, None)}
    assert found == {"June 2017": "2017-06", "2014": "2014", "three months": "P3M", "now": "PRESENT_REF"}


def test_no_anchor_clock_with_absolute_date_survives():
    assert one("The blast came at 10 p.m. on June 3, 2017.", None) == (
        "10 p.m. on June 3, 2017",
        "2017-06-03T22:00",
    )


# ---------------------------------------------------------------- either side of now: the nearer one


@pytest.mark.parametrize(
    "text, anchor, value",
    [
        # A plan or schedule made in the past may be for a day still ahead.
        ("Protesters planned a large demonstration in Little Havana on Saturday.", date(2000, 1, 7), "2000-01-08"),
        ("The accession was planned for early March.", date(1999, 2, 10), "1999-03"),
        ("Officials postponed until Tuesday any action on the case.", date(2000, 3, 30), "2000-04-04"),
        # Modal verbs other than "will" leave the direction open.
        ("He said the father would be traveling to the United States Thursday.", date(2000, 4, 5), "2000-04-06"),
        # A deadline named by its date, whatever the tense of the clause.
        ("Meissner gave no reason for the Jan. 14 deadline.", date(2000, 1, 5), "2000-01-14"),
        ("The INS has given the relatives until 9 a.m. Tuesday to sign.", date(2000, 4, 3), "2000-04-04T09:00"),
        # ... but plain past tense still looks back, even when the next occurrence is nearer.
        ("Protesters marched in Little Havana on Saturday.", date(2000, 1, 7), "2000-01-01"),
        ("The accession was completed in early March.", date(1999, 2, 10), "1998-03"),
    ],
)
def test_near_direction_with_doc(nlp, text, anchor, value):
    assert one(text, anchor, nlp(text))[1] == value


# ---------------------------------------------------------------- TimeML extents


@pytest.mark.parametrize(
    "text, span, value",
    [
        ("Talks lasted about five hours.", "five hours", "PT5H"),
        ("He was held for nearly five months.", "five months", "P5M"),
        ("NATO expanded just a decade ago.", "a decade ago", "2007"),
        ("The war lasted more than a decade.", "more than a decade", "P10Y"),  # comparatives stay inside
        ("It grew over the last five years.", "last five years", "P5Y"),
        ("Wednesday's ruling was appealed.", "Wednesday", "2017-06-14"),
        ("It was discussed in last month's talks.", "last month", "2017-05"),
    ],
)
def test_timeml_extent(text, span, value):
    assert one(text) == (span, value)


# ---------------------------------------------------------------- reference time and composed dates


@pytest.mark.parametrize(
    "text, span, value",
    [
        ("He fled to Florida in June 1998 and returned to Cuba later that year.", "later that year", "1998"),
        ("He was shot on Oct. 23, 1998. Earlier that day, the family sent a fax.", "Earlier that day", "1998-10-23"),
        ("He was arrested on Feb. 21, 2000, and appeared in court the next morning.", "the next morning",
         "2000-02-22TMO"),
        ("She left Iraq in 1995 and came back the following year.", "the following year", "1996"),
        ("He was shot dead on Oct. 23, 1998. The shot came at 10 p.m. from the yard.", "10 p.m.", "1998-10-23T22:00"),
        ("The case was heard the week of March 6.", "the week of March 6", "2017-W10"),
        ("The summit is on April 24 and 25 in Washington.", "25", "2017-04-25"),
        ("He went to court the day before Tuesday's hearing.", "day before Tuesday", "2017-06-12"),
    ],
)
def test_reference_time_and_composition(text, span, value):
    found = {t.text: t.value for t in find_times(text, ANCHOR)}
    assert found.get(span) == value, found


def test_anaphor_without_earlier_date_uses_publication_date():
    assert one("Later that day, the convoy left.") == ("Later that day", "2017-06-18")


def test_that_day_to_day_is_not_a_time():
    assert find_times("Officials said that day-to-day life is hard.", ANCHOR) == []
