"""Documents of a jurisdiction the question names that no retriever found.

A question naming Viet Nam asks about Vietnamese documents even when none of their words
matched: "Vietnam's action programme for Resolution 57" shares almost nothing with a
resolution written in Vietnamese, and MiniLM reads no Vietnamese. The jurisdiction list
(``index/jurisdiction.py``) can only lift candidates, so each such document offers one
passage: its best by the question's sparse score, else its first (title, preamble).
The home jurisdiction is never searched this way: most documents are its own, and the
retrievers already found the ones that matter.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from index.jurisdiction import DEFAULT_COUNTRY
from index.sparse import SparseIndex

__all__ = ["UNRETRIEVED_LIMIT", "unretrieved_passages"]

#: At most this many such documents per question: the list lifts, it does not enumerate.
UNRETRIEVED_LIMIT = 10


def unretrieved_passages(index: SparseIndex, scores: np.ndarray, named: frozenset[str],
                         found_docs: Collection[str], mask: np.ndarray | None = None,
                         limit: int = UNRETRIEVED_LIMIT) -> list[str]:
    """One chunk id per document of a ``named`` foreign jurisdiction that is not among
    ``found_docs`` and that ``mask`` (the request's filters) lets through, best ``scores``
    first (ties: the document's first passage)."""
    wanted = [code for code in named if code != DEFAULT_COUNTRY]
    if not wanted or not len(index):
        return []
    rows = np.flatnonzero(np.isin(index.columns["country"], wanted))
    doc_ids = index.columns["doc_id"]
    best: dict[str, int] = {}
    for row in rows:
        doc = str(doc_ids[row])
        if doc in found_docs or (mask is not None and not mask[row]):
            continue
        if doc not in best or scores[row] > scores[best[doc]]:
            best[doc] = int(row)
    ordered = sorted(best.values(), key=lambda row: (-float(scores[row]), row))[:limit]
    return [index.chunk_ids[row] for row in ordered]
