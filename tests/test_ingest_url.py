"""`eventwire ingest URL` / `extract URL`: a page fetched once with the monitor's guarded client."""

from __future__ import annotations

import subprocess
import sys

import pytest

from eventwire.sources import iter_inputs

from .webserver import Site

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
PAGE = (ROOT / "samples" / "raqqa-2017-06.txt").read_text(encoding="utf-8")
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>One</title><link>http://example.org/1</link><description>First item text.</description></item>
<item><title>Two</title><link>http://example.org/2</link><description>Second item text.</description></item>
</channel></rss>"""


@pytest.fixture
def site():
    s = Site()
    s.set("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    s.set("/page", PAGE, content_type="text/plain; charset=utf-8")
    s.set("/private/page", PAGE, content_type="text/plain; charset=utf-8")
    s.set("/feed.xml", FEED, content_type="application/rss+xml")
    yield s
    s.close()


@pytest.fixture
def loopback_allowed(monkeypatch):
    # The test server is on 127.0.0.1, which a URL on the command line may not reach: allow it here only.
    from eventwire.fetching import client, guard

    monkeypatch.setattr(client, "Guard", lambda: guard.Guard(("127.0.0.1",)))


def test_a_url_is_fetched_once_as_one_article(site, loopback_allowed):
    (raw,) = list(iter_inputs([site.url("/page")], 1_000_000))
    assert raw.error is None and raw.data.decode("utf-8") == PAGE and raw.url == site.url("/page")
    assert [p for p, _ in site.log].count("/page") == 1


def test_a_feed_url_gives_its_items(site, loopback_allowed):
    items = list(iter_inputs([site.url("/feed.xml")], 1_000_000))
    assert [i.url for i in items] == ["http://example.org/1", "http://example.org/2"]
    assert all(i.error is None for i in items)


def test_robots_disallow_and_http_errors_are_one_line_errors(site, loopback_allowed):
    (raw,) = list(iter_inputs([site.url("/private/page")], 1_000_000))
    assert raw.data is None and raw.error == "robots.txt disallows fetching it"
    assert "/private/page" not in [p for p, _ in site.log]
    (raw,) = list(iter_inputs([site.url("/missing")], 1_000_000))
    assert raw.data is None and "HTTP 404" in raw.error


def test_ingest_refuses_a_loopback_url_in_one_line_without_connecting(site, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "eventwire", "ingest", "--db", str(tmp_path / "s.db"), "--quiet",
                           site.url("/page")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    line = next(ln for ln in proc.stderr.splitlines() if "/page" in ln)
    assert "--allow-private" in line
    assert site.log == []  # refused before any connection, robots.txt included


def test_a_missing_file_is_still_a_usage_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "eventwire", "ingest", "--db", str(tmp_path / "s.db"),
                           str(tmp_path / "nope.html")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stderr.strip().endswith("no such file or directory")
