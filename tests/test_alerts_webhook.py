"""Alert webhooks against a receiver on loopback: signed (HMAC-SHA256 of timestamp.body), each alert
received exactly once, retried with backoff after failures, kept for a later run while the receiver
is down, and delivered exactly once after the process is killed between recording and sending.

Every loop is bounded: the receiver answers within seconds, subprocesses have timeouts, and the
retry settings are shortened through the environment.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from eventwire.store import Store

from .test_alerts import BACKENDS, FUSION_DEV, cli, fresh_db, need, put_fused

SECRET = "a-shared-secret-of-some-length"
FAST = {"EVENTWIRE_ALERT_TRIES": "3", "EVENTWIRE_ALERT_BACKOFF": "0.02", "EVENTWIRE_ALERT_TIMEOUT": "5",
        "EVENTWIRE_ALERT_BUDGET": "20", "EVENTWIRE_ALERT_RETRY_AFTER": "0", "EVENTWIRE_ALERT_LEASE": "1"}


class Receiver:
    """A webhook receiver on 127.0.0.1: checks each request's signature, answers from a script of
    status codes (then 200), and can hold requests until released (to kill the sender meanwhile)."""

    def __init__(self, statuses: list[int] | None = None, hold: bool = False):
        self.statuses = list(statuses or [])
        self.requests: list[dict] = []
        self.hold = threading.Event() if hold else None
        self.arrived = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                ts = self.headers.get("X-Eventwire-Timestamp", "")
                want = "sha256=" + hmac.new(SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
                got = self.headers.get("X-Eventwire-Signature", "")
                outer.requests.append({"id": self.headers.get("X-Eventwire-Delivery"), "body": body,
                                       "signed": hmac.compare_digest(want, got), "json": json.loads(body)})
                outer.arrived.set()
                if outer.hold is not None:
                    outer.hold.wait(30)  # bounded: the test releases it or kills the sender first
                status = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.hold is not None:
            self.hold.set()
        self.server.shutdown()
        self.server.server_close()

    def delivered(self) -> dict[str, dict]:
        """Alerts received, one per delivery id (what a receiver de-duplicating by the header keeps)."""
        return {r["id"]: r["json"] for r in self.requests}


@pytest.fixture
def fast(monkeypatch):
    for k, v in FAST.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("EW_HOOK_SECRET", SECRET)


@pytest.fixture(params=BACKENDS)
def sim(request, tmp_path):
    s = Store(fresh_db(request.param, tmp_path, "hook"))
    yield s
    s.close()


def add_hook(store: Store, url: str, name: str = "bf") -> None:
    from eventwire.alerts import registry
    from eventwire.alerts.rules import Deliveries, Filters
    from eventwire.alerts.run import record

    with store.engine.begin() as conn:
        registry.add(conn, name, Filters(country="BF"), Deliveries(webhook=url, secret_env="EW_HOOK_SECRET"), None,
                     False)
    record(store)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_each_alert_is_posted_once_and_signed(sim, fast):
    from eventwire.alerts import run_alerts

    with Receiver() as rx:
        add_hook(sim, rx.url)
        put_fused(sim, {"F1": {"members": ["r1"]}, "F2": {"members": ["r2"], "fatalities": 3}})
        s = run_alerts(sim)
        assert (s.fired, s.delivered, s.pending) == (2, 2, 0)
        run_alerts(sim)  # nothing new: nothing sent
        put_fused(sim, {"F1": {"members": ["r1"]}, "F2": {"members": ["r2", "r3"], "fatalities": 3, "sources": 2}})
        run_alerts(sim)
    assert all(r["signed"] for r in rx.requests)
    assert len(rx.requests) == len(rx.delivered()) == 3
    assert sorted((a["event_key"], tuple(a["reasons"])) for a in rx.delivered().values()) == \
        [("F1", ("new",)), ("F2", ("new",)), ("F2", ("sources",))]
    assert all(r["json"]["delivery_id"] == r["id"] for r in rx.requests)


def test_a_receiver_failing_twice_gets_it_once_after_retries(sim, fast):
    from eventwire.alerts import run_alerts

    with Receiver(statuses=[500, 503]) as rx:
        add_hook(sim, rx.url)
        put_fused(sim, {"F1": {"members": ["r1"]}})
        s = run_alerts(sim)
    assert (s.delivered, s.failed, s.pending) == (1, 0, 0)
    assert len(rx.requests) == 3 and len(rx.delivered()) == 1  # two refused, the third taken
    assert len({r["body"] for r in rx.requests}) == 1  # the same body each time


def test_a_receiver_down_keeps_the_alert_for_the_next_run(sim, fast):
    from eventwire.alerts import run_alerts

    url = f"http://127.0.0.1:{free_port()}/hook"
    add_hook(sim, url)
    put_fused(sim, {"F1": {"members": ["r1"]}})
    s = run_alerts(sim)
    assert (s.fired, s.delivered, s.failed, s.pending) == (1, 0, 1, 1)
    assert "webhook" in s.errors[0]
    # A receiver answering 500 every time: still pending, the error recorded, the loop bounded.
    with Receiver(statuses=[500] * 3) as rx:
        from eventwire.alerts.rules import Deliveries

        with sim.engine.begin() as conn:
            from sqlalchemy import update

            from eventwire.store import schema as t

            conn.execute(update(t.alerts).values(deliveries=Deliveries(webhook=rx.url,
                                                                       secret_env="EW_HOOK_SECRET").to_json()))
            conn.execute(update(t.alert_outbox).values(target=rx.url))
        t0 = time.monotonic()
        s = run_alerts(sim)
        assert time.monotonic() - t0 < 15
        assert (s.delivered, s.pending) == (0, 1) and "HTTP 500" in s.errors[0]
        s = run_alerts(sim)  # the receiver is fine now
        assert (s.delivered, s.pending) == (1, 0)
    assert len(rx.delivered()) == 1 and len(rx.requests) == 4


def test_a_missing_secret_variable_waits_and_says_so(sim, fast, monkeypatch):
    from eventwire.alerts import run_alerts

    with Receiver() as rx:
        add_hook(sim, rx.url)
        monkeypatch.delenv("EW_HOOK_SECRET")
        put_fused(sim, {"F1": {"members": ["r1"]}})
        s = run_alerts(sim)
        assert s.pending == 1 and "$EW_HOOK_SECRET" in s.errors[0] and SECRET not in s.errors[0]
        monkeypatch.setenv("EW_HOOK_SECRET", SECRET)
        assert run_alerts(sim).delivered == 1
    assert [r["signed"] for r in rx.requests] == [True]


# ---- restarts: the processes are really killed ------------------------------------------------


def _env(**extra) -> dict:
    return {**os.environ, **FAST, "EW_HOOK_SECRET": SECRET, **extra}


def _setup(backend: str, tmp_path, name: str, url: str) -> str:
    db = fresh_db(backend, tmp_path, name)
    put = Store(db)
    try:
        add_hook(put, url)
        put_fused(put, {"F1": {"members": ["r1"], "fatalities": 2}, "F2": {"members": ["r2"]},
                        "F9": {"members": ["r9"], "country": "ML"}})
    finally:
        put.close()
    return db


@pytest.mark.parametrize("backend", BACKENDS)
def test_killed_after_recording_and_before_sending_delivers_once_on_restart(backend, tmp_path):
    with Receiver() as rx:
        db = _setup(backend, tmp_path, "crash", rx.url)
        crashed = cli("alerts", "run", "--db", db, env=_env(EVENTWIRE_TEST_EXIT_AFTER_RECORD="1"), timeout=120)
        assert crashed.returncode == 9
        assert rx.requests == []
        again = cli("alerts", "run", "--db", db, env=_env(), timeout=120)
        assert again.returncode == 0, again.stderr
        assert "0 fired" in again.stderr and "2 delivered" in again.stderr
        cli("alerts", "run", "--db", db, env=_env(), timeout=120)
        # The same as a run that was never interrupted.
        with Receiver() as rx2:
            calm = _setup(backend, tmp_path, "calm", rx2.url)
            assert cli("alerts", "run", "--db", calm, env=_env(), timeout=120).returncode == 0
    assert len(rx.requests) == 2 and all(r["signed"] for r in rx.requests)

    def seen(r):
        return sorted((a["alert"]["name"], a["event_key"], tuple(a["reasons"]), a["event"]["fatalities"])
                      for a in r.delivered().values())

    assert seen(rx) == seen(rx2)


@pytest.mark.parametrize("backend", BACKENDS[:1])
def test_killed_while_posting_sends_again_with_the_same_delivery_id(backend, tmp_path):
    """kill -9 after the receiver got the POST and before the sender marked it: at least once, and the
    repeat carries the same X-Eventwire-Delivery, so the receiver keeps one."""
    with Receiver(hold=True) as rx:
        db = _setup(backend, tmp_path, "kill", rx.url)
        proc = subprocess.Popen([sys.executable, "-m", "eventwire", "alerts", "run", "--db", db], env=_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert rx.arrived.wait(60)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(30)
        finally:
            if proc.poll() is None:
                proc.kill()
        rx.hold.set()
        first = rx.requests[0]["id"]
        time.sleep(1.2)  # the killed sender's lease (1 s in these tests) runs out
        again = cli("alerts", "run", "--db", db, env=_env(), timeout=120)
        assert again.returncode == 0, again.stderr
    ids = [r["id"] for r in rx.requests]
    assert ids.count(first) == 2  # sent again after the kill...
    assert len(rx.delivered()) == 2  # ...but one alert per event for a receiver keeping one per id
    assert len(ids) == 3


@pytest.mark.parametrize("backend", BACKENDS[:1])
def test_ingest_posts_each_new_event_once(backend, tmp_path):
    """Through the real CLI: alerts on Burkina Faso, two articles on the Djibo strike, one from Somalia."""
    db = fresh_db(backend, tmp_path, "ing")
    with Receiver() as rx:
        added = cli("alerts", "add", "--db", db, "--country", "BF", "--webhook", rx.url, "--secret-env",
                    "EW_HOOK_SECRET", env=_env())
        assert added.returncode == 0, added.stderr
        for name in ("fd09", "fd14", "fd09"):
            proc = cli("ingest", "--db", db, "--quiet", str(need(FUSION_DEV / f"{name}.txt")), env=_env())
            assert proc.returncode == 0, proc.stderr
    assert all(r["signed"] for r in rx.requests)
    got = list(rx.delivered().values())
    assert len(rx.requests) == len(got) == 1
    assert got[0]["event"]["location"]["country"] == "BF" and got[0]["reasons"] == ["new"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_runs_at_once_send_each_alert_once(backend, tmp_path):
    """An ingest and a cron `alerts run` at the same moment: recording and claiming take turns."""
    with Receiver() as rx:
        db = _setup(backend, tmp_path, "twice", rx.url)
        procs = [subprocess.Popen([sys.executable, "-m", "eventwire", "alerts", "run", "--db", db], env=_env(),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
        try:
            outs = [p.communicate(timeout=120) for p in procs]
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
        assert [p.returncode for p in procs] == [0, 0, 0], outs
    assert len(rx.requests) == 2 and len(rx.delivered()) == 2
    assert sum(int(err.split(" fired")[0].split()[-1]) for _o, err in outs) == 2
