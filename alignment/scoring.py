"""The numbers behind a strategy's score: lexical and dense evidence per chunk, and how far a
strategy stands above its policy's other strategies.

Kept apart from ``aligner.py`` so the arithmetic can be read (and tuned) without the plumbing.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from alignment.sections import Sections
from index.query import AnalyzedQuery
from index.sparse import SparseIndex


def lexical_scores(sparse: Callable[[], SparseIndex], query: AnalyzedQuery,
                   sections: Sections) -> np.ndarray:
    """BM25 of each section chunk for the query, normalised by the query's own weight
    (the glossary translation stands in for a query in the chunk's other language)."""
    if not sections.chunks:
        return np.zeros(0, np.float32)
    index = sparse()
    scores = index.normalized_scores(query.terms)
    if query.translated_terms:
        scores = np.maximum(scores, query.coverage * index.normalized_scores(query.translated_terms))
    rows = [index.row_of(c.chunk_id) for c in sections.chunks]
    return np.array([min(1.0, float(scores[r])) if r is not None else 0.0 for r in rows],
                    dtype=np.float32)


def chunk_scores(lexical: np.ndarray, query_vector: np.ndarray | None, sections: Sections,
                 languages: frozenset[str]) -> np.ndarray:
    """Lexical and dense evidence of each chunk (lexical alone where the embedder cannot
    read the chunk's language: it reads ``languages`` and mixed text)."""
    if query_vector is None or sections.matrix.size == 0:
        return lexical
    readable = languages | {"mixed"}
    dense = sections.matrix @ query_vector
    is_readable = np.array([c.language in readable for c in sections.chunks])
    dense = np.where(is_readable, dense, lexical)
    return 0.6 * dense + 0.4 * lexical


def standing(scores: list[float], groups: list[str]) -> list[float]:
    """How far each strategy stands above the other strategies of the same policy for this
    mechanism (a z-score per policy). Similarities of a small English model fall in a narrow
    band; what marks the strategy of a policy that a mechanism serves is how much it stands
    out from that policy's other strategies."""
    out = [0.0] * len(scores)
    for group in dict.fromkeys(groups):
        idx = [i for i, g in enumerate(groups) if g == group]
        if len(idx) < 3:
            continue
        values = np.array([scores[i] for i in idx])
        std = float(values.std()) or 1.0
        for i in idx:
            out[i] = (scores[i] - float(values.mean())) / std
    return out
