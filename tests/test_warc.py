"""WARC reader: real archives (a Common Crawl excerpt, a revisit, a cut-short response) and made-up ones."""

from __future__ import annotations

import gzip
import io
import shutil
import sys
from collections import Counter
from datetime import date

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventwire.errors import UsageError
from eventwire.sources import iter_inputs
from eventwire.warc import SKIP_REASONS, iter_warc, iter_warc_bytes, looks_like_warc

from .conftest import DATA, need

WARC = DATA / "warc"
CC = WARC / "cc-main-2020-34-excerpt.warc.gz"
REVISIT = WARC / "example-with-revisit.warc.gz"
TRUNCATED = WARC / "truncated-news-response.warc.gz"
BIG = 20_000_000

# The 16 responses of the Common Crawl excerpt, in file order, with their record offsets.
CC_PAGES = [
    (940, "http://003338.cn/l41/481397.html"),
    (12685, "http://01spb.ru/company/"),
    (32353, "http://035.psb556.com/24/i/u_1090813/article.html"),
    (38503, "http://037426.cn/"),
    (42891, "http://041696.com/15477/list_6_4.html"),
    (48321, "http://044545.com/topic/20200207/015849.html"),
    (61090, "http://0513mt.com/index.php/art/detail/id/8884.html"),
    (70222, "http://05925.net/index.php/vod/type/id/53.html"),
    (75624, "http://06.live-radsport.ch/fahrerstatistik_801/Anthony_Ravard.html"),
    (87298, "http://06.live-radsport.ch/tippspiel/stats_140_petzi.html"),
    (99077, "http://0615235.com/02mjqjo%7Bibotij2.btq?odmbtt=106&tdmbtt=121"),
    (106585, "http://0755krk.com/76104/list_4_1.html"),
    (110823, "http://0760.jxtdw.com/area/sanxiang/"),
    (120465, "http://077678u.info/erxiaoshujinguang/list_6_2.html"),
    (125552, "http://0900-hovenier.nl/gelderland/oosterbeek/"),
    (132240, "http://096355.com/video/11073.html?11073-0-2"),
]


def _counts(raws) -> Counter:
    return Counter(r.skipped or ("error" if r.error else "article") for r in raws)


# --- the real files -----------------------------------------------------------------------


def test_common_crawl_excerpt_yields_its_html_responses():
    path = str(need(CC))
    raws = list(iter_warc(path, BIG))
    assert _counts(raws) == {"article": 16, "request": 17, "metadata": 16, "warcinfo": 1}
    pages = [r for r in raws if r.data is not None]
    assert [(int(r.name.rsplit("#", 1)[1]), r.url) for r in pages] == CC_PAGES
    for r in pages:
        assert r.name.startswith(path + "#")
        assert r.is_html is True and r.error is None and r.skipped is None
        assert r.retrieved == date(2020, 8, 8)
        assert b"<html" in r.data[:3000].lower()
    # The payload is the page, not the HTTP headers in front of it.
    assert not any(r.data.startswith(b"HTTP/") for r in pages)
    assert all(r.data is None and r.error is None for r in raws if r.skipped)


def test_common_crawl_offsets_find_the_record_again():
    path = need(CC)
    raws = [r for r in iter_warc(str(path), BIG) if r.data is not None]
    with open(path, "rb") as fh:
        for r in raws[:: 5]:
            fh.seek(int(r.name.rsplit("#", 1)[1]))
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_type == "response"
            assert record.rec_headers.get_header("WARC-Target-URI") == r.url
            assert record.content_stream().read() == r.data


def test_revisit_is_counted_not_read():
    raws = list(iter_warc(str(need(REVISIT)), BIG))
    assert _counts(raws) == {"warcinfo": 2, "article": 1, "request": 2, "revisit": 1}
    (page,) = [r for r in raws if r.data is not None]
    assert page.url == "http://example.com/" and page.retrieved == date(2017, 3, 6)
    assert b"Example Domain" in page.data
    (revisit,) = [r for r in raws if r.skipped == "revisit"]
    assert revisit.url == "http://example.com/" and revisit.retrieved == date(2017, 3, 6)
    assert [int(r.name.rsplit("#", 1)[1]) for r in raws] == [0, 353, 784, 2012, 2621, 3207]


def test_truncated_response_is_a_counted_skip_not_an_exception():
    raws = list(iter_warc(str(need(TRUNCATED)), BIG))
    assert len(raws) == 1
    (r,) = raws
    assert r.skipped == "truncated" and r.data is None and r.error is None
    assert r.name.endswith("#0")
    assert r.url.startswith("http://www.houstonpress.com/music/a-humble-chance-the-rapper")
    assert r.retrieved == date(2016, 10, 17)


