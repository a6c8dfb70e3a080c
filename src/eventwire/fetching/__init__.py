"""The monitor's HTTP client: guarded addresses, robots.txt, per-host limits, size caps, WARC archiving."""

from .settings import FetchSettings

__all__ = ["FetchSettings"]
