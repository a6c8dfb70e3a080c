"""Publication dates: htmldate as the base and the page's own corroborated sources
(reading/pagedate.py), plain-text captures' date lines (reading/plaintext.py), consent banners
(reading/consent.py). The captures and pages here are written for these tests."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import lxml.html
import pytest

from eventwire.reading import read_article
from eventwire.reading.consent import drop_consent, is_consent
from eventwire.reading.dates import stamp_line
from eventwire.reading.pagedate import page_date
from eventwire.reading.plaintext import read_plaintext

_STORY = "<p>" + "Officials said the talks would resume next week after a pause over the holiday. " * 6 + "</p>"
_TITLE = "Talks on the border resume"


def _html(head: str = "", byline: str = "", after: str = "") -> str:
    return (f'<html lang="en"><head><title>{_TITLE} | Example</title>{head}</head><body>'
            f'<nav>Home World</nav><article><h1>{_TITLE}</h1>{byline}{_STORY}{after}</article></body></html>')


def _decide(html: str, base: date | None, url: str | None = None, latest: date | None = None):
    """pagedate's answer when htmldate said ``base``."""
    return page_date(lxml.html.document_fromstring(html), url, _TITLE, "Officials said the talks", "en",
                     base, latest)


# --- HTML: htmldate is the base; the page's own sources override it only together -----------------

def test_one_stamp_alone_does_not_override_htmldate():
    # The byline says the 18th, the metadata (what htmldate reads) the 19th, nothing else: htmldate stands.
    html = _html('<meta property="article:published_time" content="2019-11-19">',
                 '<div class="byline">By Jane Roe | November 18, 2019</div>')
    assert read_article(html.encode(), "p.html").published == date(2019, 11, 19)


def test_two_agreeing_sources_override_htmldate():
    html = _html("", '<div class="byline">By Jane Roe | November 18, 2019</div>',
                 "<p>The ruling of October 13, 2019 was cited again.</p>")
    url = "https://example.com/2019/11/18/talks-resume/"
    assert _decide(html, date(2019, 10, 13), url) == (date(2019, 11, 18), "agreed")
    # The same stamp without the URL's word: htmldate's day stays.
    assert _decide(html, date(2019, 10, 13)) == (date(2019, 10, 13), "htmldate")


def test_byline_and_metadata_moment_agree_in_an_unprinted_zone():
    # 04:50 UTC on the 19th is the evening of the 18th in the Americas, where the byline says the 18th.
    html = _html('<meta property="article:published_time" content="2019-11-19T04:50:00Z">',
                 '<div class="byline">By Jane Roe — November 18, 2019</div>')
    assert _decide(html, date(2019, 11, 19)) == (date(2019, 11, 18), "agreed")
    # At 13:00 UTC no zone puts that moment on the 18th: the byline is not the same moment.
    late = html.replace("T04:50", "T13:00")
    assert _decide(late, date(2019, 11, 19))[0] == date(2019, 11, 19)


def test_a_stamp_near_the_headline_beats_a_date_stated_nowhere_on_the_page():
    html = _html("", '<div class="byline">By Jane Roe <time datetime="2019-11-19T11:45:00Z">1 day ago</time></div>')
    # htmldate's day (from a script or an ad tag) appears in none of the page's dates.
    assert _decide(html, date(2019, 11, 14)) == (date(2019, 11, 19), "stamp-over-guess")
    # Printed in the page, it is the page's word against the stamp's: htmldate stands.
    printed = html.replace("</article>", "<p>Filed on November 14, 2019.</p></article>")
    assert _decide(printed, date(2019, 11, 14)) == (date(2019, 11, 14), "htmldate")


def test_never_after_the_capture_day_nor_after_today():
    html = _html('<meta property="article:published_time" content="2099-01-05T10:00:00Z">')
    assert read_article(html.encode(), "p.html").published is None
    assert read_article(html.encode(), "p.html", retrieved=date(2019, 11, 20)).published is None
    assert _decide(_html(), date(2099, 1, 5)) == (None, "none")
    later = _html('<meta property="article:published_time" content="2019-11-25T10:00:00Z">')
    assert read_article(later.encode(), "p.html", retrieved=date(2019, 11, 20)).published is None
    # A day's grace: the capture day is UTC's, the page's day may be a zone ahead.
    ahead = _html('<meta property="article:published_time" content="2019-11-21T08:00:00+10:00">')
    assert read_article(ahead.encode(), "p.html", retrieved=date(2019, 11, 20)).published == date(2019, 11, 21)