def test_too_large_payloads_are_skipped():
    raws = list(iter_warc(str(need(CC)), 20_000))
    counts = _counts(raws)
    # Decoded payloads at or under 20 kB: 037426.cn (8090), 041696.com (14928), 05925.net (15046),
    # 035.psb556.com (15261), 0755krk.com (10815), 077678u.info (10593), 0900-hovenier.nl (15496),
    # 096355.com (7806).
    assert counts["article"] == 8 and counts["too-large"] == 8
    assert all(len(r.data) <= 20_000 for r in raws if r.data)


@pytest.mark.parametrize("step", [997, 4093])
def test_a_cut_short_file_never_raises(step):
    data = need(CC).read_bytes()
    for cut in range(0, len(data), step):
        raws = list(iter_warc_bytes(data[:cut], "cut", BIG))
        assert raws, cut
        *head, last = raws
        # Everything before the end is intact; the end says why reading stopped.
        assert all(r.skipped != "truncated" and not r.error for r in head), cut
        if cut == 0:
            assert last.error.startswith("not a readable WARC")
        else:
            assert last.skipped == "truncated" or last.error.startswith("truncated WARC"), (cut, last)
        pages = [r for r in raws if r.data is not None]
        assert [r.url for r in pages] == [u for _, u in CC_PAGES[: len(pages)]]


def test_corrupt_bytes_in_the_middle_stop_reading_with_a_message(capsys):
    data = bytearray(need(CC).read_bytes())
    data[50_000:50_040] = b"\0" * 40  # inside the 044545.com response
    raws = list(iter_warc_bytes(bytes(data), "bad", BIG))
    assert [r.url for r in raws if r.data is not None] == [u for _, u in CC_PAGES[:5]]
    last = raws[-1]
    assert last.skipped == "truncated" or last.error.startswith("truncated WARC")
    assert "\n" not in (last.error or "")
    # warcio's own complaints (written to stderr) are not passed on to the user.
    assert capsys.readouterr().err == ""


# --- made-up archives ---------------------------------------------------------------------

PAGE = b"<!doctype html><html><head><title>T</title></head><body><p>Rebels shelled the town.</p></body></html>"


def _response(writer: WARCWriter, url: str, body: bytes, status: str = "200 OK",
              content_type: str | None = "text/html; charset=utf-8", extra: list | None = None):
    headers = [("Content-Type", content_type)] if content_type else []
    headers += extra or []
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                       warc_headers_dict={"WARC-Date": "2024-05-06T07:08:09Z"})
    writer.write_record(record)


def _made_up_warc(gz: bool = True) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("made-up.warc.gz", {"software": "test"}))
    _response(writer, "http://a.example/ok", PAGE)
    _response(writer, "http://a.example/gone", b"<html>not here</html>", status="404 Not Found")
    _response(writer, "http://a.example/moved", b"", status="301 Moved Permanently",
              extra=[("Location", "http://a.example/ok")])
    _response(writer, "http://a.example/logo.png", b"\x89PNG\r\n\x1a\n....", content_type="image/png")
    _response(writer, "http://a.example/empty", b"")
    _response(writer, "http://a.example/xhtml", PAGE, content_type="application/xhtml+xml")
    _response(writer, "http://a.example/untyped-html", PAGE, content_type=None)
    _response(writer, "http://a.example/untyped-data", b"\x00\x01binary", content_type=None)
    _response(writer, "http://a.example/zipped", gzip.compress(PAGE), extra=[("Content-Encoding", "gzip")])
    _response(writer, "http://a.example/big", PAGE + b"<!--" + b"x" * 5000 + b"-->")
    writer.write_record(writer.create_warc_record("http://a.example/note", "resource",
                                                  payload=io.BytesIO(b"a note"),
                                                  warc_content_type="text/plain"))
    return out.getvalue()


@pytest.mark.parametrize("gz", [True, False])
def test_made_up_archive_reasons(gz):
    raws = list(iter_warc_bytes(_made_up_warc(gz), "made-up", 1000))
    by_url = {r.url: r for r in raws if r.url}
    assert raws[0].skipped == "warcinfo"
    assert by_url["http://a.example/ok"].data == PAGE
    assert by_url["http://a.example/ok"].retrieved == date(2024, 5, 6)
    assert by_url["http://a.example/gone"].skipped == "http-status"
    assert by_url["http://a.example/moved"].skipped == "http-status"
    assert by_url["http://a.example/logo.png"].skipped == "non-html"
    assert by_url["http://a.example/empty"].skipped == "empty"
    assert by_url["http://a.example/xhtml"].data == PAGE
    assert by_url["http://a.example/untyped-html"].data == PAGE  # sniffed
    assert by_url["http://a.example/untyped-data"].skipped == "non-html"
    assert by_url["http://a.example/zipped"].data == PAGE  # Content-Encoding undone
    assert by_url["http://a.example/big"].skipped == "too-large"
    assert by_url["http://a.example/note"].skipped == "other-record"
    assert all(r.skipped in SKIP_REASONS for r in raws if r.skipped)
    assert not any(r.error for r in raws)
    # Offsets are distinct and increasing, so each record can be found again.
    offsets = [int(r.name.rsplit("#", 1)[1]) for r in raws]
    assert offsets == sorted(set(offsets)) and offsets[0] == 0


