"""Reading stage: plain-text captures, wire copy, HTML, decoding, language."""

from __future__ import annotations

import gzip
from datetime import date

import pytest

from eventwire.errors import InputError
from eventwire.reading import read_article
from eventwire.reading.dates import date_line, parse_date
from eventwire.reading.plaintext import read_plaintext
from eventwire.reading.repair import repair_spacing

from .conftest import DATA, SEED, need

CAPTURE = (
    """Tuesday, 4 March 2025
Home
World » Protesters rally in the capital over fuel prices

Protesters rally in the capital over fuel prices

2 March 2025
Protesters rally in the capital over fuel prices

Thousands of protesters marched through the centre of Nairobi on Saturday, demanding lower fuel prices """
    """and the resignation of the energy minister.

Share this article

Police said the march was largely peaceful, although officers fired tear gas near parliament.
Read more: Fuel prices climb for the third month
"""
)


def test_capture_header_is_taken_apart():
    cap = read_plaintext(CAPTURE)
    assert cap.title == "Protesters rally in the capital over fuel prices"
    assert cap.published == date(2025, 3, 2)
    assert cap.retrieved == date(2025, 3, 4)
    assert cap.body.startswith("Thousands of protesters marched")
    for gone in ("Home", "Share this article", "Read more", "Tuesday, 4 March 2025", "World »"):
        assert gone not in cap.body
    assert "officers fired tear gas" in cap.body
    assert cap.body.count("Protesters rally in the capital") == 0


def test_seed_capture():
    art = read_article(need(SEED / "raqqa-2017-06.txt").read_bytes(), "seed")
    assert art.title == "Backed Syrian fighters reach old city walls in Islamic State-held Raqqa"
    assert art.published == date(2017, 6, 18)
    assert art.retrieved == date(2018, 5, 27)
    assert art.language == "en"
    assert art.text.startswith("USA-backed Syrian democratic forces")
    assert "Latest news" not in art.text and "Main »" not in art.text
    assert "bring the Islamic State leader to justice" in art.text


def test_wire_dateline_gives_site_and_date():
    text = (
        "GOMA, Congo, March 3 (Reuters) - M23 rebels seized the town of Rubaya on Monday after "
        "heavy fighting with the Congolese army, residents said.\n\n"
        "The army did not comment on the fighting, which forced thousands to flee.\n"
    )
    cap = read_plaintext(text)
    assert cap.dateline_place == "Goma"
    assert cap.agency == "Reuters"
    assert cap.title is None  # no headline in wire copy
    assert cap.body.startswith("GOMA, Congo")


def test_dateline_with_year_sets_publication_date():
    cap = read_plaintext("KABUL, Afghanistan, Aug. 15, 2021 - Taliban fighters entered the capital on "
                         "Sunday as the president fled the country.\n")
    assert cap.published == date(2021, 8, 15)


@pytest.mark.parametrize("line,expected", [
    ("Sunday, 27 May 2018", date(2018, 5, 27)),
    ("18 June 2017", date(2017, 6, 18)),
    ("June 18, 2017", date(2017, 6, 18)),
    ("Published: 2019-03-04 10:22 GMT", date(2019, 3, 4)),
    ("Updated Mar. 3, 2020 | 5:40 PM EST", date(2020, 3, 3)),
])
def test_date_lines(line, expected):
    assert date_line(line) == expected


def test_impossible_dates_are_not_dates():
    assert date_line("31 February 2017") is None
    assert parse_date("the 45th of Octember") is None
    assert date_line("Backed Syrian fighters reach old city walls") is None


def test_spacing_repairs():
    assert repair_spacing("USA -backed forces") == "USA-backed forces"
    assert repair_spacing("the U.S. -led coalition") == "the U.S.-led coalition"
    assert repair_spacing("US- led effort") == "US-led effort"
    assert repair_spacing("in Raqqa , Syria") == "in Raqqa, Syria"
    # A spaced dash between clauses is punctuation, not a broken compound.
    assert repair_spacing("they left - and never came back") == "they left - and never came back"


def test_html_page_through_trafilatura():
    bench = need(DATA / "article-extraction-benchmark" / "html")
    page = sorted(bench.glob("*.html.gz"))[3]
    art = read_article(page.read_bytes(), page.name)
    assert art.title and len(art.text) > 500
    assert art.language == "en"
    assert "<" not in art.text[:200]


