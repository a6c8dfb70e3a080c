"""Per-article limits: a cap on characters and a wall-time budget for every stage.

An article over a limit is skipped with one line (``ArticleSkipped``); the run goes on.

The time budget interrupts a running stage by raising ``StageTimeout`` in its thread:
in the main thread by SIGALRM (``signal.setitimer``), which also cuts a sleep or a long
regular expression short (``re`` checks for signals while it backtracks); in any other
thread (Dask workers run tasks in worker threads) by a watchdog thread that sets an
asynchronous exception with ``PyThreadState_SetAsyncExc``. Either is raised at the next
Python instruction, so a stage blocked inside one long C call stops when that call
returns. ``StageTimeout`` is a BaseException so that a stage's own ``except Exception``
cannot swallow it.
"""

from __future__ import annotations

import ctypes
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from .errors import InputError

T = TypeVar("T")


class ArticleSkipped(InputError):
    """One article is skipped for a limit of the run; ``reason`` is its key in the ingest summary."""

    reason = "skipped"


class TooLong(ArticleSkipped):
    reason = "too-long"


class OverBudget(ArticleSkipped):
    reason = "over-time-budget"


class StageTimeout(BaseException):
    """Raised inside a stage that ran past its budget (caught by ``run_stage``)."""


def check_length(n_chars: int, max_chars: int | None) -> None:
    """Refuse a text longer than ``max_chars`` (None or 0: no cap)."""
    if max_chars and n_chars > max_chars:
        raise TooLong(f"text of {n_chars:,} characters exceeds --max-chars {max_chars}; skipped")


def run_stage(name: str, seconds: float | None, func: Callable[..., T], *args, **kwargs) -> T:
    """``func(*args, **kwargs)`` within ``seconds`` of wall time (None or 0: no budget), else OverBudget."""
    if not seconds:
        return func(*args, **kwargs)
    try:
        with time_budget(seconds):
            return func(*args, **kwargs)
    except StageTimeout:
        raise OverBudget(f"stage '{name}' exceeded its {seconds:g} s budget; skipped") from None


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise StageTimeout in this thread if the block runs longer than ``seconds``."""
    if threading.current_thread() is threading.main_thread() and _alarm_free():
        with _alarm(seconds):
            yield
    else:
        arm = _WATCHDOG.arm(seconds)
        try:
            yield
        finally:
            _WATCHDOG.disarm(arm)


# ---- main thread: SIGALRM ---------------------------------------------------------------------

_alarm_armed = False


def _alarm_free() -> bool:
    """SIGALRM is ours to use: not armed already (no nesting) and no one else's handler on it."""
    if _alarm_armed or not hasattr(signal, "setitimer"):
        return False
    return signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None, _on_alarm)


def _on_alarm(signum, frame) -> None:
    global _alarm_armed
    # Once only, and not after the block ended (a signal delivered just before must not raise
    # in the caller's code). Disarmed here too: if this fires inside the cleanup below, the
    # cleanup left undone is harmless (the one-shot timer has expired, this handler stays a no-op).
    if _alarm_armed:
        _alarm_armed = False
        raise StageTimeout


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    global _alarm_armed
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    _alarm_armed = True
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        _alarm_armed = False  # first, so that a late signal is a no-op
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ---- other threads: a watchdog thread -------------------------------------------------------


class _Arm:
    __slots__ = ("thread_id", "deadline", "fired")

    def __init__(self, thread_id: int, deadline: float):
        self.thread_id = thread_id
        self.deadline = deadline
        self.fired = False


def _set_async_exc(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exc) if exc else ctypes.c_void_p(None))


class _Watchdog:
    """One daemon thread per process that interrupts the threads whose deadline has passed."""

    def __init__(self):
        self._cond = threading.Condition()
        self._arms: set[_Arm] = set()
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float) -> _Arm:
        arm = _Arm(threading.get_ident(), time.monotonic() + seconds)
        with self._cond:
            if self._thread is None or not self._thread.is_alive():  # e.g. after a fork
                self._thread = threading.Thread(target=self._run, name="eventwire-budget", daemon=True)
                self._thread.start()
            self._arms.add(arm)
            self._cond.notify()
        return arm

    def disarm(self, arm: _Arm) -> None:
        with self._cond:
            self._arms.discard(arm)
            if arm.fired:
                # The exception may still be pending (the block ended before it was raised):
                # clear it so that it cannot go off in the caller's code. Under the lock, so
                # the watchdog cannot set it again.
                _set_async_exc(arm.thread_id, None)

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                for arm in [a for a in self._arms if a.deadline <= now]:
                    self._arms.discard(arm)
                    arm.fired = True
                    _set_async_exc(arm.thread_id, StageTimeout)
                nxt = min((a.deadline for a in self._arms), default=None)
                self._cond.wait(None if nxt is None else max(0.0, nxt - now))


_WATCHDOG = _Watchdog()
