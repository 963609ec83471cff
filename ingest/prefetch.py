"""Prepare the next files on a background thread while the current batch is embedded.

Why a thread and not a pool: parsing (pdftotext, pypdfium2, tesseract) runs in C or in child
processes, torch inference releases the GIL, and the Khmer analysis is the only pure-Python
part; one producer thread keeps the second core busy without pickling documents across
processes. Results come back in the order of the files, at most ``depth`` ahead of the
consumer (bounded memory: a prepared file holds its pages' text), so the consumer commits
files in the same order as a serial run and each file stays whole or absent.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from core.errors import PolicyKBError

T = TypeVar("T")
R = TypeVar("R")


class PrepareError(PolicyKBError):
    """Preparing a file failed outside the per-file error handling (a chunker bug): the run
    stops, naming the file, as a serial run would have stopped on it."""

    def __init__(self, name: str, exc: BaseException) -> None:
        super().__init__(f"{name}: preparing it failed: {type(exc).__name__}: {exc}")
        self.name = name


@dataclass
class Prefetched(Generic[T, R]):
    """One item's result and how long the consumer stood waiting for it."""

    item: T
    result: R
    waited: float


@dataclass
class _Raised:
    exc: BaseException


_DONE = object()


def prefetch(items: Sequence[T], work: Callable[[T], R], *, depth: int,
             name: Callable[[T], str] = str) -> Generator[Prefetched[T, R], None, None]:
    """``work(item)`` for every item, in order; with ``depth`` > 0 on one background thread
    up to ``depth`` items ahead, else inline. An exception in ``work`` is raised here as a
    :class:`PrepareError` naming the item; closing the iterator early stops the thread and
    waits for it (no preparation outlives the caller's lock)."""
    if depth <= 0:
        for item in items:
            started = time.perf_counter()
            try:
                result = work(item)
            except Exception as exc:
                raise _named(name(item), exc) from exc
            yield Prefetched(item, result, time.perf_counter() - started)
        return
    results: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: object) -> bool:
        while not stop.is_set():
            try:
                results.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        for item in items:
            if stop.is_set():
                return
            try:
                entry: tuple[T, object] = (item, work(item))
            except BaseException as exc:  # handed to the consumer, never lost in the thread
                put((item, _Raised(exc)))
                return
            if not put(entry):
                return
        put(_DONE)

    thread = threading.Thread(target=produce, name="policykb-ingest-prepare", daemon=True)
    thread.start()
    try:
        while True:
            started = time.perf_counter()
            entry = results.get()
            waited = time.perf_counter() - started
            if entry is _DONE:
                return
            item, result = entry  # type: ignore[misc]
            if isinstance(result, _Raised):
                raise _named(name(item), result.exc) from result.exc
            yield Prefetched(item, result, waited)
    finally:
        stop.set()
        thread.join()


def _named(name: str, exc: BaseException) -> BaseException:
    """A PolicyKBError keeps its class (the API maps it to a status) with the file noted;
    anything else becomes a PrepareError naming the file."""
    if isinstance(exc, PolicyKBError):
        exc.add_note(f"while preparing {name}")
        return exc
    return PrepareError(name, exc)
