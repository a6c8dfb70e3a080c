"""Restarting `eventwire watch`: killed (kill -9) or stopped (SIGTERM) mid-poll, it ends as an uninterrupted run does.

The server signals the monitor itself, from inside the K-th article request, so the kill lands mid-poll
every time. Every wait is bounded (process timeouts, at most a few --once runs).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading

import pytest
from sqlalchemy import select

from eventwire.store import Store
from eventwire.store import schema as t

from .webserver import Site, rss, sample_pages

N = 6  # articles on the server
K = 3  # the article request during which the monitor is signalled


@pytest.fixture
def site():
    s = Site()
    pages = sample_pages()
    links = []
    for i in range(N):
        path = f"/news/2026/12/story-{i}"
        s.set(path, pages[i], delay=0.2)
        links.append(s.url(path))
    s.set("/feed.xml", rss([(u, f"story {i}") for i, u in enumerate(links)]), content_type="application/rss+xml")
    yield s
    s.close()


def _sources(tmp_path, site) -> str:
    path = tmp_path / "sources.toml"
    path.write_text(f'[[source]]\nurl = "{site.url("/feed.xml")}"\nname = "local"\ninterval = "2s"\n'
                    "allow_private = true\n", encoding="utf-8")
    return str(path)


def _watch(*args) -> list[str]:
    return [sys.executable, "-m", "eventwire", "watch", *args]


def _snapshot(db: str) -> dict:
    with Store(db) as s, s.engine.connect() as conn:
        def ids(col):
            return sorted(conn.execute(select(col)).scalars())

        return {"articles": ids(t.articles.c.id), "events": ids(t.events.c.id),
                "fused": ids(t.fused_events.c.id), "fused_reports": ids(t.fused_reports.c.event_id),
                "items": ids(t.watch_items.c.url),
                "items_seen": conn.execute(select(t.watch_sources.c.items_seen)).scalar_one()}


def _signal_at_kth_article(site: Site, proc_box: list, sig: int) -> threading.Event:
    fired = threading.Event()
    count = {"n": 0}
    lock = threading.Lock()

    def on_request(path: str) -> None:
        if not path.startswith("/news/"):
            return
        with lock:
            count["n"] += 1
            if count["n"] == K and proc_box:
                os.kill(proc_box[0].pid, sig)
                fired.set()

    site.on_request = on_request
    return fired


def _finish(sources: str, db: str) -> None:
    for _ in range(3):  # bounded: one run is enough, the others would be no-ops
        r = subprocess.run(_watch("--once", "--sources", sources, "--db", db), capture_output=True, text=True,
                           timeout=300)
        assert r.returncode == 0, r.stderr
        if len(_snapshot(db)["items"]) == N:
            return
    raise AssertionError("the restarted monitor did not finish")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
def test_restart_after_interruption_matches_an_uninterrupted_run(site, tmp_path, sig):
    sources = _sources(tmp_path, site)
    ref_db, db = str(tmp_path / "ref.db"), str(tmp_path / "cut.db")
    r = subprocess.run(_watch("--once", "--sources", sources, "--db", ref_db), capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    ref = _snapshot(ref_db)
    assert len(ref["articles"]) == N and ref["items_seen"] == N and ref["fused"]

    box: list = []
    fired = _signal_at_kth_article(site, box, sig)
    proc = subprocess.Popen(_watch("--sources", sources, "--db", db), stderr=subprocess.PIPE, text=True)
    box.append(proc)
    try:
        _err = proc.communicate(timeout=300)[1]
    finally:
        if proc.poll() is None:
            proc.kill()
    site.on_request = None
    assert fired.is_set()
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
    else:
        # Stopped cleanly: the article in hand finished, state saved, exit 0, fewer than all articles.
        assert proc.returncode == 0, _err
        assert json.loads(_err.strip().splitlines()[-1])["event"] == "stopped"
    cut = _snapshot(db)
    assert len(cut["articles"]) < N  # interrupted mid-poll
    assert len(cut["items"]) <= len(cut["articles"])  # an item is seen only once its article is stored
    _finish(sources, db)
    after = _snapshot(db)
    assert after == ref
