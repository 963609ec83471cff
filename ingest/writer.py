"""Every change to the index's two stores, made under the ingest lock: a file's new version
made visible, documents deleted, a folder pruned, orphan vectors removed.

Why a component of its own: removing documents needs the catalog, the vector store and the
lock, not the embedding model, the chunker or the Khmer tokenizer. The container builds this
without them, so ``policykb delete`` and ``DELETE /documents`` never load MiniLM; the
Ingestor writes through the same object, so both follow one order of writes.

The order that makes ingestion crash-safe: a file's vectors first (under ids derived from its
hash), then its catalog rows in one transaction (the moment it becomes visible), then the
vectors of its previous version. A crash in between leaves only orphan vectors, which
:meth:`IndexWriter.remove_orphans` deletes on the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

import numpy as np

from core.layout import DataLayout, IngestLock
from core.models import ChunkRecord, DocumentRecord, PageRecord
from ingest import faults
from ingest.report import FileOutcome
from ingest.storage_errors import storage_errors

logger = logging.getLogger(__name__)


class VectorStore(Protocol):
    def add(self, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[dict]) -> None: ...
    def delete(self, ids: Iterable[str]) -> None: ...
    def all_ids(self) -> set[str]: ...


class CatalogWriter(Protocol):
    def replace_source(self, source: str, documents: Sequence[DocumentRecord],
                       pages: Sequence[PageRecord], chunks: Sequence[ChunkRecord]) -> list[str]: ...
    def delete_documents(self, doc_ids: Iterable[str]) -> list[str]: ...
    def source_hash(self, source: str) -> str | None: ...
    def documents_under_root(self, root: str) -> list[DocumentRecord]: ...
    def all_chunk_ids(self) -> set[str]: ...


class IndexWriter:
    """Writes and removals of one data directory's index; ``on_changed`` runs after each
    change that other processes must notice (the container moves the generation on)."""

    def __init__(self, catalog: CatalogWriter, store: VectorStore, data_dir: Path, *,
                 lock: IngestLock | None = None,
                 on_changed: Callable[[], None] | None = None) -> None:
        self.catalog = catalog
        self.store = store
        self.data_dir = data_dir  # named in storage errors
        self.lock = lock or IngestLock(DataLayout(data_dir).ingest_lock)
        self.on_changed = on_changed

    def exclusive(self) -> AbstractContextManager[None]:
        """One writer at a time per data directory (orphan clean-up must not race a writer)."""
        return self.lock.hold()

    def changed(self) -> None:
        if self.on_changed:
            self.on_changed()

    def delete(self, doc_ids: Iterable[str]) -> int:
        """Remove documents and their vectors; returns how many chunks went with them."""
        with storage_errors(self.data_dir):
            with self.exclusive():
                dropped = self.catalog.delete_documents(doc_ids)
                self.store.delete(dropped)
            self.changed()
        return len(dropped)

    # -- under the lock, held by the caller --------------------------------------------------

    def remove_orphans(self) -> int:
        """Delete vectors no committed chunk owns (left by a crash between the two writes)."""
        orphans = self.store.all_ids() - self.catalog.all_chunk_ids()
        if orphans:
            logger.info("removing %d orphan vectors left by an interrupted ingest", len(orphans))
            self.store.delete(orphans)
        return len(orphans)

    def prune(self, root: Path, present: set[str]) -> list[FileOutcome]:
        """Remove the documents ingested from ``root`` whose files are no longer there."""
        gone = [d for d in self.catalog.documents_under_root(str(root)) if d.source not in present]
        if not gone:
            return []
        self.store.delete(self.catalog.delete_documents(d.doc_id for d in gone))
        sources = sorted({d.source for d in gone})
        return [FileOutcome(str(root / s), s, "removed") for s in sources]

    def replace_file(self, source: str, documents: Sequence[DocumentRecord],
                     pages: Sequence[PageRecord], chunks: Sequence[ChunkRecord],
                     vectors: np.ndarray, vector_meta: Sequence[dict]) -> None:
        """Make the new version of one file visible, in the crash-safe order."""
        self.store.add([c.chunk_id for c in chunks], vectors, vector_meta)
        faults.after_vectors_stored(source)  # off unless a crash test switches it on
        dropped = self.catalog.replace_source(source, documents, pages, chunks)
        self.store.delete(dropped)
