"""Search filters in the form each retriever applies them: a row mask over the sparse index's
filter columns, and a chromadb ``where`` clause (exclusions are applied to its hits after)."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.dates import bound_key
from index.jurisdiction import with_subdivisions
from index.search_types import SearchFilters
from index.sparse import SparseIndex

__all__ = ["sparse_mask", "vector_where", "visible"]


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
    lo, hi = bound_key(filters.date_from, end=False), bound_key(filters.date_to, end=True)
    if lo is not None:
        mask &= cols["date"] >= lo
    if hi is not None:
        mask &= (cols["date"] <= hi) & (cols["date"] > 0)
    return mask


def vector_where(filters: SearchFilters) -> dict[str, Any] | None:
    """The same filters as a chromadb ``where`` clause (exclusions are applied afterwards)."""
    clauses: list[dict[str, Any]] = []
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


def visible(doc_id: str, filters: SearchFilters) -> bool:
    """Whether a dense hit of ``doc_id`` survives the exclusions chromadb cannot express."""
    return not (filters.exclude_doc_ids and doc_id in filters.exclude_doc_ids)
