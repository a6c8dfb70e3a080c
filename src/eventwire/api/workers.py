"""The app of each worker process of ``eventwire serve --workers N`` (uvicorn imports it by name)."""

from __future__ import annotations

import os

from fastapi import FastAPI

DB_VARIABLE = "EVENTWIRE_SERVE_DB"


def app() -> FastAPI:
    """The API over the store the serving command named (passed down in the environment)."""
    from . import create_app

    return create_app(os.environ[DB_VARIABLE])
