"""Query parameters checked with the CLI's own option functions, turned into the store's filters."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Query

from .. import options as opt
from ..errors import UsageError
from ..store.query import ArticleFilter, EventFilter
from .errors import ApiError

T = TypeVar("T")


def check(name: str, fn: Callable[[str], T], value: str | None) -> T | None:
    """``fn(value)`` as the CLI's parser would call it; its one-line reason becomes a 422 naming the parameter."""
    if value is None:
        return None
    try:
        return fn(value)
    except argparse.ArgumentTypeError as exc:
        raise ApiError(422, f"{name}: {exc}") from None


def _near(value: str) -> tuple[float, float]:
    """LAT,LON, or a place name looked up in the gazetteer (as ``eventwire events --near``)."""
    from ..geo import place_or_latlon

    try:
        return place_or_latlon(value)
    except UsageError as exc:
        raise ApiError(422, str(exc).replace("--near", "near", 1)) from None


@dataclass
class EventParams:
    since: str | None
    until: str | None
    type: str | None
    sub_type: str | None
    actor: str | None
    country: str | None
    near: str | None
    radius: str | None
    bbox: str | None
    text: str | None
    modality: str | None
    include_duplicates: bool
    reports: bool

    def to_filter(self) -> EventFilter:
        """The filter, after the same checks as the CLI's (values, then what they say together)."""
        since, until = check("since", opt.period, self.since), check("until", opt.period, self.until)
        etype = check("type", opt.event_type, self.type)
        sub = check("sub_type", opt.sub_event_type, self.sub_type)
        for problem in (opt.check_period(since, until), opt.check_types(etype, sub)):
            if problem:
                raise ApiError(422, problem.replace("--sub-type", "sub_type").replace("--type", "type")
                               .replace("--since", "since").replace("--until", "until"))
        radius = check("radius", opt.positive_float, self.radius)
        near = check("near", opt.near, self.near)
        if radius is not None and not near:
            raise ApiError(422, "radius needs near=PLACE or near=LAT,LON")
        f = EventFilter(since=since, until=until, event_type=etype, sub_event_type=sub,
                        actor=self.actor.strip() or None if self.actor else None,
                        country=check("country", opt.country, self.country), bbox=check("bbox", opt.bbox, self.bbox),
                        text=self.text.strip() or None if self.text else None,
                        modality=check("modality", opt.modality, self.modality),
                        include_duplicates=self.include_duplicates)
        if radius is not None:
            f.radius_km = radius
        if near:
            f.near = _near(near)
        return f


async def event_params(
    since: Annotated[str | None, Query(description="from this date: YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(description="up to this date, inclusive")] = None,
    type: Annotated[str | None, Query(description="ACLED event type, e.g. Battles")] = None,
    sub_type: Annotated[str | None, Query(description="ACLED sub-event type, e.g. Armed clash")] = None,
    actor: Annotated[str | None, Query(description="actor name (substring, either side)")] = None,
    country: Annotated[str | None, Query(description="ISO 3166-1 alpha-2 code, e.g. SY")] = None,
    near: Annotated[str | None, Query(description="a place name or LAT,LON")] = None,
    radius: Annotated[str | None, Query(description="km around near (default 50)")] = None,
    bbox: Annotated[str | None, Query(description="MIN_LON,MIN_LAT,MAX_LON,MAX_LAT")] = None,
    text: Annotated[str | None, Query(description="full-text search in the reporting articles")] = None,
    modality: Annotated[str | None, Query(description="asserted, reported, claimed, denied, ...")] = None,
    include_duplicates: Annotated[bool, Query(description="with reports: also events read only from copies")] = False,
    reports: Annotated[bool, Query(description="each article's events instead of fused events")] = False,
) -> EventParams:
    return EventParams(since, until, type, sub_type, actor, country, near, radius, bbox, text, modality,
                       include_duplicates, reports)


EventQuery = Annotated[EventParams, Depends(event_params)]
Limit = Annotated[int, Query(ge=1, le=1000, description="at most this many items per page")]
Cursor = Annotated[str | None, Query(description="next_cursor of the previous page")]


async def article_filter(
    since: Annotated[str | None, Query(description="published from this date (YYYY, YYYY-MM or YYYY-MM-DD)")] = None,
    until: Annotated[str | None, Query(description="published up to this date, inclusive")] = None,
    site: Annotated[str | None, Query(description="site name (substring)")] = None,
    text: Annotated[str | None, Query(description="full-text search")] = None,
    duplicates: Annotated[bool | None, Query(description="true: only near-duplicate copies; false: only "
                                                          "originals")] = None,
) -> ArticleFilter:
    """The article lists' filters (/api/articles, /api/news), checked as `eventwire articles` checks them."""
    since, until = check("since", opt.period, since), check("until", opt.period, until)
    problem = opt.check_period(since, until)
    if problem:
        raise ApiError(422, problem.replace("--since", "since").replace("--until", "until"))
    return ArticleFilter(since=since, until=until, site=site or None, text=text.strip() or None if text else None,
                         duplicates=duplicates)


ArticleQuery = Annotated[ArticleFilter, Depends(article_filter)]
