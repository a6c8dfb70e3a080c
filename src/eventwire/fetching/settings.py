"""FetchSettings: the HTTP client's tunables, defaults read from data/fetching.json."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from importlib import resources

from .. import __version__


@lru_cache(maxsize=1)
def _defaults() -> dict:
    raw = json.loads(resources.files("eventwire").joinpath("data", "fetching.json").read_text("utf-8"))
    return {k: v for k, v in raw.items() if not k.startswith("_")}


@dataclass(frozen=True)
class FetchSettings:
    contact: str
    connect_timeout: float  # seconds to open a connection
    read_timeout: float  # seconds between two chunks of a response
    total_timeout: float  # seconds for a whole response, however slowly it drips
    max_bytes: int  # a larger response is refused, not read whole
    max_redirects: int
    retries: int  # extra attempts after a connection error, a timeout, 429 or 5xx
    backoff_base: float  # seconds before the first retry; doubled each time, with jitter
    backoff_max: float  # cap on one wait (Retry-After included)
    host_interval: float  # minimum seconds between two requests to one host
    host_concurrency: int  # requests in flight to one host
    robots_ttl: float  # seconds a host's robots.txt is kept
    robots_max_bytes: int
    poll_backoff_max: float  # seconds: a failing source's interval doubles per failure up to this

    @classmethod
    def load(cls, **overrides) -> FetchSettings:
        names = {f.name for f in fields(cls)}
        base = cls(**{k: v for k, v in _defaults().items() if k in names})
        return replace(base, **overrides) if overrides else base

    @property
    def user_agent(self) -> str:
        return f"eventwire/{__version__} (+{self.contact})"
