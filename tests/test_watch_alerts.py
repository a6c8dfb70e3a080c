"""The monitor and the alerts joined (issue 12), through the real CLI: `eventwire watch` polls a server on
127.0.0.1 whose feed changes between polls, ingests exactly the new articles, and fires each matching
event's alert once to a webhook receiver on loopback that checks the HMAC signature; killed with kill -9
mid-poll and started again, it ends with the store and the alerts of an uninterrupted run.

The articles are fusion-dev texts (read from ../shared, served as article pages): a suicide bombing in
Mogadishu (fd14), its syndicated copy (fd11), a second outlet on it (fd22), a different bombing in
Mogadishu four days later (fd27), and events elsewhere (Djibo, Zhytomyr, Dikwa). The rule watches
explosions within 50 km of Mogadishu, so the other events (other places, and a battle in Mogadishu that
fd22 reports) must stay silent. A second rule watches 50 km around Dikwa (fd07: 14 dead, then
fd10: 12, from another outlet: one more alert). Every loop is bounded: `watch --once`, subprocess timeouts.
"""

from __future__ import annotations

import html
import json
import math
import os
import signal
import subprocess
import sys
import time

import pytest

from eventwire.fusion import unfused_count
from eventwire.store import Store

from .conftest import need
from .test_alerts import FUSION_DEV
from .test_alerts_webhook import Receiver, _env
from .test_watch_restart import _signal_at_kth_article, _snapshot
from .webserver import Site, rss

RULE = ["--near", "Mogadishu", "--radius", "50km", "--types", "Explosions/Remote violence"]
TIMEOUT = 300


def _page(name: str) -> str:
    """A fusion-dev article as a news page: its headline, then its paragraphs."""
    text = need(FUSION_DEV / f"{name}.txt").read_text("utf-8")
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paras[1:])
    title = html.escape(paras[0])
    return (f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{title}</h1>{body}</article></body></html>")


class Feed:
    """One RSS feed on a local Site to which each call of ``publish`` adds articles (newest first)."""

    def __init__(self, site: Site) -> None:
        self.site, self.items = site, []
        site.set("/feed.xml", rss([]), content_type="application/rss+xml", etag='"0"')

    def publish(self, *names: str) -> None:
        for n in names:
            path = f"/news/2024/{n}-story"
            self.site.set(path, _page(n))
            self.items.insert(0, (self.site.url(path), f"story {n}"))
        self.site.set("/feed.xml", rss(self.items), content_type="application/rss+xml", etag=f'"{len(self.items)}"')


def _cli(*args: str, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwire", *args], capture_output=True, text=True,
                          timeout=timeout, env=_env())


def _setup(tmp_path, site: Site, rx: Receiver, name: str) -> tuple[str, str]:
    sources, db = str(tmp_path / f"{name}.toml"), str(tmp_path / f"{name}.db")
    r = _cli("sources", "add", site.url("/feed.xml"), "--name", "local", "--interval", "2s", "--allow-private",
             "--sources", sources)
    assert r.returncode == 0, r.stderr
    r = _cli("alerts", "add", "--db", db, *RULE, "--webhook", rx.url, "--secret-env", "EW_HOOK_SECRET")
    assert r.returncode == 0, r.stderr
    return sources, db


def _once(sources: str, db: str) -> list[dict]:
    r = _cli("watch", "--once", "--sources", sources, "--db", db)
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stderr.splitlines() if line.startswith("{")]


def _events(db: str) -> list[dict]:
    r = _cli("events", "--db", db, "--json")
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


def _km(a: dict, lat: float, lon: float) -> float:
    p1, p2 = math.radians(a["lat"]), math.radians(lat)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon - a["lon"]) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _matching(db: str) -> tuple[set[str], set[str]]:
    """Fused event ids the (first) rule matches and those it does not, decided here from `eventwire
    events` and the rule's centre as `alerts list` shows it."""
    rule = json.loads(_cli("alerts", "list", "--db", db, "--json").stdout.splitlines()[0])["filters"]
    yes, no = set(), set()
    for e in _events(db):
        loc = e.get("location") or {}
        inside = loc.get("lat") is not None and _km(loc, rule["lat"], rule["lon"]) <= rule["radius_km"]
        (yes if inside and e["event_type"] in rule["types"] else no).add(e["id"])
    return yes, no


def _outcomes(logs: list[dict]) -> dict[str, str]:
    """Each handled item's outcome, by article name: exactly the new items of the poll."""
    return {x["url"].rsplit("/", 1)[1].removesuffix("-story"): x["outcome"] for x in logs if x["event"] == "item"}


def _new(rx: Receiver, seen: int) -> list[dict]:
    return [r["json"] for r in rx.requests[seen:]]


