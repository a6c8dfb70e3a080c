"""An alert rule: its filters (the same as `eventwire events` takes) and where its alerts go.

Values are checked with the standard library only (the CLI checks them before the store or the
gazetteer loads); a place name is resolved to coordinates once, when the rule is added.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from .. import options as opt

_RADIUS = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(km|m)?\s*", re.I)


def radius(value: str) -> float:
    """'50km', '50 km', '50' (km) or '500m' -> kilometres above 0."""
    m = _RADIUS.fullmatch(value)
    if not m:
        raise argparse.ArgumentTypeError(f"'{value}' is not a distance; give kilometres such as 50km or 50")
    km = float(m[1]) / (1000.0 if (m[2] or "km").lower() == "m" else 1.0)
    if km <= 0 or km > 20_000:
        raise argparse.ArgumentTypeError(f"'{value}': give a radius above 0 and at most 20000 km")
    return km


def _names(value: str, one) -> list[str]:
    out = [one(v.strip()) for v in value.split(",") if v.strip()]
    if not out:
        raise argparse.ArgumentTypeError("give at least one name")
    return list(dict.fromkeys(out))


def types(value: str) -> list[str]:
    """Comma-separated ACLED event types (checked against the event-type map)."""
    return _names(value, opt.event_type)


def sub_types(value: str) -> list[str]:
    """Comma-separated ACLED sub-event types. A sub-type may contain a comma ("Attack, ..."): none does."""
    return _names(value, opt.sub_event_type)


def webhook_url(value: str) -> str:
    """An http(s) URL with a host."""
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https"):
        raise argparse.ArgumentTypeError(f"'{value}': a webhook URL starts with http:// or https://")
    if not parts.hostname:
        raise argparse.ArgumentTypeError(f"'{value}': the URL has no host")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}': the URL's port is not a number") from None
    return value.strip()


def env_name(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        raise argparse.ArgumentTypeError(f"'{value}' is not an environment variable name")
    return value


@dataclass
class Filters:
    """What an event must be to fire the alert. Empty lists and None mean "any"."""

    near: str | None = None  # as the user gave it (place name or LAT,LON)
    lat: float | None = None
    lon: float | None = None
    radius_km: float = 50.0
    bbox: list[float] | None = None  # MIN_LON, MIN_LAT, MAX_LON, MAX_LAT
    country: str | None = None
    actor: str | None = None
    types: list[str] = field(default_factory=list)
    sub_types: list[str] = field(default_factory=list)
    modality: str | None = None
    min_fatalities: int | None = None

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> Filters:
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})

    def describe(self) -> str:
        parts = []
        if self.lat is not None:
            parts.append(f"within {self.radius_km:g} km of {self.near}")
        if self.bbox:
            parts.append("in box " + ",".join(f"{x:g}" for x in self.bbox))
        if self.country:
            parts.append(f"in {self.country}")
        if self.actor:
            parts.append(f"actor ~ {self.actor}")
        if self.types:
            parts.append("types " + ", ".join(self.types))
        if self.sub_types:
            parts.append("sub-types " + ", ".join(self.sub_types))
        if self.modality:
            parts.append(f"modality {self.modality}")
        if self.min_fatalities is not None:
            parts.append(f"fatalities >= {self.min_fatalities}")
        return "; ".join(parts) or "every event"


@dataclass
class Deliveries:
    stdout: bool = False
    jsonl: str | None = None  # absolute path
    webhook: str | None = None
    secret_env: str | None = None  # the webhook secret is read from this variable at delivery

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> Deliveries:
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})

    def channels(self) -> list[tuple[str, str | None]]:
        out: list[tuple[str, str | None]] = []
        if self.stdout:
            out.append(("stdout", None))
        if self.jsonl:
            out.append(("jsonl", self.jsonl))
        if self.webhook:
            out.append(("webhook", self.webhook))
        return out

    def describe(self, has_secret: bool) -> str:
        parts = ["stdout"] if self.stdout else []
        if self.jsonl:
            parts.append(f"jsonl {self.jsonl}")
        if self.webhook:
            how = f"secret from ${self.secret_env}" if self.secret_env else ("secret stored" if has_secret
                                                                            else "no secret")
            parts.append(f"webhook {self.webhook} ({how})")
        return ", ".join(parts)


def check_types(types_: list[str], subs: list[str]) -> str | None:
    """Why the sub-types cannot occur with the types, or None (each sub-type must belong to one of them)."""
    if not types_ or not subs:
        return None
    known = {s for t in types_ for s in opt.acled_types().get(t, ())}
    bad = [s for s in subs if s not in known]
    if bad:
        return f"--sub-types '{bad[0]}' is not a sub-event type of {', '.join(repr(t) for t in types_)}"
    return None


def default_name(f: Filters) -> str:
    """A readable name from the filters when none is given (made unique by the store)."""
    if f.near:
        base = f"near-{f.near}-{f.radius_km:g}km"
    elif f.bbox:
        base = "bbox-" + "_".join(f"{x:g}" for x in f.bbox)
    elif f.country:
        base = f"country-{f.country}"
    elif f.actor:
        base = f"actor-{f.actor}"
    else:
        base = "alert"
    if f.types:
        base += "-" + "+".join(t.split()[0].split("/")[0] for t in f.types)
    return re.sub(r"[^A-Za-z0-9_.+-]+", "-", base).strip("-")[:150] or "alert"
