"""Opening a store: where it lives, the engine, and bringing its schema up to date."""

from __future__ import annotations

import hashlib
import os
import re
import time
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from ..errors import EventwireError, UsageError
from .location import VERSION_TABLE

POOL_SIZE = 20
MMAP_BYTES = 1 << 30  # SQLite's memory map: address space, not memory (the OS pages the file in and out)


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UsageError(f"--db {url}: not a database URL or path") from None
    # Idle connections kept for reuse: as many as the API serves requests at once (concurrent clients),
    # so that a busy server does not open and close a connection per request (SQLAlchemy keeps 5).
    pool = {"pool_size": POOL_SIZE, "max_overflow": POOL_SIZE}
    if parsed.get_backend_name() == "sqlite":
        memory = parsed.database in (None, "", ":memory:")
        engine = create_engine(url, connect_args={"timeout": 60}, **({} if memory else pool))

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            # WAL: readers never block the writer; two ingests can share one file.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            # Reads through a shared memory map instead of each connection's 2 MB page cache: a
            # whole-store count reads its index a third faster (benchmarks/api_latency.md).
            cur.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
            cur.close()

        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True, **pool)
    raise UsageError(f"--db {safe_url(url)}: only SQLite and PostgreSQL are supported")


def safe_url(url: str) -> str:
    """The URL as it may be shown: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def migrate(engine: Engine, create: bool = True) -> None:
    """Upgrade the store's schema to the newest revision (a no-op when it is current).

    ``create=False`` (reading commands): a database without eventwire's tables is refused, not set up.
    """
    for attempt in range(1, _LOCKED_RETRIES + 1):
        try:
            if _at_head(engine):
                return  # the common case: no lock, no Alembic to import
            from alembic import command
            from alembic.config import Config

            cfg = Config()
            cfg.set_main_option("script_location", str(resources.files("eventwire.store") / "migrations"))
            with _sqlite_migration_lock(engine):
                _upgrade(engine, cfg, command, create)
            return
        except DBAPIError as exc:
            msg = (str(exc.orig or exc).strip().splitlines() or ["database error"])[0]
            # SQLite answers "locked" without waiting when a read transaction would have to become a
            # write while another process writes (two ingests opening a new store): try again.
            if "locked" in msg and attempt < _LOCKED_RETRIES:
                time.sleep(0.2 * attempt)
                continue
            raise EventwireError(f"cannot open the store {safe_url(str(engine.url))}: {msg}") from None


_LOCKED_RETRIES = 8


_REVISION = re.compile(r'^(down_revision|revision)\s*=\s*(?:"([^"]*)"|None)\s*$', re.M)


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration's id, read from the migration files' text; None unless one plain chain."""
    revs: dict[str, str | None] = {}
    for f in (resources.files("eventwire.store") / "migrations" / "versions").iterdir():
        if not f.name.endswith(".py") or f.name.startswith("__"):
            continue
        found = {m[1]: m[2] for m in _REVISION.finditer(f.read_text("utf-8"))}
        if not found.get("revision") or "down_revision" not in found:
            return None  # a form this reader does not know: let Alembic decide
        revs[found["revision"]] = found["down_revision"]
    heads = set(revs) - set(revs.values())
    return heads.pop() if len(heads) == 1 else None


def _at_head(engine: Engine) -> bool:
    """Whether the store's recorded schema revision is the newest (then there is nothing to migrate)."""
    head = head_revision()
    if head is None:
        return False
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return False
        return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all() == [head]


def lock_path(database: str) -> Path:
    """The migration lock of a SQLite file: in the user cache directory, never beside the user's file."""
    from ..cache import cache_dirs

    key = hashlib.sha256(os.path.realpath(database).encode("utf-8")).hexdigest()[:32]
    for base in cache_dirs():
        try:
            (base / "locks").mkdir(parents=True, exist_ok=True, mode=0o700)
            return base / "locks" / f"{key}.lock"
        except OSError:
            continue  # a read-only home: fall back to a private folder in /tmp
    raise EventwireError("cannot create a lock file for the store (no writable cache directory)")


@contextmanager
def _sqlite_migration_lock(engine: Engine):
    """Two processes opening a new SQLite store must not both create its tables.

    The lock file is removed when done; a process that waited on a file removed meanwhile
    locks the new one instead (checked by inode), so removal cannot let two in at once.
    """
    db = engine.url.database if engine.dialect.name == "sqlite" else None
    if not db or db == ":memory:":
        yield
        return
    import fcntl

    path = lock_path(db)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            st = os.fstat(fd)
            try:
                now = os.stat(path)
            except FileNotFoundError:
                now = None
        except BaseException:
            os.close(fd)
            raise
        if now is not None and (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino):
            break
        os.close(fd)  # the holder before us removed this file: lock the one there now
    try:
        yield
    finally:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        os.close(fd)  # releases the lock


def _upgrade(engine: Engine, cfg, command, create: bool) -> None:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # One migrator at a time when several ingests start together.
            conn.execute(text("SELECT pg_advisory_xact_lock(73110)"))
        if not create and not inspect(conn).has_table(VERSION_TABLE):
            raise EventwireError(f"no store at {safe_url(str(engine.url))} "
                                 f"(run 'eventwire ingest --db URL ...' first)")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
