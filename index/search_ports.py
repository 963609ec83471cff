"""What the searcher needs of its components: any object with these methods will do, so the
container, tests and benchmarks pass their own (split from ``index/searcher.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

import numpy as np

from core.models import ChunkRecord, DocumentRecord, PageRecord
from index.embedder import Kind


class QueryEmbedder(Protocol):
    languages: frozenset[str]

    def embed_batch(self, texts: list[str], kind: Kind = "passage") -> np.ndarray: ...


class DenseStore(Protocol):
    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None,
              *, metadata: bool = True, generation: str | None = None) -> list: ...


class ChunkCatalog(Protocol):
    def chunks_by_ids(self, chunk_ids: Iterable[str]) -> dict[str, ChunkRecord]: ...
    def documents_by_ids(self, doc_ids: Iterable[str]) -> dict[str, DocumentRecord]: ...
    def page_labels(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]: ...
    def page(self, doc_id: str, page: int) -> PageRecord | None: ...
    def pages_of(self, doc_id: str) -> list[PageRecord]: ...


class Reranker(Protocol):
    def score(self, query: str, passages: list[str]) -> list[float]: ...
