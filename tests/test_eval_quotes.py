"""`eventwire eval quotes` on PolNeAR: the BRAT reader, the matching rules and a sample run.

Full figures (84 articles) and the approaches behind them: benchmarks/quotes_approaches.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.errors import UsageError
from eventwire.evaluation import evaluate
from eventwire.evaluation.quotes import Gold, Pred, _match, group, is_direct, read_ann
from eventwire.models import Quote

from .conftest import DATA, need

LIMIT = 8
# The first 8 articles (Breitbart, with a quoted interview transcript) measure F1 0.71 overall,
# direct 0.95, content-only 0.73; the floors sit a little below.
F1_FLOOR = 0.66
DIRECT_FLOOR = 0.85
CONTENT_FLOOR = 0.68

TEXT = 'Mr. Smith said the plan failed. "It was a mess," he said. "We lost."\n'
ANN = (
    "T1\tSource 0 9\tMr. Smith\n"
    "T2\tCue 10 14\tsaid\n"
    "T3\tContent 15 30\tthe plan failed\n"
    "T4\tAttribution 10 14\tsaid\n"
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    "T5\tSource 49 51\the\n"
    "T6\tCue 52 56\tsaid\n"
    "T7\tContent 32 48;58 68\t\"It was a mess,\" \"We lost.\"\n"
    "T8\tAttribution 52 56\tsaid\n"
    "E2\tAttribution:T8 Content:T7 Cue:T6 Source:T5\n"
    "T9\tDiscard 0 3\tMr.\n"
)


def test_read_ann_spans_fragments_and_direct_flag():
    golds = read_ann(ANN, TEXT)
    assert len(golds) == 2  # the Discard span is no attribution
    reported, direct = golds
    assert TEXT[slice(*reported.source[0])] == "Mr. Smith" and not reported.direct
    assert direct.content == ((32, 48), (58, 68)) and direct.direct
    assert TEXT[slice(*direct.source[0])] == "he"


def test_is_direct_needs_the_whole_content_quoted():
    text = 'He said that the result was "true." Then: "All of it is true."'
    assert not is_direct(text, ((8, 35),))  # paraphrase embedding a quoted word
    assert is_direct(text, ((42, 62),))
    assert is_direct(text, ((43, 61),))  # marks just outside the span count


def test_matching_needs_the_speaker_span_and_is_one_to_one():
    golds = read_ann(ANN, TEXT)
    # Two pieces of the interrupted quote share the pronoun span: one attribution.
    pieces = [Quote("It was a mess", 33, 46, True, "Mr. Smith", speaker_start=49, speaker_end=51),
              Quote("We lost.", 59, 67, True, "Mr. Smith", speaker_start=49, speaker_end=51)]
    preds = group(TEXT, pieces)
    assert len(preds) == 1 and preds[0].content == ((33, 46), (59, 67))
    assert _match(golds, preds, speaker=True) == {0: 1}
    # No speaker: content matches, attribution does not.
    anon = [Pred(((33, 46),), None, None, True)]
    assert _match(golds, anon, speaker=True) == {}
    assert _match(golds, anon, speaker=False) == {0: 1}
    # Wrong speaker span.
    wrong = [Pred(((15, 30),), "Mr. Smith", (49, 51), False)]
    assert _match(golds, wrong, speaker=True) == {}
    # Two predictions for one gold: only one counts.
    twice = [Pred(((15, 30),), "Mr. Smith", (0, 9), False), Pred(((16, 29),), "Mr. Smith", (4, 9), False)]
    assert len(_match(golds, twice, speaker=True)) == 1
    # A gold attribution without a source matches a prediction without a speaker.
    nosrc = [Gold(((15, 30),), (), (), False)]
    assert _match(nosrc, [Pred(((15, 30),), None, None, False)], speaker=True) == {0: 0}


def test_bad_path_is_a_usage_error(tmp_path: Path):
    with pytest.raises(UsageError):
        evaluate("quotes", tmp_path)
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    with pytest.raises(UsageError):
        evaluate("quotes", tmp_path)


def test_eval_quotes_sample_scores_above_floor():
    need(DATA / "quotes" / "polnear-dev")
    report = evaluate("quotes", None, LIMIT)
    assert f"{LIMIT} articles" in report.data
    m = report.metrics
    assert m["f1"] >= F1_FLOOR and m["direct_f1"] >= DIRECT_FLOOR and m["content_f1"] >= CONTENT_FLOOR, m
    assert report.targets == {"f1": 0.75, "direct_f1": 0.90}
    assert set(m) == {"f1", "direct_f1", "reported_f1", "content_f1"}
    assert any(e.split()[1] in ("MISSED", "SPURIOUS") for e in report.errors)
