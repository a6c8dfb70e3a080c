"""The read endpoints: events, articles, aggregates and exports.

The list, detail and aggregate endpoints are ``async``: their store queries run on the event loop,
one at a time. Each is bounded (a page off an index, or one GROUP BY), and run in FastAPI's thread
pool instead they cost three times the CPU under concurrent clients: the database driver hands the
GIL back and forth for every fetched row (benchmarks/api_latency.md). Downloads, whose length has
no bound, stream from the thread pool. ``serve --workers N`` runs N such loops.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import StreamingResponse

from ..store import Store
from ..store.query import ArticleFilter, find_articles, find_events, find_fused_events
from . import aggregates
from .cursor import decode_day, page
from .errors import ApiError, responses
from .models import Aggregates, ArticleDetail, ArticlePage, Change, EventDetail, EventPage
from .params import ArticleQuery, Cursor, EventQuery, Limit
from .streaming import stream


async def _no_nul(request: Request) -> None:
    """A NUL character is no text any store holds (PostgreSQL and SQLite's full-text search refuse it).

    async (it does no I/O): FastAPI runs it on the event loop, not through its thread pool.
    """
    for name, value in [*request.query_params.multi_items(), *request.path_params.items()]:
        if "\x00" in value:
            raise ApiError(422, f"{name}: contains a NUL character")


router = APIRouter(prefix="/api", dependencies=[Depends(_no_nul)])
Id = Annotated[str, Path(max_length=64, description="a fused event, per-article event or article id")]


def _store(request: Request) -> Store:
    return request.app.state.store


def _finder(store: Store, reports: bool):
    """The store's query for per-article events (reports) or fused events, as a function of the filter."""
    return (lambda f: find_events(store, f)) if reports else (lambda f: find_fused_events(store, f))


@router.get("/events", response_model=EventPage, responses=responses(400, 422),
            summary="Events matching the filters, newest first (fused events; reports=true: per article)")
async def list_events(request: Request, q: EventQuery, limit: Limit = 100, cursor: Cursor = None) -> dict:
    items, nxt = page(_finder(_store(request), q.reports), q.to_filter(), cursor, limit)
    return {"items": items, "next_cursor": nxt}


@router.get("/events/{id}", response_model=EventDetail, response_model_exclude_unset=True,
            responses=responses(404, 422),
            summary="A fused event with its reports and sources, or a per-article event with its sources")
async def get_event(request: Request, id: Id) -> dict:
    store = _store(request)
    ev = store.fused_event(id) or store.event(id)
    if ev is None:
        raise ApiError(404, f"no event with id {id}")
    return ev


@router.get("/articles", response_model=ArticlePage, responses=responses(400, 422),
            summary="Articles, newest first")
async def list_articles(
    request: Request,
    f: ArticleQuery,
    limit: Limit = 100, cursor: Cursor = None,
) -> dict:
    items, nxt = article_page(_store(request), f, cursor, limit)
    return {"items": items, "next_cursor": nxt}


def article_page(store: Store, f: ArticleFilter, cursor: str | None, limit: int) -> tuple[list[dict], str | None]:
    """A page of articles newest first (by publication day, then id), and the next page's cursor."""
    return page(lambda af: find_articles(store, af), f, cursor, limit, key="published", decoder=decode_day)


@router.get("/articles/{id}", response_model=ArticleDetail, response_model_exclude_unset=True,
            responses=responses(404, 422),
            summary="An article with its annotations (entities, places, times, quotes) and events")
async def get_article(request: Request, id: Id) -> dict:
    rec = _store(request).article(id)
    if rec is None:
        raise ApiError(404, f"no article with id {id}")
    return rec


@router.get("/aggregates", response_model=Aggregates, responses=responses(422),
            summary="Counts of matching events by day, week or month and by a group")
async def get_aggregates(request: Request, q: EventQuery,
                   by: Annotated[Literal["day", "week", "month"], Query()] = "week",
                   group: Annotated[Literal["event_type", "country", "admin1", "actor"], Query()] = "event_type",
                   ) -> dict:
    store, f = _store(request), q.to_filter()

    def counted() -> dict:
        buckets, undated = aggregates.count(store, f, q.reports, by, group)
        return {"by": by, "group": group, "fused": not q.reports, "buckets": buckets, "undated": undated}

    return counted() if q.reports else _cached(request, counted)


@router.get("/aggregates/change", response_model=Change, responses=responses(422),
            summary="Per event type: the latest week against the mean of the 4 and the 52 weeks before")
async def get_change(request: Request, q: EventQuery) -> dict:
    store, f = _store(request), q.to_filter()

    def counted() -> dict:
        week, types = aggregates.change(store, f, q.reports)
        return {"week": week, "fused": not q.reports, "types": types}

    return counted() if q.reports else _cached(request, counted)


def _cached(request: Request, compute) -> dict:
    """Fused events' counts change only with a fusion run: kept per request until then (per-article
    events change as articles are stored, before fusion, so their counts are never kept)."""
    key = (request.url.path, tuple(sorted(request.query_params.multi_items())))
    return request.app.state.fused_cache.get(_store(request), key, compute)


def _export(request: Request, q: EventQuery, limit: int | None, write, media: str, name: str) -> StreamingResponse:
    store = _store(request)
    f = q.to_filter()  # a bad value is a 422 before the download starts
    f.limit = limit

    def full_events():
        found = find_events(store, f) if q.reports else find_fused_events(store, f)
        for ev in found:
            yield store.event(ev["id"]) if q.reports else store.fused_event(ev["id"])

    return StreamingResponse(stream(lambda out: write(full_events(), out)), media_type=media,
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})


ExportLimit = Annotated[int | None, Query(ge=1, description="at most this many events")]
_CSV = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "ACLED-style CSV"}}
_GEOJSON = {200: {"content": {"application/geo+json": {"schema": {"type": "object"}}},
                  "description": "a GeoJSON FeatureCollection"}}


@router.get("/export.csv", response_class=StreamingResponse, responses={**_CSV, **responses(422)},
            summary="Matching events as ACLED's CSV columns (plus eventwire's unless acled_only)")
def export_csv(request: Request, q: EventQuery, limit: ExportLimit = None,
               acled_only: Annotated[bool, Query(description="only ACLED's 31 columns")] = False):
    from ..export import write_csv

    return _export(request, q, limit, lambda evs, out: write_csv(evs, out, extra=not acled_only),
                   "text/csv; charset=utf-8", "eventwire-events.csv")


@router.get("/export.geojson", response_class=StreamingResponse, responses={**_GEOJSON, **responses(422)},
            summary="Matching events with a location as GeoJSON points")
def export_geojson(request: Request, q: EventQuery, limit: ExportLimit = None):
    from ..export import write_geojson

    return _export(request, q, limit, write_geojson, "application/geo+json", "eventwire-events.geojson")
