"""The dense vector store: chromadb, embedded by default or a `chroma run` server by URL.

chromadb 1.5 downloads its own embedding model whenever it is handed text without vectors,
even with ``embedding_function=None``; this wrapper therefore never passes documents or query
texts, only ``embeddings=`` and ``query_embeddings=``. Chunk texts live in the catalog.

With a server, any call can fail long after the store was opened (the server restarted, a
gateway refused the token); every call therefore turns such failures into an
``IndexUnavailableError`` naming the URL, which the API answers with a 503, not a 500.

The embedded client loads its HNSW index once per process and never sees vectors another
process (a CLI ingest, another API worker) wrote since: its queries stay stale while ``count``
and ``get`` move on. Given the catalog's generation, the embedded store therefore reopens its
collection whenever the generation has moved, as the sparse index and the registry do.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import IndexUnavailableError, PolicyKBError
from index.chroma_client import forget_embedded, fresh_collection, open_client
from index.chroma_collections import Collections
from index.chroma_errors import guarded

__all__ = ["BATCH", "ChromaVectorStore", "Collections", "Metadata", "VectorHit",
           "forget_embedded", "guarded", "open_client"]

logger = logging.getLogger(__name__)

Metadata = dict[str, str | int | float | bool]
BATCH = 1000
#: HNSW candidates explored per query. At chromadb's default (100) the 50 nearest
#: neighbours of one vector came back different from one process to the next (2-8 of 50
#: swapped on the development index), so the same question fused differently after every
#: restart; at 400 they were the same in every run, and the search still costs ~2 ms.
EF_SEARCH = 400


@dataclass(frozen=True)
class VectorHit:
    chunk_id: str
    similarity: float  # cosine similarity, 1.0 = identical direction
    metadata: dict[str, Any]


class ChromaVectorStore:
    """Adds, deletes and queries chunk vectors by id, with metadata for filters."""

    def __init__(self, collection: Any, where: str = "chromadb", *,
                 reopen: Callable[[], Any] | None = None,
                 generation: Callable[[], str] | None = None, seen: str | None = None) -> None:
        self._collection = collection
        self.where = where  # the URL or folder, for error messages
        self._reopen = reopen
        self._generation = generation if reopen else None
        self._seen = seen
        self._lock = threading.Lock()

    def _col(self, generation: str | None = None) -> Any:
        """The collection, reopened first if another process changed the index since
        (``generation``: the catalog's, when the caller has read it already)."""
        if self._generation is None or self._reopen is None:
            return self._collection
        wanted = generation if generation is not None else self._generation()
        if wanted != self._seen:
            with self._lock:
                if wanted != self._seen:
                    with guarded(self.where, "reopen the collection"):
                        self._collection = self._reopen()
                    self._seen = wanted
        return self._collection

    @classmethod
    def open(
        cls,
        chroma_dir: Path,
        collection: str,
        *,
        url: str | None = None,
        token: str | None = None,
        embedder_name: str = "",
        dimension: int = 0,
        generation: Callable[[], str] | None = None,
        timeout_s: float = 30.0,
    ) -> ChromaVectorStore:
        """``generation`` (the catalog's) lets the embedded store notice other processes'
        writes; a server needs no such help."""
        where = url or str(chroma_dir)
        seen = generation() if generation else None  # before opening: a change meanwhile shows
        try:
            client = open_client(chroma_dir, url, token, timeout_s)
            col = client.get_or_create_collection(
                collection,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}},
                metadata={"embedder": embedder_name or "unknown", "dimension": dimension},
            )
            _search_wide(col, where)
        except PolicyKBError:
            raise
        except Exception as exc:  # chromadb raises many types; all mean "cannot open"
            hint = " (POLICYKB_CHROMA_URL / POLICYKB_CHROMA_TOKEN)" if url else ""
            raise IndexUnavailableError(
                f"cannot open the vector store at {where}{hint}: {exc}") from exc
        stored = (col.metadata or {}).get("embedder")
        if embedder_name and stored and stored != embedder_name:
            raise IndexUnavailableError(
                f"the index at {where} was built with embedder {stored!r}, not "
                f"{embedder_name!r}: use a new POLICYKB_DATA_DIR or re-ingest into a new collection"
            )
        if url:
            return cls(col, where)
        return cls(col, where, reopen=lambda: fresh_collection(chroma_dir, collection),
                   generation=generation, seen=seen)

    def add(self, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[Metadata]) -> None:
        if not ids:
            return
        # Upsert keeps a resumed ingest idempotent when a crash left some of these ids behind.
        with guarded(self.where, "store vectors"):
            for start in range(0, len(ids), BATCH):
                end = start + BATCH
                self._col().upsert(
                    ids=list(ids[start:end]),
                    embeddings=np.asarray(vectors[start:end], dtype=np.float32).tolist(),
                    metadatas=list(metadatas[start:end]),
                )

    def delete(self, ids: Iterable[str]) -> None:
        id_list = list(ids)
        with guarded(self.where, "delete vectors"):
            for start in range(0, len(id_list), BATCH):
                self._col().delete(ids=id_list[start : start + BATCH])

    def vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors by chunk id (for scoring a known set of chunks exhaustively)."""
        return {chunk_id: vector for chunk_id, vector, _ in self.rows(ids)}

    def rows(self, ids: list[str]) -> list[tuple[str, np.ndarray, dict[str, Any]]]:
        """(id, vector, metadata) of the given ids that are stored, in the order given
        (what a backup writes)."""
        found: dict[str, tuple[np.ndarray, dict[str, Any]]] = {}
        with guarded(self.where, "read vectors"):
            for start in range(0, len(ids), BATCH):
                got = self._col().get(ids=ids[start:start + BATCH],
                                           include=["embeddings", "metadatas"])
                metadatas = got.get("metadatas") or [{}] * len(got["ids"])
                for chunk_id, vector, meta in zip(got["ids"], got["embeddings"], metadatas,
                                                  strict=True):
                    found[chunk_id] = (np.asarray(vector, dtype=np.float32), dict(meta or {}))
        return [(i, *found[i]) for i in ids if i in found]

    def all_ids(self) -> set[str]:
        with guarded(self.where, "list vectors"):
            return set(self._col().get(include=[])["ids"])

    def count(self) -> int:
        with guarded(self.where, "count vectors"):
            return int(self._col().count())

    def query(
        self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None,
        *, metadata: bool = True, generation: str | None = None,
    ) -> list[VectorHit]:
        """Nearest ``n``; ``metadata=False`` skips reading each hit's metadata (most of a
        50-hit query's time), for callers that know the chunks' columns already;
        ``generation``, the catalog's as the caller read it, saves reading it again."""
        if n <= 0:
            return []
        # chromadb 1.5 returns fewer results when asked for more than it holds: no count() call.
        with guarded(self.where, "search"):
            result = self._col(generation).query(
                query_embeddings=[np.asarray(vector, dtype=np.float32).tolist()],
                n_results=n,
                where=where or None,
                include=["distances", "metadatas"] if metadata else ["distances"],
            )
        ids = result["ids"][0]
        distances = result["distances"][0]
        metadatas = result["metadatas"][0] if result.get("metadatas") else [{}] * len(ids)
        return [
            VectorHit(chunk_id=i, similarity=1.0 - float(d), metadata=dict(m or {}))
            for i, d, m in zip(ids, distances, metadatas, strict=True)
        ]


def _search_wide(col: Any, where: str) -> None:
    """Give a collection made before ``EF_SEARCH`` (or by another tool) the same search
    breadth; a store that refuses the change is still searched, only less steadily."""
    hnsw = (getattr(col, "configuration", None) or {}).get("hnsw") or {}
    if hnsw.get("ef_search") == EF_SEARCH:
        return
    try:
        col.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})
    except Exception as exc:  # a read-only or older store: searching still works
        logger.warning("%s: could not set the vector search breadth: %s", where, exc)
