"""The event store: SQLite by default, PostgreSQL when shared (SQLAlchemy 2 + Alembic)."""

from .store import Store

__all__ = ["Store"]
