"""A stage that hangs, for tests/test_budget.py: imported only by the processes those tests start.

On import, the registered 'quotes' stage is wrapped so that it loops forever on an article
whose text holds HANG_MARKER (in Python, small sleeps: a hang that costs no CPU) and runs the
real stage on any other. Dask workers import it through DASK_DISTRIBUTED__WORKER__PRELOAD.
"""

from __future__ import annotations

import time

from eventwire.pipeline import REGISTRY, Component

HANG_MARKER = "Zyxwvut hangs here."

_real = REGISTRY["quotes"]


def _hanging_quotes(doc, settings) -> None:
    if HANG_MARKER in doc.article.text:
        while True:
            time.sleep(0.01)
    _real.func(doc, settings)


REGISTRY["quotes"] = Component("quotes", _hanging_quotes, _real.english_only)
