"""Expensive work (an alignment: a second or more of CPU per mechanism) in its own bounded
thread pool, never FastAPI's default one that answers /health and checks keys.

An outside attack showed why: 40 small alignment requests from one key, run in the default
pool, made /health answer after 335 s. Here a worker process runs at most
``alignment_workers`` at once with ``alignment_queue`` more waiting (past that: 429), one
caller (API key, or client address without a key) at most ``alignment_per_caller`` (429 with
Retry-After), and every piece of work carries a :class:`WorkToken`: it is checked between
steps, so a passed deadline (504) or a client that went away stops the work, and what it had
done is discarded.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Request

from alignment.results import ResultStore
from api.deps import SettingsDep
from core.errors import DeadlineExceededError, RateLimitedError
from core.settings import Settings

T = TypeVar("T")
_CREATE = threading.Lock()


class WorkCancelled(Exception):  # noqa: N818  (a signal, not an error a user sees)
    """The client went away: the work stops at its next step."""


class WorkToken:
    """The cancellation flag and the deadline of one piece of work."""

    def __init__(self, deadline_s: float, setting: str = "POLICYKB_ALIGNMENT_DEADLINE_S") -> None:
        self.deadline_s = deadline_s
        self.setting = setting
        self.ends = time.monotonic() + deadline_s
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def remaining(self) -> float:
        return self.ends - time.monotonic()

    def expired_error(self) -> DeadlineExceededError:
        return DeadlineExceededError(
            f"the alignment took longer than {self.deadline_s:g} s ({self.setting}) and was "
            "stopped; nothing of it is kept: try a shorter plan or again when the server is "
            "less busy")

    def check(self) -> None:
        """Raise if the work must stop (called between steps, e.g. mechanisms)."""
        if self.cancelled:
            raise WorkCancelled()
        if self.remaining() <= 0:
            raise self.expired_error()


class ExpensiveWork:
    """A bounded pool with per-caller admission; ``stats`` counts what happened (tests and
    the benchmark read it)."""

    def __init__(self, workers: int, queue: int, per_caller: int,
                 name: str = "policykb-expensive") -> None:
        self.workers = workers
        self.capacity = workers + queue
        self.per_caller = per_caller
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix=name)
        self._active: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._recent_s: list[float] = []
        self.stats: Counter[str] = Counter()

    @classmethod
    def from_settings(cls, settings: Settings) -> ExpensiveWork:
        return cls(settings.alignment_workers, settings.alignment_queue,
                   settings.alignment_per_caller)

    def start(self, caller: str, fn: Callable[[], T], who: str = "") -> Future[T]:
        """Queue ``fn`` for ``caller`` or refuse it (429) when the caller or the pool is full.
        The caller's slot is held until ``fn`` has really stopped, not merely until its client
        left: a client cannot start new work while abandoned work still runs."""
        with self._lock:
            running = sum(self._active.values())
            if self._active[caller] >= self.per_caller:
                self.stats["refused_caller"] += 1
                raise RateLimitedError(
                    f"{who or caller} already has {self._active[caller]} alignment(s) running; "
                    "retry when it has finished (POLICYKB_ALIGNMENT_PER_CALLER)",
                    retry_after=self._retry_after())
            if running >= self.capacity:
                self.stats["refused_busy"] += 1
                raise RateLimitedError(
                    f"the server is busy with {running} alignments; retry shortly "
                    "(POLICYKB_ALIGNMENT_WORKERS, POLICYKB_ALIGNMENT_QUEUE)",
                    retry_after=self._retry_after())
            self._active[caller] += 1
            self.stats["admitted"] += 1
        started = time.monotonic()
        try:
            future = self._executor.submit(fn)
        except BaseException:
            self._release(caller, None)
            raise
        future.add_done_callback(lambda f: self._release(caller, time.monotonic() - started))
        return future

    def _release(self, caller: str, seconds: float | None) -> None:
        with self._lock:
            self._active[caller] -= 1
            if self._active[caller] <= 0:
                del self._active[caller]
            if seconds is not None:
                self._recent_s = [*self._recent_s[-19:], seconds]

    def _retry_after(self) -> int:
        """Whole seconds a refused caller should wait: a typical piece of work's duration."""
        typical = sorted(self._recent_s)[len(self._recent_s) // 2] if self._recent_s else 5.0
        return max(1, math.ceil(typical))

    def count(self, event: str) -> None:
        with self._lock:
            self.stats[event] += 1

    def running(self, caller: str | None = None) -> int:
        with self._lock:
            return self._active[caller] if caller is not None else sum(self._active.values())

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _state(app: FastAPI, name: str, build: Callable[[], Any]) -> Any:
    value = getattr(app.state, name, None)
    if value is None:
        with _CREATE:
            value = getattr(app.state, name, None)
            if value is None:
                value = build()
                setattr(app.state, name, value)
    return value


async def get_expensive_work(request: Request, settings: SettingsDep) -> ExpensiveWork:
    """The app's pool, made on first use (one per worker process)."""
    return _state(request.app, "expensive_work", lambda: ExpensiveWork.from_settings(settings))


async def get_alignment_results(request: Request, settings: SettingsDep) -> ResultStore:
    """Computed reports by id (memory of this worker, then disk shared by all workers)."""
    return _state(request.app, "alignment_results", lambda: ResultStore(
        settings.cache_dir / "alignment" / "results", memory=settings.alignment_results_memory,
        keep=settings.alignment_results_keep,
        max_age_s=settings.alignment_results_max_age_h * 3600))


ExpensiveWorkDep = Annotated[ExpensiveWork, Depends(get_expensive_work)]
AlignmentResultsDep = Annotated[ResultStore, Depends(get_alignment_results)]
