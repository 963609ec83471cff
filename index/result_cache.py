"""Caches for the searcher: whole responses per index generation, and query embeddings.

The same question is asked again and again (the chat page searches before it answers;
drafters re-run queries while refining filters): a repeat should cost a dictionary lookup.
Responses belong to one generation of the index and are dropped with it; a query's
embedding depends only on its text and is kept across generations.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import numpy as np

from index.generation import GenerationWatcher
from index.search_types import SearchResponse

__all__ = ["ResultCache", "Responses", "VectorCache"]


class Responses:
    """One generation's responses, least recently used dropped first; thread-safe."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, SearchResponse] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> SearchResponse | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, response: SearchResponse) -> None:
        if not self.size:
            return
        with self._lock:
            self._entries[key] = response
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


class ResultCache:
    """``Responses`` for the index generation a request read (``size`` 0: nothing kept)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._watcher: GenerationWatcher[Responses] = GenerationWatcher(
            lambda _generation: Responses(size))

    def at(self, generation: str) -> Responses:
        """The responses of ``generation``; a newer generation starts empty."""
        return self._watcher.current(generation)


class VectorCache:
    """Query embeddings by text and the caller's allowed collections (``scope``, an
    ``Access.cache_key()``), the oldest dropped first past ``size`` (0: none kept).

    A vector depends only on its text, but a cached one answers faster: kept per allowed
    set, the timing of one caller's request says nothing about what callers who may read
    other collections asked."""

    def __init__(self, embed: Callable[[str], np.ndarray], size: int = 2048) -> None:
        self._embed = embed
        self._size = size
        self._vectors: dict[tuple[str, str], np.ndarray] = {}

    def __call__(self, text: str, scope: str = "*") -> np.ndarray:
        key = (scope, text)
        vector = self._vectors.get(key)
        if vector is None:
            vector = self._embed(text)
            if self._size:
                if len(self._vectors) >= self._size:
                    self._vectors.pop(next(iter(self._vectors)))
                self._vectors[key] = vector
        return vector
