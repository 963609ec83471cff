"""Retrieval metrics for the PolicyKB evaluation sets (the loaders are in
``evaluation/judged_sets.py`` and stay importable here).

Conventions (see ``evaluation/dev/README.md``):

* qrels are BEIR TSV (``query-id<TAB>corpus-id<TAB>score``); a corpus-id is a document id or
  ``<doc_id>#page=<N>`` for a page-level judgement. Grades: 2 = answers the question,
  1 = related / partially answers, 0 = judged not relevant (ignored by every metric).
* Document-level metrics rank *documents*: a run is a list of passage hits, which are collapsed
  to their doc ids in rank order, keeping the first occurrence of each id.
* nDCG uses graded gains ``2**grade - 1`` and a ``log2(rank + 1)`` discount; the ideal ranking
  is built from the query's qrels.
* ``page_recall@k`` looks at the first k distinct (doc_id, page) pairs of the run and is
  averaged only over queries that have page judgements; ``answer_page_recall@k`` does the
  same over the pages graded 2 alone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from evaluation.judged_sets import (
    LANGS,
    MAX_GRADE,
    QRELS_HEADER,
    DocQrels,
    PageQrels,
    Query,
    load_answer_pages,
    load_qrels,
    load_queries,
    split_corpus_id,
)

__all__ = ["DEV_DIR", "KINDS", "LANGS", "MAX_GRADE", "QRELS_HEADER", "DocQrels", "Hit",
           "HitLike", "PageQrels", "Query", "dedupe", "evaluate", "load_answer_pages",
           "load_qrels", "load_queries", "mrr_at_k", "ndcg_at_k", "page_recall_at_k",
           "recall_at_k", "split_corpus_id"]

DEV_DIR = Path(__file__).resolve().parent / "dev"
KINDS: tuple[str, ...] = ("en_policy", "en_meeting", "km_km", "km_en", "en_km", "km_scanned",
                          "en_other")


@dataclass(frozen=True)
class Hit:
    """One ranked search result: the document it came from and its 1-based page."""

    doc_id: str
    page: int | None = None


class HitLike(Protocol):
    """Anything with ``doc_id`` and ``page`` attributes (e.g. the API's search results)."""

    @property
    def doc_id(self) -> str: ...

    @property
    def page(self) -> int | None: ...


# -- metric functions ---------------------------------------------------------------------


def dedupe(items: Iterable[Any]) -> list[Any]:
    """Return the items in order, keeping only the first occurrence of each."""
    seen: set[Any] = set()
    out: list[Any] = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")


def ndcg_at_k(ranked_doc_ids: Sequence[str], qrels: Mapping[str, int], k: int = 10) -> float:
    """Graded nDCG@k (gain ``2**grade - 1``, discount ``log2(rank + 1)``); 0.0 if nothing is relevant."""
    _check_k(k)
    ranked = dedupe(ranked_doc_ids)[:k]
    dcg = sum(
        (2 ** qrels.get(doc, 0) - 1) / math.log2(rank + 1)
        for rank, doc in enumerate(ranked, start=1)
        if qrels.get(doc, 0) > 0
    )
    ideal = sorted((g for g in qrels.values() if g > 0), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(rank + 1) for rank, g in enumerate(ideal, start=1))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at_k(ranked_doc_ids: Sequence[str], qrels: Mapping[str, int], k: int = 10) -> float:
    """Share of the relevant documents (grade >= 1) found in the first k distinct documents."""
    _check_k(k)
    relevant = {doc for doc, g in qrels.items() if g > 0}
    if not relevant:
        return 0.0
    found = relevant.intersection(dedupe(ranked_doc_ids)[:k])
    return len(found) / len(relevant)


def mrr_at_k(ranked_doc_ids: Sequence[str], qrels: Mapping[str, int], k: int = 10) -> float:
    """Reciprocal rank of the first relevant document within the first k distinct documents."""
    _check_k(k)
    for rank, doc in enumerate(dedupe(ranked_doc_ids)[:k], start=1):
        if qrels.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


def page_recall_at_k(
    ranked_pages: Sequence[tuple[str, int]], page_qrels: set[tuple[str, int]], k: int = 10
) -> float:
    """Share of the judged (doc_id, page) pairs found in the first k distinct pages of the run."""
    _check_k(k)
    if not page_qrels:
        return 0.0
    found = page_qrels.intersection(dedupe(ranked_pages)[:k])
    return len(found) / len(page_qrels)


# -- loaders ------------------------------------------------------------------------------


# -- evaluation ---------------------------------------------------------------------------


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def evaluate(
    run: Mapping[str, Sequence[HitLike]],
    queries: Sequence[Query],
    qrels: Mapping[str, Mapping[str, int]],
    page_qrels: Mapping[str, set[tuple[str, int]]],
    k: int = 10,
    answer_pages: Mapping[str, set[tuple[str, int]]] | None = None,
) -> dict[str, Any]:
    """Score a run against the judgements, overall and per query kind.

    Queries without any relevant document are skipped; a query missing from the run scores 0.
    ``page_recall@k`` is averaged over queries with page judgements only and is None for a
    group that has none. With ``answer_pages`` (pages graded 2), ``answer_page_recall@k`` is
    page recall over those pages alone. Returns ``{"overall": {...}, "by_kind": {kind: {...}}, "counts": ...}``.
    """
    _check_k(k)
    names: tuple[str, ...] = (f"ndcg@{k}", f"recall@{k}", f"mrr@{k}", f"page_recall@{k}")
    if answer_pages is not None:
        names += (f"answer_page_recall@{k}",)
    per_kind: dict[str, dict[str, list[float]]] = {}
    overall: dict[str, list[float]] = {n: [] for n in names}
    for query in queries:
        grades = qrels.get(query.id, {})
        if not any(g > 0 for g in grades.values()):
            continue
        hits = run.get(query.id, [])
        docs = [h.doc_id for h in hits]
        scores = {
            names[0]: ndcg_at_k(docs, grades, k),
            names[1]: recall_at_k(docs, grades, k),
            names[2]: mrr_at_k(docs, grades, k),
        }
        pages = page_qrels.get(query.id)
        if pages:
            ranked_pages = [(h.doc_id, h.page) for h in hits if h.page is not None]
            scores[names[3]] = page_recall_at_k(ranked_pages, set(pages), k)
            answering = (answer_pages or {}).get(query.id)
            if answering:
                scores[names[4]] = page_recall_at_k(ranked_pages, set(answering), k)
        bucket = per_kind.setdefault(query.kind, {n: [] for n in names})
        for name, value in scores.items():
            overall[name].append(value)
            bucket[name].append(value)

    def summary(values: dict[str, list[float]]) -> dict[str, float | None]:
        return {n: _mean(values[n]) for n in names}

    def count(values: dict[str, list[float]]) -> dict[str, int]:
        return {"queries": len(values[names[0]]), "page_queries": len(values[names[3]])}

    return {
        "overall": summary(overall),
        "by_kind": {kind: summary(v) for kind, v in sorted(per_kind.items())},
        "counts": {
            "overall": count(overall),
            "by_kind": {kind: count(v) for kind, v in sorted(per_kind.items())},
        },
    }
