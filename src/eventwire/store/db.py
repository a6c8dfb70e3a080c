"""Opening a store: where it lives, the engine, and bringing its schema up to date."""

from __future__ import annotations

import os
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from ..errors import EventwireError, UsageError


def default_db_path() -> Path:
    """The zero-configuration SQLite file in the user's data directory."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("eventwire", appauthor=False)) / "eventwire.db"


def resolve_url(db: str | None) -> str:
    """--db PATH or URL, else $EVENTWIRE_DB, else the default SQLite file."""
    db = db or os.environ.get("EVENTWIRE_DB") or str(default_db_path())
    if "://" in db:
        if db.startswith("postgres://"):  # the spelling Heroku and others hand out
            db = "postgresql://" + db[len("postgres://"):]
        if db.startswith("postgresql://"):
            db = "postgresql+psycopg://" + db[len("postgresql://"):]
        return db
    path = Path(db).expanduser()
    if path.is_dir():
        raise UsageError(f"--db {db}: is a directory; give a file name")
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UsageError(f"--db {url}: not a database URL or path") from None
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            # WAL: readers never block the writer; two ingests can share one file.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.close()

        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True)
    raise UsageError(f"--db {url}: only SQLite and PostgreSQL are supported")


def migrate(engine: Engine) -> None:
    """Upgrade the store's schema to the newest revision (a no-op when it is current)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("eventwire.store") / "migrations"))
    with _sqlite_migration_lock(engine):
        _upgrade(engine, cfg, command)


@contextmanager
def _sqlite_migration_lock(engine: Engine):
    """Two processes opening a new SQLite store must not both create its tables."""
    db = engine.url.database if engine.dialect.name == "sqlite" else None
    if not db or db == ":memory:":
        yield
        return
    import fcntl

    with open(db + ".migrate-lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _upgrade(engine: Engine, cfg, command) -> None:
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # One migrator at a time when several ingests start together.
                conn.execute(text("SELECT pg_advisory_xact_lock(73110)"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise EventwireError(f"cannot open the store: {str(exc.orig).strip().splitlines()[0]}") from None
