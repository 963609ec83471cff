"""Per-caller rate limiting: one token bucket per ``Caller.bucket`` (an API key, or the client
address of an anonymous reader). A failed authentication takes its token from the client
address's bucket (``api/auth.py``), so guessing keys is limited like any other flood; the
address is the peer's own unless ``POLICYKB_TRUSTED_PROXIES`` names the proxy in front.

A bucket holds at most ``burst`` tokens and refills at ``per_minute / 60`` tokens a second;
each request takes one. The buckets live in this process's memory, so with ``--workers N``
each worker keeps its own and the effective limit is up to N times the setting (a shared
store such as Redis would be needed for one global limit; a per-worker limit still stops a
runaway script, which is what this is for).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from core.settings import Settings

MAX_BUCKETS = 10_000  # past this many callers, buckets that are full again are forgotten


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Thread-safe token buckets (FastAPI runs sync dependencies in a thread pool)."""

    def __init__(self, per_minute: int, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive (0 means: build no limiter)")
        if burst < 1:
            raise ValueError("burst must be at least 1")
        self.rate = per_minute / 60.0  # tokens per second
        self.burst = float(burst)
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter | None:
        """The limiter the settings ask for, or None when ``rate_limit_per_minute`` is 0."""
        if settings.rate_limit_per_minute == 0:
            return None
        return cls(settings.rate_limit_per_minute, settings.rate_limit_burst)

    def acquire(self, bucket: str) -> int | None:
        """Take one token from ``bucket``: None when the request may go ahead, else the
        whole seconds (at least 1) until a token is available, for ``Retry-After``."""
        now = self._clock()
        with self._lock:
            state = self._buckets.get(bucket)
            if state is None:
                if len(self._buckets) >= MAX_BUCKETS:
                    self._forget_full(now)
                state = self._buckets[bucket] = _Bucket(self.burst, now)
            else:
                state.tokens = min(self.burst, state.tokens + (now - state.updated) * self.rate)
                state.updated = now
            if state.tokens >= 1.0:
                state.tokens -= 1.0
                return None
            return max(1, math.ceil((1.0 - state.tokens) / self.rate))

    def _forget_full(self, now: float) -> None:
        """Drop the buckets that have refilled completely: forgetting them changes nothing."""
        full = [name for name, b in self._buckets.items()
                if b.tokens + (now - b.updated) * self.rate >= self.burst]
        for name in full:
            del self._buckets[name]
