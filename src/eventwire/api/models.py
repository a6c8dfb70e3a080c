"""Response models: the records the CLI prints as JSON, described for the OpenAPI schema."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Location(BaseModel):
    name: str | None
    lat: float
    lon: float
    country: str | None
    geonameid: int | None
    precision: int | None


class Event(BaseModel):
    """A fused event (``fused`` true: one per real-world event) or a per-article event (a report)."""

    id: str
    event_type: str
    sub_event_type: str | None
    actor1: str | None
    actor2: str | None
    assoc_actors: list[str]
    location: Location | None
    date: str | None
    date_precision: str | None
    fatalities: int | None
    modality: str
    attributed_to: str | None
    confidence: float
    fused: bool = False
    # fused events only
    fatalities_range: list[int] | None = None
    fatalities_rule: str | None = None
    contested: bool | None = None
    articles: int | None = None
    sources_independent: int | None = None
    outlets: list[str] | None = None


class Source(BaseModel):
    model_config = ConfigDict(extra="allow")
    article_id: str
    site: str | None
    title: str | None
    url: str | None
    published: str | None
    duplicate_of: str | None
    evidence: str | None


class EventDetail(Event):
    """An event with its sources; a fused event also with each report, copy and source's figure."""

    model_config = ConfigDict(extra="allow")
    sources: list[Source]
    actor_kinds: dict[str, str]
    fused_into: str | None = None  # per-article events: the fused event holding it
    reports: list[dict] | None = None
    copies: list[dict] | None = None
    fatalities_by_source: list[dict] | None = None


class EventPage(BaseModel):
    items: list[Event]
    next_cursor: str | None


class ArticleSummary(BaseModel):
    id: str
    title: str | None
    url: str | None
    published: str | None
    language: str | None
    duplicate_of: str | None
    input: str | None
    case_label: str | None
    site: str | None


class ArticlePage(BaseModel):
    items: list[ArticleSummary]
    next_cursor: str | None


class Article(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    input: str | None
    url: str | None
    site: str | None
    title: str | None
    language: str | None
    text: str | None
    duplicate_of: str | None
    similarity: float | None
    published: str | None
    retrieved: str | None


class ArticleDetail(BaseModel):
    """An article with its annotations and events, as ``eventwire show ARTICLE_ID`` prints it."""

    article: Article
    entities: list[dict]
    places: list[dict]
    times: list[dict]
    quotes: list[dict]
    events: list[EventDetail]
    case_label: str | None


# ---- catalog.py: actors, places, news --------------------------------------------------------------------


class ActorSummary(BaseModel):
    name: str  # canonical name: also the actor's id in /api/actors/{name}
    kind: str | None  # the entity kind most of its mentions carry; None when only events name it
    kinds: dict[str, int]  # mentions per kind
    mentions: int
    articles: int  # articles mentioning it
    events: int  # fused events with it as actor1 or actor2


class ActorPage(BaseModel):
    items: list[ActorSummary]
    next_cursor: str | None


class Alias(BaseModel):
    text: str  # as an article wrote it
    mentions: int


class ActorDetail(ActorSummary):
    aliases: list[Alias]
    recent_events: list[Event]  # the newest fused events naming it (at most 50; ``events`` counts all)
    recent_articles: list[ArticleSummary]  # the newest articles mentioning it (at most 50)


class PlaceSummary(BaseModel):
    geonameid: int
    name: str | None
    country: str | None
    admin1: str | None
    lat: float
    lon: float
    feature: str | None
    mentions: int  # times articles name it
    articles: int
    events: int  # fused events located there


class PlacePage(BaseModel):
    items: list[PlaceSummary]
    next_cursor: str | None


class PlaceDetail(PlaceSummary):
    spellings: list[Alias]
    recent_events: list[Event]
    recent_articles: list[ArticleSummary]


class NewsItem(ArticleSummary):
    excerpt: str | None  # the body's first 300 characters
    reports: int  # per-article events read from it
    events: int  # fused events it reports


class NewsPage(BaseModel):
    items: list[NewsItem]
    next_cursor: str | None


class Bucket(BaseModel):
    period: str  # the day, or the first day of the week (Monday) or month
    group: str | None  # None: events without that attribute
    count: int


class Aggregates(BaseModel):
    by: str
    group: str
    fused: bool
    buckets: list[Bucket]
    undated: int  # matching events whose date is missing or coarser than the bucket


class TypeChange(BaseModel):
    event_type: str
    latest: int
    mean_4_weeks: float
    mean_52_weeks: float
    change_4_weeks: float | None  # latest / mean - 1; None when the mean is 0
    change_52_weeks: float | None


class Change(BaseModel):
    week: str | None  # Monday of the latest week with an event; None when nothing matches
    fused: bool
    types: list[TypeChange]


# ---- write endpoints: ingestion jobs (issue 11) -------------------------------------------------


class JobAccepted(BaseModel):
    """The answer to an upload (202): the job to poll at ``url``."""

    job: str
    status: str  # "queued"
    url: str


class JobCounts(BaseModel):
    inputs: int  # articles, or WARC records, read so far
    new: int  # new original articles, annotated and stored
    duplicates: int  # new near-duplicate copies, linked to their original
    already: int  # in the store before this job
    skipped: int  # expected skips (WARC requests, non-HTML records, over a limit...)
    failed: int  # unreadable inputs (see messages)
    events: int  # events read from the new articles


class JobArticle(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str  # GET /api/articles/{id}
    outcome: str  # "new", "duplicate" (duplicate_of says of what) or "already"
    events: int | None = None
    duplicate_of: str | None = None
    similarity: float | None = None


class Job(BaseModel):
    """An ingestion job: queued, running, then done or failed (``error`` says why, in one line)."""

    job: str
    status: str  # queued, running, done, failed
    url: str
    kind: str  # article or warc
    name: str
    size_bytes: int
    submitted: str
    started: str | None
    finished: str | None
    counts: JobCounts
    skipped: dict[str, int]  # skips by reason
    articles: list[JobArticle]
    messages: list[str]  # one line per unreadable or skipped input (the first 50)
    messages_left_out: int
    fusion: str | None  # the fusion run that ended the job
    error: str | None


class JobList(BaseModel):
    items: list[Job]
