"""The record's building blocks: plain dataclasses that serialise to spec/output.md.

Offsets are character offsets into ``Article.text`` (end exclusive).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass
class Article:
    id: str
    text: str
    input: str | None = None
    url: str | None = None
    site: str | None = None
    title: str | None = None
    published: date | None = None
    retrieved: date | None = None
    language: str | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("published", "retrieved"):
            d[key] = d[key].isoformat() if d[key] else None
        return {k: d[k] for k in ("id", "input", "url", "site", "title", "published",
                                  "retrieved", "language", "text")}


@dataclass
class Entity:
    text: str
    start: int
    end: int
    kind: str  # person|armed_group|state_force|government|coalition|organization|media|place|other
    actor: str | None = None  # canonical actor name when the dictionary knows it

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Place:
    text: str
    start: int
    end: int
    name: str
    lat: float
    lon: float
    country: str | None
    geonameid: int | None = None
    admin1: str | None = None
    feature: str = "city"  # country|admin|city|locality|region
    population: int = 0

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("population")
        return d


@dataclass
class Time:
    text: str
    start: int
    end: int
    value: str  # TIMEX3 value: 2017-06-12, 2017-02, 2014, 2014-SU, P3M, PRESENT_REF ...
    type: str = "DATE"  # TIMEX3 type: DATE|TIME|DURATION|SET

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Quote:
    text: str
    start: int
    end: int
    direct: bool
    speaker: str | None = None
    speaker_description: str | None = None
    cue: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Detection:
    """A sentence the event detector reads as reporting a happening (any of the 30 CASE 2021 codes)."""

    start: int
    end: int
    label: str  # CASE 2021 code, e.g. AIR_STRIKE, PEACE_PROTEST, NATURAL_DISASTER, DIPLO
    prob: float  # calibrated probability that the sentence reports an event at all
    label_prob: float = 1.0  # probability of ``label`` given that it does

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Location:
    name: str
    lat: float
    lon: float
    country: str | None
    geonameid: int | None
    precision: int  # ACLED geo_precision: 1 exact town, 2 near/district, 3 region/country

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Event:
    event_type: str
    sub_event_type: str | None
    evidence: str
    start: int
    end: int
    actor1: str | None = None
    actor2: str | None = None
    assoc_actors: list[str] = field(default_factory=list)
    location: Location | None = None
    date: str | None = None
    date_precision: str | None = None
    fatalities: int | None = None
    modality: str = "asserted"
    attributed_to: str | None = None
    confidence: float = 0.5
    trigger: str | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["location"] = self.location.to_dict() if self.location else None
        return d
