"""No reader hangs on adversarial input (issue 8).

Every reader meets (1) the worst shapes of its own patterns, built large (long runs of spaces,
of comments, of dates, of names...) and (2) random inputs that hypothesis draws from the same
pieces. Each input runs under a wall-clock bound, enforced by an alarm that interrupts a
hang (a hypothesis deadline only judges a call once it has returned). The bounds are generous
for a loaded two-core machine, where a linear reader takes a few seconds at most on these
sizes; the backtracking patterns and pairwise loops these shapes come from took from half a
minute to hours on them (on the code before issue 8, 17 large cases and 3 random-input tests fail).
"""

from __future__ import annotations

import io
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventwire.errors import InputError
from eventwire.events import get_lexicon
from eventwire.events.arguments import fatalities
from eventwire.feeds import _plain, iter_feed, looks_like_feed
from eventwire.reading import read_article
from eventwire.reading.decode import declared_charset, decode_text, looks_binary
from eventwire.reading.html import read_html, stated_date
from eventwire.reading.plaintext import read_plaintext
from eventwire.times import find_times
from eventwire.warc import iter_warc_bytes

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs SIGALRM")

BIG = 20_000_000
N = 100_000  # characters: quadratic backtracking on this many takes minutes
BOUND = 30.0  # seconds for one large input
SMALL_BOUND = 10.0  # seconds for one random input (a few hundred characters)
ANCHOR = date(2020, 3, 4)
XML = b'<?xml version="1.0" encoding="utf-8"?>'


class _Overrun(BaseException):
    """Not an Exception: a reader's own ``except Exception`` cannot swallow it."""


@contextmanager
def within(seconds: float, what: str) -> Iterator[None]:
    def alarm(signum, frame):
        raise _Overrun

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.monotonic()
    try:
        yield
    except _Overrun:
        pytest.fail(f"{what}: still running after {seconds:.0f} s", pytrace=False)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    # Code that does not check for signals (C) is not interrupted, but is still judged.
    elapsed = time.monotonic() - start
    assert elapsed < seconds, f"{what}: took {elapsed:.0f} s"


def article_or_input_error(data: bytes, **kw) -> None:
    """read_article gives an Article with text, or refuses the input with one clear line."""
    try:
        art = read_article(data, **kw)
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert art.text.strip()


def warc_response(payload: bytes, content_type: str | None = None) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    headers = [("Content-Type", content_type)] if content_type else []
    http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("http://a.example/p", "response", payload=io.BytesIO(payload),
                                                  http_headers=http))
    return out.getvalue()


def rss(description: bytes, title: bytes = b"t") -> bytes:
    return (XML + b'<rss version="2.0"><channel><title>c</title><link>https://a.example/</link><item><title>'
            + title + b"</title><link>https://a.example/1</link><description>" + description
            + b"</description></item></channel></rss>")


# --- the feed sniffer: the original bug ---------------------------------------------------------


@pytest.mark.parametrize("spaces", [30, 45, 60])
def test_feed_sniffer_on_a_page_whose_prolog_holds_a_run_of_spaces(spaces):
    # An XML declaration, a run of whitespace, then <html>: the starred group around \s+ took
    # minutes at 30 spaces and hours at a few more.
    page = XML + b" " * spaces + b"\n<html><head><title>News</title></head><body><p>Text.</p></body></html>"
    with within(BOUND, f"looks_like_feed on a {spaces}-space prolog"):
        assert looks_like_feed(page) is False
    with within(BOUND, f"looks_like_feed on a {spaces}-space prolog before <rss>"):
        assert looks_like_feed(XML + b" " * spaces + b"<rss version='2.0'><channel/></rss>") is True


def test_the_page_that_stalled_an_ingest_goes_through_the_real_cli(tmp_path):
    # The page shape in a folder with an ordinary page after it: both are read, quickly,
    # by extract and by ingest (whose worker stalled for good at the first such page).
    import subprocess
    import sys

    def page(who: str) -> bytes:
        paras = "".join(f"<p>The {who} met on Monday, session {i}, to discuss item {i} of the new budget.</p>"
                        for i in range(8))
        return (f"<html><head><title>The {who} meets</title></head><body><article><h1>The {who} meets</h1>"
                f"{paras}</article></body></html>").encode()

    (tmp_path / "a.html").write_bytes(XML + b" " * 200 + b"\n" + page("town council"))
    (tmp_path / "b.html").write_bytes(page("village board"))

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "eventwire", *args], capture_output=True, text=True,
                              timeout=300)

    out = cli("extract", str(tmp_path / "a.html"), str(tmp_path / "b.html"))
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    assert len(out.stdout.splitlines()) == 2
    ing = cli("ingest", "--db", str(tmp_path / "s.db"), str(tmp_path))
    assert ing.returncode == 0 and "Traceback" not in ing.stderr, ing.stderr
    assert ing.stdout.startswith("ingested 2 articles ("), ing.stdout  # the pages are near-copies: 1 linked



