"""Routes of the dashboard's pages and its static files (the pages call /api/* from the browser)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
VENDOR = STATIC / "vendor"

# Page path -> HTML file. A page reads its ids and filters from its own URL, so any of these can be
# reloaded or shared as it is.
PAGES = {
    "/": "index.html",
    "/events/{id}": "event.html",
    "/news": "news.html",
    "/articles/{id}": "article.html",
}

_MISSING_VENDOR = ("<!doctype html><title>eventwire</title><p>The dashboard's front-end libraries are not "
                   "installed: run <code>bash scripts/build-web.sh</code> (needs npm once, at set-up).</p>")

router = APIRouter(include_in_schema=False)


def _page(name: str):
    def serve() -> FileResponse | HTMLResponse:
        if not (VENDOR / "VERSIONS").is_file():
            return HTMLResponse(_MISSING_VENDOR, status_code=503)
        return FileResponse(STATIC / name, media_type="text/html")

    serve.__name__ = f"page_{name.split('.')[0]}"
    return serve


for _path, _file in PAGES.items():
    router.add_api_route(_path, _page(_file), methods=["GET"], response_model=None)


def mount(app: FastAPI) -> None:
    """Add the pages and /static to ``app``."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