def test_html_metadata_and_publication_date():
    html = b"""<html><head><title>Blast hits market | Example News</title>
    <meta property="og:title" content="Blast hits market in Kabul">
    <meta property="article:published_time" content="2021-08-26T10:00:00Z">
    <meta property="og:site_name" content="Example News"></head>
    <body><nav>Home | World | Sport</nav><article><h1>Blast hits market in Kabul</h1>
    <p>A bomb exploded in a crowded market in Kabul on Thursday, killing at least 12 people and
    wounding dozens more, officials said.</p>
    <p>No group immediately claimed responsibility for the attack, which came days after the
    withdrawal of foreign troops began.</p></article><footer>Copyright Example News</footer></body></html>"""
    art = read_article(html, "page.html", url="https://example.com/news/blast/")
    assert art.title == "Blast hits market in Kabul"
    assert art.published == date(2021, 8, 26)
    assert art.site == "Example News"
    assert "killing at least 12 people" in art.text
    assert "Home | World" not in art.text and "Copyright" not in art.text
    # The id comes from the canonical URL: same page, same id, whatever the text.
    again = read_article(html.replace(b"dozens", b"scores"), "x", url="HTTPS://EXAMPLE.com/news/blast")
    assert again.id == art.id


def test_gzip_is_transparent():
    raw = CAPTURE.encode()
    assert read_article(gzip.compress(raw)).text == read_article(raw).text


def test_same_text_same_id_different_text_different_id():
    a, b = read_article(CAPTURE.encode()), read_article(CAPTURE.encode())
    c = read_article(CAPTURE.replace("Nairobi", "Mombasa").encode())
    assert a.id == b.id != c.id


def test_non_english_language_is_detected():
    text = ("Des milliers de manifestants ont défilé samedi dans le centre de Paris pour protester "
            "contre la réforme des retraites, selon la préfecture de police.").encode()
    assert read_article(text).language == "fr"


@pytest.mark.parametrize("data,message", [
    (b"", "empty"),
    (b"   \n\n  ", "empty"),
    (b"\x00\x01\x02binary\x00\x00" * 100, "binary"),
    (b"\x1f\x8b\x08\x00garbage", "gzip"),
])
def test_bad_bytes_raise_one_line_input_errors(data, message):
    with pytest.raises(InputError) as exc:
        read_article(data)
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_invalid_utf8_is_decoded_not_fatal():
    text = "Government forces shelled the town of Idlib on Monday, residents said. " * 3
    art = read_article(text.encode("cp1252") + b"\xe9t\xe9 \x93quoted\x94 words end here.")
    assert "Idlib" in art.text


def test_oversized_input_is_refused():
    with pytest.raises(InputError, match="limit"):
        read_article(b"a" * 2000, max_bytes=1000)


WIRE_CAPTURE = """Friday, 12 August 2022
Home | News | Middle East
Turkish drone strike kills 12 in northern Iraq
By Ahmed Rasheed and Jane Doe, Reuters
Published: 5 August 2022 14:32 GMT
Updated: 6 August 2022
Share on Facebook
Turkish drone strike kills 12 in northern Iraq

ERBIL, Iraq (Reuters) - A Turkish drone strike killed 12 people in northern Iraq on Thursday, officials said.

"The strike hit a car near a checkpoint," said Khalid Ahmed, a local official.

Related stories
Iraq summons Turkish envoy over strikes
PKK says it will continue fight

(Reporting by Ahmed Rasheed; Editing by John Smith)
"""


def test_labelled_dates_bylines_and_related_lists():
    cap = read_plaintext(WIRE_CAPTURE)
    assert cap.title == "Turkish drone strike kills 12 in northern Iraq"
    assert cap.published == date(2022, 8, 5)  # "Published", not "Updated"
    assert cap.retrieved == date(2022, 8, 12)  # the bare date widget
    assert cap.agency == "Reuters"
    assert cap.body.startswith("ERBIL, Iraq (Reuters)")
    assert cap.body.endswith("a local official.")
    for gone in ("By Ahmed Rasheed", "Iraq summons", "PKK says", "Reporting by", "Updated"):
        assert gone not in cap.body


