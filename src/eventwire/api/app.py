"""The app factory: one store (one engine and its pool) per app, errors as one JSON line."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from .. import __version__
from ..config import Settings
from .cache import FusedResultCache
from .errors import ApiError


def _one_line(exc: RequestValidationError) -> str:
    """FastAPI's validation errors as the CLI would say them: 'limit: Input should be ...'."""
    parts = []
    for e in exc.errors():
        where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body"))
        parts.append(f"{where}: {e.get('msg', 'invalid')}" if where else e.get("msg", "invalid"))
    return "; ".join(parts) or "invalid request"


DEFAULT_MAX_UPLOAD_BYTES = 50_000_000


def create_app(db: str | None, token: str | None = None, max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
               settings: Settings | None = None) -> FastAPI:
    """The API over the store at ``db`` (SQLite path or postgresql:// URL); it must exist (nothing is created).

    Opening it checks the store's location and schema now, so a bad ``db`` fails here, not at the first request.
    The write endpoints (uploads for ingestion) answer only with ``token`` set, and only to requests bearing it;
    ``settings`` are the ingestion's (default: those of ``eventwire ingest``).
    """
    from ..store import open_store
    from .jobs import JobRunner, describe

    store = open_store(db, create=False)
    jobs = JobRunner(store, settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        describe(jobs.shutdown())  # say what had not finished; the store closes after the worker stopped
        store.close()

    app = FastAPI(title="eventwire", version=__version__, lifespan=lifespan,
                  description="Sourced, geocoded ACLED-style events read from news articles: the store that "
                              "`eventwire ingest` fills, with the filters of `eventwire events`.")
    app.state.store = store
    app.state.fused_cache = FusedResultCache()
    app.state.jobs = jobs
    app.state.write_token = token or None
    app.state.max_upload_bytes = max_upload_bytes

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"error": exc.message}, status_code=exc.status)

    @app.exception_handler(HTTPException)
    async def _http(_request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": _one_line(exc)}, status_code=422)

    from .routes import router

    app.include_router(router)

    from .write_routes import router as write_router

    app.include_router(write_router)

    from ..dashboard.pages import mount

    mount(app)
    from .catalog import router as catalog  # actors, places and the news list, for the dashboard's pages

    app.include_router(catalog)
    from .watch_routes import router as watch_router  # the monitor's status (issue 12)

    app.include_router(watch_router)
    return app
