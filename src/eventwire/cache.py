"""Files derived from installed data, kept between processes in the user cache directory (best effort).

A read-only home or a full disk only costs the next process the time to derive them again.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def cache_paths(name: str) -> list[Path]:
    """Where a derived file may live, most preferred first: the user cache dir, then the temp dir."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return [Path(base) / "eventwire" / name, Path(tempfile.gettempdir()) / f"eventwire-{name}"]


def write_cached(paths: list[Path], write: Callable[[BinaryIO], None], stale: str | None = None) -> Path | None:
    """Write a file at the first path that takes it, atomically (readers never see half a file).

    ``stale`` is a glob of older versions of the file (e.g. ``gazetteer-*``), removed from beside it once
    the new one is in place, so that the cache does not grow with every version.
    """
    for p in paths:
        tmp = None
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=p.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                write(f)
            os.replace(tmp, p)
        except Exception:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
            continue
        prefix = p.name[:p.name.find(stale.split("*")[0])] if stale else ""  # "eventwire-" in the temp dir
        for old in p.parent.glob(prefix + stale) if stale else ():
            if old != p:
                try:
                    old.unlink()
                except OSError:
                    pass
        return p
    return None