def test_the_capture_day_yields_to_a_stamp_the_page_states():
    html = _html("", '<div class="post-date">Posted November 18, 2019</div>')
    # htmldate read the site's clock, which shows the day the page was captured.
    assert _decide(html, date(2019, 11, 20), latest=date(2019, 11, 20)) == (date(2019, 11, 18), "not-capture-day")
    # Published on the capture day and saying so: kept.
    same = html.replace("November 18", "November 20")
    assert _decide(same, date(2019, 11, 20), latest=date(2019, 11, 20))[0] == date(2019, 11, 20)


def test_another_storys_date_is_not_the_pages():
    html = _html(after='<aside class="related-stories"><a>Older story</a> <span>March 3, 2017</span></aside>')
    assert _decide(html, date(2017, 3, 3)) == (None, "none")


def test_a_first_of_the_month_the_page_never_states_is_htmldates_filling_in():
    # htmldate gives "2019-11" the first of the month; the page states no such day.
    assert _decide(_html(), date(2019, 11, 1)) == (None, "none")
    stated = _html(byline='<div class="byline">By Jane Roe | November 1, 2019</div>')
    assert _decide(stated, date(2019, 11, 1)) == (date(2019, 11, 1), "htmldate")


# --- plain-text captures ------------------------------------------------------------------------

_FLOOD = """We use cookies to give you the best experience on our website. By continuing to browse, \
you agree to our use of cookies.
Accept all cookies
Manage preferences
Thursday, 14 November 2024
Home | News | Africa
Flooding cuts the main road between two northern towns

Flooding cuts the main road between two northern towns
Rescue teams reached stranded villages by boat as the river rose for a third day, officials said.
By Amina Yusuf, regional correspondent
Published 11 November 2024

The river burst its banks on Saturday night after days of heavy rain, cutting the only paved road \
between the two towns and leaving several villages without power.

Local officials said at least 2,000 people had moved to schools and churches on higher ground.

Cookie notice
This website uses cookies. Some are essential, others help us improve the service.
Accept
Reject
"""


def test_article_date_line_below_the_standfirst_beats_the_capture_widget():
    cap = read_plaintext(_FLOOD)
    assert cap.title == "Flooding cuts the main road between two northern towns"
    assert cap.published == date(2024, 11, 11)
    assert cap.retrieved == date(2024, 11, 14)
    assert cap.body.startswith("Rescue teams reached stranded villages")
    for gone in ("cookies", "Cookie notice", "Accept", "Reject", "Manage preferences", "Published 11", "By Amina"):
        assert gone not in cap.body, gone
    assert cap.body.rstrip().endswith("higher ground.")


def test_capture_date_line_after_the_capture_day_is_not_taken():
    cap = read_plaintext(_FLOOD.replace("Published 11 November 2024", "Published 20 November 2024"))
    assert cap.published is None and cap.retrieved == date(2024, 11, 14)


def test_a_labelled_capture_day_is_retrieved_only():
    text = "Retrieved 14 November 2024 09:12\n" + _FLOOD.replace("Thursday, 14 November 2024\n", "")
    cap = read_plaintext(text.replace("Published 11 November 2024\n", ""))
    assert (cap.published, cap.retrieved) == (None, date(2024, 11, 14))
    assert "Retrieved" not in cap.body and cap.title.startswith("Flooding cuts")


def test_capture_with_only_its_widget_leaves_published_empty():
    text = _FLOOD.replace("Published 11 November 2024\n", "")
    cap = read_plaintext(text)
    assert cap.published is None and cap.retrieved == date(2024, 11, 14)


