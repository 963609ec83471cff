"""The dense vector store: chromadb, embedded by default or a `chroma run` server by URL.

chromadb 1.5 downloads its own embedding model whenever it is handed text without vectors,
even with ``embedding_function=None``; this wrapper therefore never passes documents or query
texts, only ``embeddings=`` and ``query_embeddings=``. Chunk texts live in the catalog.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from policykb.errors import IndexUnavailableError

logger = logging.getLogger(__name__)

Metadata = dict[str, str | int | float | bool]


@dataclass(frozen=True)
class VectorHit:
    chunk_id: str
    similarity: float  # cosine similarity, 1.0 = identical direction
    metadata: dict[str, Any]


def _client(chroma_dir: Path, url: str | None, token: str | None) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url)
        headers = {"Authorization": f"Bearer {token}"} if token else None
        return chromadb.HttpClient(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or (443 if parsed.scheme == "https" else 8000),
            ssl=parsed.scheme == "https",
            headers=headers,
            settings=chroma_settings,
        )
    chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(chroma_dir), settings=chroma_settings)


class ChromaVectorStore:
    """Adds, deletes and queries chunk vectors by id, with metadata for filters."""

    def __init__(self, collection: Any) -> None:
        self._collection = collection

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
    ) -> ChromaVectorStore:
        try:
            client = _client(chroma_dir, url, token)
            col = client.get_or_create_collection(
                collection,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"embedder": embedder_name or "unknown", "dimension": dimension},
            )
        except Exception as exc:  # chromadb raises many types; all mean "cannot open"
            where = url or str(chroma_dir)
            raise IndexUnavailableError(f"cannot open the vector store at {where}: {exc}") from exc
        stored = (col.metadata or {}).get("embedder")
        if embedder_name and stored and stored != embedder_name:
            raise IndexUnavailableError(
                f"the index at {url or chroma_dir} was built with embedder {stored!r}, not "
                f"{embedder_name!r}: use a new POLICYKB_DATA_DIR or re-ingest into a new collection"
            )
        return cls(col)

    def add(self, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[Metadata]) -> None:
        if not ids:
            return
        # Upsert keeps a resumed ingest idempotent when a crash left some of these ids behind.
        for start in range(0, len(ids), 1000):
            end = start + 1000
            self._collection.upsert(
                ids=list(ids[start:end]),
                embeddings=np.asarray(vectors[start:end], dtype=np.float32).tolist(),
                metadatas=list(metadatas[start:end]),
            )

    def delete(self, ids: Iterable[str]) -> None:
        id_list = list(ids)
        for start in range(0, len(id_list), 1000):
            self._collection.delete(ids=id_list[start : start + 1000])

    def vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors by chunk id (for scoring a known set of chunks exhaustively)."""
        out: dict[str, np.ndarray] = {}
        for start in range(0, len(ids), 1000):
            got = self._collection.get(ids=ids[start:start + 1000], include=["embeddings"])
            for chunk_id, vector in zip(got["ids"], got["embeddings"], strict=True):
                out[chunk_id] = np.asarray(vector, dtype=np.float32)
        return out

    def all_ids(self) -> set[str]:
        return set(self._collection.get(include=[])["ids"])

    def count(self) -> int:
        return int(self._collection.count())

    def query(
        self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None
    ) -> list[VectorHit]:
        if n <= 0:
            return []
        # chromadb 1.5 returns fewer results when asked for more than it holds: no count() call.
        result = self._collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32).tolist()],
            n_results=n,
            where=where or None,
            include=["distances", "metadatas"],
        )
        ids = result["ids"][0]
        distances = result["distances"][0]
        metadatas = result["metadatas"][0] if result.get("metadatas") else [{}] * len(ids)
        return [
            VectorHit(chunk_id=i, similarity=1.0 - float(d), metadata=dict(m or {}))
            for i, d, m in zip(ids, distances, metadatas, strict=True)
        ]
