"""Runs a query set through a search function and scores it (plus latency) against a judged
set such as ``evaluation/sample/``. Cited answers are scored in ``evaluation/answer_scoring.py``,
plan alignments in ``evaluation/alignment_scoring.py``.

The same harness scores PolicyKB and the baselines, so their numbers are comparable. It takes
plain callables, never the application's container, so it sits below every entry point.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.alignment_scoring import (
    AlignmentCase,
    ExpectedMechanism,
    load_alignment_cases,
    mechanism_correct,
    score_alignment,
    verdict_correct,
)
from evaluation.answer_scoring import (
    SUMMARY_METRICS,
    AnswerCase,
    AnswerSetError,
    answer_row,
    fact_found,
    load_answer_cases,
    score_answers,
    summarize_answers,
)
from evaluation.metrics import Hit, Query, evaluate, load_answer_pages, load_qrels, load_queries

# The answer and alignment scorers moved to their own modules; their names stay importable here.
__all__ = ["SUMMARY_METRICS", "AlignmentCase", "AnswerCase", "AnswerSetError", "ExpectedMechanism",
           "SearchFn", "answer_row", "fact_found", "load_alignment_cases", "load_answer_cases",
           "mechanism_correct", "policykb_search", "relative_gain", "run_queries", "score",
           "score_alignment", "score_answers", "summarize_answers", "verdict_correct"]

SearchFn = Callable[[str], Sequence[Any]]  # query text -> ranked hits with doc_id and page


def run_queries(search: SearchFn, queries: Sequence[Query]) -> tuple[dict[str, list[Any]], list[float]]:
    run: dict[str, list[Any]] = {}
    latencies: list[float] = []
    for query in queries:
        started = time.perf_counter()
        run[query.id] = list(search(query.text))
        latencies.append((time.perf_counter() - started) * 1000)
    return run, latencies


def score(search: SearchFn, queries_path: Path, qrels_path: Path, k: int = 10) -> dict[str, Any]:
    queries = load_queries(queries_path)
    qrels, page_qrels = load_qrels(qrels_path, [q.id for q in queries])
    answer_pages = load_answer_pages(qrels_path, [q.id for q in queries])
    run, latencies = run_queries(search, queries)
    result = evaluate(run, queries, qrels, page_qrels, k, answer_pages)
    result["latency_ms"] = {
        "p50": float(np.percentile(latencies, 50)) if latencies else 0.0,
        "p95": float(np.percentile(latencies, 95)) if latencies else 0.0,
    }
    return result


def policykb_search(searcher: Any, depth: int = 20) -> SearchFn:
    """PolicyKB's full search path; a hit's twins (the same item in the other language) are
    shown beside it, so they count right after it in the ranking."""

    def search(text: str) -> list[Hit]:
        response = searcher.search(text, k=depth)
        ranked: list[Hit] = []
        for hit in response.hits:
            ranked.append(Hit(hit.doc_id, hit.page))
            ranked += [Hit(t.doc_id, t.page) for t in hit.twins]
        return ranked

    return search


def relative_gain(ours: float | None, theirs: float | None) -> float | None:
    if ours is None or not theirs:
        return None
    return (ours - theirs) / theirs
