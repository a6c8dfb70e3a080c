"""GET /api/watch/status: what `eventwire watch --status` shows, for the web app."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel


class WatchSource(BaseModel):
    name: str | None
    url: str
    last_success: str | None
    last_error: str | None
    last_error_at: str | None
    items_seen: int
    failures: int
    next_due: str | None
    newest_published: str | None
    lag_s: float | None


class WatchStatus(BaseModel):
    sources: list[WatchSource]


router = APIRouter(prefix="/api")


@router.get("/watch/status", response_model=WatchStatus,
            summary="The monitor's sources: last success, last error, items seen, lag (seconds)")
def watch_status(request: Request) -> WatchStatus:
    from ..watch.status import rows

    return WatchStatus(sources=[WatchSource(**r) for r in rows(request.app.state.store)])
