"""The catalog records a search shows, read once per index generation where that is cheap.

Why: every search used to read its hits' documents and page labels from SQLite (one query
each, a ``PRAGMA`` and the JSON metadata decoded per row): ~1.3 ms of the ~12 ms of CPU a
computed search costs, for rows that only change with the generation. Documents and page
labels are few (one row per document, a short label per page) and are read whole, the first
time a generation is searched, so what is held never depends on what anyone asked (no timing
says what another caller searched). Chunks are many and large: they are still read per
request, once per request (``Chunks``), whoever needs them first.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from core.models import ChunkRecord, DocumentRecord
from index.search_ports import ChunkCatalog

__all__ = ["Chunks", "GenerationRecords", "SearchRecords"]


@dataclass(frozen=True)
class GenerationRecords:
    """Every document with passages in one generation, and its printed page labels."""

    documents: dict[str, DocumentRecord]
    labels: dict[tuple[str, int], str]


class SearchRecords:
    """Documents and page labels per generation, read through ``catalog``."""

    def __init__(self, catalog: ChunkCatalog) -> None:
        self.catalog = catalog
        self._lock = threading.Lock()
        # one tuple, swapped whole: a reader never pairs records with another generation
        self._held: tuple[Hashable, GenerationRecords] | None = None

    def at(self, generation: Hashable, doc_ids: Iterable[str]) -> GenerationRecords:
        """The records of ``generation``, whose passages belong to ``doc_ids`` (read only
        when the generation is new: the sparse index's ``doc_id`` column)."""
        held = self._held
        if held is not None and held[0] == generation:
            return held[1]
        with self._lock:
            held = self._held
            if held is None or held[0] != generation:
                held = (generation, self._load(doc_ids))
                self._held = held
            return held[1]

    def _load(self, doc_ids: Iterable[str]) -> GenerationRecords:
        documents = self.catalog.documents_by_ids({str(d) for d in doc_ids})
        # a document's pages are numbered from 1 (0 asked too: a label nobody has is no cost)
        keys = ((doc_id, page) for doc_id, doc in documents.items()
                for page in range(doc.n_pages + 1))
        return GenerationRecords(documents, self.catalog.page_labels(keys))

    def documents(self, generation: Hashable, doc_ids: Iterable[str],
                  wanted: Iterable[str]) -> dict[str, DocumentRecord]:
        """The ``wanted`` documents; one the generation's records lack (written after the
        request read its generation) is read from the catalog, as before."""
        held = self.at(generation, doc_ids).documents
        found = {d: held[d] for d in wanted if d in held}
        missing = [d for d in wanted if d not in held]
        if missing:
            found.update(self.catalog.documents_by_ids(missing))
        return found


class Chunks:
    """The chunks one request reads, each read from the catalog at most once."""

    def __init__(self, catalog: ChunkCatalog) -> None:
        self.catalog = catalog
        self._read: dict[str, ChunkRecord] = {}
        self._asked: set[str] = set()

    def get(self, chunk_ids: Iterable[str]) -> dict[str, ChunkRecord]:
        """The chunks of ``chunk_ids`` the catalog has (uncommitted orphans dropped)."""
        ids = list(dict.fromkeys(chunk_ids))
        new = [c for c in ids if c not in self._asked]
        if new:
            self._read.update(self.catalog.chunks_by_ids(new))
            self._asked.update(new)
        return {c: self._read[c] for c in ids if c in self._read}
