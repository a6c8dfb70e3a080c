"""Checking command-line values before anything is loaded: argparse ``type=`` functions and cross-checks.

Each function returns the normalised value or raises ``argparse.ArgumentTypeError`` with a
one-line reason, so a bad value is a usage error (exit 2) printed before a model, a
gazetteer or a database is touched. Known names (ACLED types, modalities, countries) come
from the package's data files, read with the standard library only.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
from datetime import date
from difflib import get_close_matches
from functools import lru_cache
from importlib import resources

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def period(value: str) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD naming a real year, month or day; returned as given."""
    m = _DATE.fullmatch(value.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date; give YYYY, YYYY-MM or YYYY-MM-DD")
    y, mo, d = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        date(y, mo, d)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a real date") from None
    return m[0]


def period_start(value: str) -> date:
    """The first day of a period from :func:`period` ("2017-06" -> 2017-06-01)."""
    parts = [int(p) for p in value.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def period_end(value: str) -> date:
    """The last day of a period from :func:`period` ("2017-06" -> 2017-06-30)."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        return date(*parts)
    if len(parts) == 1:
        return date(parts[0], 12, 31)
    y, m = parts
    nxt = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def _whole(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None


def positive_int(value: str) -> int:
    n = _whole(value)
    if n < 1:
        raise argparse.ArgumentTypeError(f"{n} is not at least 1")
    return n


def non_negative_int(value: str) -> int:
    n = _whole(value)
    if n < 0:
        raise argparse.ArgumentTypeError(f"{n} is below 0")
    return n


def positive_float(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number") from None
    if not math.isfinite(x) or x <= 0:
        raise argparse.ArgumentTypeError(f"{value} is not a number above 0")
    return x


def _coordinate(text: str, what: str, bound: float) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a {what}") from None
    if not math.isfinite(x) or not -bound <= x <= bound:
        raise argparse.ArgumentTypeError(f"{what} {text} is outside -{bound:g}..{bound:g}")
    return x


def bbox(value: str) -> tuple[float, float, float, float]:
    """MIN_LON,MIN_LAT,MAX_LON,MAX_LAT within the globe, minimum not above maximum."""
    parts = value.split(",")
    if len(parts) != 4:
        raise argparse.ArgumentTypeError(f"'{value}': give MIN_LON,MIN_LAT,MAX_LON,MAX_LAT")
    w, e = (_coordinate(parts[i], "longitude", 180) for i in (0, 2))
    s, n = (_coordinate(parts[i], "latitude", 90) for i in (1, 3))
    if w > e or s > n:
        raise argparse.ArgumentTypeError(f"'{value}': a minimum is above its maximum "
                                         "(give MIN_LON,MIN_LAT,MAX_LON,MAX_LAT)")
    return w, s, e, n


def latlon(value: str) -> tuple[float, float] | None:
    """``LAT,LON`` as numbers within range; None when ``value`` does not look like a pair of numbers."""
    parts = value.split(",")
    if len(parts) != 2:
        return None
    try:
        float(parts[0]), float(parts[1])
    except ValueError:
        return None  # a place name with a comma ("Raqqa, Syria")
    return _coordinate(parts[0], "latitude", 90), _coordinate(parts[1], "longitude", 180)


def near(value: str) -> str:
    """A place name (looked up in the gazetteer later, only when given) or LAT,LON within range."""
    if not value.strip():
        raise argparse.ArgumentTypeError("give a place name or LAT,LON")
    latlon(value)  # raises on numbers out of range
    return value.strip()


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes of the gazetteer's countries (the codes events are stored with)."""
    text = resources.files("eventwire").joinpath("data", "gazetteer_countries.tsv").read_text("utf-8")
    rows = csv.reader((ln for ln in text.splitlines() if ln and not ln.startswith("#")), delimiter="\t")
    return frozenset(r[0] for r in rows if r and r[0] != "iso")


def country(value: str) -> str:
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise argparse.ArgumentTypeError(f"'{value}' is not an ISO 3166-1 alpha-2 code such as SY")
    if code not in countries():
        raise argparse.ArgumentTypeError(f"'{value}' is not a known ISO 3166-1 alpha-2 country code")
    return code


def _json(name: str) -> dict:
    return json.loads(resources.files("eventwire").joinpath("data", name).read_text("utf-8"))


@lru_cache(maxsize=1)
def modalities() -> tuple[str, ...]:
    """"asserted" (an event stated as fact, the stage's default) and the lexicon's cued modalities."""
    return ("asserted", *_json("event_lexicon.json")["modality_cues"])


@lru_cache(maxsize=1)
def acled_types() -> dict[str, tuple[str, ...]]:
    """ACLED event type -> its sub-event types, as the event-type map names them."""
    out: dict[str, list[str]] = {}
    for label in _json("event_types.json")["labels"].values():
        if label and label.get("event_type"):
            subs = out.setdefault(label["event_type"], [])
            if label.get("sub_event_type") and label["sub_event_type"] not in subs:
                subs.append(label["sub_event_type"])
    return {k: tuple(sorted(v)) for k, v in sorted(out.items())}


def _one_of(value: str, known: list[str], what: str) -> str:
    """The known name ``value`` spells (ignoring case), or a one-line error naming close or all choices."""
    by_lower = {k.lower(): k for k in known}
    if value.strip().lower() in by_lower:
        return by_lower[value.strip().lower()]
    close = get_close_matches(value.strip().lower(), list(by_lower), n=3, cutoff=0.6)
    hint = ("did you mean " + " or ".join(f"'{by_lower[c]}'" for c in close) + "?") if close else \
        "one of: " + "; ".join(known)
    raise argparse.ArgumentTypeError(f"'{value}' is not {what} ({hint})")


def modality(value: str) -> str:
    return _one_of(value, list(modalities()), "a modality")


def event_type(value: str) -> str:
    return _one_of(value, list(acled_types()), "an ACLED event type")


def sub_event_type(value: str) -> str:
    return _one_of(value, sorted({s for subs in acled_types().values() for s in subs}),
                   "an ACLED sub-event type")


def check_period(since: str | None, until: str | None) -> str | None:
    """Why --since/--until cannot both hold (until ends before since starts), or None."""
    if since and until and period_end(until) < period_start(since):
        return f"--until {until} is before --since {since}"
    return None


def check_types(etype: str | None, sub: str | None) -> str | None:
    """Why --type and --sub-type cannot both hold, or None."""
    if etype and sub and sub not in acled_types().get(etype, ()):
        return f"--sub-type '{sub}' is not a sub-event type of '{etype}'"
    return None


def chars_option(value: str) -> int | None:
    """``--max-chars``: a count of characters, 0 for no cap."""
    try:
        n = int(value.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of characters") from None
    if n < 0:
        raise argparse.ArgumentTypeError("give a number of characters, or 0 for no cap")
    return n or None


def seconds_option(value: str) -> float | None:
    """``--stage-seconds``: seconds, 0 for no budget."""
    try:
        s = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not s >= 0 or s == float("inf"):
        raise argparse.ArgumentTypeError("give a number of seconds, or 0 for no budget")
    return s or None


def interval(value: str) -> float:
    """A polling interval: 90s, 15m, 2h, 1d or seconds (see watch/sourcelist.py)."""
    from .watch.sourcelist import parse_interval

    try:
        return parse_interval(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def http_url(value: str) -> str:
    """An http:// or https:// URL with a host."""
    from .watch.sourcelist import check_url

    try:
        return check_url(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
