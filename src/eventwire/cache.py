"""Files derived from installed data, kept between processes in the user cache directory (best effort).

A read-only home or a full disk only costs the next process the time to derive them again.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def cache_dirs() -> list[Path]:
    """eventwire's cache folders, most preferred first: the user cache dir, then one in the temp dir."""
    from platformdirs import user_cache_dir

    return [Path(user_cache_dir("eventwire", appauthor=False)),
            Path(tempfile.gettempdir()) / f"eventwire-{os.getuid()}"]


def cache_paths(name: str) -> list[Path]:
    """Where a derived file may live, most preferred first."""
    return [d / name for d in cache_dirs()]


def write_cached(paths: list[Path], write: Callable[[BinaryIO], None]) -> Path | None:
    """Write a file at the first path that takes it, atomically (readers never see half a file).

    Older versions are left alone: another checkout or venv on the machine may still be reading them.
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
        return p
    return None
