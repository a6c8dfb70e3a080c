"""Streaming an export: the CLI's writers run in a thread and hand their text over in chunks."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import TextIO

_DONE = object()


class _Closed(Exception):
    """The client went away: the writer stops."""


class _QueueWriter:
    def __init__(self, q: queue.Queue, stop: threading.Event, size: int = 64 * 1024) -> None:
        self.q, self.stop, self.size, self.buf = q, stop, size, []
        self.n = 0

    def write(self, s: str) -> int:
        if self.stop.is_set():
            raise _Closed
        self.buf.append(s)
        self.n += len(s)
        if self.n >= self.size:
            self.flush()
        return len(s)

    def flush(self) -> None:
        if self.buf:
            chunk = "".join(self.buf).encode("utf-8")
            self.buf, self.n = [], 0
            while not self.stop.is_set():
                try:
                    self.q.put(chunk, timeout=0.5)
                    return
                except queue.Full:
                    continue
            raise _Closed


def stream(write: Callable[[TextIO], object]) -> Iterator[bytes]:
    """The bytes ``write(out)`` writes, as they come (bounded memory); an error ends the stream early."""
    q: queue.Queue = queue.Queue(maxsize=8)
    stop = threading.Event()
    failed: list[BaseException] = []

    def run() -> None:
        out = _QueueWriter(q, stop)
        try:
            write(out)  # type: ignore[arg-type]
            out.flush()
        except _Closed:
            pass
        except BaseException as exc:  # handed to the response's thread, which raises it
            failed.append(exc)
        finally:
            while True:
                try:
                    q.put(_DONE, timeout=0.5)
                    break
                except queue.Full:
                    if stop.is_set():
                        break

    th = threading.Thread(target=run, name="eventwire-export", daemon=True)
    th.start()
    try:
        while True:
            item = q.get()
            if item is _DONE:
                break
            yield item
        if failed:
            raise failed[0]
    finally:
        stop.set()
        th.join(timeout=5)
