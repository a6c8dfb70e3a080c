"""Reports: each article's events as fusion sees them, read from the store.

A report is one article's account of one event (a row of ``events`` with its ``event_sources``
row), with what fusion compares precomputed: its ACLED disorder types, its day as an ordinal and
the content words of its sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..store import schema as t
from .settings import FusionSettings

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]{2,}|\d+")
_STOP = frozenset(
    "the and for was were with that this from have has had are not but his her its their they them "
    "said says say after when who which what also been into over more than about other some said "
    "people killed attack attacks on in of at by to".split()
)


@dataclass
class Report:
    id: str
    article_id: str
    site: str | None
    published: date | None
    event_type: str
    sub_event_type: str | None
    actor1: str | None
    actor2: str | None
    assoc_actors: list[str]
    location: str | None
    lat: float | None
    lon: float | None
    country: str | None
    geonameid: int | None
    geo_precision: int | None
    date: str | None
    date_precision: str | None
    fatalities: int | None
    modality: str
    attributed_to: str | None
    confidence: float
    evidence: str
    start: int
    families: frozenset[str] = frozenset()
    day: int | None = None  # date ordinal when the date is a day
    place_inherited: bool = False  # the place is the article's main place, not the sentence's
    words: frozenset[str] = frozenset()

    @property
    def located(self) -> bool:
        """Placed to a town or district (a country or a region is too coarse to tell events apart)."""
        return self.lat is not None and self.geo_precision is not None and self.geo_precision < 3

    @property
    def own_place(self) -> bool:
        return self.located and not self.place_inherited


def report_query():
    ev, src, art = t.events, t.event_sources, t.articles
    return (
        select(ev, src.c.article_id, src.c.start, src.c.evidence, src.c.modality.label("src_modality"),
               src.c.attributed_to.label("src_attributed_to"), art.c.published, t.sites.c.name.label("site"),
               art.c.title)
        .join(src, src.c.event_id == ev.c.id)
        .join(art, art.c.id == src.c.article_id)
        .join(t.sites, t.sites.c.id == art.c.site_id, isouter=True)
    )


def _day(value: str | None, precision: str | None) -> int | None:
    if not value or len(value) < 10 or precision not in (None, "day"):
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


def words_of(text: str) -> frozenset[str]:
    """Content words of a sentence, for the text-similarity signal (names, numbers, rare words)."""
    return frozenset(w.lower() for w in _WORD.findall(text) if w.lower() not in _STOP)


def from_rows(rows, settings: FusionSettings) -> list[Report]:
    """Reports from ``report_query`` rows, in article and text order."""
    reports = []
    for r in rows:
        rep = Report(
            id=r["id"], article_id=r["article_id"], site=r["site"], published=r["published"],
            event_type=r["event_type"], sub_event_type=r["sub_event_type"], actor1=r["actor1"], actor2=r["actor2"],
            assoc_actors=list(r["assoc_actors"] or []), location=r["location"], lat=r["lat"], lon=r["lon"],
            country=r["country"], geonameid=r["geonameid"], geo_precision=r["geo_precision"], date=r["date"],
            date_precision=r["date_precision"], fatalities=r["fatalities"], modality=r["src_modality"],
            attributed_to=r["src_attributed_to"], confidence=r["confidence"], evidence=r["evidence"],
            start=r["start"],
        )
        rep.families = settings.families(rep.event_type, rep.sub_event_type)
        rep.day = _day(rep.date, rep.date_precision)
        rep.words = words_of(f"{r['title'] or ''} {rep.evidence}")
        reports.append(rep)
    reports.sort(key=lambda x: (x.article_id, x.start, x.id))
    return reports


def article_places(conn, article_ids: list[str]) -> dict[str, dict]:
    """Article id -> its main place: the town or district it names most (ties: the first named).

    Countries and regions are too coarse to tell two events apart, and an all-capitals dateline
    ("KINSHASA, Nov 7 -") names where the story was filed, not where it happened.
    """
    p = t.places
    out: dict[str, dict] = {}
    for i in range(0, len(article_ids), 500):
        q = (select(p.c.article_id, p.c.start, p.c.text, p.c.name, p.c.lat, p.c.lon, p.c.country, p.c.geonameid,
                    p.c.feature)
             .where(p.c.article_id.in_(article_ids[i:i + 500]), p.c.feature.in_(("city", "locality", "admin")))
             .order_by(p.c.article_id, p.c.start))
        tally: dict[str, dict[tuple, list]] = {}
        for r in conn.execute(q).mappings():
            if r["text"].isupper():
                continue
            key = (r["geonameid"], r["name"])
            slot = tally.setdefault(r["article_id"], {}).setdefault(key, [0, r["start"], r])
            slot[0] += 1
        for aid, places in tally.items():
            _n, _start, r = max(places.values(), key=lambda v: (v[0], -v[1]))
            out[aid] = {"location": r["name"], "lat": r["lat"], "lon": r["lon"], "country": r["country"],
                        "geonameid": r["geonameid"], "geo_precision": 1 if r["feature"] != "admin" else 2}
    return out


def load_reports(conn, settings: FusionSettings, article_ids: list[str] | None = None) -> list[Report]:
    """The reports of the given articles (all articles: None), each article's main place attached
    to reports that name no place of their own (``place_inherited``)."""
    if article_ids is None:
        reports = from_rows(conn.execute(report_query()).mappings(), settings)
    else:
        reports = []
        ids = sorted(article_ids)
        for i in range(0, len(ids), 500):
            q = report_query().where(t.event_sources.c.article_id.in_(ids[i:i + 500]))
            reports.extend(from_rows(conn.execute(q).mappings(), settings))
        reports.sort(key=lambda x: (x.article_id, x.start, x.id))
    need = sorted({r.article_id for r in reports if not r.located})
    main = article_places(conn, need) if need else {}
    for r in reports:
        if not r.located and r.article_id in main:
            for k, v in main[r.article_id].items():
                setattr(r, k, v)
            r.place_inherited = True
    return reports
