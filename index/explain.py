"""Why a hit ranks where it does: its rank and score in each retriever's list, for the
score breakdown every hit carries."""

from __future__ import annotations

from typing import Any

from index.search_types import ScoreBreakdown
from index.sparse import SparseIndex

__all__ = ["Explain"]


class Explain:
    """Per-retriever ranks and scores of each candidate. Dense figures are shown only for
    chunks the embedder can read: fusion ignores the others'."""

    def __init__(self, index: SparseIndex, sparse: list[tuple[int, float]], dense: list[Any],
                 readable: frozenset[str] = frozenset({"en", "mixed"})) -> None:
        self.sparse = {index.chunk_ids[i]: (r, s) for r, (i, s) in enumerate(sparse, 1)}
        self.dense: dict[str, tuple[int, float]] = {}
        rank = 0
        for hit in dense:
            if hit.metadata.get("language", "en") in readable and hit.chunk_id not in self.dense:
                rank += 1
                self.dense[hit.chunk_id] = (rank, hit.similarity)

    def breakdown(self, chunk_id: str, fused: float, rerank: float | None) -> ScoreBreakdown:
        sp, de = self.sparse.get(chunk_id), self.dense.get(chunk_id)
        return ScoreBreakdown(
            fused=round(fused, 6),
            sparse=round(sp[1], 4) if sp else None, sparse_rank=sp[0] if sp else None,
            dense=round(de[1], 4) if de else None, dense_rank=de[0] if de else None,
            rerank=round(rerank, 4) if rerank is not None else None,
        )
