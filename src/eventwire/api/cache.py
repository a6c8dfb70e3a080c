"""Answers counted over the fused events, kept until fusion changes them.

The dashboard asks for the same whole-store counts on every page load; they only change when a fusion
run rewrites fused events, which raises the store's ``fused_events`` version in the same transaction.
The version is read before counting, so a kept answer is never older than its key says.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from ..store.versions import FUSED_EVENTS, current


class FusedResultCache:
    """A small LRU of answers keyed by (fused-events version, request); thread-safe."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, store, key: Hashable, compute: Callable[[], Any]) -> Any:
        with store.engine.connect() as conn:
            k = (current(conn, FUSED_EVENTS), key)
        with self._lock:
            if k in self._items:
                self._items.move_to_end(k)
                self.hits += 1
                return self._items[k]
        value = compute()
        with self._lock:
            self.misses += 1
            self._items[k] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value
