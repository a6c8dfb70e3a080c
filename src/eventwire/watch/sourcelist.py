"""The user's source list: a TOML file of feeds and section pages (`eventwire sources add/list/remove`).

    # ~/.config/eventwire/sources.toml
    [[source]]
    url = "https://example.org/world/rss.xml"
    name = "example-world"
    interval = "15m"          # s, m, h or d; default 15m
    kind = "feed"             # feed or page; sniffed from the response when left out
    allow_private = true      # only for a host on your own network: see fetching/guard.py

Read with tomllib; written with tomlkit so the user's comments and layout survive, atomically
(a temporary file renamed over the old one). A bad file is one line naming the file and entry.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import UsageError

KINDS = ("feed", "page")
DEFAULT_INTERVAL = 15 * 60.0
MIN_INTERVAL = 1.0
_INTERVAL = re.compile(r"(\d+(?:\.\d+)?)\s*(s|m|h|d)?")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}
_KEYS = {"url", "name", "interval", "kind", "allow_private"}


@dataclass(frozen=True)
class Source:
    url: str
    name: str
    interval: float = DEFAULT_INTERVAL  # seconds
    kind: str | None = None  # None: sniffed
    allow_private: bool = False

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()


def default_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("eventwire", appauthor=False)) / "sources.toml"


def resolve(path: str | None) -> Path:
    """--sources FILE, else $EVENTWIRE_SOURCES, else the user config directory's sources.toml."""
    return Path(path or os.environ.get("EVENTWIRE_SOURCES") or default_path()).expanduser()


def parse_interval(value: str | float | int) -> float:
    """'90s', '15m', '2h', '1d' or a number of seconds; at least one second."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an interval")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        m = _INTERVAL.fullmatch(value.strip().lower())
        if not m:
            raise ValueError(f"'{value}' is not an interval (give e.g. 90s, 15m, 2h or 1d)")
        seconds = float(m[1]) * _UNITS[m[2]]
    if seconds < MIN_INTERVAL:
        raise ValueError(f"interval {value} is under {MIN_INTERVAL:g} s")
    return seconds


def format_interval(seconds: float) -> str:
    for unit, n in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= n and seconds % n == 0:
            return f"{int(seconds // n)}{unit}"
    return f"{seconds:g}s"


def check_url(url: str) -> str:
    p = urlsplit(url.strip())
    if p.scheme.lower() not in ("http", "https") or not p.hostname:
        raise ValueError(f"'{url}' is not an http(s) URL")
    return url.strip()


def default_name(url: str) -> str:
    p = urlsplit(url)
    tail = "-".join(x for x in p.path.strip("/").split("/") if x)[:40]
    return f"{p.hostname}{'-' + tail if tail else ''}"


def _entry(raw: object, n: int, path: Path) -> Source:
    where = f"{path}: source {n}"
    if not isinstance(raw, dict):
        raise UsageError(f"{where}: not a table")
    unknown = set(raw) - _KEYS
    if unknown:
        raise UsageError(f"{where}: unknown key {sorted(unknown)[0]!r} (keys: {', '.join(sorted(_KEYS))})")
    try:
        url = check_url(str(raw.get("url") or ""))
        interval = parse_interval(raw.get("interval", DEFAULT_INTERVAL))
    except ValueError as exc:
        raise UsageError(f"{where}: {exc}") from None
    kind = raw.get("kind")
    if kind is not None and kind not in KINDS:
        raise UsageError(f"{where}: kind must be feed or page, not {kind!r}")
    allow = raw.get("allow_private", False)
    if not isinstance(allow, bool):
        raise UsageError(f"{where}: allow_private must be true or false")
    return Source(url, str(raw.get("name") or default_name(url)), interval, kind, allow)


def load(path: Path) -> list[Source]:
    """The sources in ``path`` (none if it does not exist); a bad file is a one-line UsageError."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML ({exc})") from None
    raws = doc.get("source", [])
    if not isinstance(raws, list):
        raise UsageError(f"{path}: 'source' must be an array of tables ([[source]])")
    out = [_entry(r, n, path) for n, r in enumerate(raws, 1)]
    names = [s.name for s in out]
    dup = next((x for x in names if names.count(x) > 1), None)
    if dup:
        raise UsageError(f"{path}: two sources are named {dup!r}")
    return out


def add(path: Path, src: Source) -> None:
    """Append ``src``; an existing URL or name is an error (remove it first)."""
    import tomlkit

    for old in load(path):
        if old.url == src.url or old.name == src.name:
            raise UsageError(f"{path}: already lists {old.name} ({old.url}); remove it first to change it")
    doc = tomlkit.parse(path.read_text("utf-8")) if path.exists() else tomlkit.document()
    if "source" not in doc:
        doc.add("source", tomlkit.aot())
    table = tomlkit.table()
    table.add("url", src.url)
    table.add("name", src.name)
    table.add("interval", format_interval(src.interval))
    if src.kind:
        table.add("kind", src.kind)
    if src.allow_private:
        table.add("allow_private", True)
    doc["source"].append(table)
    _write(path, tomlkit.dumps(doc))


def remove(path: Path, key: str) -> Source:
    """Remove the source whose URL or name is ``key``; returns it."""
    import tomlkit

    sources = load(path)
    idx = next((i for i, s in enumerate(sources) if key in (s.url, s.name)), None)
    if idx is None:
        raise UsageError(f"{path}: no source with URL or name {key!r} (see 'eventwire sources list')")
    doc = tomlkit.parse(path.read_text("utf-8"))
    del doc["source"][idx]
    _write(path, tomlkit.dumps(doc))
    return sources[idx]


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".sources-", suffix=".toml", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:
        raise UsageError(f"{path}: cannot write ({exc.strerror or exc})") from None