def test_prose_beginning_with_by_is_not_a_byline():
    text = "Header line here\n\nBy Monday evening the rebels had taken the town, residents said.\n"
    assert "By Monday evening" in read_plaintext(text).body


def test_headline_then_story_file():
    text = (
        "Judge rejects request to unseal divorce file.\n\n"
        "A New York judge has rejected a media request to make public the divorce file, ruling on Thursday "
        "that privacy outweighed the public interest.\n\nThe newspaper said it would appeal.\n"
    )
    cap = read_plaintext(text)
    assert cap.title == "Judge rejects request to unseal divorce file."
    assert cap.body.startswith("A New York judge")


def test_a_short_lead_paragraph_alone_is_not_taken_for_a_headline():
    text = "Thousands of protesters marched through Nairobi on Saturday against new taxes, police said.\n\n" \
           "The march ended peacefully in the afternoon.\n"
    cap = read_plaintext(text)
    assert cap.title is None and cap.body.startswith("Thousands of protesters")


def test_date_in_file_name_is_the_last_resort():
    text = b"Judge rejects request.\n\nA judge rejected the request on Thursday, the court said in a ruling.\n"
    assert read_article(text, "archive/outlet_2016-09-22_judge-rejects.txt").published == date(2016, 9, 22)
    assert read_article(text, "archive/outlet_2016-02-31_x.txt").published is None
    dated = b"Published 3 May 2020\n\n" + text
    assert read_article(dated, "outlet_2016-09-22_x.txt").published == date(2020, 5, 3)


def test_hard_wrapped_text_is_unwrapped():
    text = (
        "Militants attack army post\n\n"
        "Militants attacked an army post near the town of Gao on Sunday evening, killing\n"
        "six soldiers and wounding four others, military sources said on Monday in a\n"
        "statement to reporters.\n\n"
        "The army said the attackers fled towards the border.\n"
    )
    cap = read_plaintext(text)
    assert cap.title == "Militants attack army post"
    assert "killing six soldiers and wounding four others, military sources said on Monday in a statement" in cap.body


def test_declared_charset_is_honoured_without_a_warning(caplog):
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>t</title>'
            '</head><body><article><p>' + "北京市政府周一宣布了新的交通管理措施，以减少城市空气污染。" * 5
            + "</p></article></body></html>").encode("gb18030")
    with caplog.at_level("WARNING"):
        art = read_article(html, "cn.html")
    assert "北京市政府" in art.text
    assert not [r for r in caplog.records if "UTF-8" in r.getMessage()]


# --- publication dates of HTML pages (reading/pagedate.py) ---------------------------------

_STORY = "<p>" + "Officials said the talks would resume next week after a pause over the holiday. " * 6 + "</p>"


def _page(head: str = "", byline: str = "", lang: str = "en", h1: str = "Talks on the border resume") -> bytes:
    return (f'<html lang="{lang}"><head><title>{h1} | Example</title>{head}</head><body>'
            f'<div class="clock">Wednesday, November 20, 2019</div><nav>Home World</nav>'
            f"<article><h1>{h1}</h1>{byline}{_STORY}</article>"
            f'<aside class="related"><a>Older story</a> <span>March 3, 2017</span></aside></body></html>').encode()


def test_byline_stamp_beats_utc_metadata_and_site_clock():
    # 11:03 PM on the 18th in California is the 19th in UTC: the page's own day is the 18th.
    page = _page('<meta property="article:published_time" content="2019-11-19T07:03:25+00:00">',
                 '<div class="article-byline">By Jane Roe November 18, 2019 11:03 PM</div>')
    assert read_article(page, "p.html").published == date(2019, 11, 18)


def test_updated_stamp_is_not_the_publication_date_metadata_in_page_time_zone():
    # Only an "Updated" stamp is shown; the metadata's 02:07 UTC is 9:07 pm EST the day before.
    page = _page('<meta name="dc.date" content="2019-11-20T02:07:18Z">',
                 '<span class="timestamp">Updated 12:24 am EST, Wednesday, November 20, 2019</span>')
    assert read_article(page, "p.html").published == date(2019, 11, 19)