def test_dates_of_other_stories_below_a_short_story_are_not_its_own():
    text = ("Tuesday, 4 March 2025\nHome\nWorld\nFerry service resumes after storm\n\n"
            "Ferry service resumes after storm\nBy Amina Yusuf\n\n"
            "The ferry between the two islands sailed again on Friday after a week of storms kept it in port, "
            "the operator said.\n\nRelated stories\nStorm closes port\n12 February 2025\n")
    cap = read_plaintext(text)
    assert (cap.published, cap.retrieved) == (None, date(2025, 3, 4))
    assert "Storm closes port" not in cap.body


@pytest.mark.parametrize("line,want", [
    ("By Amina Yusuf | 11 November 2024", date(2024, 11, 11)),
    ("Amina Yusuf - November 11, 2024", date(2024, 11, 11)),
    ("Posted on November 11, 2024 at 9:14 am", date(2024, 11, 11)),
    ("First published on Mon 11 Nov 2024 09.14 GMT", date(2024, 11, 11)),
    ("Published 9:14 AM EST, Mon November 11, 2024", date(2024, 11, 11)),
])
def test_byline_and_labelled_date_lines_under_the_headline(line: str, want: date):
    text = _FLOOD.replace("By Amina Yusuf, regional correspondent\nPublished 11 November 2024", line)
    cap = read_plaintext(text)
    assert (cap.published, cap.retrieved) == (want, date(2024, 11, 14))
    assert line not in cap.body


def test_updated_line_is_the_fallback_not_the_capture_day():
    text = _FLOOD.replace("Published 11 November 2024", "Updated: November 12, 2024 at 3:05 p.m. ET")
    cap = read_plaintext(text)
    assert cap.published == date(2024, 11, 12) and cap.retrieved == date(2024, 11, 14)
    both = _FLOOD.replace("Published 11 November 2024", "Published 11 November 2024\nUpdated 12 November 2024")
    assert read_plaintext(both).published == date(2024, 11, 11)


def test_plain_file_opening_with_its_date_keeps_it():
    text = ("12 January 2024\n\nFerry service resumes after storm\n\n"
            "The ferry between the two islands sailed again on Friday after a week of storms kept it in port, "
            "the operator said.\n\nPassengers queued from early morning.\n")
    cap = read_plaintext(text)
    assert cap.published == date(2024, 1, 12) and cap.retrieved is None


def test_headline_with_a_date_in_it_is_not_a_stamp():
    assert stamp_line("Talks to resume on 11 November 2024") is None
    assert stamp_line("The talks began on 11 November 2024 in Nairobi.") is None
    assert stamp_line("Sunday, 27 May 2018") == (date(2018, 5, 27), None)


def test_capture_through_the_cli(tmp_path: Path):
    f = tmp_path / "flood.txt"
    f.write_text(_FLOOD, "utf-8")
    proc = subprocess.run([sys.executable, "-m", "eventwire", "extract", str(f)], capture_output=True, timeout=600)
    assert proc.returncode == 0, proc.stderr.decode()
    art = json.loads(proc.stdout)["article"]
    assert art["published"] == "2024-11-11" and art["retrieved"] == "2024-11-14"
    assert "cookie" not in art["text"].lower()


# --- consent banners ------------------------------------------------------------------------------

def test_consent_lines_go_and_stories_about_cookies_stay():
    lines = ["Cookie notice", "We use cookies to measure how the site is used.", "", "Accept all", "Reject all",
             "Settings", "Bakers protest", "Bakers said they use cookies and bread as a currency of protest.",
             "\u201cWe use cookies to feed the strikers,\u201d one baker said.", "Continue"]
    kept = drop_consent(lines)
    assert kept == ["", "Bakers protest", "Bakers said they use cookies and bread as a currency of protest.",
                    "\u201cWe use cookies to feed the strikers,\u201d one baker said.", "Continue"]
    assert is_consent("  This website uses cookies to improve your experience.")
    assert not is_consent("This website uses cookies " + "and more words " * 60)  # too long for a banner


def test_consent_paragraphs_leave_the_html_body():
    html = _html(after="<p>We use cookies to personalise content and ads. Manage preferences below.</p>"
                       "<p>Accept all cookies</p>")
    art = read_article(html.encode(), "p.html")
    assert "cookies" not in art.text and art.text.startswith("Officials said the talks")
