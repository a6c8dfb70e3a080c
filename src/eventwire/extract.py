"""One call from raw input to record: read the article, run the pipeline."""

from __future__ import annotations

from .config import Settings
from .document import Document
from .pipeline import Pipeline
from .reading import read_article
from .sources import RawInput


def extract_bytes(data: bytes, name: str | None = None, pipeline: Pipeline | None = None,
                  url: str | None = None) -> Document:
    """Extract one article's annotated document from raw bytes (HTML or text, maybe gzipped)."""
    pipeline = pipeline or Pipeline(Settings())
    article = read_article(data, name, url=url, max_bytes=pipeline.settings.max_bytes)
    return pipeline(article)


def extract_raw(raw: RawInput, pipeline: Pipeline | None = None) -> Document:
    """Extract one input as the sources yield it, with what its container says (URL, dates, title)."""
    pipeline = pipeline or Pipeline(Settings())
    article = read_article(raw.data, raw.name, url=raw.url, max_bytes=pipeline.settings.max_bytes,
                           published=raw.published, retrieved=raw.retrieved, title=raw.title, is_html=raw.is_html)
    return pipeline(article)


def extract_text(text: str, name: str | None = None, pipeline: Pipeline | None = None) -> Document:
    return extract_bytes(text.encode("utf-8"), name, pipeline)
