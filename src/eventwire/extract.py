"""One call from raw input to record: read the article, run the pipeline."""

from __future__ import annotations

from .budget import check_length, run_stage
from .config import Settings
from .document import Document
from .models import Article
from .pipeline import Pipeline
from .reading import read_article
from .sources import RawInput


def read_input(data: bytes, name: str | None, settings: Settings, **hints) -> Article:
    """read_article within the read stage's time budget; ArticleSkipped when over a limit.

    ``hints`` are what the container says (see ``hints_of``) and ``read_article`` takes.
    """
    article = run_stage("read", settings.stage_seconds, read_article, data, name,
                        max_bytes=settings.max_bytes, **hints)
    check_length(len(article.text), settings.max_chars)
    return article


def hints_of(raw: RawInput) -> dict:
    return {"url": raw.url, "published": raw.published, "retrieved": raw.retrieved, "title": raw.title,
            "is_html": raw.is_html}


def extract_bytes(data: bytes, name: str | None = None, pipeline: Pipeline | None = None,
                  url: str | None = None) -> Document:
    """Extract one article's annotated document from raw bytes (HTML or text, maybe gzipped).

    InputError when it cannot be read; its subclass ArticleSkipped when it is over --max-chars
    or a stage runs past its time budget.
    """
    pipeline = pipeline or Pipeline(Settings())
    return pipeline(read_input(data, name, pipeline.settings, url=url))


def extract_raw(raw: RawInput, pipeline: Pipeline | None = None) -> Document:
    """Extract one input as the sources yield it, with what its container says (URL, dates, title)."""
    pipeline = pipeline or Pipeline(Settings())
    return pipeline(read_input(raw.data, raw.name, pipeline.settings, **hints_of(raw)))


def extract_text(text: str, name: str | None = None, pipeline: Pipeline | None = None) -> Document:
    return extract_bytes(text.encode("utf-8"), name, pipeline)
