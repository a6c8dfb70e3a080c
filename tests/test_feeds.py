"""Feed reader: RSS 2.0, RSS 1.0 and Atom items -> one RawInput each; feed sniffing; stdin."""

from __future__ import annotations

import io
import sys
from datetime import date

import pytest

from eventwire.feeds import SKIP_REASONS, iter_feed, looks_like_feed
from eventwire.sources import iter_inputs

BIG = 20_000_000

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<?xml-stylesheet type="text/xsl" href="rss.xsl"?>
<!-- a wire service feed -->
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Wire</title>
  <link>https://wire.example/</link>
  <item>
    <title>Clashes near Goma</title>
    <link>https://wire.example/news/goma</link>
    <guid isPermaLink="false">wire-1</guid>
    <pubDate>Mon, 02 Mar 2020 00:30:00 +0200</pubDate>
    <description>Short teaser.</description>
    <content:encoded><![CDATA[<p>GOMA, Congo (Reuters) - Fighting broke out on Sunday.</p><script>x()</script>
      <p>At least five civilians were killed, officials said.</p>]]></content:encoded>
  </item>
  <item>
    <title>Protest in Nairobi &amp; Mombasa</title>
    <link>/news/nairobi</link>
    <pubDate>Tue, 03 Mar 2020 23:15:00 GMT</pubDate>
    <description>&lt;p&gt;Police arrested &lt;b&gt;twelve&lt;/b&gt; protesters on Monday.&lt;/p&gt;</description>
  </item>
  <item>
    <title>Plain teaser</title>
    <link>https://wire.example/news/plain</link>
    <pubDate>2 hours ago</pubDate>
    <dc:date>2020-03-04T10:00:00+05:00</dc:date>
    <description>Troops withdrew from the border town on Wednesday, residents said &amp; cheered.</description>
  </item>
  <item>
    <title>No body at all</title>
    <link>https://wire.example/news/empty</link>
    <pubDate>yesterday</pubDate>
  </item>
</channel>
</rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Atom wire</title>
  <link href="https://atom.example/"/>
  <updated>2021-06-01T12:00:00Z</updated>
  <entry>
    <title type="html">Ceasefire &lt;em&gt;agreed&lt;/em&gt;</title>
    <link rel="alternate" href="https://atom.example/ceasefire"/>
    <id>tag:atom.example,2021:1</id>
    <published>2021-05-31T23:30:00-04:00</published>
    <updated>2021-06-01T09:00:00Z</updated>
    <summary>Teaser only.</summary>
    <content type="html">&lt;p&gt;The two sides agreed a ceasefire on Monday.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Summary only</title>
    <link href="https://atom.example/summary"/>
    <id>tag:atom.example,2021:2</id>
    <updated>2021-06-01T08:00:00Z</updated>
    <summary type="html">&lt;p&gt;Aid convoys reached the city.&lt;/p&gt;</summary>
  </entry>
  <entry>
    <title>Text content</title>
    <link href="https://atom.example/text"/>
    <id>tag:atom.example,2021:3</id>
    <updated>2021-06-02T08:00:00Z</updated>
    <content type="text">Rockets hit the airport &lt;overnight&gt;.</content>
  </entry>
  <entry>
    <title>Nothing</title>
    <id>tag:atom.example,2021:4</id>
    <updated>2021-06-03T08:00:00Z</updated>
  </entry>
</feed>
"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example/"><title>RDF</title><link>https://rdf.example/</link></channel>
  <item rdf:about="https://rdf.example/1">
    <title>Floods</title><link>https://rdf.example/1</link>
    <dc:date>2019-08-07</dc:date>
    <description>Floods displaced thousands in the delta.</description>
  </item>
