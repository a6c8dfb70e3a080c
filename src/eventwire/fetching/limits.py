"""Per-host politeness: at most N requests in flight and a minimum interval between two starts (thread-safe)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class HostLimits:
    def __init__(self, interval: float, concurrency: int, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = interval
        self.concurrency = max(1, concurrency)
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next: dict[str, float] = {}  # host -> earliest start of its next request

    def _semaphore(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            return self._slots.setdefault(host, threading.BoundedSemaphore(self.concurrency))

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold one of ``host``'s slots, started no sooner than ``interval`` after its previous request."""
        sem = self._semaphore(host)
        with sem:
            with self._lock:  # reserve a start time, so waiting threads are spaced out, not bunched
                now = self._clock()
                start = max(now, self._next.get(host, now))
                self._next[host] = start + self.interval
            if start > now:
                self._sleep(start - now)
            yield
