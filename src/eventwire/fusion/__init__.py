"""Fusion: reports of one real-world event from many articles become one fused event.

Reads the store's per-article events (reports), groups each article's reports of one happening
(``units``), finds candidate pairs across articles by blocking (``cluster``), scores them with
reasons (``compare``), merges them deterministically, builds the fused record with every report
and honest source counts (``fused``) and writes it back (``run``). Rules live in data/fusion.json.
"""

from .run import FusionSummary, fuse, unfused_count
from .settings import FusionSettings, get_settings

__all__ = ["FusionSettings", "FusionSummary", "fuse", "get_settings", "unfused_count"]
