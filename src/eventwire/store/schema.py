"""The event store's tables (SQLAlchemy Core). Migrations in ``migrations/`` create exactly these."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

sites = Table(
    "sites", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(300), nullable=False, unique=True),
)

articles = Table(
    "articles", metadata,
    Column("id", String(40), primary_key=True),  # stable: canonical URL or content hash
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=True),
    Column("url", Text, nullable=True),
    Column("input", Text, nullable=True),
    Column("title", Text, nullable=True),
    Column("published", Date, nullable=True),
    Column("retrieved", Date, nullable=True),
    Column("language", String(16), nullable=True),
    Column("text", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("duplicate_of", String(40), ForeignKey("articles.id"), nullable=True),
    Column("similarity", Float, nullable=True),  # to the original, for near-duplicates
    Column("signature", LargeBinary, nullable=True),  # MinHash of the body, for near-duplicate search
    Column("skipped", JSON, nullable=True),  # pipeline stages not run, with reasons
    Column("case_label", String(32), nullable=True),  # CASE 2021 code of the main reported happening
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Index("ix_articles_published", "published"),
    Index("ix_articles_duplicate_of", "duplicate_of"),
    Index("ix_articles_content_hash", "content_hash"),
)


def _span_columns() -> list[Column]:
    return [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("article_id", String(40), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        Column("start", Integer, nullable=False),
        Column("end", Integer, nullable=False),
        Column("text", Text, nullable=False),
    ]


entities = Table(
    "entities", metadata, *_span_columns(),
    Column("kind", String(32), nullable=False),
    Column("actor", Text, nullable=True),
    Index("ix_entities_article", "article_id"),
    Index("ix_entities_actor", "actor"),
)

places = Table(
    "places", metadata, *_span_columns(),
    Column("name", Text, nullable=False),
    Column("geonameid", Integer, nullable=True),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("country", String(2), nullable=True),
    Column("admin1", String(64), nullable=True),
    Column("feature", String(32), nullable=True),
    Index("ix_places_article", "article_id"),
)

times = Table(
    "times", metadata, *_span_columns(),
    Column("value", String(64), nullable=False),
    Column("type", String(16), nullable=False),
    Index("ix_times_article", "article_id"),
)

quotes = Table(
    "quotes", metadata, *_span_columns(),
    Column("direct", Boolean, nullable=False),
    Column("speaker", Text, nullable=True),
    Column("speaker_description", Text, nullable=True),
    Column("cue", Text, nullable=True),
    Index("ix_quotes_article", "article_id"),
)


def _event_columns() -> list[Column]:
    """What an event says (type, actors, place, date, fatalities): per-article events and fused ones."""
    return [
        Column("event_type", String(64), nullable=False),
        Column("sub_event_type", String(96), nullable=True),
        Column("actor1", Text, nullable=True),
        Column("actor2", Text, nullable=True),
        Column("assoc_actors", JSON, nullable=True),
        Column("location", Text, nullable=True),
        Column("lat", Float, nullable=True),
        Column("lon", Float, nullable=True),
        Column("country", String(2), nullable=True),
        Column("geonameid", Integer, nullable=True),
        Column("geo_precision", Integer, nullable=True),
        Column("date", String(10), nullable=True),  # YYYY, YYYY-MM or YYYY-MM-DD
        Column("date_precision", String(8), nullable=True),
        Column("fatalities", Integer, nullable=True),  # fused events: the fused figure, by fatalities_rule
    ]


events = Table(
    "events", metadata,
    Column("id", String(40), primary_key=True),
    *_event_columns(),
    Column("modality", String(16), nullable=False),
    Column("attributed_to", Text, nullable=True),
    Column("confidence", Float, nullable=False),
    Index("ix_events_date_type", "date", "event_type"),  # pages by date, counts by date and type
    Index("ix_events_type", "event_type", "sub_event_type"),
    Index("ix_events_country_date_type", "country", "date", "event_type"),
    Index("ix_events_latlon", "lat", "lon"),
)

# Which articles (and which sentences in them) report an event.
event_sources = Table(
    "event_sources", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(40), ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("article_id", String(40), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("modality", String(16), nullable=False),
    Column("attributed_to", Text, nullable=True),
    Column("trigger", Text, nullable=True),
    Index("ix_event_sources_event", "event_id"),
    Index("ix_event_sources_article", "article_id"),
)

# The near-duplicate index: MinHash LSH band keys of every original article (dedup.band_keys).
# Held by the database, so memory stays flat however large the store grows, and concurrent
# ingests see each other's articles.
lsh_bands = Table(
    "lsh_bands", metadata,
    Column("key", BigInteger, primary_key=True),
    Column("article_id", String(40), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("band", Integer, nullable=False),
)

# Fused events: one row per real-world event, however many articles report it (eventwire.fusion).
# Its facts are what most independent reports say; every report stays in fused_reports.
fused_events = Table(
    "fused_events", metadata,
    Column("id", String(40), primary_key=True),  # from its members alone: the same on every run
    *_event_columns(),
    Column("fatalities_min", Integer, nullable=True),
    Column("fatalities_max", Integer, nullable=True),
    Column("fatalities_rule", Text, nullable=True),  # set when the sources disagree
    Column("modality", String(16), nullable=False),
    Column("contested", Boolean, nullable=False),  # a party denies it
    Column("attributed_to", Text, nullable=True),
    Column("confidence", Float, nullable=False),
    Column("reports", Integer, nullable=False),  # per-article events fused
    Column("articles", Integer, nullable=False),  # articles reporting it, copies included (GDELT NumArticles)
    Column("sources_independent", Integer, nullable=False),  # copies and spliced pages counted once
    Column("outlets", Text, nullable=True),  # '; '-separated, as ACLED's source column
    Index("ix_fused_events_date_type", "date", "event_type"),
    Index("ix_fused_events_type", "event_type", "sub_event_type"),
    Index("ix_fused_events_country_date_type", "country", "date", "event_type"),
    Index("ix_fused_events_latlon", "lat", "lon"),
)

# Fused events per (date, event_type), kept exact by triggers on fused_events (migration 0009): what
# whole-store counts by date and type read instead of every fused event. ``date`` as stored, '' with
# ``undated`` true when the events have none (a primary key cannot hold NULL); n = 0 once a key's
# events all went (readers skip such rows).
fused_day_counts = Table(
    "fused_day_counts", metadata,
    Column("date", String(10), primary_key=True),
    Column("undated", Boolean, primary_key=True),
    Column("event_type", String(64), primary_key=True),
    Column("n", BigInteger, nullable=False),
)

# Which per-article event (report) belongs to which fused event, and why it was merged.
fused_reports = Table(
    "fused_reports", metadata,
    Column("event_id", String(40), ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("fused_id", String(40), ForeignKey("fused_events.id", ondelete="CASCADE"), nullable=False),
    Column("unit_id", String(40), nullable=False),  # the leading report of its article's account
    Column("copy_of", String(40), nullable=True),  # the earlier report whose sentence it repeats (spliced page)
    Column("why", JSON, nullable=True),  # the merges it took part in: other report, score, km, day gap...
    Index("ix_fused_reports_fused", "fused_id"),
)

# A counter per kind of data, raised by each transaction that changes it ("fused_events": every fusion
# run that wrote), so that readers can keep what they computed until it moves (the API's aggregates).
store_versions = Table(
    "store_versions", metadata,
    Column("name", String(32), primary_key=True),
    Column("version", BigInteger, nullable=False),
)

# Bottom-k sketch hashes of each report's sentence (fusion.splices), to find pages that repeat it.
evidence_keys = Table(
    "evidence_keys", metadata,
    Column("key", BigInteger, primary_key=True),
    Column("event_id", String(40), ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
)

# The monitor's state (eventwire.watch.state): one row per polled source, one per item already handled,
# so that a restarted `eventwire watch` neither refetches nor re-ingests what it has done.
watch_sources = Table(
    "watch_sources", metadata,
    Column("id", String(40), primary_key=True),  # sha1 of the URL
    Column("url", Text, nullable=False),
    Column("name", Text, nullable=True),
    Column("etag", Text, nullable=True),
    Column("last_modified", Text, nullable=True),
    Column("last_poll", DateTime(timezone=True), nullable=True),
    Column("last_success", DateTime(timezone=True), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("last_error_at", DateTime(timezone=True), nullable=True),
    Column("items_seen", Integer, nullable=False),
    Column("newest_published", Date, nullable=True),  # newest publication date of an item it gave
    Column("newest_item_at", DateTime(timezone=True), nullable=True),  # when its newest item was handled
    Column("failures", Integer, nullable=False),  # consecutive failed polls (the backoff's exponent)
    Column("next_due", DateTime(timezone=True), nullable=True),
)

watch_items = Table(
    "watch_items", metadata,
    Column("key", String(64), primary_key=True),  # sha256 of the item URL
    Column("url", Text, nullable=False),
    Column("source_id", String(40), nullable=False),
    Column("article_id", String(40), nullable=True),  # the stored article, if one was
    Column("outcome", String(32), nullable=False),  # stored, already, duplicate, skipped: REASON
    Column("seen_at", DateTime(timezone=True), nullable=False),
    Index("ix_watch_items_source", "source_id"),
)


# ---- alerts (eventwire.alerts) ------------------------------------------------------------------
# Times here are Unix seconds (Float): compared in SQL the same way on SQLite and PostgreSQL.

# A rule: its filters (JSON, see alerts.rules) and where it delivers. A webhook's secret is kept
# here (``secret``) or named as an environment variable (in ``deliveries``); it is never printed.
alerts = Table(
    "alerts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("rule", JSON, nullable=False),
    Column("deliveries", JSON, nullable=False),
    Column("secret", Text, nullable=True),
    Column("backfill", Boolean, nullable=False),  # fire for the events already stored when it was added
    Column("baselined", Boolean, nullable=False),  # the events stored when it was added are recorded
    Column("created_at", Float, nullable=False),
)

# Identity of real-world events across fusion runs: each report's event key (the fused id its
# event had when first seen; merged events keep the oldest key) and the fused id it was in when
# the alerts last ran, so that a run sees which fused events changed.
alert_lineage = Table(
    "alert_lineage", metadata,
    Column("report_id", String(40), primary_key=True),
    Column("event_key", String(40), nullable=False),
    Column("fused_id", String(40), nullable=False),
    Index("ix_alert_lineage_key", "event_key"),
)

# What each alert last said about each event: the material facts (alerts.material) it fired on.
alert_state = Table(
    "alert_state", metadata,
    Column("alert_id", Integer, ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True),
    Column("event_key", String(40), primary_key=True),
    Column("fused_id", String(40), nullable=False),
    Column("fingerprint", JSON, nullable=False),
    Column("fired_at", Float, nullable=True),  # None: recorded silently when the alert was added
    Index("ix_alert_state_key", "event_key"),
)

# One delivery of one alert on one channel, written in the transaction that records the state:
# a delivery is never lost; it is marked delivered after it was sent (at least once; the
# id travels with it so that receivers can drop a repeat).
alert_outbox = Table(
    "alert_outbox", metadata,
    Column("id", String(32), primary_key=True),
    Column("alert_id", Integer, ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False),
    Column("event_key", String(40), nullable=False),
    Column("channel", String(16), nullable=False),  # stdout, jsonl, webhook
    Column("target", Text, nullable=True),  # the file or URL
    Column("payload", Text, nullable=False),  # the exact JSON sent (signed as is)
    Column("created_at", Float, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", Float, nullable=False),
    Column("lease_until", Float, nullable=True),  # a sender holds it until then
    Column("delivered_at", Float, nullable=True),
    Column("last_error", Text, nullable=True),
    Index("ix_alert_outbox_pending", "delivered_at", "next_attempt_at"),
)