# --- every reader on the worst shapes of its patterns, built large ------------------------------

LEX = get_lexicon()

ANY = object()  # any answer will do: the reader only has to finish

# (what, call, answer): each call runs one reader on one large input; answer is what it must say.
LARGE: list[tuple[str, Callable[[], object], object]] = [
    # feed sniffer: runs of whitespace, comments, instructions, DOCTYPE subsets (the first 8 KB)
    ("sniff: declaration + spaces + <html>", lambda: looks_like_feed(XML + b" " * N + b"<html>"), False),
    ("sniff: comments + <html>", lambda: looks_like_feed(b"<!-- a -->" * 800 + b"<html>"), False),
    ("sniff: comments + <rss>", lambda: looks_like_feed(b"<!-- a -->\n" * 700 + b"<rss>"), True),
    ("sniff: open comments", lambda: looks_like_feed(b"<!--" * N), False),
    ("sniff: a stray comment end", lambda: looks_like_feed(b"<!-- a -->-->" * 600 + b"<rss>"), False),
    ("sniff: instructions", lambda: looks_like_feed(b"<?x?>\t" * 1300 + b"<feed>"), False),
    ("sniff: DOCTYPE subset", lambda: looks_like_feed(b"<!DOCTYPE rss [" + b"] " * N), False),
    ("sniff: UTF-16 comments", lambda: looks_like_feed(("<!-- a -->" * 800).encode("utf-16")), False),
    # feed reader: HTML descriptions and titles with no closing '>', long runs of spaces
    ("feed: '<a' run in a description", lambda: _feed_items(rss(b"&lt;a" * (N // 2))), 1),
    ("feed: '<b' run in a title", lambda: _feed_items(rss(b"<p>x</p>", title=b"&lt;b" * (N // 2))), 1),
    ("feed: text of '<a' without '>'", lambda: len(_plain("<a" * (2 * N), "text/html")), 4 * N),
    ("feed: spaces in a description", lambda: _feed_items(rss(b"&lt;p&gt;" + b" " * N + b"x")), 1),
    # WARC reader: a response without Content-Type is sniffed past its comments
    ("warc: comments before <html>", lambda: _warc_is_html(b"<!-- a -->" * 400 + b"<html>"), True),
    ("warc: comments, no <html>", lambda: _warc_is_html(b"<!-- a -->" * 400 + b"<p>"), False),
    ("warc: open comments", lambda: _warc_is_html(b"<!--" * 2000), False),
    # decoding: the <meta charset> sniff (first 4 KB), detection of an undeclared charset
    ("charset: spaces after charset=", lambda: declared_charset(b"<meta charset=" + b" " * 4090), None),
    ("charset: run of <meta", lambda: declared_charset(b"<meta" * 820), None),
    ("charset: run of charset=", lambda: declared_charset(b"<meta " + b"charset= " * 450 + b"x>"), "x"),
    ("decode: undeclared Latin-1", lambda: len(decode_text(("caf\xe9 " * N).encode("latin-1"))[0]), 5 * N),
    # HTML reader (through read_article): long runs inside the markup and the text
    ("html: spaces in a paragraph", lambda: _article(b"<html><body><p>" + b" " * N + b"x</p></body></html>"), ANY),
    ("html: comments before <html>",
     lambda: _article(b"<!-- a -->" * (N // 10) + b"<html><body><p>Police said so.</p></body></html>"), ANY),
    ("html: spaces after charset=",
     lambda: _article(b"<html><head><meta charset=" + b" " * 4000 + b"></head><body><p>Words.</p></body></html>"),
     ANY),
    # page dates: many stamps on one page (kept spans were compared pairwise)
    ("page date: dates", lambda: _page_date("Published Nov 18, 2019 " * (3 * N // 23)), date(2019, 11, 18)),
    ("page date: clock times", lambda: _page_date("By Jo 12:30 GMT 2019 " * (N // 20)), ANY),
    # plain-text captures (through read_article): datelines, date lines, bylines, spacing repairs
    ("plain: dateline + spaces", lambda: _article(b"GOMA" + b" " * N + b"x\n\nPolice said so on Monday."), ANY),
    ("plain: dateline + month + spaces",
     lambda: _article(b"GOMA, March 3" + b" " * N + b"x\n\nPolice said so on Monday."), ANY),
    ("plain: spaces before a comma", lambda: _article(b"Police said" + b" " * N + b"x, on Monday."), ANY),
    ("plain: labelled date lines", lambda: _article((b"Posted" + b" " * 63 + b"x.\n") * (N // 72)), ANY),
    ("plain: bylines", lambda: _article((b"by Xx" + b"andXx" * 22 + b"#\n\n") * (N // 120)), ANY),
    ("plain: wrapped lines, no full stop", lambda: _article((b"word " * 14 + b"\n") * (5 * N // 70)), ANY),
    ("plain: breadcrumbs", lambda: _article((b"Home | World | " * 10 + b"\n") * (N // 150)), ANY),
    ("plain: month names", lambda: _article(b"January " * (N // 8)), ANY),
    # time expressions
    ("times: clock, long gap, day", lambda: [t.value for t in find_times("at 9 a.m." + " " * N + "; Tuesday", ANCHOR)],
     ["2020-03-04T09:00", "2020-03-03"]),
    ("times: month names", lambda: len(find_times("January " * (3 * N // 8), ANCHOR)), ANY),
    ("times: numeric dates", lambda: len(find_times("1/2/2003 " * (3 * N // 9), ANCHOR)), 3 * N // 9),
    ("times: titled durations", lambda: len(find_times("5 Minutes " * (N // 10), ANCHOR)), ANY),
    ("times: spaces after a number", lambda: find_times("for 5" + " " * N + "x", ANCHOR), []),
    # fatality counts of a sentence
    ("fatalities: kill + spaces", lambda: fatalities("kill" + " " * N + "x", LEX), None),
    ("fatalities: number + spaces", lambda: fatalities("5" + " " * N + "x", LEX), None),
    ("fatalities: spaced count", lambda: fatalities("killed" + " " * N + "at least" + " " * N + "12", LEX), 12),
]


def _feed_items(data: bytes) -> int:
    return sum(r.data is not None for r in iter_feed(data, "f", BIG))


def _warc_is_html(payload: bytes) -> bool:
    (raw,) = list(iter_warc_bytes(warc_response(payload), "w", BIG))
    assert raw.error is None
    return raw.data is not None


def _article(data: bytes) -> None:
    article_or_input_error(data)


def _page_date(text: str) -> date | None:
    # A labelled stamp in a byline element: the page's own word even when htmldate found nothing.
    return stated_date(f'<html><body><h1>A headline</h1><p class="byline">{text}</p></body></html>', None,
                       "A headline", "x")


@pytest.mark.parametrize("what,call,answer", LARGE, ids=[w for w, _, _ in LARGE])
def test_large_worst_case_inputs(what, call, answer):
    with within(BOUND, what):
        got = call()
    if answer is not ANY:
        assert got == answer


# --- random inputs drawn from the pieces the patterns are made of -------------------------------

RUNS = [" ", "\n", "\t", "\u00a0", "<!--", "-->", "<!-- a -->", "<!-- a -->\n", "<a", "a ", "1", "1 ", ", ", "'",
        '"', "-", ".", "andXx", "January ", "Nov. 18, 2019 ", "2019 "]


def texts(*pieces: str, max_pieces: int = 40) -> st.SearchStrategy[str]:
    """Text made of the given pieces, runs of repeated pieces and a little random text."""
    run = st.builds(lambda piece, n: piece * n, st.sampled_from(RUNS + list(pieces)), st.integers(1, 120))
    part = st.one_of(st.sampled_from(pieces), run, st.text(max_size=6))
    return st.lists(part, max_size=max_pieces).map("".join)


PROLOG = ["<?xml version='1.0'?>", "<?xml-stylesheet href='x'?>", "<!-- c -->", "<!--", "-->", "<!DOCTYPE rss",
          "<!doctype x [", "]", "] >", ">", "<?", "?>", " ", "\n", "\ufeff"]
FEED = PROLOG + ["<rss version='2.0'>", "<channel>", "<title>", "</title>", "<item>", "</item>", "<description>",
                 "</description>", "&lt;p&gt;", "&lt;a", "<![CDATA[", "]]>", "<link>https://a.example/</link>",
                 "<pubDate>Mon, 02 Mar 2020 00:30:00 +0200</pubDate>", "</channel></rss>",
                 "<feed xmlns='http://www.w3.org/2005/Atom'>", "<entry>", "<summary>", "</entry>", "<html>"]
HTML = ["<html>", "<head>", "<meta charset=", "<meta ", "charset", "=", "utf-8", "<title>", "</title>", "<body>",
        "<article>", "<p>", "</p>", "<h1>", "</h1>", "<!--", "-->", "<time datetime='2019-11-18T10:00:00Z'>", "</time>",
        "<script type='application/ld+json'>", '{"datePublished": "2019-11-18"', "</script>", "Published ",
        "Updated ", "By Jo Smith ", "Nov 18, 2019", "18.11.2019", "12:30 GMT", "Police said on Monday.", "<", ">"]
PLAIN = ["GOMA", "Congo", ", ", "March 3", "(Reuters)", " - ", "Posted ", "Published on ", "Updated: ", "by ", "By ",
         "Xx", " and ", "Read more:", "Home", " | ", " » ", "\n", "\n\n", "Police said on Monday that ten were killed.",
         "12:30 GMT", "3 March 2020", "Monday, ", "of "]
TIMES = ["January", "Jan.", "Monday", "at 9 a.m.", " on ", "5", "Minutes", " years ago", "1/2/2003", "2019",
         "the day before", "last week", "early ", "the past ", "twenty-five", "for ", " and ", "'s", "noon", "GMT",
         " 10:30", "this year", "spring", "the 1990s", ","]

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None,
                    derandomize=True)


@settings(SETTINGS, max_examples=100)
@given(prolog=st.lists(st.one_of(st.sampled_from(PROLOG), st.integers(1, 80).map(" ".__mul__)),
                       max_size=30).map("".join),
       root=st.sampled_from(["<rss version='2.0'>", "<rdf:RDF>", "<feed xmlns='http://www.w3.org/2005/Atom'>",
                             "<html>", "<feed>", "<rssx>"]))
def test_feed_sniffer_decides_by_the_root_after_any_prolog(prolog, root):
    data = (prolog + root).encode("utf-8")
    with within(SMALL_BOUND, "looks_like_feed"):
        verdict = looks_like_feed(data)
    # Never a feed unless the root is a feed's; a clean prolog (whole comments and
    # instructions, spaces) before a feed's root is always a feed.
    if root in ("<html>", "<feed>", "<rssx>"):
        assert verdict is False
    clean = prolog.replace("<?xml version='1.0'?>", "").replace("<?xml-stylesheet href='x'?>", "")
    clean = clean.replace("<!-- c -->", "").strip(" \n")
    if not clean and root not in ("<html>", "<feed>", "<rssx>"):
        assert verdict is True


@SETTINGS
@given(texts(*FEED))
def test_feed_reader(text):
    data = text.encode("utf-8")
    with within(SMALL_BOUND, "looks_like_feed and iter_feed"):
        looks_like_feed(data)
        raws = list(iter_feed(data, "f", BIG))
    assert raws and all(r.data is not None or r.error or r.skipped for r in raws)


@SETTINGS
@given(texts(*HTML), st.sampled_from([None, "text/html"]))
def test_warc_reader(text, content_type):
    data = warc_response(text.encode("utf-8"), content_type)
    with within(SMALL_BOUND, "iter_warc_bytes"):
        raws = list(iter_warc_bytes(data, "w", BIG))
    assert len(raws) == 1


@SETTINGS
@given(st.binary(max_size=300))
def test_warc_reader_on_any_bytes(data):
    with within(SMALL_BOUND, "iter_warc_bytes"):
        raws = list(iter_warc_bytes(b"WARC/1.0\r\n" + data, "w", BIG))
    assert raws


@SETTINGS
@given(texts(*HTML))
def test_html_reader_and_page_dates(text):
    with within(SMALL_BOUND, "read_html and stated_date"):
        try:
            page = read_html(text)
        except InputError:
            page = None
        got = stated_date(text, "https://a.example/2019/11/18/x", page.title if page else None,
                          page.body if page else text[:200])
    assert got is None or isinstance(got, date)


@SETTINGS
@given(texts(*PLAIN))
def test_plaintext_reader(text):
    with within(SMALL_BOUND, "read_plaintext"):
        cap = read_plaintext(text)
    assert isinstance(cap.body, str)


@SETTINGS
@given(st.one_of(texts(*HTML).map(str.encode), texts(*PLAIN).map(str.encode), st.binary(max_size=400)))
def test_decoding(data):
    with within(SMALL_BOUND, "decoding"):
        looks_binary(data)
        text, encoding = decode_text(data, declared_charset(data))
    assert isinstance(text, str) and encoding


@SETTINGS
@given(st.one_of(texts(*HTML), texts(*PLAIN)), st.booleans())
def test_article_entry_point(text, gzipped):
    data = text.encode("utf-8")
    if gzipped:
        import gzip

        data = gzip.compress(data)
    with within(SMALL_BOUND, "read_article"):
        article_or_input_error(data, input_name="x_2020-03-04_y.txt")


@SETTINGS
@given(texts(*TIMES))
def test_time_expressions(text):
    with within(SMALL_BOUND, "find_times"):
        got = find_times(text, ANCHOR)
    assert all(text[t.start:t.end] == t.text for t in got)
    assert all(a.end <= b.start for a, b in zip(got, got[1:], strict=False))


@SETTINGS
@given(texts("killed", "kill", "at least", "over", "five", "people", "were", "have been", "dead", "death toll",
             "rose to", "martyrdom of", "deaths"))
def test_fatality_counts(text):
    with within(SMALL_BOUND, "fatalities"):
        got = fatalities(text, LEX)
    assert got is None or 0 <= got < 100000
