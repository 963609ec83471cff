"""Values derived from the index, kept in step with the catalog's generation.

Several processes share one index (API workers, the CLI, an ingest): each sees the others'
writes only through the catalog's generation, which moves on whenever documents change. What
a process derives from the index (the sparse index, the policy registry, cached search
results) is therefore held per generation and rebuilt, once and under a lock, when it moves
on. A request that has already read the generation passes it in, so it is read once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["GenerationWatcher"]

T = TypeVar("T")


class GenerationWatcher(Generic[T]):
    """Holds ``build(version)`` for the latest version seen.

    ``version`` reads the current version (the catalog's generation, or anything hashable
    that says when the value is stale); without it, every caller passes the version in.
    """

    def __init__(self, build: Callable[[Hashable], T],
                 version: Callable[[], Hashable] | None = None) -> None:
        self._build = build
        self._version = version
        self._lock = threading.Lock()
        # one tuple, swapped whole: a reader never pairs a value with another version
        self._held: tuple[Hashable, T] | None = None

    def current(self, version: Hashable | None = None) -> T:
        """The value for ``version``, or for the version read now when none is given."""
        if version is None:
            if self._version is None:
                raise TypeError("this watcher reads no version itself: pass one")
            version = self._version()
        held = self._held
        if held is not None and held[0] == version:
            return held[1]
        with self._lock:
            held = self._held
            if held is not None and held[0] == version:
                return held[1]
            value = self._build(version)
            self._held = (version, value)
            return value
