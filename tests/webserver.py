"""A scripted HTTP server on 127.0.0.1 for the monitor's tests (started and stopped by the tests).

Each path answers what the test set for it: a body (with an ETag honoured by 304), a status, a
delay, a redirect, or a body streamed to a given size. Every request is logged with its headers.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None
    delay: float = 0.0  # seconds before answering
    location: str | None = None  # a redirect's target
    stream_bytes: int = 0  # stream this many bytes without Content-Length (oversized responses)
    headers: dict[str, str] = field(default_factory=dict)


class Site:
    """One server (one host:port); ``routes`` maps a path to its Route."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[tuple[str, dict[str, str]]] = []
        self.streamed = 0  # bytes of the last streamed body actually written
        self.lock = threading.Lock()
        self.on_request = None  # optional callable(path), run before answering
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_a) -> None:
                pass

            def do_GET(self) -> None:
                site._answer(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def set(self, path: str, body: bytes | str = b"", **kw) -> Route:
        route = Route(body.encode("utf-8") if isinstance(body, str) else body, **kw)
        with self.lock:
            self.routes[path] = route
        return route

    def requests(self, path: str | None = None) -> list[tuple[str, dict[str, str]]]:
        with self.lock:
            return [r for r in self.log if path is None or r[0] == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0]
        with self.lock:
            self.log.append((path, {k.lower(): v for k, v in h.headers.items()}))
            route = self.routes.get(path)
        if self.on_request:
            self.on_request(path)
        if route is None:
            h.send_response(404)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        if route.delay:
            time.sleep(route.delay)
        try:
            if route.etag and h.headers.get("If-None-Match") == route.etag:
                h.send_response(304)
                h.send_header("ETag", route.etag)
                h.end_headers()
                return
            h.send_response(route.status)
            for k, v in route.headers.items():
                h.send_header(k, v)
            if route.location:
                h.send_header("Location", route.location)
            if route.etag:
                h.send_header("ETag", route.etag)
            h.send_header("Content-Type", route.content_type)
            h.send_header("Last-Modified", format_datetime(_EPOCH, usegmt=True))
            if route.stream_bytes:
                h.end_headers()
                self.streamed = 0
                chunk = b"x" * 65536
                while self.streamed < route.stream_bytes:
                    h.wfile.write(chunk)
                    self.streamed += len(chunk)
                return
            h.send_header("Content-Length", str(len(route.body)))
            h.end_headers()
            h.wfile.write(route.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up (a refused oversized body, a timeout): what some tests want


_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def rss(items: list[tuple[str, str]], title: str = "Test feed") -> str:
    """An RSS 2.0 feed of (link, title) items."""
    body = "".join(f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
                   f"<pubDate>Mon, 30 Nov 2026 10:00:00 +0000</pubDate></item>" for link, t in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>http://example.org/</link>{body}</channel></rss>")


def sample_pages() -> list[bytes]:
    """The six real news pages of samples/pages (English, MIT licence): article HTML to serve."""
    import gzip
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "samples" / "pages"
    return [gzip.decompress(p.read_bytes()) for p in sorted(folder.glob("*.html.gz"))]
