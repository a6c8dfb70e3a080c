"""Browser tests of the dashboard: a real `eventwire serve` on 127.0.0.1 over a store holding the bundled sample
and the fusion-dev articles, driven by Debian's Chromium through Playwright (no browser download).

Every test saves a screenshot of its page under ``build/screenshots/`` (or $EVENTWIRE_SCREENSHOTS).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ..conftest import SHARED, need

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("EVENTWIRE_SCREENSHOTS", ROOT / "build" / "screenshots"))
CHROMIUM = os.environ.get("EVENTWIRE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# As the machine's probe found: without the background-networking flags Chromium keeps calling Google's
# hosts, which a closed network refuses; the pages themselves must need no request off the machine.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwire", *args], capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("dash") / "events.db")
    fusion_dev = need(SHARED / "data" / "fusion-dev")
    proc = _cli("ingest", "--db", db, "--quiet", str(ROOT / "samples"),
                *sorted(str(p) for p in fusion_dev.glob("fd*.txt")))
    assert proc.returncode == 0, proc.stderr
    return db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(sample_db) -> str:
    """The base URL of `eventwire serve` over the sample store."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "eventwire", "serve", "--db", sample_db, "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/api/events?limit=1", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"eventwire serve did not start: {proc.stderr.read() if proc.stderr else ''}")
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    # Module-scoped: Playwright's sync API keeps an asyncio loop running in this thread while it is
    # open, and later test files call asyncio.run().
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run scripts/install-chromium.sh (or set EVENTWIRE_CHROMIUM)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server, request):
    """A fresh page at laptop size; any request that leaves 127.0.0.1 fails the test. Saves a screenshot."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
    pg = context.new_page()
    off_machine: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(server) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            off_machine.append(url)
            route.abort()

    pg.route("**/*", guard)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not off_machine, f"requests left the machine: {off_machine[:5]}"
    assert not errors, f"JavaScript errors on the page: {errors[:5]}"
