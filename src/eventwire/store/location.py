"""Where a store lives, checked before any database library is loaded or any file is made.

A command that reads the store (events, articles, show, export) needs one to exist; a
command that writes it (ingest) may create the SQLite file, but not missing directories
other than the default store's own (the user data directory is ours to make). A file that
is not a SQLite database, or a SQLite database of another program, is refused untouched.
An empty file counts as no store: SQLite itself treats it as an empty database, so ingest
fills it and reading commands say there is no store yet.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..errors import EventwireError, UsageError
from ..sources import SQLITE_MAGIC

VERSION_TABLE = "alembic_version"  # the migrations' bookkeeping: present in every eventwire store


@dataclass(frozen=True)
class Location:
    url: str  # the SQLAlchemy URL
    path: Path | None = None  # the SQLite file; None for a server or an in-memory database


def default_db_path() -> Path:
    """The zero-configuration SQLite file in the user's data directory."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("eventwire", appauthor=False)) / "eventwire.db"


def locate(db: str | None, create: bool) -> Location:
    """--db PATH or URL, else $EVENTWIRE_DB, else the default SQLite file; checked for reading or writing."""
    given = db or os.environ.get("EVENTWIRE_DB")
    spec = given or str(default_db_path())
    if spec.startswith("sqlite:"):
        name = spec[len("sqlite:///"):].split("?", 1)[0] if spec.startswith("sqlite:///") else ""
        if name in ("", ":memory:"):
            return Location(spec)
        path = Path(name)
        check_sqlite_file(path, create, hint=spec, ours=False)
        return Location(spec, path)
    if "://" in spec:
        if spec.startswith("postgres://"):  # the spelling Heroku and others hand out
            spec = "postgresql://" + spec[len("postgres://"):]
        if spec.startswith("postgresql://"):
            spec = "postgresql+psycopg://" + spec[len("postgresql://"):]
        return Location(spec)
    path = Path(spec).expanduser()
    check_sqlite_file(path, create, hint=given, ours=not given)
    return Location(f"sqlite:///{path}", path)


def check_sqlite_file(path: Path, create: bool, hint: str | None, ours: bool) -> None:
    """Raise a one-line error unless ``path`` can be opened as a store (created too, if ``create``).

    ``ours``: the default store, whose directory ingest may make.
    """
    if path.is_dir():
        raise UsageError(f"--db {path}: is a directory; give a file name")
    if path.exists():
        tables = _sqlite_tables(path)
        if tables and VERSION_TABLE not in tables:
            raise EventwireError(f"{path} is a SQLite database but not an eventwire store; left untouched")
        if tables or create:
            return
    if create:
        parent = path.parent
        if not parent.exists():
            if ours:
                try:
                    parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise EventwireError(f"cannot create store {path}: {exc.strerror or exc}") from None
                return
            raise EventwireError(f"cannot create store {path}: directory {parent} does not exist")
        if not parent.is_dir():
            raise EventwireError(f"cannot create store {path}: {parent} is not a directory")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise EventwireError(f"cannot create store {path}: directory {parent} is not writable")
        return
    how = f"eventwire ingest --db {hint} ..." if hint else "eventwire ingest PATH ..."
    raise EventwireError(f"no store at {path} (run '{how}' first)")


def _sqlite_tables(path: Path) -> set[str]:
    """The tables of an existing file, opened read-only; empty for an empty file; one-line errors."""
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise EventwireError(f"cannot read store {path}: {exc.strerror or exc}") from None
    if not head:
        return set()
    if head != SQLITE_MAGIC:
        raise EventwireError(f"{path} is not an eventwire store (not a SQLite database); left untouched")
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=60)
        try:
            return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        msg = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise EventwireError(f"cannot open store {path}: {msg}") from None