def test_each_matching_event_alerts_once_across_polls(tmp_path):
    site = Site()
    try:
        feed = Feed(site)
        with Receiver() as rx:
            sources, db = _setup(tmp_path, site, rx, "polls")
            # A second rule, on the Dikwa base attack (its reports differ on the death toll).
            r = _cli("alerts", "add", "--db", db, "--name", "dikwa", "--near", "Dikwa", "--radius", "50km",
                     "--webhook", rx.url, "--secret-env", "EW_HOOK_SECRET")
            assert r.returncode == 0, r.stderr
            # Poll 1: the Mogadishu bombing (matches) and the Djibo strike (elsewhere).
            feed.publish("fd14", "fd09")
            logs = _once(sources, db)
            assert _outcomes(logs) == {"fd14": "stored", "fd09": "stored"}
            got = _new(rx, 0)
            assert [(a["reasons"], a["event"]["event_type"]) for a in got] == [(["new"], "Explosions/Remote violence")]
            key = got[0]["event_key"]
            # Poll 2: a syndicated copy of the bombing (nothing material) and a drone strike in Zhytomyr.
            feed.publish("fd11", "fd30")
            logs = _once(sources, db)
            assert _outcomes(logs) == {"fd11": "duplicate", "fd30": "stored"}  # the copy: a near-duplicate
            assert _new(rx, 1) == []
            # Poll 3: a second outlet on the bombing (a new independent source) and another bombing.
            feed.publish("fd22", "fd27")
            assert _outcomes(_once(sources, db)) == {"fd22": "stored", "fd27": "stored"}
            got = _new(rx, 1)
            assert sorted((a["event_key"] == key, a["reasons"]) for a in got) == [(False, ["new"]), (True, ["sources"])]
            assert [a["event"]["sources_independent"] for a in got if a["event_key"] == key] == [2]
            # Poll 4: the feed is unchanged (a conditional GET, 304): no article fetched, no alert.
            before = len(site.requests())
            logs = _once(sources, db)
            polled = site.requests()[before:]
            assert not [p for p, _h in polled if p.startswith("/news/")]
            assert [h.get("if-none-match") for p, h in polled if p == "/feed.xml"] == ['"6"']
            assert [x for x in logs if x["event"] == "item"] == [] and len(rx.requests) == 3
            # Polls 5 and 6: Dikwa, 14 dead (the second rule: new), then another outlet's 12: one more
            # alert, for the new figure (the fused figure is the lowest credible one) and the new source.
            feed.publish("fd07")
            assert _outcomes(_once(sources, db)) == {"fd07": "stored"}
            assert [(a["alert"]["name"], a["reasons"], a["event"]["fatalities"]) for a in _new(rx, 3)] == \
                [("dikwa", ["new"], 14)]
            feed.publish("fd10")
            assert _outcomes(_once(sources, db)) == {"fd10": "stored"}
            dikwa = rx.requests[3]["json"]["event_key"]
            got = _new(rx, 4)
            assert [(sorted(a["reasons"]), a["event"]["fatalities"]) for a in got if a["event_key"] == dikwa] == \
                [(["fatalities", "sources"], 12)]
            # (fd10 may report a further event near Dikwa: a first alert of its own, nothing else)
            assert all(a["reasons"] == ["new"] for a in got if a["event_key"] != dikwa)
            n_dikwa = 1 + len(got)
        # each of the six articles fetched once
        assert sorted(len(site.requests(p)) for p in {p for p, _h in site.requests() if p.startswith("/news/")}) \
            == [1] * 8
    finally:
        site.close()
    assert all(r["signed"] for r in rx.requests)
    assert len(rx.delivered()) == len(rx.requests) == 3 + n_dikwa  # no delivery sent twice
    firsts = [(r["json"]["alert"]["name"], r["json"]["event_key"]) for r in rx.requests
              if r["json"]["reasons"] == ["new"]]
    assert len(firsts) == len(set(firsts))  # no event announced twice by a rule
    alerts = [r["json"] for r in rx.requests if r["json"]["alert"]["name"] != "dikwa"]  # the Mogadishu rule's
    yes, no = _matching(db)
    # Every matching event alerted exactly once as new; nothing for the others (which exist: other
    # places, and a battle inside the area).
    # (an alert's event_key stays the event's first fused id; fusion may give it a new id, the one in
    # the alert's event and in `eventwire events`)
    current = {a["event_key"]: a["event"]["id"] for a in alerts}  # the last alert on each event
    assert sorted(a["event_key"] for a in alerts if a["reasons"] == ["new"]) == sorted(current)
    assert set(current.values()) == yes and len(yes) == 2
    assert len(no) >= 3 and any(e["event_type"] != "Explosions/Remote violence" and e["id"] in no
                                and e["location"]["name"] == "Mogadishu" for e in _events(db))


def _alerts_seen(rx: Receiver) -> list[tuple]:
    """What an alert says, without its delivery id or timestamps."""
    return sorted((a["alert"]["name"], a["event_key"], tuple(a["reasons"]), a["event"]["fatalities"],
                   a["event"]["sources_independent"], a["event"]["contested"]) for a in rx.delivered().values())


