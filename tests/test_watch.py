"""`eventwire watch` against a real server on 127.0.0.1 whose feeds and pages change between polls.

Every loop is bounded: the watcher runs ``--once`` or a few rounds under a time cap, and every
request has a timeout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from eventwire.config import Settings
from eventwire.fetching.settings import FetchSettings
from eventwire.ingest import Ingester
from eventwire.pipeline import Pipeline
from eventwire.store import Store
from eventwire.store import schema as t
from eventwire.watch.loop import Watcher
from eventwire.watch.sourcelist import Source
from eventwire.watch.state import WatchState

from .webserver import Site, rss, sample_pages

PG_URL = os.environ.get("EVENTWIRE_TEST_PG_URL")
PAGES = sample_pages()
FAST = {"connect_timeout": 2.0, "read_timeout": 1.0, "total_timeout": 5.0, "host_interval": 0.0,
        "backoff_base": 0.01, "retries": 1}


@pytest.fixture(scope="module")
def pipeline():
    p = Pipeline(Settings())
    p.warm()
    return p


@pytest.fixture
def site():
    s = Site()
    yield s
    s.close()


@pytest.fixture
def store(tmp_path):
    s = Store(str(tmp_path / "events.db"))
    yield s
    s.close()


def _watcher(store, pipeline, sources, events=None, **kw) -> Watcher:
    ing = Ingester(store, load_pipeline=False)
    ing.pipeline = pipeline
    report = (lambda e, d: events.append((e, d))) if events is not None else None
    return Watcher(store, sources, fetch=FetchSettings.load(**{**FAST, **kw.pop("fetch", {})}), ingester=ing,
                   report=report, workers=3, **kw)


def _articles(store) -> int:
    return store.counts()["articles"]


def _serve_articles(site, n, start=0) -> list[str]:
    urls = []
    for i in range(start, start + n):
        path = f"/news/2026/12/story-{i}"
        site.set(path, PAGES[i])
        urls.append(site.url(path))
    return urls


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def any_store(request, tmp_path):
    if request.param == "sqlite":
        url = str(tmp_path / "events.db")
    else:
        from .test_store import _fresh_pg_database

        url = _fresh_pg_database(PG_URL, "watch_" + tmp_path.name)
    s = Store(url)
    yield s
    s.close()


def test_only_new_items_are_ingested_and_unchanged_feeds_answer_304(site, any_store, pipeline):
    store = any_store
    urls = _serve_articles(site, 3)
    site.set("/feed.xml", rss([(u, f"story {i}") for i, u in enumerate(urls[:2])]), etag='"v1"',
             content_type="application/rss+xml")
    src = Source(site.url("/feed.xml"), "local", interval=60, allow_private=True)
    w = _watcher(store, pipeline, [src])
    w.run(once=True)
    assert _articles(store) == 2
    # The feed changes: one new item; the first two are not fetched again.
    site.set("/feed.xml", rss([(u, f"story {i}") for i, u in enumerate(urls)]), etag='"v2"',
             content_type="application/rss+xml")
    w.run(once=True)
    assert _articles(store) == 3
    assert [len(site.requests(f"/news/2026/12/story-{i}")) for i in range(3)] == [1, 1, 1]
    # Unchanged: a conditional GET answered 304, no article fetched.
    before = len(site.requests())
    w.run(once=True)
    feed_reqs = site.requests("/feed.xml")
    assert feed_reqs[-1][1].get("if-none-match") == '"v2"'
    assert [p for p, _h in site.requests()[before:]] == ["/feed.xml"]
    st = WatchState(store).source(src.url)
    assert st.items_seen == 3 and st.last_error is None and st.etag == '"v2"'
    w.close()


def test_failing_sources_back_off_while_the_others_are_polled(site, store, pipeline):
    slow, down = Site(), Site()
    try:
        slow.set("/robots.txt", "", status=404)
        slow.set("/feed.xml", rss([]), delay=3.0)
        for path in ("/robots.txt", "/feed.xml"):
            down.set(path, "oops", status=500)
        urls = _serve_articles(site, 1)
        site.set("/feed.xml", rss([(urls[0], "ok")]), content_type="application/rss+xml")
        sources = [Source(slow.url("/feed.xml"), "slow", 10, allow_private=True),
                   Source(down.url("/feed.xml"), "down", 10, allow_private=True),
                   Source(site.url("/feed.xml"), "good", 10, allow_private=True)]
        w = _watcher(store, pipeline, sources)
        states = {s.url: w.state.source(s.url, s.name) for s in sources}
        gaps = {"slow": [], "down": []}
        for _ in range(2):
            w.round(sources, states)
            for s in sources[:2]:
                st = states[s.url]
                gaps[s.name].append((st.next_due - st.last_error_at).total_seconds())
        assert _articles(store) == 1  # the good source is not held up by the others
        for name, src in (("slow", sources[0]), ("down", sources[1])):
            st = WatchState(store).source(src.url)
            assert st.failures == 2 and st.last_error and st.last_success is None
            assert gaps[name] == [20.0, 40.0]  # the interval doubles per failure
        assert "timed out" in WatchState(store).source(sources[0].url).last_error
        assert "HTTP 500" in WatchState(store).source(sources[1].url).last_error
        # retries bounded: robots.txt tried twice (one retry) per round, the feed never reached
        assert len(down.requests("/robots.txt")) == 4 and down.requests("/feed.xml") == []
        assert WatchState(store).source(sources[2].url).failures == 0
        w.close()
    finally:
        slow.close()
        down.close()


def test_a_slow_host_holds_up_no_other_source(site, store, pipeline):
    slow = Site()
    try:
        slow.set("/feed.xml", rss([]), delay=20.0)
        urls = _serve_articles(site, 1)
        site.set("/feed.xml", rss([(urls[0], "ok")]), content_type="application/rss+xml")
        sources = [Source(slow.url("/feed.xml"), "slow", 10, allow_private=True),  # listed first
                   Source(site.url("/feed.xml"), "good", 10, allow_private=True)]
        events: list = []
        w = _watcher(store, pipeline, sources, events=events, fetch={"read_timeout": 12.0, "retries": 0})
        w.run(once=True)
        order = [(e, d.get("source")) for e, d in events if e in ("item", "error")]
        # the good source's article was stored while the slow host was still timing out
        assert order == [("item", "good"), ("error", "slow")], order
        w.close()
    finally:
        slow.close()


def test_refusals_robots_oversized_redirect_loop_and_private_links(site, store, pipeline):
    urls = _serve_articles(site, 2)
    site.set("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.set("/private/2026/12/secret-story", PAGES[2])
    site.set("/news/2026/12/huge", stream_bytes=30_000_000)
    site.set("/news/2026/12/loop-a", status=302, location="/news/2026/12/loop-b")
    site.set("/news/2026/12/loop-b", status=302, location="/news/2026/12/loop-a")
    site.set("/news/2026/12/to-metadata", status=302, location="http://169.254.169.254/latest/meta-data/")
    site.set("/news/2026/12/to-private", status=302, location="/private/2026/12/secret-story")
    links = [urls[0], site.url("/private/2026/12/secret-story"), site.url("/news/2026/12/huge"),
             site.url("/news/2026/12/loop-a"), "http://10.0.0.1/news/2026/12/intranet-story",
             site.url("/news/2026/12/story-1", host="localhost"), site.url("/news/2026/12/to-metadata"),
             site.url("/news/2026/12/to-private"), urls[1]]
    site.set("/feed.xml", rss([(u, f"item {i}") for i, u in enumerate(links)]), content_type="application/rss+xml")
    src = Source(site.url("/feed.xml"), "local", 60, allow_private=True)
    events: list = []
    w = _watcher(store, pipeline, [src], events=events, fetch={"max_bytes": 2_000_000, "max_redirects": 3})
    w.run(once=True)
    assert _articles(store) == 2  # exactly the two real articles on the allowed host
    outcomes = {d["url"]: d["outcome"] for e, d in events if e == "item"}
    assert outcomes[links[1]] == "skipped: robots.txt disallows it"
    # A redirect into the disallowed path is refused before the hop is requested.
    assert outcomes[links[7]] == f"skipped: robots.txt disallows it (redirected to {links[1]})"
    assert outcomes[links[2]].startswith("skipped: too-large")
    assert outcomes[links[3]].startswith("skipped: redirects")
    for u in links[4:7]:
        assert outcomes[u].startswith("skipped: refused"), (u, outcomes[u])
    assert site.requests("/private/2026/12/secret-story") == []
    assert all(not h["host"].startswith("localhost") for _p, h in site.requests())
    assert len(site.requests("/news/2026/12/huge")) == 1 and site.streamed < 30_000_000
    # Refused items count as seen: the next poll neither refetches nor refuses them again.
    n = len(site.requests())
    w.run(once=True)
    assert [p for p, _h in site.requests()[n:]] == ["/feed.xml"]
    w.close()


def test_section_page_links_to_articles_are_followed(site, store, pipeline):
    urls = _serve_articles(site, 2)
    nav = "".join(f'<a href="{p}">x</a>'
                  for p in ("/tag/syria", "/about", "/news/", "/page/2", "/video/clip-of-the-day"))
    site.set("/world", f"<html><body>{nav}<a href='{urls[0]}'>a</a><a href='/news/2026/12/story-1#top'>b</a>"
                       f"<a href='http://elsewhere.example/news/2026/12/x-y-z-w'>c</a></body></html>")
    src = Source(site.url("/world"), "world", 60, kind="page", allow_private=True)
    w = _watcher(store, pipeline, [src])
    w.run(once=True)
    assert _articles(store) == 2
    fetched = {p for p, _h in site.requests()}
    assert fetched == {"/robots.txt", "/world", "/news/2026/12/story-0", "/news/2026/12/story-1"}
    w.close()


def test_alerts_are_checked_once_a_round_with_the_cli_hook(site, store, pipeline, monkeypatch):
    import eventwire.alerts as alerts
    from eventwire.watch.cli import on_fused_hook

    urls = _serve_articles(site, 2)
    site.set("/feed.xml", rss([(urls[0], "a")]), content_type="application/rss+xml")
    checks: list[int] = []
    monkeypatch.setattr(alerts, "has_alerts", lambda s: True)
    monkeypatch.setattr(alerts, "run_alerts", lambda s: checks.append(store.counts()["articles"]))
    w = _watcher(store, pipeline, [Source(site.url("/feed.xml"), "f", 60, allow_private=True)],
                 on_fused=on_fused_hook())
    w.run(once=True)
    assert checks == [0, 1]  # at start (catch-up), then once after the round's fusion
    site.set("/feed.xml", rss([(urls[0], "a"), (urls[1], "b")]), content_type="application/rss+xml")
    w.run(once=True)
    assert checks == [0, 1, 1, 2]
    w.close()
    # Without a hook, fusion fires the alerts itself (as `eventwire ingest` does).
    urls += _serve_articles(site, 1, start=2)
    site.set("/feed.xml", rss([(u, "x") for u in urls]), content_type="application/rss+xml")
    w = _watcher(store, pipeline, [Source(site.url("/feed.xml"), "f", 60, allow_private=True)])
    w.run(once=True)
    assert checks == [0, 1, 1, 2, 3]
    w.close()


def test_on_fused_runs_after_a_round_that_stored_articles(site, store, pipeline):
    urls = _serve_articles(site, 2)
    site.set("/feed.xml", rss([(urls[0], "a")]), content_type="application/rss+xml")
    calls = []

    def hook(s: Store) -> None:
        with s.engine.connect() as conn:
            calls.append((conn.execute(select(func.count()).select_from(t.articles)).scalar_one(),
                           conn.execute(select(func.count()).select_from(t.fused_reports)).scalar_one(),
                           conn.execute(select(func.count()).select_from(t.events)).scalar_one()))

    w = _watcher(store, pipeline, [Source(site.url("/feed.xml"), "f", 60, allow_private=True)], on_fused=hook)
    w.run(once=True)
    w.run(once=True)  # nothing new: no fusion, the hook only at the start (catch-up)
    site.set("/feed.xml", rss([(urls[0], "a"), (urls[1], "b")]), content_type="application/rss+xml")
    w.run(once=True)
    # articles seen by the hook: start of run 1, after its round, start of runs 2 and 3, after run 3's round
    assert [c[0] for c in calls] == [0, 1, 1, 1, 2]
    assert all(c[1] == c[2] for c in calls)  # every report fused before the hook ran
    w.close()


def _cli(*args, timeout=300, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwire", *args], capture_output=True, text=True,
                          timeout=timeout, **kw)


def test_cli_once_status_api_and_warc_replay(site, tmp_path):
    urls = _serve_articles(site, 3)
    site.set("/feed.xml", rss([(u, f"s{i}") for i, u in enumerate(urls)]), content_type="application/rss+xml")
    sources, db = str(tmp_path / "sources.toml"), str(tmp_path / "w.db")
    (tmp_path / "sources.toml").write_text("# my sources\n", encoding="utf-8")
    r = _cli("sources", "add", site.url("/feed.xml"), "--name", "local", "--interval", "1m", "--allow-private",
             "--sources", sources)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "sources.toml").read_text("utf-8").startswith("# my sources\n")  # comments kept
    again = _cli("sources", "add", site.url("/feed.xml"), "--sources", sources)
    assert again.returncode == 2 and "already lists local" in again.stderr
    listed = _cli("sources", "list", "--json", "--sources", sources)
    assert [json.loads(x) for x in listed.stdout.splitlines()] == [
        {"name": "local", "url": site.url("/feed.xml"), "interval_s": 60.0, "kind": None, "allow_private": True}]
    r = _cli("watch", "--once", "--sources", sources, "--db", db, "--archive", str(tmp_path / "warc"))
    assert r.returncode == 0, r.stderr
    logs = [json.loads(line) for line in r.stderr.splitlines() if line.startswith("{")]
    assert [x["outcome"] for x in logs if x["event"] == "item"] == ["stored"] * 3
    assert logs[-1]["event"] == "done"
    r = _cli("watch", "--status", "--json", "--sources", sources, "--db", db)
    assert r.returncode == 0, r.stderr
    row = json.loads(r.stdout)
    assert row["name"] == "local" and row["items_seen"] == 3 and row["last_error"] is None
    assert datetime.fromisoformat(row["last_success"]) <= datetime.now(UTC) and row["lag_s"] is not None
    table = _cli("watch", "--status", "--sources", sources, "--db", db).stdout
    assert table.splitlines()[0].split() == ["NAME", "ITEMS", "LAST", "SUCCESS", "LAG", "LAST", "ERROR"]
    from fastapi.testclient import TestClient

    from eventwire.api.app import create_app

    with TestClient(create_app(db)) as client:
        body = client.get("/api/watch/status").json()
    assert [(s["name"], s["items_seen"]) for s in body["sources"]] == [("local", 3)]
    # The archive replays: `eventwire ingest` of it stores the same articles in a fresh store.
    replay = str(tmp_path / "replay.db")
    r = _cli("ingest", str(tmp_path / "warc"), "--db", replay, "--quiet")
    assert r.returncode == 0, r.stderr
    ids = []
    for path in (db, replay):
        with Store(path) as s, s.engine.connect() as conn:
            ids.append(sorted(conn.execute(select(t.articles.c.id)).scalars()))
    assert len(ids[0]) == 3 and ids[0] == ids[1]


def test_cli_errors_are_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[source]]\nurl = 'http://x.org/feed'\ninterval = 'soon'\n", encoding="utf-8")
    for args, code, msg in [
        (("watch", "--once", "--sources", str(bad)), 2, "source 1: 'soon' is not an interval"),
        (("watch", "--once", "--sources", str(tmp_path / "none.toml")), 2, "no sources in"),
        (("sources", "add", "file:///etc/passwd", "--sources", str(bad)), 2, "is not an http(s) URL"),
        (("sources", "remove", "nope", "--sources", str(tmp_path / "none.toml")), 2, "no source with URL or name"),
        (("watch", "--json", "--sources", str(bad)), 2, "--json goes with --status"),
        (("sources", "add", "http://x.org/feed", "--sources", str(bad)), 2, "source 1: 'soon' is not an interval"),
    ]:
        r = _cli(*args, timeout=60)
        assert r.returncode == code and msg in r.stderr and len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
        assert "Traceback" not in r.stderr


@pytest.mark.parametrize("backend", ["sqlite"] + (["postgresql"] if PG_URL else []))
def test_state_tables_on_every_backend(backend, tmp_path):
    if backend == "sqlite":
        url = str(tmp_path / "s.db")
    else:
        from .test_store import _fresh_pg_database

        url = _fresh_pg_database(PG_URL, "watch_" + tmp_path.name)
    with Store(url) as s:
        ws = WatchState(s)
        st = ws.source("http://a.example/feed", "a")
        assert ws.unseen(["http://a.example/1", "http://a.example/2"]) == ["http://a.example/1", "http://a.example/2"]
        assert ws.mark_seen(st.id, "http://a.example/1", "stored", published=datetime(2026, 12, 1).date()) is True
        assert ws.mark_seen(st.id, "http://a.example/1", "stored") is False  # counted once
        assert ws.unseen(["http://a.example/1", "http://a.example/2"]) == ["http://a.example/2"]
        st = ws.source("http://a.example/feed")
        st.etag, st.failures, st.last_success = '"x"', 0, datetime.now(UTC)
        ws.save(st)
        again = ws.source("http://a.example/feed")
        assert (again.items_seen, again.etag, again.newest_published.isoformat()) == (1, '"x"', "2026-12-01")
        assert again.last_success.tzinfo is not None


def test_a_feed_that_is_not_one_is_a_recorded_failure(site, store, pipeline):
    site.set("/feed.xml", "<html><body>moved to our app</body></html>")
    src = Source(site.url("/feed.xml"), "f", 60, kind="feed", allow_private=True)
    w = _watcher(store, pipeline, [src])
    w.run(once=True)
    st = WatchState(store).source(src.url)
    assert st.failures == 1 and "not an RSS or Atom feed" in st.last_error and _articles(store) == 0
    w.close()


def test_progress_line_on_a_terminal(site, tmp_path):
    import pty

    urls = _serve_articles(site, 1)
    site.set("/feed.xml", rss([(urls[0], "a")]), content_type="application/rss+xml")
    sources = tmp_path / "s.toml"
    sources.write_text(f'[[source]]\nurl = "{site.url("/feed.xml")}"\nallow_private = true\n', encoding="utf-8")
    main, sub = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "eventwire", "watch", "--once", "--sources", str(sources),
                             "--db", str(tmp_path / "w.db")], stderr=sub, stdout=subprocess.DEVNULL)
    os.close(sub)
    chunks = []
    try:
        while True:  # bounded: the process ends (or the timeout below kills it) and the pty closes
            try:
                data = os.read(main, 4096)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        proc.wait(timeout=300)
        os.close(main)
    text = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0, text
    assert "\rwatch: round 1, 1 new items, 1 stored, 0 source errors" in text.replace("\x1b[K", "")
    assert "{" not in text  # no JSON logs on a terminal


def test_each_source_is_polled_on_its_own_interval(site, store, pipeline):
    site.set("/fast.xml", rss([]), content_type="application/rss+xml")
    site.set("/slow.xml", rss([]), content_type="application/rss+xml")
    w = _watcher(store, pipeline, [Source(site.url("/fast.xml"), "fast", 1, allow_private=True),
                                   Source(site.url("/slow.xml"), "slow", 60, allow_private=True)])
    w.run(max_seconds=3.5)  # bounded in time; never stopped by hand
    fast, slow = len(site.requests("/fast.xml")), len(site.requests("/slow.xml"))
    assert slow == 1 and 3 <= fast <= 5, (fast, slow)
    w.close()


def test_a_restart_fuses_what_an_interrupted_run_stored_and_runs_the_hook(site, store, pipeline):
    # As if killed after storing an article but before fusing it: stored through the ingest path, not fused.
    from eventwire.ingest import IngestSummary
    from eventwire.sources import RawInput

    ing = Ingester(store, load_pipeline=False)
    ing.pipeline = pipeline
    for i, page in enumerate(PAGES):  # until a page with events is stored (bounded: six pages)
        ing.ingest_one(RawInput(f"story-{i}", page, url=site.url(f"/news/2026/12/story-{i}")), IngestSummary())
        if store.counts()["events"]:
            break
    assert store.counts()["events"] > 0
    site.set("/feed.xml", rss([]), content_type="application/rss+xml")
    calls = []
    w = _watcher(store, pipeline, [Source(site.url("/feed.xml"), "f", 60, allow_private=True)],
                 on_fused=lambda s: calls.append(s))
    w.run(once=True)  # nothing new on the server
    from eventwire.fusion import unfused_count

    assert unfused_count(store) == 0 and calls == [store]
    w.close()


def test_an_unreadable_page_is_logged_with_its_reason_and_not_retried(site, store, pipeline, capsys):
    site.set("/news/2026/12/empty-story", "<html><body></body></html>")
    site.set("/feed.xml", rss([(site.url("/news/2026/12/empty-story"), "empty")]), content_type="application/rss+xml")
    events: list = []
    w = _watcher(store, pipeline, [Source(site.url("/feed.xml"), "f", 60, allow_private=True)], events=events)
    w.run(once=True)
    w.run(once=True)
    items = [d["outcome"] for e, d in events if e == "item"]
    assert len(items) == 1 and items[0].startswith("failed: ") and len(items[0]) > len("failed: ")
    assert "empty-story" not in capsys.readouterr().err  # in the structured log, not bare on stderr
    assert len(site.requests("/news/2026/12/empty-story")) == 1
    w.close()
