"""Where articles come from: files, folders (recursive), standard input.

WARC archives (``.warc``, ``.warc.gz``, or any file that starts like one) are read record by
record through :mod:`eventwire.warc`; RSS/Atom feeds (``.rss``, ``.atom``, or any file whose
root element is a feed's, ``.xml`` included) item by item through :mod:`eventwire.feeds`.
Everything else is one article per file, as before.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from .errors import InputError, UsageError


@dataclass
class RawInput:
    """One article's raw bytes and what its container says about it."""

    name: str  # the path as given ("-" for stdin; "file.warc.gz#1234" for a WARC record at that offset)
    data: bytes | None
    error: str | None = None  # why this input could not be read (a one-line message)
    skipped: str | None = None  # a counted, expected skip reason ("revisit", "non-html", ...): not an error
    url: str | None = None  # the page's URL, when the container knows it (WARC target URI, feed item link)
    published: date | None = None  # the container's publication date (feed item date)
    retrieved: date | None = None  # when the page was captured (WARC-Date)
    title: str | None = None  # the container's title (feed item title)
    is_html: bool | None = None  # None: sniff the bytes


def _read_file(path: Path, max_bytes: int) -> RawInput:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit")
        with path.open("rb") as fh:
            return RawInput(str(path), fh.read())
    except InputError as exc:
        return RawInput(str(path), None, str(exc))
    except OSError as exc:
        return RawInput(str(path), None, exc.strerror or str(exc))


WARC_SUFFIXES = (".warc", ".warc.gz")
_SNIFF = 4096  # "WARC/1.x", or enough deflate data (block tables first) to decompress to it


class _Prefixed:
    """``head`` followed by the rest of ``stream``: standard input after sniffing, read once."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                out, self._head = self._head + self._stream.read(), b""
                return out
            out, self._head = self._head[:size], self._head[size:]
            return out
        return self._stream.read(size)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False


def _iter_stdin(max_bytes: int) -> Iterator[RawInput]:
    from .feeds import iter_feed, looks_like_feed
    from .warc import iter_warc_stream, looks_like_warc

    stdin = sys.stdin.buffer
    head = stdin.read(_SNIFF)
    if looks_like_warc(head):
        # An archive may be far larger than one article: stream it rather than read it whole.
        yield from iter_warc_stream(_Prefixed(head, stdin), "-", max_bytes)
        return
    data = head + stdin.read(max_bytes + 1 - len(head)) if len(head) == _SNIFF else head
    if len(data) > max_bytes:
        yield RawInput("-", None, f"standard input is over the {max_bytes / 1e6:.0f} MB limit")
    elif looks_like_feed(data):
        yield from iter_feed(data, "-", max_bytes)
    else:
        yield RawInput("-", data)


def _is_warc(path: Path) -> bool:
    if path.name.lower().endswith(WARC_SUFFIXES):
        return True
    from .warc import looks_like_warc

    try:
        with path.open("rb") as fh:
            return looks_like_warc(fh.read(_SNIFF))
    except OSError:
        return False  # _read_file reports why


def _iter_file(path: Path, max_bytes: int) -> Iterator[RawInput]:
    """One file: a WARC's records, a feed's items, or the file as one article."""
    if _is_warc(path):
        from .warc import iter_warc

        yield from iter_warc(str(path), max_bytes)
        return
    raw = _read_file(path, max_bytes)
    if raw.data is not None:
        from .feeds import FEED_EXTENSIONS, iter_feed, looks_like_feed

        # .rss/.atom are feeds by name (feedparser copes with odd prologs the sniff misses);
        # any other file, .xml included, only when its root element is a feed's.
        if path.name.lower().endswith(FEED_EXTENSIONS) or looks_like_feed(raw.data):
            yield from iter_feed(raw.data, raw.name, max_bytes)
            return
    yield raw


SKIP_NOT_ARTICLE = "not an article file"
# Files a folder of news commonly holds beside the articles: data, code, media, documents.
NOT_ARTICLE_SUFFIXES = frozenset({
    ".json", ".jsonl", ".md", ".csv", ".tsv", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".py", ".js", ".css",
    ".map", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".bmp", ".tif", ".tiff", ".mp3", ".mp4",
    ".wav", ".ogg", ".webm", ".avi", ".mov", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip",
    ".tar", ".7z", ".rar", ".exe", ".so", ".dll", ".bin", ".pyc", ".db", ".sqlite", ".lock", ".log", ".cdx",
    ".woff", ".woff2", ".ttf", ".otf", ".eot",
})


def _not_an_article(path: Path) -> bool:
    suffixes = [x.lower() for x in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return bool(suffixes) and suffixes[-1] in NOT_ARTICLE_SUFFIXES or path.name.lower() in ("license", "readme")


SKIP_DATABASE = "database or lock file"
SKIP_STORE = "files of the store being written"
SQLITE_MAGIC = b"SQLite format 3\x00"
# A SQLite database's companions while it is open: rollback journal, write-ahead log, shared memory.
SQLITE_COMPANIONS = ("-journal", "-wal", "-shm")
# First bytes of a write-ahead log (two byte orders) and of a rollback journal (sqlite.org/fileformat.html).
_COMPANION_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83", b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7")
# Lock files earlier versions left beside the store (the lock now lives in the user cache directory).
LOCK_SUFFIXES = (".migrate-lock",)


def _database_skip(path: Path, exclude: frozenset[str]) -> str | None:
    """Why ``path`` is a database's file rather than an article (the store's own first), or None."""
    if exclude and os.path.realpath(path) in exclude:
        return SKIP_STORE
    name = path.name
    if name.endswith(LOCK_SUFFIXES):
        return SKIP_DATABASE
    head = _head(path)
    if head == SQLITE_MAGIC:
        return SKIP_DATABASE
    for suffix in SQLITE_COMPANIONS:
        if name.endswith(suffix) and (head.startswith(_COMPANION_MAGIC)
                                      or _head(path.with_name(name[: -len(suffix)])) == SQLITE_MAGIC):
            return SKIP_DATABASE
    return None


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_MAGIC))
    except OSError:
        return b""  # _read_file reports why


def store_files(store_path: str | os.PathLike | None) -> frozenset[str]:
    """The resolved paths of a SQLite store and its companions, for ``iter_inputs(exclude=...)``."""
    if store_path is None:
        return frozenset()
    base = os.path.realpath(store_path)
    return frozenset([base, *(base + s for s in SQLITE_COMPANIONS)])


def is_url(p: str) -> bool:
    return p[:8].lower().startswith(("http://", "https://"))


def check_paths(paths: list[str]) -> None:
    """A missing path is a usage error, raised before anything is loaded or read."""
    for p in paths:
        if p != "-" and not is_url(p) and not os.path.exists(p):
            raise UsageError(f"{p}: no such file or directory")


def _fetch(url: str, max_bytes: int) -> RawInput:
    """One page fetched once with the monitor's guarded client (robots.txt, no private addresses, size cap)."""
    from .fetching.client import Fetcher, FetchError
    from .fetching.robots import Robots

    fetcher = Fetcher()
    try:
        if not Robots(fetcher).allowed(url):
            return RawInput(url, None, "robots.txt disallows fetching it")
        resp = fetcher.get(url, max_bytes=max_bytes)
    except FetchError as exc:
        hint = (" (a host on your own network: 'eventwire sources add URL --allow-private', then "
                "'eventwire watch --once')") if exc.kind == "refused" else ""
        return RawInput(url, None, f"{exc}{hint}")
    finally:
        fetcher.close()
    return RawInput(url, resp.body, url=resp.url)


