"""What the sparse index's columns say about a chunk (its document, country, collection),
read there rather than from chromadb, and which terms of a long text identify it: shared by
the searcher's ``search`` and ``related`` paths (split from ``index/searcher.py``)."""

from __future__ import annotations

import numpy as np

from index.filters import visible
from index.search_types import SearchFilters
from index.sparse import SparseIndex
from index.vector_store import VectorHit


def with_columns(index: SparseIndex, hits: list[VectorHit]) -> list[VectorHit]:
    """Dense hits with the ``doc_id`` and ``language`` fusion needs, read from the sparse
    index's columns rather than from chromadb (fetching 50 hits' metadata there costs more
    than the nearest-neighbour search itself). A vector this generation does not know (an
    orphan of an interrupted ingest, a document committed after the request began) is
    dropped: it could not be shown anyway."""
    languages, doc_ids = index.columns["language"], index.columns["doc_id"]
    collections = index.columns["collection"]
    out = []
    for hit in hits:
        row = index.row_of(hit.chunk_id)
        if row is not None:
            out.append(VectorHit(hit.chunk_id, hit.similarity,
                                 {"doc_id": str(doc_ids[row]), "language": str(languages[row]),
                                  "collection": str(collections[row])}))
    return out


def dense_visible(hit: VectorHit, filters: SearchFilters) -> bool:
    """A dense hit's document is not excluded and its collection (the catalog's word, from
    the sparse index's row, not the vector's metadata) is allowed."""
    return visible(str(hit.metadata.get("doc_id", "")), filters, hit.metadata.get("collection"))


def chunk_country(index: SparseIndex, chunk_id: str) -> str | None:
    """The jurisdiction of a chunk's document ("" or None when unknown)."""
    row = index.row_of(chunk_id)
    return None if row is None else str(index.columns["country"][row] or "") or None


def chunk_document(index: SparseIndex, chunk_id: str) -> str:
    """The document of a chunk; one the index does not know counts as its own document."""
    row = index.row_of(chunk_id)
    return chunk_id if row is None else str(index.columns["doc_id"][row])


def distinctive_terms(index: SparseIndex, terms: list[str], n: int) -> list[str]:
    """The ``n`` terms of a long text that best identify it (tf × idf)."""
    if len(set(terms)) <= n:
        return list(dict.fromkeys(terms))
    total = max(1, len(index))
    counts: dict[str, int] = {}
    for term in terms:
        counts[term] = counts.get(term, 0) + 1

    def weight(term: str) -> float:
        df = index.document_frequency(term)
        return 0.0 if df == 0 else counts[term] * float(np.log(1 + total / df))
    return sorted(counts, key=lambda t: -weight(t))[:n]
