"""Read endpoints for the dashboard's pages: actors, places, and the news list with event counts.

Actors are the canonical names the pipeline gave entities (``entities.actor``) and the actors of fused
events; places are the GeoNames places that articles mention or that fused events are located at.
Both are counted in SQL and sorted in Python by name, so both back-ends page them in the same order
(PostgreSQL's collation and SQLite's byte order differ).
The detail pages and the news list (bounded queries) run on the event loop as the
event endpoints do (see routes); the full actor and place lists, read whole, in the thread pool.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy import func, null, or_, select

from ..store import Store
from ..store import schema as t
from ..store.fused import fused_dict
from .errors import ApiError, responses
from .models import ActorDetail, ActorPage, NewsPage, PlaceDetail, PlacePage
from .params import ArticleQuery, Cursor, Limit
from .routes import _no_nul, article_page

router = APIRouter(prefix="/api", dependencies=[Depends(_no_nul)])
KINDS = ("person", "armed_group", "state_force", "government", "coalition", "organization", "media", "other")
SHOWN = 50  # events and articles listed on an actor's or a place's detail (the counts say how many in all)


def _store(request: Request) -> Store:
    return request.app.state.store


# ---- cursors over a (name, key) sort -------------------------------------------------------------------

_BAD_CURSOR = "cursor: not a cursor this API gave (pass next_cursor from the previous page)"


def _encode(key: list) -> str:
    raw = json.dumps(key, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode(cursor: str, types: tuple[type, ...]) -> list:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8"))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise ApiError(400, _BAD_CURSOR) from None
    if not isinstance(key, list) or len(key) != len(types) or not all(
            isinstance(v, ty) and not isinstance(v, bool) for v, ty in zip(key, types, strict=True)):
        raise ApiError(400, _BAD_CURSOR)
    return key


def _page_sorted(rows: list[dict], sort_key, cursor: str | None, limit: int,
                 types: tuple[type, ...]) -> tuple[list[dict], str | None]:
    """Rows after the cursor in ``sort_key`` order; a page never repeats or skips a row."""
    rows.sort(key=sort_key)
    if cursor:
        after = _decode(cursor, types)
        rows = [r for r in rows if list(sort_key(r)) > after]
    items = rows[:limit]
    return items, (_encode(list(sort_key(items[-1]))) if len(rows) > limit else None)


def _events_where(conn, cond, limit: int = SHOWN) -> tuple[int, list[dict]]:
    """How many fused events match ``cond``, and the newest ``limit`` of them."""
    fe = t.fused_events
    n = conn.execute(select(func.count()).select_from(fe).where(cond)).scalar_one()
    rows = conn.execute(select(fe).where(cond).order_by(fe.c.date.desc().nulls_last(), fe.c.id)
                        .limit(limit)).mappings()
    return n, [fused_dict(r) for r in rows]


def _articles_where(conn, ids_query, limit: int = SHOWN) -> list[dict]:
    """The newest ``limit`` articles whose id ``ids_query`` selects (summaries, as in /api/articles)."""
    a = t.articles
    q = (select(a.c.id, a.c.title, a.c.url, a.c.published, a.c.language, a.c.duplicate_of, a.c.input,
                a.c.case_label, t.sites.c.name.label("site"))
         .join(t.sites, t.sites.c.id == a.c.site_id, isouter=True)
         .where(a.c.id.in_(ids_query)).order_by(a.c.published.desc().nulls_last(), a.c.id).limit(limit))
    out = []
    for r in conn.execute(q).mappings():
        d = dict(r)
        d["published"] = d["published"].isoformat() if d["published"] else None
        out.append(d)
    return out


# ---- actors --------------------------------------------------------------------------------------------


def _actor_event_counts(conn, names: list[str]) -> Counter:
    """Fused events per actor (as actor1 or actor2; an event between the same actor twice counts once)."""
    fe = t.fused_events
    n: Counter = Counter()
    if not names:
        return n
    for a1, a2 in conn.execute(select(fe.c.actor1, fe.c.actor2).where(or_(fe.c.actor1.in_(names),
                                                                              fe.c.actor2.in_(names)))):
        for name in {a1, a2} - {None}:
            n[name] += 1
    return n


def _actors(conn, text: str | None) -> dict[str, dict]:
    """Every actor (optionally those whose name holds ``text``), with kind and article count."""
    e, fe = t.entities, t.fused_events
    like = f"%{text}%" if text else None
    q = select(e.c.actor, e.c.kind, func.count()).where(e.c.actor.is_not(None)).group_by(e.c.actor, e.c.kind)
    if like:
        q = q.where(e.c.actor.ilike(like))
    out: dict[str, dict] = {}
    for name, kind, n in conn.execute(q):
        a = out.setdefault(name, {"name": name, "kinds": {}, "mentions": 0})
        a["kinds"][kind] = n
        a["mentions"] += n
    q = select(e.c.actor, func.count(e.c.article_id.distinct())).where(e.c.actor.is_not(None)).group_by(e.c.actor)
    if like:
        q = q.where(e.c.actor.ilike(like))
    arts = dict(conn.execute(q).all())
    # Actors that only fused events name (e.g. an event's "Protesters (China)"), with no tagged mention.
    for col in (fe.c.actor1, fe.c.actor2):
        q = select(col).where(col.is_not(None)).distinct()
        if like:
            q = q.where(col.ilike(like))
        for (name,) in conn.execute(q):
            out.setdefault(name, {"name": name, "kinds": {}, "mentions": 0})
    for a in out.values():
        # The kind most mentions carry; ties by kind name, so the answer is the same every time.
        a["kind"] = max(a["kinds"].items(), key=lambda kv: (kv[1], kv[0]))[0] if a["kinds"] else None
        a["articles"] = arts.get(a["name"], 0)
    return out


@router.get("/actors", response_model=ActorPage, responses=responses(400, 422),
            summary="Actors (canonical names) by name, with their kind and how many events and articles name them")
def list_actors(
    request: Request,
    text: Annotated[str | None, Query(description="part of the name (case-insensitive)")] = None,
    kind: Annotated[str | None, Query(description="entity kind: " + ", ".join(KINDS))] = None,
    limit: Limit = 100, cursor: Cursor = None,
) -> dict:
    if kind is not None and kind not in KINDS:
        raise ApiError(422, f"kind: must be one of {', '.join(KINDS)}")
    with _store(request).engine.connect() as conn:
        rows = list(_actors(conn, text.strip() or None if text else None).values())
        if kind:
            rows = [r for r in rows if r["kind"] == kind]
        items, nxt = _page_sorted(rows, lambda r: (r["name"],), cursor, limit, (str,))
        counts = _actor_event_counts(conn, [r["name"] for r in items])
    for r in items:
        r["events"] = counts[r["name"]]
    return {"items": items, "next_cursor": nxt}


ActorName = Annotated[str, Path(min_length=1, max_length=300, description="the actor's canonical name")]


@router.get("/actors/{name:path}", response_model=ActorDetail, responses=responses(404, 422),
            summary="An actor: its kind, the words articles call it by, its events and articles")
async def get_actor(request: Request, name: ActorName) -> dict:
    e, fe = t.entities, t.fused_events
    with _store(request).engine.connect() as conn:
        like = _actors(conn, name)  # every actor whose name holds it, in any case
        if name not in like:  # the name as typed in another case: the first such actor by name
            same = sorted(k for k in like if k.lower() == name.lower())
            if not same:
                raise ApiError(404, f"no actor named {name}")
            name = same[0]
        found = like[name]
        aliases = conn.execute(select(e.c.text, func.count()).where(e.c.actor == name).group_by(e.c.text)).all()
        n, events = _events_where(conn, or_(fe.c.actor1 == name, fe.c.actor2 == name))
        articles = _articles_where(conn, select(e.c.article_id).where(e.c.actor == name))
    found["aliases"] = [{"text": a, "mentions": c} for a, c in sorted(aliases, key=lambda x: (-x[1], x[0]))]
    found["events"] = n
    found["recent_events"] = events
    found["recent_articles"] = articles
    return found


# ---- places --------------------------------------------------------------------------------------------


def _places(conn, country: str | None, text: str | None) -> dict[int, dict]:
    """Every GeoNames place mentioned or holding a fused event, with its mentions, articles and events."""
    p, fe = t.places, t.fused_events
    conds, fconds = [p.c.geonameid.is_not(None)], [fe.c.geonameid.is_not(None)]
    if country:
        conds.append(p.c.country == country)
        fconds.append(fe.c.country == country)
    if text:
        conds.append(or_(p.c.name.ilike(f"%{text}%"), p.c.text.ilike(f"%{text}%")))
        fconds.append(fe.c.location.ilike(f"%{text}%"))
    out: dict[int, dict] = {}
    q = (select(p.c.geonameid, func.min(p.c.name), func.min(p.c.country), func.min(p.c.admin1), func.min(p.c.lat),
                func.min(p.c.lon), func.min(p.c.feature), func.count(), func.count(p.c.article_id.distinct()))
         .where(*conds).group_by(p.c.geonameid))
    for gid, name, cc, adm1, lat, lon, feature, mentions, articles in conn.execute(q):
        out[gid] = {"geonameid": gid, "name": name, "country": cc, "admin1": adm1, "lat": lat, "lon": lon,
                    "feature": feature, "mentions": mentions, "articles": articles, "events": 0}
    q = (select(fe.c.geonameid, func.min(fe.c.location), func.min(fe.c.country), func.min(fe.c.lat),
                func.min(fe.c.lon), func.count()).where(*fconds).group_by(fe.c.geonameid))
    for gid, name, cc, lat, lon, n in conn.execute(q):
        place = out.setdefault(gid, {"geonameid": gid, "name": name, "country": cc, "admin1": None, "lat": lat,
                                     "lon": lon, "feature": None, "mentions": 0, "articles": 0})
        place["events"] = n
    return out


def _country(value: str | None) -> str | None:
    if value is None:
        return None
    if len(value) != 2 or not value.isascii() or not value.isalpha():
        raise ApiError(422, f"country: {value!r} is not an ISO 3166-1 alpha-2 code such as SY")
    return value.upper()


@router.get("/places", response_model=PlacePage, responses=responses(400, 422),
            summary="GeoNames places that articles mention or events happened at, by name")
def list_places(
    request: Request,
    country: Annotated[str | None, Query(description="ISO 3166-1 alpha-2 code, e.g. SY")] = None,
    text: Annotated[str | None, Query(description="part of the name, or of how an article spelled it")] = None,
    limit: Limit = 100, cursor: Cursor = None,
) -> dict:
    cc = _country(country)
    with _store(request).engine.connect() as conn:
        rows = list(_places(conn, cc, text.strip() or None if text else None).values())
    items, nxt = _page_sorted(rows, lambda r: (r["name"] or "", r["geonameid"]), cursor, limit, (str, int))
    return {"items": items, "next_cursor": nxt}


@router.get("/places/{geonameid}", response_model=PlaceDetail, responses=responses(404, 422),
            summary="A place: where it is, how articles spell it, the events there and the articles naming it")
async def get_place(request: Request, geonameid: Annotated[int, Path(ge=0, le=2**31 - 1, description="GeoNames id")]
              ) -> dict:
    p, fe = t.places, t.fused_events
    with _store(request).engine.connect() as conn:
        known = conn.execute(select(p.c.geonameid).where(p.c.geonameid == geonameid).limit(1)).first() or \
            conn.execute(select(fe.c.id).where(fe.c.geonameid == geonameid).limit(1)).first()
        if known is None:
            raise ApiError(404, f"no place with GeoNames id {geonameid}")
        place = _place_one(conn, geonameid)
        spellings = conn.execute(select(p.c.text, func.count()).where(p.c.geonameid == geonameid)
                                 .group_by(p.c.text)).all()
        _n, events = _events_where(conn, fe.c.geonameid == geonameid)
        articles = _articles_where(conn, select(p.c.article_id).where(p.c.geonameid == geonameid))
    place["spellings"] = [{"text": s, "mentions": c} for s, c in sorted(spellings, key=lambda x: (-x[1], x[0]))]
    place["recent_events"] = events
    place["recent_articles"] = articles
    return place


def _place_one(conn, geonameid: int) -> dict:
    p, fe = t.places, t.fused_events
    row = conn.execute(select(p.c.name, p.c.country, p.c.admin1, p.c.lat, p.c.lon, p.c.feature)
                       .where(p.c.geonameid == geonameid).order_by(p.c.id).limit(1)).first()
    if row is None:
        row = conn.execute(select(fe.c.location, fe.c.country, null(), fe.c.lat, fe.c.lon, null())
                           .where(fe.c.geonameid == geonameid).order_by(fe.c.id).limit(1)).first()
    name, cc, adm1, lat, lon, feature = row
    mentions, articles = conn.execute(select(func.count(), func.count(p.c.article_id.distinct()))
                                      .where(p.c.geonameid == geonameid)).one()
    events = conn.execute(select(func.count()).select_from(fe).where(fe.c.geonameid == geonameid)).scalar_one()
    return {"geonameid": geonameid, "name": name, "country": cc, "admin1": adm1, "lat": lat, "lon": lon,
            "feature": feature, "mentions": mentions, "articles": articles, "events": events}


# ---- news: articles with their number of events --------------------------------------------------------


@router.get("/news", response_model=NewsPage, responses=responses(400, 422),
            summary="Articles newest first, as /api/articles, each with an excerpt and its number of events")
async def list_news(
    request: Request,
    f: ArticleQuery,
    limit: Limit = 100, cursor: Cursor = None,
) -> dict:
    store = _store(request)
    items, nxt = article_page(store, f, cursor, limit)
    ids = [a["id"] for a in items]
    src, fr, a = t.event_sources, t.fused_reports, t.articles
    with store.engine.connect() as conn:
        reports = dict(conn.execute(select(src.c.article_id, func.count()).where(src.c.article_id.in_(ids))
                                    .group_by(src.c.article_id)).all()) if ids else {}
        fused = dict(conn.execute(select(src.c.article_id, func.count(fr.c.fused_id.distinct()))
                                  .join(fr, fr.c.event_id == src.c.event_id).where(src.c.article_id.in_(ids))
                                  .group_by(src.c.article_id)).all()) if ids else {}
        excerpts = dict(conn.execute(select(a.c.id, func.substr(a.c.text, 1, 300)).where(a.c.id.in_(ids))).all()) \
            if ids else {}
    for item in items:
        item["reports"] = reports.get(item["id"], 0)
        item["events"] = fused.get(item["id"], 0)
        item["excerpt"] = excerpts.get(item["id"])
    return {"items": items, "next_cursor": nxt}
