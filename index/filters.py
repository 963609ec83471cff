"""Search filters in the form each retriever applies them: a row mask over the sparse index's
filter columns, and a chromadb ``where`` clause (exclusions are applied to its hits after).

The allowed collections are ANDed into both, so a restricted passage never becomes a
candidate. Vectors stored before collections existed carry no ``collection`` key and are all
public: when ``public`` is allowed the clause excludes the disallowed collections (``$nin``
matches a record without the key) instead of listing the allowed ones. The searcher also
drops every dense hit whose sparse-index row (read from the catalog) is not allowed, so the
clause is never the only guard.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from core.access import DEFAULT_COLLECTION
from core.dates import bound_key
from index.jurisdiction import with_subdivisions
from index.search_types import SearchFilters
from index.sparse import SparseIndex

__all__ = ["allowed_rows", "known_collections", "scope", "sparse_mask", "vector_where", "visible"]


def known_collections(index: SparseIndex) -> frozenset[str]:
    """The collections ``index`` holds passages of (computed once per index)."""
    if "_collections" not in index.__dict__:
        index.__dict__["_collections"] = frozenset(str(c) for c in set(index.columns["collection"]))
    found: frozenset[str] = index.__dict__["_collections"]
    return found


def scope(filters: SearchFilters) -> str:
    """The allowed collections as a cache key (what ``Access.cache_key()`` gives)."""
    return "*" if filters.collections is None else ",".join(sorted(filters.collections))


def sparse_mask(index: SparseIndex, filters: SearchFilters) -> np.ndarray | None:
    """Rows of ``index`` the filters allow; None when they allow every row."""
    if filters.is_empty() or not len(index):
        return None
    cols = index.columns
    mask = np.ones(len(index), dtype=bool)
    if filters.languages:
        mask &= np.isin(cols["language"], filters.languages) | np.isin(cols["doc_language"], filters.languages)
    if filters.doc_types:
        mask &= np.isin(cols["doc_type"], filters.doc_types)
    if filters.issuing_bodies:
        mask &= np.isin(cols["issuing_body"], filters.issuing_bodies)
    if filters.doc_ids:
        mask &= np.isin(cols["doc_id"], filters.doc_ids)
    if filters.countries:
        mask &= np.isin(cols["country"], with_subdivisions(filters.countries))
    if filters.exclude_doc_ids:
        mask &= ~np.isin(cols["doc_id"], filters.exclude_doc_ids)
    if filters.collections is not None:
        mask &= allowed_rows(index, filters.collections)
    lo, hi = bound_key(filters.date_from, end=False), bound_key(filters.date_to, end=True)
    if lo is not None:
        mask &= cols["date"] >= lo
    if hi is not None:
        mask &= (cols["date"] <= hi) & (cols["date"] > 0)
    return mask


def allowed_rows(index: SparseIndex, collections: Iterable[str] | None) -> np.ndarray:
    """Rows of ``index`` in an allowed collection (None: every row)."""
    if collections is None:
        return np.ones(len(index), dtype=bool)
    return np.isin(index.columns["collection"], list(collections))


def _collection_clause(allowed: list[str], known: Iterable[str] | None) -> dict[str, Any] | None:
    """The allowed collections as a clause; None when every ``known`` collection is allowed."""
    if DEFAULT_COLLECTION in allowed and known is not None:
        denied = sorted(set(known) - set(allowed))
        return {"collection": {"$nin": denied}} if denied else None
    return {"collection": {"$in": allowed}}


def vector_where(filters: SearchFilters, known: Iterable[str] | None = None
                 ) -> dict[str, Any] | None:
    """The same filters as a chromadb ``where`` clause (exclusions are applied afterwards).
    ``known``: every collection the index holds (the sparse index's column), which lets the
    clause keep the vectors written before collections existed. An empty allowed set cannot
    be written as a clause (chromadb refuses ``$in: []``): the caller asks nothing then."""
    clauses: list[dict[str, Any]] = []
    if filters.collections is not None:
        if not filters.collections:
            raise ValueError("no collection is allowed: do not query the vector store")
        if (clause := _collection_clause(sorted(filters.collections), known)) is not None:
            clauses.append(clause)
    if filters.languages:
        clauses.append({"$or": [{"language": {"$in": filters.languages}},
                                {"doc_language": {"$in": filters.languages}}]})
    if filters.doc_types:
        clauses.append({"doc_type": {"$in": filters.doc_types}})
    if filters.issuing_bodies:
        clauses.append({"issuing_body": {"$in": filters.issuing_bodies}})
    if filters.doc_ids:
        clauses.append({"doc_id": {"$in": filters.doc_ids}})
    if filters.countries:
        clauses.append({"country": {"$in": with_subdivisions(filters.countries)}})
    lo, hi = bound_key(filters.date_from, end=False), bound_key(filters.date_to, end=True)
    if lo is not None:
        clauses.append({"date": {"$gte": lo}})
    if hi is not None:
        clauses.append({"date": {"$lte": hi}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def visible(doc_id: str, filters: SearchFilters, collection: str | None = None) -> bool:
    """Whether a dense hit of ``doc_id`` (in ``collection``, as the sparse index's row says)
    survives the exclusions chromadb cannot express and the allowed collections."""
    if filters.collections is not None and (collection or DEFAULT_COLLECTION) not in filters.collections:
        return False
    return not (filters.exclude_doc_ids and doc_id in filters.exclude_doc_ids)