</rdf:RDF>
"""


def test_rss_items():
    raws = list(iter_feed(RSS, "wire.rss", BIG))
    assert [r.name for r in raws] == ["wire.rss#1", "wire.rss#2", "wire.rss#3", "wire.rss#4"]
    one, two, three, four = raws

    # content:encoded beats the description, and comes as a small HTML document.
    assert one.url == "https://wire.example/news/goma"
    assert one.title == "Clashes near Goma"
    assert one.published == date(2020, 3, 2)  # the publisher's day, not UTC's 1 March
    assert one.is_html is True and one.error is None and one.skipped is None
    text = one.data.decode("utf-8")
    assert "Fighting broke out on Sunday." in text and "five civilians" in text
    assert "Short teaser" not in text
    assert "<script" not in text  # feedparser's sanitiser
    assert '<meta charset="utf-8">' in text and "<title>Clashes near Goma</title>" in text

    # An HTML description; a relative link is resolved against the channel's link.
    assert two.url == "https://wire.example/news/nairobi"
    assert two.title == "Protest in Nairobi & Mombasa"
    assert two.published == date(2020, 3, 3)
    assert two.is_html is True and b"<b>twelve</b>" in two.data

    # A description without tags is text; an unreadable pubDate gives way to dc:date (updated).
    assert three.is_html is False
    assert three.data == b"Troops withdrew from the border town on Wednesday, residents said & cheered."
    assert three.published == date(2020, 3, 4)

    # No body: counted, not an error; an unreadable relative date is no date.
    assert four.data is None and four.skipped == "empty" and four.error is None
    assert four.url == "https://wire.example/news/empty" and four.published is None


def test_atom_entries():
    raws = list(iter_feed(ATOM, "atom.xml", BIG))
    assert [r.name for r in raws] == ["atom.xml#1", "atom.xml#2", "atom.xml#3", "atom.xml#4"]
    one, two, three, four = raws
    assert one.url == "https://atom.example/ceasefire"
    assert one.title == "Ceasefire agreed"  # an HTML title is read as text
    assert one.published == date(2021, 5, 31)  # <published> (local day), before <updated>
    assert one.is_html and b"agreed a ceasefire on Monday" in one.data and b"Teaser only" not in one.data
    assert two.published == date(2021, 6, 1)  # only <updated>
    assert two.is_html and b"<p>Aid convoys reached the city.</p>" in two.data
    assert three.is_html is False and three.data == b"Rockets hit the airport <overnight>."
    assert four.skipped == "empty" and four.url is None and four.published == date(2021, 6, 3)


def test_rss_1_0():
    (r,) = list(iter_feed(RDF, "rdf.xml", BIG))
    assert r.url == "https://rdf.example/1" and r.published == date(2019, 8, 7) and r.title == "Floods"
    assert r.data == b"Floods displaced thousands in the delta." and r.is_html is False


def test_broken_and_empty_feeds():
    (r,) = list(iter_feed(b"<rss><channel><title>cut", "cut.rss", BIG))
    assert r.name == "cut.rss" and r.data is None and r.error.startswith("not a readable feed")
    assert "\n" not in r.error
    (r,) = list(iter_feed(b"this is not xml at all", "junk.rss", BIG))
    assert r.error.startswith("not a readable feed")
    (r,) = list(iter_feed(b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title></channel></rss>",
                          "none.rss", BIG))
    assert r.skipped == "empty" and r.error is None


def test_a_feed_cut_short_still_gives_its_whole_items():
    cut = RSS[: RSS.index(b"<title>Plain teaser")]
    raws = list(iter_feed(cut, "cut.rss", BIG))
    assert [r.url for r in raws[:2]] == ["https://wire.example/news/goma", "https://wire.example/news/nairobi"]
    assert raws[0].data and raws[1].data


def test_too_large_items():
    raws = list(iter_feed(RSS, "wire.rss", 200))
    # Item 1 (258 bytes as a page) is over; item 2 (205) too; item 3 is 76 bytes of text.
    assert [r.skipped for r in raws] == ["too-large", "too-large", None, "empty"]
    assert raws[0].url == "https://wire.example/news/goma" and raws[0].data is None
    assert set(SKIP_REASONS) == {"empty", "too-large"}


@pytest.mark.parametrize("data", [RSS, ATOM, RDF, b"\xef\xbb\xbf" + RSS, RSS.decode().encode("utf-16"),
                                  b"<feed xmlns='http://purl.org/atom/ns#'><title>0.3</title></feed>",
                                  b"<!DOCTYPE rss SYSTEM 'x.dtd'>\n<rss version='0.91'><channel/></rss>"])
def test_looks_like_feed(data):
    assert looks_like_feed(data)


@pytest.mark.parametrize("data", [
    b"<!doctype html><html><head><link rel='alternate' type='application/rss+xml' href='/rss'></head></html>",
    b"<html><body><pre>&lt;rss version='2.0'&gt;</pre><rss></body></html>",
    b"<feed><entry/></feed>",  # not Atom's namespace
    b"<?xml version='1.0'?><notes><rss/></notes>",
    b"Plain text that mentions <rss> later.",
    # A comment ends at its first "-->": it cannot stretch over the page to reach a later <rss>.
    b"<!-- a --> <html><body><!-- b --><rss></body></html>",
    b"",
])
def test_not_feeds(data):
    assert not looks_like_feed(data)


def test_feed_files_in_folders(tmp_path):
    (tmp_path / "a.rss").write_bytes(RSS)
    (tmp_path / "b.atom").write_bytes(ATOM)
    (tmp_path / "c.xml").write_bytes(RDF)
    (tmp_path / "d.xml").write_bytes(b"<?xml version='1.0'?><sitemap/>")  # .xml that is no feed
    (tmp_path / "e.txt").write_bytes(RSS)  # sniffed whatever the name
    (tmp_path / "f.rss").write_bytes(b"not a feed")  # named a feed: an error, not an article
    raws = list(iter_inputs([str(tmp_path)], BIG))
    names = [r.name.replace(str(tmp_path) + "/", "") for r in raws]
    assert names == ["a.rss#1", "a.rss#2", "a.rss#3", "a.rss#4", "b.atom#1", "b.atom#2", "b.atom#3", "b.atom#4",
                     "c.xml#1", "d.xml", "e.txt#1", "e.txt#2", "e.txt#3", "e.txt#4", "f.rss"]
    assert raws[9].data == b"<?xml version='1.0'?><sitemap/>"
    assert raws[-1].error.startswith("not a readable feed")


def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_feed_on_standard_input(monkeypatch):
    _stdin(monkeypatch, ATOM)
    raws = list(iter_inputs(["-"], BIG))
    assert [r.name for r in raws] == ["-#1", "-#2", "-#3", "-#4"]
    assert raws[0].url == "https://atom.example/ceasefire"


def test_page_on_standard_input_is_one_article(monkeypatch):
    page = b"<html><body><p>Not a feed.</p></body></html>"
    _stdin(monkeypatch, page)
    (r,) = list(iter_inputs(["-"], BIG))
    assert r.name == "-" and r.data == page
    _stdin(monkeypatch, b"x" * 101)
    (r,) = list(iter_inputs(["-"], 100))
    assert r.data is None and "over the" in r.error
