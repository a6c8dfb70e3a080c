"""Time of each reader on the worst input shapes of its patterns, at growing sizes.

Each (shape, size) runs in a child process with a time limit, so a reader that backtracks
exponentially is reported as "> LIMIT" instead of hanging the run. A linear reader's time
grows like the size; the last column is the growth of the time over the last size step.
Run it against another checkout's code with PYTHONPATH=that/src to compare.

    python benchmarks/adversarial.py [--limit SECONDS] [--sizes 1000,10000,100000] [--only WORD]
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import time
from collections.abc import Callable
from datetime import date

ANCHOR = date(2020, 3, 4)
XML = b'<?xml version="1.0" encoding="utf-8"?>'


def _warc(payload: bytes) -> list:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from eventwire.warc import iter_warc_bytes

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    http = StatusAndHeaders("200 OK", [], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("http://a.example/", "response", payload=io.BytesIO(payload),
                                                  http_headers=http))
    return list(iter_warc_bytes(out.getvalue(), "w", 20_000_000))


def _rss(description: bytes) -> list:
    from eventwire.feeds import iter_feed

    return list(iter_feed(XML + b'<rss version="2.0"><channel><title>c</title><item><title>t</title><description>'
                          + description + b"</description></item></channel></rss>", "f", 20_000_000))


def _tags(text: str) -> str:
    from eventwire.feeds import _plain

    return _plain(text, "text/html")


def _article(data: bytes) -> None:
    from eventwire.errors import InputError
    from eventwire.reading import read_article

    try:
        read_article(data)
    except InputError:
        pass


def _sniff(data: bytes) -> bool:
    from eventwire.feeds import looks_like_feed

    return looks_like_feed(data)


def _charset(data: bytes):
    from eventwire.reading.decode import declared_charset

    return declared_charset(data)


def _times(text: str) -> list:
    from eventwire.times import find_times

    return find_times(text, ANCHOR)


def _page_date(text: str):
    from eventwire.reading.html import stated_date

    return stated_date(f"<html><body><h1>A headline</h1><p>{text}</p></body></html>", None, "A headline", "x")


def _fatalities(text: str):
    from eventwire.events import get_lexicon
    from eventwire.events.arguments import fatalities

    return fatalities(text, get_lexicon())


def _labelled(text: str):
    from eventwire.reading.dates import labelled_date_line

    return [labelled_date_line(text) for _ in range(1000)]


# name -> (reader on an input of about n characters); sizes are characters of the shape.
SHAPES: dict[str, Callable[[int], object]] = {
    "sniff: declaration + n spaces + <html>": lambda n: _sniff(XML + b" " * n + b"<html>"),
    "sniff: n/10 comments + <html>": lambda n: _sniff(b"<!-- a -->" * (n // 10) + b"<html>"),
    "warc (no Content-Type): n/10 comments": lambda n: _warc(b"<!-- a -->" * (n // 10) + b"<p>"),
    "feed: description of n/2 '<a'": lambda n: _rss(b"&lt;a" * (n // 2)),
    "feed text: n/2 '<a' without '>' (tags)": lambda n: _tags("<a" * (n // 2)),
    "charset: '<meta charset=' + n spaces": lambda n: _charset(b"<meta charset=" + b" " * n),
    "plain: 'GOMA' + n spaces (dateline)": lambda n: _article(b"GOMA" + b" " * n + b"x\n\nPolice said so."),
    "plain: n spaces before a comma (repair)": lambda n: _article(b"Police said" + b" " * n + b"x, on Monday."),
    "plain: n/120 bylines 'by Xx' + 'andXx'*22": lambda n: _article((b"by Xx" + b"andXx" * 22 + b"#\n\n")
                                                                    * max(1, n // 120)),
    "plain: 1000 date lines 'Posted' + n spaces": lambda n: _labelled("Posted" + " " * min(n, 63) + "x"),
    "plain: n/70 wrapped lines without a full stop": lambda n: _article((b"word " * 14 + b"\n") * (n // 70)),
    "page date: n/13 dates 'Nov 18, 2019'": lambda n: _page_date("Nov 18, 2019 " * (n // 13)),
    "times: clock + n spaces + '; day'": lambda n: _times("at 9 a.m." + " " * n + "; Tuesday"),
    "times: n/8 month names": lambda n: _times("January " * (n // 8)),
    "times: n/9 numeric dates": lambda n: _times("1/2/2003 " * (n // 9)),
    "fatalities: 'kill' + n spaces": lambda n: _fatalities("kill" + " " * n + "x"),
    "fatalities: '5' + n spaces": lambda n: _fatalities("5" + " " * n + "x"),
}


def _warm() -> None:
    """Imports, tables and models load on small ordinary inputs, outside the timing."""
    _article(b"Police said on Monday that the talks in Goma would resume next week.")
    _article(b"<html><body><p>Police said on Monday that the talks would resume.</p></body></html>")
    _times("on Monday, March 2, 2020 at 9 a.m.")
    _page_date("Nov 18, 2019")
    _fatalities("five people were killed")


def _run(shape: str, n: int, conn) -> None:
    _warm()
    SHAPES[shape](10)
    conn.send("ready")
    start = time.perf_counter()
    SHAPES[shape](n)
    conn.send(time.perf_counter() - start)


def timed(shape: str, n: int, limit: float) -> float | None:
    """Seconds for one call, or None past ``limit``."""
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_run, args=(shape, n, send))
    proc.start()
    ready = recv.poll(120) and recv.recv() == "ready"
    got = recv.recv() if ready and recv.poll(limit) else None
    proc.kill()
    proc.join()
    return got if got is not None and got <= limit else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=float, default=30.0, help="seconds before a size counts as a hang")
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--only", default="", help="shapes whose name contains this")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'shape':48}" + "".join(f"{n:>11,}" for n in sizes) + "   growth")
    for shape in SHAPES:
        if args.only not in shape:
            continue
        row, times = f"{shape:48}", []
        for n in sizes:
            t = timed(shape, n, args.limit) if not times or times[-1] is not None else None
            times.append(t)
            row += f"{t:10.3f}s" if t is not None else f"{'> ' + format(args.limit, 'g'):>10}s"
        done = [t for t in times if t is not None]
        if len(done) >= 2 and len(done) == len(times) and done[-2] > 0:
            row += f"   x{done[-1] / done[-2]:.0f} for x{sizes[-1] // sizes[-2]} size"
        print(row, flush=True)


if __name__ == "__main__":
    main()
