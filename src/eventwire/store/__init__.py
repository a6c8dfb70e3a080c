"""The event store: SQLite by default, PostgreSQL when shared (SQLAlchemy 2 + Alembic)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import Store

__all__ = ["Store", "open_store"]


def __getattr__(name: str):
    # Loaded on first use: checking a store's location (store.location) needs no database library.
    if name == "Store":
        from .store import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_store(db: str | None, create: bool) -> Store:
    """The store for a command or the API: reading (``create=False``) never creates one.

    The location is checked first, so a missing file or bad URL is one line before SQLAlchemy loads.
    """
    from .location import locate

    locate(db, create)
    from .store import Store

    return Store(db, create=create)
