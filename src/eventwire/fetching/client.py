"""One GET done well: guarded hops, bounded redirects, conditional requests, size cap, retries with backoff.

Redirects are followed here, not by httpx, so that each hop's scheme and addresses are checked
(see :mod:`guard`) and the count is ours. A body is streamed and refused at ``max_bytes``
without being read whole. Connection errors, timeouts, 429 and 5xx are retried ``retries``
times with exponential backoff and jitter (Retry-After honoured, capped at ``backoff_max``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from .guard import Guard, GuardedBackend, Refused, Unresolved
from .limits import HostLimits
from .settings import FetchSettings

REDIRECTS = (301, 302, 303, 307, 308)
RETRY_STATUS = (429, 500, 502, 503, 504)


class FetchError(Exception):
    """A fetch that failed; ``kind``: refused, robots, too-large, redirects, http, timeout, network.

    ``transient``: worth trying again at the next poll (timeouts, network errors, 429, 5xx).
    ``url``: for ``robots``, the URL refused (a redirect hop's, when a redirect led there).
    """

    def __init__(self, kind: str, message: str, status: int | None = None, url: str | None = None) -> None:
        super().__init__(message)
        self.kind, self.status, self.url = kind, status, url

    @property
    def transient(self) -> bool:
        return self.kind in ("timeout", "network") or (self.kind == "http" and self.status in RETRY_STATUS)


@dataclass
class Response:
    url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes = b""
    not_modified: bool = False
    request_headers: dict[str, str] = field(default_factory=dict)
    attempts: int = 1

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


def host_key(url: str) -> str:
    """What rate limits and robots.txt are kept per: scheme, host and port."""
    p = urlsplit(url)
    return f"{p.scheme}://{(p.hostname or '').lower()}:{p.port or (443 if p.scheme == 'https' else 80)}"


class Fetcher:
    """A guarded HTTP client shared by the monitor's threads."""

    def __init__(self, settings: FetchSettings | None = None, guard: Guard | None = None,
                 limits: HostLimits | None = None, archive=None, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = s = settings or FetchSettings.load()
        self.guard = guard or Guard()
        self.limits = limits or HostLimits(s.host_interval, s.host_concurrency)
        self.archive = archive
        self._sleep = sleep
        transport = httpx.HTTPTransport(retries=0)
        # Connect only to addresses checked at connection time (see guard.GuardedBackend).
        transport._pool._network_backend = GuardedBackend(self.guard)
        self.client = httpx.Client(
            transport=transport, follow_redirects=False, trust_env=False,
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None,
            max_bytes: int | None = None, allowed: Callable[[str], bool] | None = None) -> Response:
        """GET ``url``; a 304 answer to ``etag``/``last_modified`` is ``not_modified``. Raises FetchError.

        ``allowed`` (robots.txt's answer, :meth:`Robots.allowed`) is asked for the URL and for every
        redirect hop before it is requested: a redirect must not lead where the target host's
        robots.txt forbids (FetchError kind ``robots``).
        """
        cap = max_bytes or self.settings.max_bytes
        seen: list[str] = []
        while True:
            try:
                self.guard.check_url(url)
            except Refused as exc:
                raise FetchError("refused", str(exc)) from None
            except Unresolved as exc:
                raise FetchError("network", str(exc)) from None
            if allowed is not None and not allowed(url):
                raise FetchError("robots", f"{url}: robots.txt disallows it"
                                 + (f" (redirected from {seen[0]})" if seen else ""), url=url)
            headers = {}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            resp = self._with_retries(url, headers, cap)
            if resp.status in REDIRECTS and "location" in resp.headers:
                seen.append(url)
                if len(seen) > self.settings.max_redirects:
                    raise FetchError("redirects", f"{seen[0]}: more than {self.settings.max_redirects} redirects")
                url = urljoin(url, resp.headers["location"])
                continue
            if resp.status == 304:
                resp.not_modified = True
                return resp
            if resp.status != 200:
                raise FetchError("http", f"{url}: HTTP {resp.status}", resp.status)
            if self.archive is not None:
                self.archive.write(resp)
            return resp

    def _with_retries(self, url: str, headers: dict[str, str], cap: int) -> Response:
        s = self.settings
        for attempt in range(s.retries + 1):
            wait: float | None = None
            try:
                resp = self._once(url, headers, cap)
                resp.attempts = attempt + 1
                if resp.status not in RETRY_STATUS:
                    return resp
                wait = _retry_after(resp.headers.get("retry-after"))
                if attempt == s.retries:
                    return resp
            except FetchError as exc:
                if not exc.transient or attempt == s.retries:
                    raise
            delay = wait if wait is not None else s.backoff_base * 2 ** attempt * random.uniform(0.5, 1.5)
            self._sleep(min(delay, s.backoff_max))
        raise AssertionError("unreachable")

    def _once(self, url: str, headers: dict[str, str], cap: int) -> Response:
        s = self.settings
        with self.limits.slot(host_key(url)):
            t0 = time.monotonic()
            try:
                with self.client.stream("GET", url, headers=headers) as r:
                    rh = {k.lower(): v for k, v in r.headers.items()}
                    sent = dict(r.request.headers)
                    if r.status_code != 200:
                        return Response(str(r.url), r.status_code, rh, request_headers=sent)
                    declared = rh.get("content-length", "")
                    if declared.isdigit() and int(declared) > cap:
                        raise FetchError("too-large", f"{url}: {int(declared):,} bytes, over the {cap:,}-byte cap")
                    chunks, size = [], 0
                    for chunk in r.iter_bytes():
                        size += len(chunk)
                        if size > cap:
                            raise FetchError("too-large", f"{url}: over the {cap:,}-byte cap")
                        if time.monotonic() - t0 > s.total_timeout:
                            raise FetchError("timeout", f"{url}: slower than {s.total_timeout:g} s in all")
                        chunks.append(chunk)
                    return Response(str(r.url), 200, rh, b"".join(chunks), request_headers=sent)
            except Refused as exc:
                raise FetchError("refused", str(exc)) from None
            except Unresolved as exc:
                raise FetchError("network", str(exc)) from None
            except httpx.TimeoutException as exc:
                raise FetchError("timeout", f"{url}: timed out ({type(exc).__name__})") from None
            except (httpx.TransportError, httpx.DecodingError) as exc:
                raise FetchError("network", f"{url}: {type(exc).__name__}: {exc}") from None


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (a number or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