def test_byline_showing_the_modification_day_yields_to_date_published():
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2018-04-18T14:39:09+02:00",'
          ' "dateModified": "2019-04-10T10:13:14+02:00"}</script>')
    page = _page(ld, '<p class="post-text-author">By <a>Ann Lee</a> - 2019-04-10</p>')
    assert read_article(page, "p.html").published == date(2018, 4, 18)


def test_url_day_when_the_page_shows_no_stamp():
    page = _page('<meta property="article:published_time" content="2019-11-19T04:58:46Z">')
    art = read_article(page, "p.html", url="https://example.com/2019/11/18/talks-resume/")
    assert art.published == date(2019, 11, 18)


def test_labelled_stamps_in_other_languages():
    for byline, lang, want in [
        ("<p>Von Moritz Bachmann publiziert am 25. September 2018</p>", "de", date(2018, 9, 25)),
        ('<div class="info">Текст: Венера Ерофеева·24 сентября 2018</div>', "ru", date(2018, 9, 24)),
        ('<span class="date">sexta-feira, 22 de outubro de 2010 às 20:13</span>', "pt-BR", date(2010, 10, 22)),
        ('<div class="meta">Posted on Oktober 27, 2015 by Admin</div>', "id", date(2015, 10, 27)),
    ]:
        assert read_article(_page("", byline, lang), "p.html").published == want, byline


def test_ambiguous_numeric_date_follows_the_page_language_or_the_evidence():
    byline = '<div class="post-meta">05/10/2018 - Publicado por: Redação</div>'
    assert read_article(_page("", byline, "pt-BR"), "p.html").published == date(2018, 10, 5)
    assert read_article(_page("", byline.replace("Publicado por", "Posted by"), "en-US"),
                        "p.html").published == date(2018, 5, 10)
    meta = '<meta property="article:published_time" content="2018-10-05T09:00:00+00:00">'
    assert read_article(_page(meta, byline, "en-US"), "p.html").published == date(2018, 10, 5)


def test_yearless_posted_stamp_takes_the_metadata_year():
    page = _page('<meta property="article:published_time" content="2019-11-19T01:19:34.819Z">',
                 '<div class="byline">Updated Nov 19, 9:41 AM; Posted Nov 18, 8:19 PM</div>')
    assert read_article(page, "p.html").published == date(2019, 11, 18)


def test_page_stating_no_date_gets_none():
    assert read_article(_page(), "p.html").published is None


def test_date_helpers():
    from eventwire.reading.pagedate import parse_stamp, url_date

    assert url_date("https://a.com/2019/nov/18/x") == date(2019, 11, 18)
    assert url_date("https://a.com/story/2019-11-19/slug") == date(2019, 11, 19)
    assert url_date("https://a.com/topic-2019-11-19/") is None  # a date in a slug is not the page's
    assert url_date("https://a.com/2019/02/30/x") is None and url_date(None) is None
    assert parse_stamp("Tue Nov 19 2019 03:05:46 GMT+0000")[0] == date(2019, 11, 19)
    d, dt = parse_stamp("2019-11-19T06:56:43-05:00")
    assert d == date(2019, 11, 19) and dt.utcoffset().total_seconds() == -5 * 3600
    assert parse_stamp("0001-01-01T00:00:00Z") is None
    assert parse_stamp("2019-11-18T24:30+9999") == (date(2019, 11, 18), None)  # odd clock: the day stands


def test_headline_copy_and_share_lines_leave_the_html_body():
    html = ('<html><head><title>Rebels take the town</title></head><body><article><h1>Rebels take the town</h1>'
            '<p>Rebels take the town</p>' + _STORY + '<p>Read more: Another story entirely</p>'
            '<p>Comments</p></article></body></html>').encode()
    art = read_article(html, "p.html")
    assert art.text.startswith("Officials said the talks")
    assert "Read more" not in art.text and "Comments" not in art.text


def test_xhtml_with_an_encoding_declaration_still_gets_its_date():
    page = ('<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><article>'
            '<h1>Talks on the border resume</h1><p class="date">Published 3 May 2020</p>' + _STORY
            + "</article></body></html>").encode()
    assert read_article(page, "p.xhtml").published == date(2020, 5, 3)
