"""robots.txt per host (urllib.robotparser), fetched through the guarded client and kept ``robots_ttl`` seconds.

A missing robots.txt (4xx) allows everything; 401/403 disallow everything (as robotparser does);
a robots.txt that cannot be fetched now (5xx, timeout) raises, so the poll fails and backs off.
"""

from __future__ import annotations

import threading
import time
from urllib.robotparser import RobotFileParser

from .client import Fetcher, FetchError, host_key


class Robots:
    def __init__(self, fetcher: Fetcher, clock=time.monotonic) -> None:
        self.fetcher = fetcher
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[RobotFileParser, float]] = {}

    def allowed(self, url: str) -> bool:
        """Whether our User-Agent may fetch ``url``; raises FetchError when robots.txt is unavailable."""
        return self._parser(host_key(url), url).can_fetch(self.fetcher.settings.user_agent, url)

    def _parser(self, key: str, url: str) -> RobotFileParser:
        with self._lock:
            hit = self._cache.get(key)
        if hit and hit[1] > self._clock():
            return hit[0]
        scheme, rest = url.split("://", 1)
        robots_url = f"{scheme}://{rest.split('/', 1)[0]}/robots.txt"
        parser = RobotFileParser(robots_url)
        try:
            resp = self.fetcher.get(robots_url, max_bytes=self.fetcher.settings.robots_max_bytes)
            parser.parse(resp.body.decode("utf-8", errors="replace").splitlines())
        except FetchError as exc:
            if exc.kind == "http" and exc.status in (401, 403):
                parser.disallow_all = True
            elif exc.kind == "http" and exc.status is not None and 400 <= exc.status < 500:
                parser.allow_all = True
            elif exc.kind in ("redirects", "too-large", "refused"):
                parser.allow_all = True  # no usable robots.txt: as if there were none
            else:
                raise FetchError(exc.kind, f"robots.txt unavailable: {exc}", exc.status) from None
        with self._lock:
            self._cache[key] = (parser, self._clock() + self.fetcher.settings.robots_ttl)
        return parser
