#!/usr/bin/env python3
"""Write the README's screenshot of the dashboard's main page (docs/dashboard.png, 1280x800).

    PYTHONPATH=src .venv/bin/python scripts/screenshot-dashboard.py [--db STORE] [--out PNG] [INPUT ...]

Without --db, the INPUTs (default: the bundled samples/) are ingested into a temporary store first; the
committed docs/dashboard.png was made from samples/ plus ../shared/data/fusion-dev/fd*.txt, the store the
browser tests use. Runs `eventwire serve` on 127.0.0.1 and Debian's Chromium through Playwright (as
tests/e2e do); every request the page makes stays on this machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("EVENTWIRE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(db: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "eventwire", "serve", "--db", db, "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/api/events?limit=1", timeout=2).read()
            return proc, base
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                sys.exit("screenshot-dashboard: eventwire serve did not start")
            time.sleep(0.2)


def _shoot(base: str, out: Path, width: int, height: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith((base, "data:")) else r.abort())
        page.goto(base + "/")
        page.wait_for_function("document.body.dataset.ready === '1' && document.body.dataset.busy === '0'",
                               timeout=60000)
        page.wait_for_timeout(500)  # let the clusters' zoom animation settle
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
        browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="an existing store (default: ingest INPUT into a temporary one)")
    ap.add_argument("--out", default=str(ROOT / "docs" / "dashboard.png"))
    ap.add_argument("--size", default="1280x800", help="viewport WIDTHxHEIGHT")
    ap.add_argument("inputs", nargs="*", help="files or folders to ingest (default: samples/)")
    args = ap.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if not db:
            db = str(Path(tmp) / "events.db")
            proc = subprocess.run([sys.executable, "-m", "eventwire", "ingest", "--db", db, "--quiet",
                                   *(args.inputs or [str(ROOT / "samples")])], capture_output=True, text=True)
            if proc.returncode:
                sys.exit(f"screenshot-dashboard: ingest failed: {proc.stderr.strip()}")
        server, base = _serve(db)
        try:
            _shoot(base, Path(args.out), width, height)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
