"""The monitor's HTTP client against a real server on 127.0.0.1: every refusal and every politeness rule."""

from __future__ import annotations

import time

import pytest

from eventwire.fetching.archive import WarcArchive
from eventwire.fetching.client import Fetcher, FetchError
from eventwire.fetching.guard import Guard
from eventwire.fetching.limits import HostLimits
from eventwire.fetching.robots import Robots
from eventwire.fetching.settings import FetchSettings

from .webserver import Site


@pytest.fixture
def site():
    s = Site()
    yield s
    s.close()


def _fetcher(allowed=("127.0.0.1",), sleeps=None, **kw) -> Fetcher:
    settings = FetchSettings.load(**{"connect_timeout": 2.0, "read_timeout": 2.0, "total_timeout": 5.0,
                                     "host_interval": 0.0, "backoff_base": 0.01, **kw})
    return Fetcher(settings, Guard(allowed), sleep=(sleeps.append if sleeps is not None else time.sleep))


def test_user_agent_and_conditional_get(site):
    site.set("/a", "<p>hello</p>", etag='"v1"')
    f = _fetcher()
    first = f.get(site.url("/a"))
    assert first.status == 200 and first.body == b"<p>hello</p>" and first.etag == '"v1"'
    again = f.get(site.url("/a"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.body == b""
    sent = site.requests("/a")[1][1]
    assert sent["if-none-match"] == '"v1"' and "if-modified-since" in sent
    assert sent["user-agent"].startswith("eventwire/") and "(+" in sent["user-agent"]


def test_500s_are_retried_a_bounded_number_of_times_with_growing_backoff(site):
    site.set("/down", "oops", status=500)
    sleeps: list[float] = []
    f = _fetcher(sleeps=sleeps, retries=3, backoff_base=1.0)
    with pytest.raises(FetchError) as err:
        f.get(site.url("/down"))
    assert err.value.kind == "http" and err.value.status == 500 and err.value.transient
    assert len(site.requests("/down")) == 4  # one try and three retries, no more
    assert len(sleeps) == 3 and sleeps[0] < sleeps[2]  # 1 s, 2 s, 4 s, each with +-50% jitter


def test_retry_after_is_honoured_and_capped(site):
    site.set("/busy", "", status=429, headers={"Retry-After": "7"})
    sleeps: list[float] = []
    with pytest.raises(FetchError):
        _fetcher(sleeps=sleeps, retries=1, backoff_max=5.0).get(site.url("/busy"))
    assert sleeps == [5.0]
    sleeps.clear()
    with pytest.raises(FetchError):
        _fetcher(sleeps=sleeps, retries=1).get(site.url("/busy"))
    assert sleeps == [7.0]


def test_slow_host_times_out(site):
    site.set("/slow", "late", delay=3.0)
    t0 = time.monotonic()
    with pytest.raises(FetchError) as err:
        _fetcher(read_timeout=0.5, retries=0).get(site.url("/slow"))
    assert err.value.kind == "timeout" and err.value.transient
    assert time.monotonic() - t0 < 2.5


def test_redirect_loop_is_refused_after_the_limit(site):
    site.set("/r1", status=302, location="/r2")
    site.set("/r2", status=302, location="/r1")
    with pytest.raises(FetchError) as err:
        _fetcher(max_redirects=4).get(site.url("/r1"))
    assert err.value.kind == "redirects" and not err.value.transient
    assert len(site.requests()) == 5  # the first request and four hops


def test_redirects_are_followed_within_the_limit(site):
    site.set("/old", status=301, location="/new")
    site.set("/new", "moved here")
    resp = _fetcher().get(site.url("/old"))
    assert resp.url == site.url("/new") and resp.body == b"moved here"


def test_oversized_response_is_refused_at_the_cap_not_read_whole(site):
    site.set("/big", stream_bytes=50_000_000)
    with pytest.raises(FetchError) as err:
        _fetcher(max_bytes=200_000).get(site.url("/big"))
    assert err.value.kind == "too-large"
    time.sleep(0.3)
    assert site.streamed < 50_000_000  # the server could not write it all: the client hung up
    site.set("/declared", "x" * 300_000)
    with pytest.raises(FetchError, match="over the 200,000-byte cap"):
        _fetcher(max_bytes=200_000).get(site.url("/declared"))


@pytest.mark.parametrize("url", ["http://10.0.0.1/x", "http://169.254.169.254/latest/meta-data/",
                                 "http://[::1]:9/x", "http://0.0.0.0/x"])
def test_private_addresses_are_refused_without_a_connection(url):
    t0 = time.monotonic()
    with pytest.raises(FetchError) as err:
        _fetcher().get(url)
    assert err.value.kind == "refused" and not err.value.transient
    assert time.monotonic() - t0 < 1.0  # refused before any connection attempt (10.0.0.1 would hang)


def test_only_the_named_host_may_be_private(site):
    site.set("/a", "ok")
    assert _fetcher(allowed=("127.0.0.1",)).get(site.url("/a")).status == 200
    # localhost resolves to the same loopback address, but the source list did not name it
    with pytest.raises(FetchError, match="loopback"):
        _fetcher(allowed=("127.0.0.1",)).get(site.url("/a", host="localhost"))
    with pytest.raises(FetchError, match="loopback"):
        _fetcher(allowed=()).get(site.url("/a"))
    assert len(site.requests()) == 1


def test_redirect_to_a_private_address_is_refused(site):
    site.set("/hop", status=302, location="http://169.254.169.254/latest/meta-data/")
    site.set("/hop2", status=302, location=f"http://localhost:{site.port}/a")
    site.set("/a", "secret")
    for path in ("/hop", "/hop2"):
        with pytest.raises(FetchError) as err:
            _fetcher().get(site.url(path))
        assert err.value.kind == "refused"
    assert site.requests("/a") == []


def test_only_http_and_https():
    for url in ("ftp://example.org/x", "file:///etc/passwd", "gopher://127.0.0.1/"):
        with pytest.raises(FetchError, match="only http and https"):
            _fetcher().get(url)


def test_connection_time_check_refuses_a_name_that_changed_address(site, monkeypatch):
    # DNS rebinding: the name passes the first check, then resolves to a private address at connect time.
    import socket

    from eventwire.fetching import guard

    real = socket.getaddrinfo
    calls = {"n": 0}

    def rebinding(host, *a, **kw):
        if host == "rebind.test":
            calls["n"] += 1
            ip = "93.184.216.34" if calls["n"] == 1 else "127.0.0.1"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, a[0] if a else 80))]
        return real(host, *a, **kw)

    monkeypatch.setattr(guard.socket, "getaddrinfo", rebinding)
    site.set("/a", "secret")
    with pytest.raises(FetchError, match="refused|loopback") as err:
        _fetcher().get(f"http://rebind.test:{site.port}/a")
    assert err.value.kind == "refused" and calls["n"] == 2 and site.requests() == []


