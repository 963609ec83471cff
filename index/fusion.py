"""Weighted reciprocal-rank fusion of several ranked lists.

RRF needs no score calibration between BM25 (unbounded) and cosine similarity, which is
why it is the default; the weights say how much each list is trusted for this query.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

RRF_K = 60


@dataclass(frozen=True)
class RankedList:
    """Keys best first; ``ranks``, when given, are their ranks (several keys may share one,
    e.g. the passages of a document that all borrow its translation's rank)."""

    name: str
    keys: Sequence[Hashable]
    weight: float
    ranks: Sequence[int] | None = None


def reciprocal_rank_fusion(lists: Sequence[RankedList], k: int = RRF_K) -> dict[Hashable, float]:
    fused: dict[Hashable, float] = {}
    for ranked in lists:
        if ranked.weight <= 0:
            continue
        ranks = ranked.ranks if ranked.ranks is not None else range(1, len(ranked.keys) + 1)
        for rank, key in zip(ranks, ranked.keys, strict=True):
            if key is None:  # a placeholder that keeps the ranks of the others
                continue
            fused[key] = fused.get(key, 0.0) + ranked.weight / (k + rank)
    return fused


@dataclass(frozen=True)
class FusionWeights:
    sparse: float
    sparse_translated: float
    dense: float


def weights_for(query_language: str, embedder_languages: frozenset[str],
                has_translation: bool) -> FusionWeights:
    """How much each kind of evidence counts for this query.

    Dense search is trusted fully in languages the embedder reads. A Khmer query against an
    English-only model is embedded through its glossary translation, so its dense list is
    cross-language evidence and counts for less; its translated terms count fully, because
    the English passages can only be reached through them.
    """
    reads_query = query_language in embedder_languages or (
        query_language == "mixed" and "en" in embedder_languages)
    if query_language == "km" and not reads_query:
        return FusionWeights(sparse=1.0, sparse_translated=1.2 if has_translation else 0.0,
                             dense=0.2 if has_translation else 0.0)
    return FusionWeights(sparse=1.0, sparse_translated=0.7 if has_translation else 0.0,
                         dense=1.0)
