"""Where articles come from: files, folders (recursive), standard input."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

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


def iter_inputs(paths: list[str], max_bytes: int) -> Iterator[RawInput]:
    """Yield each input in order; folders are walked recursively in name order.

    A missing path is a usage error (raised before anything is read).
    """
    for p in paths:
        if p != "-" and not os.path.exists(p):
            raise UsageError(f"{p}: no such file or directory")
    for p in paths:
        if p == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
            if len(data) > max_bytes:
                yield RawInput("-", None, f"standard input is over the {max_bytes / 1e6:.0f} MB limit")
            else:
                yield RawInput("-", data)
            continue
        path = Path(p)
        if path.is_dir():
            files = sorted(
                f for f in path.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(path).parts)
            )
            for f in files:
                yield _read_file(f, max_bytes)
        else:
            yield _read_file(path, max_bytes)
