"""The REST API over the event store (``eventwire serve``): the same filters and queries as the CLI."""

from .app import create_app

__all__ = ["create_app"]