def _iter_url(url: str, max_bytes: int) -> Iterator[RawInput]:
    """A URL named on the command line: a WARC's records, a feed's items, or the page as one article.

    Fetched once; following a site or feed for new articles is ``eventwire watch``'s job.
    """
    raw = _fetch(url, max_bytes)
    if raw.data is None:
        yield raw
        return
    from .feeds import iter_feed, looks_like_feed
    from .warc import iter_warc_stream, looks_like_warc

    if looks_like_warc(raw.data[:_SNIFF]):
        yield from iter_warc_stream(io.BytesIO(raw.data), url, max_bytes)
    elif looks_like_feed(raw.data):
        yield from iter_feed(raw.data, url, max_bytes)
    else:
        yield raw


def iter_inputs(paths: list[str], max_bytes: int, exclude: frozenset[str] = frozenset()) -> Iterator[RawInput]:
    """Yield each input in order; folders are walked recursively in name order.

    A WARC file yields one RawInput per record and a feed one per item (see
    :mod:`eventwire.warc` and :mod:`eventwire.feeds`); records and items that are not
    articles come with ``skipped`` set and no data. ``max_bytes`` bounds one article (one
    file, feed, WARC payload or feed item), not a whole archive.
    SQLite databases, their journals and lock files are skipped wherever they are, and so is
    every resolved path in ``exclude`` (the store being written: see :func:`store_files`).
    A missing path is a usage error (raised before anything is read).
    """
    check_paths(paths)
    for p in paths:
        if p == "-":
            yield from _iter_stdin(max_bytes)
            continue
        if is_url(p):
            yield from _iter_url(p, max_bytes)
            continue
        path = Path(p)
        if path.is_dir():
            files = sorted(
                f for f in path.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(path).parts)
            )
            for f in files:
                why = _database_skip(f, exclude)
                if why is None and _not_an_article(f):
                    # Inside a folder only: a file named on the command line is always read.
                    why = SKIP_NOT_ARTICLE
                if why:
                    yield RawInput(str(f), None, skipped=why)
                    continue
                yield from _iter_file(f, max_bytes)
        else:
            why = _database_skip(path, exclude)
            if why:
                yield RawInput(str(path), None, skipped=why)
                continue
            yield from _iter_file(path, max_bytes)