FIRST, THEN = ("fd14", "fd09"), ("fd07", "fd11", "fd22", "fd10", "fd27")  # the feed lists THEN newest first
LAST = THEN[0]  # the last of the second poll's articles to be read (the oldest new item)


@pytest.fixture(scope="module")
def shared_site():
    s = Site()  # one server for every run: the same URLs, hence the same article ids
    yield s
    s.close()


def _two_polls(tmp_path, site: Site, name: str, second) -> tuple[dict, Receiver, str]:
    """A store and a receiver: the first poll run with --once, the second by ``second(sources, db)``."""
    feed = Feed(site)  # the feed starts empty again
    with Receiver() as rx:
        sources, db = _setup(tmp_path, site, rx, name)
        feed.publish(*FIRST)
        _once(sources, db)
        feed.publish(*THEN)
        second(sources, db)
    return _snapshot(db), rx, db


@pytest.fixture(scope="module")
def reference(shared_site, tmp_path_factory):
    """The uninterrupted run on a fresh store."""
    return _two_polls(tmp_path_factory.mktemp("ref"), shared_site, "ref", _once)


def _kill_at_third_request(site: Site, sources: str, db: str) -> None:
    # The server kills the monitor from inside the 3rd article request: nothing of the poll is stored yet.
    for n in THEN:
        site.routes[f"/news/2024/{n}-story"].delay = 0.3
    box: list = []
    fired = _signal_at_kth_article(site, box, signal.SIGKILL)
    proc = subprocess.Popen([sys.executable, "-m", "eventwire", "watch", "--sources", sources, "--db", db],
                            stderr=subprocess.PIPE, text=True, env=_env())
    box.append(proc)
    try:
        proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
        site.on_request = None
    assert fired.is_set() and proc.returncode == -signal.SIGKILL


def _kill_after_four_stored(site: Site, sources: str, db: str) -> None:
    # The last article is slow to come: the monitor stores the four before it (read in feed order) and
    # waits; killed then, it leaves stored articles that no fusion round (and no alert run) has seen.
    site.routes[f"/news/2024/{LAST}-story"].delay = 30.0
    proc = subprocess.Popen([sys.executable, "-m", "eventwire", "watch", "--sources", sources, "--db", db],
                            stderr=subprocess.DEVNULL, env=_env())
    try:
        deadline = time.monotonic() + TIMEOUT
        while len(_snapshot(db)["articles"]) < len(FIRST) + len(THEN) - 1:  # bounded by the deadline
            assert proc.poll() is None and time.monotonic() < deadline, "the monitor did not store the four"
            time.sleep(0.2)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
        site.routes[f"/news/2024/{LAST}-story"].delay = 0.0
    assert proc.returncode == -signal.SIGKILL
    with Store(db) as s:
        assert unfused_count(s) > 0  # the restart has fusion (and alerts) to catch up on


@pytest.mark.parametrize("kill", [_kill_at_third_request, _kill_after_four_stored],
                         ids=["at-3rd-article-request", "after-4-stored-unfused"])
def test_kill_9_mid_poll_then_restart_matches_an_uninterrupted_run(shared_site, reference, tmp_path, kill):
    """Two polls; the second is killed (kill -9) and the monitor run again with --once (twice: the
    second run must find nothing to do). The store (articles, events, fused events and their reports,
    items seen) and the alerts received (rule, event key, reasons, facts; delivery ids and times left out)
    equal those of the uninterrupted run. The kill lands before the round's alert run, so no alert is in
    flight: the receiver must get each delivery once, without de-duplicating by X-Eventwire-Delivery."""

    def second(sources: str, db: str) -> None:
        kill(shared_site, sources, db)
        assert len(_snapshot(db)["items"]) < len(FIRST) + len(THEN)  # killed mid-poll
        _once(sources, db)
        _once(sources, db)

    cut, cut_rx, cut_db = _two_polls(tmp_path, shared_site, "cut", second)
    ref, ref_rx, ref_db = reference
    assert len(ref["articles"]) == len(FIRST) + len(THEN) and ref["fused"]
    assert cut == ref
    assert all(r["signed"] for r in ref_rx.requests + cut_rx.requests)
    assert len(cut_rx.requests) == len(cut_rx.delivered())
    assert _alerts_seen(cut_rx) == _alerts_seen(ref_rx)
    assert sorted(r for _n, _k, r, *_f in _alerts_seen(ref_rx)) == [("new",), ("new",), ("sources",)]
    yes = _matching(ref_db)[0]
    assert _matching(cut_db)[0] == yes == {a["event"]["id"] for a in ref_rx.delivered().values()} & yes
    assert len(yes) == 2


@pytest.fixture(autouse=True)
def _no_stray_env(monkeypatch):
    # the CLI runs get their settings from _env(); keep a caller's store out of them
    monkeypatch.delenv("EVENTWIRE_DB", raising=False)
