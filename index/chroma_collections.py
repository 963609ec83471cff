"""Whole collections of one chromadb, for a restore that fills a new collection beside the live
one and swaps it in by name.

Kept apart from ``vector_store.py``, which works inside one collection.
"""

from __future__ import annotations

from pathlib import Path

from index.chroma_client import open_client
from index.chroma_errors import guarded


class Collections:
    """Whole collections of one chromadb (embedded or server): what a restore needs to fill a
    new collection beside the live one and swap it in by name, without raw client calls."""

    def __init__(self, chroma_dir: Path, url: str | None = None, token: str | None = None,
                 timeout_s: float = 30.0) -> None:
        self.where = url or str(chroma_dir)
        with guarded(self.where, "connect"):
            self._client = open_client(chroma_dir, url, token, timeout_s)

    def names(self) -> set[str]:
        with guarded(self.where, "list the collections"):
            return {c if isinstance(c, str) else c.name for c in self._client.list_collections()}

    def count(self, name: str) -> int:
        """Vectors in collection ``name``; 0 when there is no such collection."""
        if name not in self.names():
            return 0
        with guarded(self.where, f"count the vectors of {name!r}"):
            return int(self._client.get_collection(name).count())

    def rename(self, old: str, new: str) -> None:
        with guarded(self.where, f"rename collection {old!r} to {new!r}"):
            self._client.get_collection(old).modify(name=new)

    def drop(self, name: str) -> None:
        with guarded(self.where, f"drop collection {name!r}"):
            self._client.delete_collection(name)
