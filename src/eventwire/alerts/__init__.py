"""Alerts (issue 12): rules over fused events, fired once per real-world event and again only when it
materially changes, delivered to standard output, a JSON Lines file and signed webhooks.

``run_alerts(store)`` is what ingest (and the watch loop) call after each fusion round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .run import AlertSummary, has_alerts, run_alerts

__all__ = ["AlertSummary", "has_alerts", "run_alerts"]


def __getattr__(name: str):
    if name in __all__:
        from . import run

        return getattr(run, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