def test_skip_reasons_are_a_fixed_set():
    assert set(SKIP_REASONS) == {"request", "metadata", "warcinfo", "revisit", "non-html", "http-status",
                                 "too-large", "truncated", "empty", "other-record"}


def test_garbage_and_empty_files_are_errors_not_exceptions(tmp_path):
    bad = tmp_path / "bad.warc"
    bad.write_bytes(b"this is not an archive\n")
    (r,) = list(iter_warc(str(bad), BIG))
    assert r.data is None and r.error.startswith("not a readable WARC")
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    (r,) = list(iter_warc(str(empty), BIG))
    assert r.error.startswith("not a readable WARC")


def test_looks_like_warc():
    assert looks_like_warc(_made_up_warc(True)[:4096])
    assert looks_like_warc(_made_up_warc(False)[:4096])
    assert looks_like_warc(need(CC).read_bytes()[:4096])
    assert not looks_like_warc(gzip.compress(PAGE))
    assert not looks_like_warc(PAGE)
    assert not looks_like_warc(b"")


# --- through the input walker -------------------------------------------------------------

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link>
<item><title>One</title><link>https://wire.example/1</link><description>&lt;p&gt;First.&lt;/p&gt;</description></item>
<item><title>Two</title><link>https://wire.example/2</link><description>Second.</description></item>
</channel></rss>
"""


def test_folder_with_warc_feed_and_page_in_name_order(tmp_path):
    shutil.copy(need(REVISIT), tmp_path / "b-archive.warc.gz")
    sub = tmp_path / "c-sub"
    sub.mkdir()
    shutil.copy(need(TRUNCATED), sub / "cut.warc.gz")
    (tmp_path / "a-page.html").write_bytes(PAGE)
    (tmp_path / "d-feed.xml").write_bytes(RSS)
    (tmp_path / "e-notes.xml").write_bytes(b"<?xml version='1.0'?><notes><n>hello</n></notes>")
    (tmp_path / "f-capture").write_bytes(_made_up_warc(True))  # a WARC without the extension
    (tmp_path / ".hidden.warc.gz").write_bytes(b"")

    raws = list(iter_inputs([str(tmp_path)], 2000))
    names = [r.name.replace(str(tmp_path), "") for r in raws]
    assert names[0] == "/a-page.html" and raws[0].data == PAGE
    assert names[1:7] == [f"/b-archive.warc.gz#{o}" for o in (0, 353, 784, 2012, 2621, 3207)]
    assert raws[3].url == "http://example.com/" and raws[3].data is not None
    assert names[7] == "/c-sub/cut.warc.gz#0" and raws[7].skipped == "truncated"
    assert names[8:10] == ["/d-feed.xml#1", "/d-feed.xml#2"]
    assert [r.url for r in raws[8:10]] == ["https://wire.example/1", "https://wire.example/2"]
    assert names[10] == "/e-notes.xml" and raws[10].data.startswith(b"<?xml")  # not a feed: one input
    assert all(n.startswith("/f-capture#") for n in names[11:])
    assert len(names) == 11 + 12


def test_a_single_warc_path_and_missing_paths(tmp_path):
    raws = list(iter_inputs([str(need(REVISIT))], BIG))
    assert _counts(raws)["revisit"] == 1
    with pytest.raises(UsageError):
        list(iter_inputs([str(need(REVISIT)), str(tmp_path / "nope.warc.gz")], BIG))


def test_warc_on_standard_input(monkeypatch):
    data = need(REVISIT).read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    raws = list(iter_inputs(["-"], BIG))
    assert [r.name for r in raws] == [f"-#{o}" for o in (0, 353, 784, 2012, 2621, 3207)]
    assert _counts(raws) == {"warcinfo": 2, "article": 1, "request": 2, "revisit": 1}


def test_a_warc_on_standard_input_may_exceed_the_article_limit(monkeypatch):
    # max_bytes bounds one page, not the archive that carries many.
    data = need(CC).read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    raws = list(iter_inputs(["-"], 110_000))
    assert _counts(raws)["article"] == 16