def test_robots_disallow(site):
    site.set("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    f = _fetcher()
    robots = Robots(f)
    assert robots.allowed(site.url("/news/a")) is True
    assert robots.allowed(site.url("/private/b")) is False
    assert len(site.requests("/robots.txt")) == 1  # cached per host


def test_robots_is_asked_for_every_redirect_hop_on_its_own_host(site):
    # A page on an allowed host redirects to a path that another host's robots.txt forbids: the
    # target's robots.txt is read and the forbidden page is never requested.
    other = Site()
    try:
        other.set("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        other.set("/private/story", "<p>secret</p>")
        other.set("/news/story", "<p>public</p>")
        site.set("/go-private", status=302, location=other.url("/private/story"))
        site.set("/go-public", status=301, location=other.url("/news/story"))
        f = _fetcher()
        robots = Robots(f)
        with pytest.raises(FetchError) as err:
            f.get(site.url("/go-private"), allowed=robots.allowed)
        assert err.value.kind == "robots" and err.value.url == other.url("/private/story")
        assert "redirected from" in str(err.value) and not err.value.transient
        assert other.requests("/private/story") == [] and len(other.requests("/robots.txt")) == 1
        resp = f.get(site.url("/go-public"), allowed=robots.allowed)
        assert resp.url == other.url("/news/story") and resp.body == b"<p>public</p>"
        assert len(site.requests("/robots.txt")) == 1 and len(other.requests("/robots.txt")) == 1  # one per host
        # Without ``allowed`` the client itself knows nothing of robots.txt (robots.txt's own fetch).
        assert f.get(site.url("/go-private")).body == b"<p>secret</p>"
    finally:
        other.close()


def test_missing_robots_allows_and_forbidden_robots_disallows(site):
    f = _fetcher()
    assert Robots(f).allowed(site.url("/x")) is True  # 404
    site.set("/robots.txt", "no", status=403)
    assert Robots(f).allowed(site.url("/x")) is False


def test_host_limits_space_requests_and_cap_concurrency():
    clock = {"t": 0.0}
    waits: list[float] = []
    lim = HostLimits(interval=2.0, concurrency=1, clock=lambda: clock["t"], sleep=waits.append)
    for _ in range(3):
        with lim.slot("h"):
            pass
    with lim.slot("other"):
        pass
    assert waits == [2.0, 4.0]  # the second and third start 2 s apart; another host does not wait


def test_archive_writes_replayable_warc(site, tmp_path):
    from eventwire.warc import iter_warc

    site.set("/story", "<html><body><p>story</p></body></html>")
    f = _fetcher()
    f.archive = WarcArchive(tmp_path / "warc")
    f.get(site.url("/story"))
    files = list((tmp_path / "warc").glob("*.warc.gz"))
    assert len(files) == 1
    raws = [r for r in iter_warc(str(files[0]), 10_000_000) if not r.skipped]
    assert [(r.url, r.data) for r in raws] == [(site.url("/story"), b"<html><body><p>story</p></body></html>")]


def test_a_name_that_does_not_resolve_is_a_transient_network_error():
    with pytest.raises(FetchError) as err:
        _fetcher().get("http://no-such-host.invalid/feed.xml")
    assert err.value.kind == "network" and err.value.transient
