"""Reading stage: raw bytes from a source -> a clean Article."""

from .article import read_article

__all__ = ["read_article"]
