"""Limits on login attempts: a sliding window of failures per key (a client address), and a
gate that bounds how many slow password hashes run at once.

Both live in one process's memory; the lockout of an account, which must hold on every worker
and across restarts, is stored on the user row instead (see logins.authenticate)."""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class Busy(RuntimeError):
    """Every hashing slot stayed taken for the whole wait: answer at once, don't queue."""

    def __init__(self, retry_after: int = 1):
        super().__init__("too many password checks at once")
        self.retry_after = retry_after


class SlidingWindow:
    """At most `limit` events per key within the last `window` seconds.

    The caller passes the time (a monotonic clock), so the arithmetic is testable."""

    # Past this many keys, stale ones are swept, so a scan from many addresses cannot grow the
    # table without bound.
    SWEEP_AT = 10_000

    def __init__(self, limit: int, window: float):
        self.limit, self.window = max(1, limit), float(window)
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _fresh(self, key: str, now: float) -> deque[float]:
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        return events

    def hit(self, key: str, now: float) -> int:
        """Count an event for `key` when under the limit and return 0; otherwise count nothing
        and return the whole seconds until the oldest event leaves the window."""
        with self._lock:
            if len(self._events) > self.SWEEP_AT:
                self._sweep(now)
            events = self._fresh(key, now)
            if len(events) >= self.limit:
                return max(1, math.ceil(events[0] + self.window - now))
            events.append(now)
            return 0

    def forgive(self, key: str, stamp: float) -> None:
        """Take back the event counted at `stamp` (the attempt turned out not to be a failure)."""
        with self._lock:
            events = self._events.get(key)
            if events is not None:
                with suppress(ValueError):
                    events.remove(stamp)
                if not events:
                    del self._events[key]

    def _sweep(self, now: float) -> None:
        for key in [k for k, v in self._events.items() if not v or v[-1] <= now - self.window]:
            del self._events[key]


class HashGate:
    """At most `slots` password hashes at once; a caller waits at most `wait` seconds for one.

    argon2 takes tens of milliseconds and 64 MiB per hash on purpose: hundreds at once would
    take every core and gigabytes of memory, and stall everything else the process serves."""

    def __init__(self, slots: int, wait: float):
        self.slots, self.wait = max(1, slots), max(0.0, wait)
        self._sem = threading.BoundedSemaphore(self.slots)

    @contextmanager
    def slot(self) -> Iterator[None]:
        if not self._sem.acquire(timeout=self.wait):
            raise Busy(retry_after=max(1, math.ceil(self.wait)))
        try:
            yield
        finally:
            self._sem.release()
