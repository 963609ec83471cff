"""The vector store searches every collection as wide as ``EF_SEARCH``, including one made
before that setting (real embedded chromadb)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from index.vector_store import EF_SEARCH, ChromaVectorStore, open_client


def _ef_search(chroma_dir: Path, name: str) -> int:
    client = open_client(chroma_dir, None, None)
    return int(client.get_collection(name).configuration["hnsw"]["ef_search"])


def test_a_new_collection_is_searched_wide(tmp_path: Path) -> None:
    store = ChromaVectorStore.open(tmp_path / "chroma", "fresh", dimension=4)
    store.add(["a", "b"], np.eye(2, 4, dtype=np.float32), [{"doc_id": "a"}, {"doc_id": "b"}])
    assert _ef_search(tmp_path / "chroma", "fresh") == EF_SEARCH


def test_an_older_collection_is_widened_when_opened_and_keeps_its_vectors(tmp_path: Path) -> None:
    chroma_dir = tmp_path / "chroma"
    old = open_client(chroma_dir, None, None).get_or_create_collection(
        "older", embedding_function=None, configuration={"hnsw": {"space": "cosine"}})
    old.add(ids=["a", "b"], embeddings=np.eye(2, 4, dtype=np.float32).tolist())
    assert _ef_search(chroma_dir, "older") != EF_SEARCH
    store = ChromaVectorStore.open(chroma_dir, "older", dimension=4)
    assert _ef_search(chroma_dir, "older") == EF_SEARCH
    hits = store.query(np.array([1, 0, 0, 0], dtype=np.float32), 2, None, metadata=False)
    assert [h.chunk_id for h in hits][0] == "a"
