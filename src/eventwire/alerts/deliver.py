"""Sending one delivery: a line on standard output, a line appended to a JSON Lines file, or a
signed webhook POST retried with backoff.

Webhook requests carry the JSON body as stored in the outbox, ``X-Eventwire-Delivery`` (the
delivery id, the same on every retry: a receiver drops a repeat by it), ``X-Eventwire-Timestamp``
(Unix seconds) and ``X-Eventwire-Signature: sha256=<hex>``, the HMAC-SHA256 with the shared secret
of ``<timestamp>.<body>`` (so a captured request cannot be replayed later with a new timestamp).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import sys
import time
from dataclasses import dataclass


@dataclass
class DeliverySettings:
    """How hard a run tries. Environment variables override the defaults (tests shorten them)."""

    tries: int = 3  # webhook POSTs per run before the delivery waits for a later run
    backoff: float = 0.5  # seconds before the second try; doubled each time, with jitter
    timeout: float = 10.0  # seconds per request
    budget: float = 30.0  # seconds a run spends delivering at most, so a loop is never held up long
    lease: float = 120.0  # seconds a claimed delivery is held before another run may take it over
    retry_after: float = 60.0  # first wait before a later run retries a failed delivery; doubled per claim

    @classmethod
    def from_env(cls) -> DeliverySettings:
        s = cls()
        for name in ("tries", "backoff", "timeout", "budget", "lease", "retry_after"):
            raw = os.environ.get(f"EVENTWIRE_ALERT_{name.upper()}")
            if raw:
                try:
                    setattr(s, name, type(getattr(s, name))(raw))
                except ValueError:
                    pass
        s.tries = max(1, s.tries)
        return s


class DeliveryError(Exception):
    """A delivery failed; it stays in the outbox for a later run."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body,
                                hashlib.sha256).hexdigest()


def backoff(n: int, base: float) -> float:
    """Seconds to wait after the n-th failure (1-based): base * 2**(n-1), with up to 50 % jitter."""
    return base * (2 ** (n - 1)) * (1.0 + 0.5 * random.random())


def to_stdout(payload: dict) -> None:
    ev = payload["event"]
    loc = (ev.get("location") or {}).get("name") or "?"
    figure = f", fatalities {ev['fatalities']}" if ev.get("fatalities") is not None else ""
    sys.stdout.write(f"ALERT {payload['alert']['name']}: {'+'.join(payload['reasons'])}  {ev['id']}  "
                     f"{ev.get('date') or '?'}  {ev['event_type']} @ {loc}{figure}, "
                     f"{ev['sources_independent']} independent source(s)"
                     f"{', contested' if ev.get('contested') else ''}\n")
    sys.stdout.flush()


def to_jsonl(path: str, delivery_id: str, body: str, maybe_sent: bool) -> None:
    """Append the line and fsync it. A retry after a crash (``maybe_sent``) first looks for its id,
    so the file holds each delivery once."""
    if maybe_sent and _in_file(path, delivery_id):
        return
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write(body + "\n")
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        raise DeliveryError(f"cannot write {path}: {exc.strerror or exc}") from None


def _in_file(path: str, delivery_id: str) -> bool:
    needle = json.dumps(delivery_id)
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return any(needle in line and json.loads(line).get("delivery_id") == delivery_id
                       for line in f if line.strip())
    except (OSError, ValueError):
        return False


def to_webhook(client, url: str, secret: str | None, delivery_id: str, body: str, settings: DeliverySettings,
               deadline: float) -> None:
    """POST with bounded retries (``settings.tries``, never past ``deadline``); raises DeliveryError."""
    import httpx

    data = body.encode("utf-8")
    last = "not tried"
    for n in range(1, settings.tries + 1):
        ts = str(int(time.time()))
        headers = {"Content-Type": "application/json", "User-Agent": "eventwire-alerts",
                   "X-Eventwire-Delivery": delivery_id, "X-Eventwire-Timestamp": ts}
        if secret:
            headers["X-Eventwire-Signature"] = signature(secret, ts, data)
        try:
            r = client.post(url, content=data, headers=headers,
                            timeout=max(0.5, min(settings.timeout, deadline - time.monotonic())))
            if 200 <= r.status_code < 300:
                return
            last = f"HTTP {r.status_code}"
            if 400 <= r.status_code < 500 and r.status_code not in (408, 429):
                break  # the receiver refuses it: retrying now will not help
        except httpx.HTTPError as exc:
            last = f"{type(exc).__name__}: {exc}".splitlines()[0]
        if n < settings.tries:
            pause = backoff(n, settings.backoff)
            if time.monotonic() + pause >= deadline:
                break
            time.sleep(pause)
    raise DeliveryError(f"webhook {url}: {last}")
