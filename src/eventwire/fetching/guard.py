"""Which addresses the monitor may connect to: http(s) only, public addresses unless the user named the host.

A source list entry with ``allow_private = true`` names its host; only such hosts (as written in
their URLs, so ``localhost`` is not ``127.0.0.1``) may resolve to a private, loopback, link-local,
reserved or multicast address. The check runs on every resolved address of every hop, and again
inside the connection itself (``GuardedBackend``), which connects to the very address it checked:
a name that resolves once to a public and then to a private address (DNS rebinding) is refused too.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

import httpcore
from httpcore._backends.sync import SyncBackend

SCHEMES = ("http", "https")


class Refused(Exception):
    """A URL the monitor must not fetch; the message says why, in one line."""


class Unresolved(Exception):
    """A host name that does not resolve now (maybe a passing DNS failure: worth trying again)."""


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast
                or ip.is_unspecified or not ip.is_global)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


class Guard:
    """The address policy of one run: ``allowed`` hosts may be private."""

    def __init__(self, allowed: Iterable[str] = ()) -> None:
        self.allowed = frozenset(h.lower().strip("[]") for h in allowed)

    def check_url(self, url: str) -> None:
        """Refuse a URL with another scheme, without a host, or whose host resolves to a forbidden address."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in SCHEMES:
            raise Refused(f"{url}: only http and https URLs are fetched")
        host = (parts.hostname or "").lower()
        if not host:
            raise Refused(f"{url}: no host")
        try:
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        except ValueError:
            raise Refused(f"{url}: bad port") from None
        self.addresses(host, port)

    def addresses(self, host: str, port: int) -> list[str]:
        """Every address ``host`` resolves to, each checked; raises Refused (no connection is made)."""
        host = host.lower().strip("[]")
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise Unresolved(f"{host}: cannot resolve ({exc})") from None
        out: list[str] = []
        for info in infos:
            addr = str(info[4][0]).split("%", 1)[0]
            if host not in self.allowed and not _public(ipaddress.ip_address(addr)):
                raise Refused(f"{host} resolves to {addr}, a private, loopback or link-local address "
                              "(allowed only for a host your source list names with allow_private = true)")
            if addr not in out:
                out.append(addr)
        return out


class GuardedBackend(SyncBackend):
    """httpcore's network backend, connecting only to addresses the guard has just checked."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options=None) -> httpcore.NetworkStream:
        last: Exception | None = None
        for addr in self.guard.addresses(host, port):
            try:
                return super().connect_tcp(addr, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        raise last or httpcore.ConnectError(f"{host}: no address")
