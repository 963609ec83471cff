"""Runs a query set through a search function and scores it (plus latency); scores cited
answers (key facts, sources, declined questions) and plan alignments (best strategy per
mechanism) against judged sets such as ``evaluation/sample/``.

The same harness scores PolicyKB and the baselines, so their numbers are comparable. It takes
plain callables, never the application's container, so it sits below every entry point.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.metrics import Hit, Query, evaluate, load_qrels, load_queries
from ingest.khmer.script import DIGITS_TO_ASCII

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
    run, latencies = run_queries(search, queries)
    result = evaluate(run, queries, qrels, page_qrels, k)
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


# -- cited answers ------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerCase:
    """A question with its key facts (each a list of accepted spellings) and the pages that
    state them; no facts means the indexed documents do not answer it."""

    id: str
    question: str
    lang: str
    facts: tuple[tuple[str, ...], ...]
    sources: frozenset[tuple[str, int]]

    @property
    def answerable(self) -> bool:
        return bool(self.facts)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def load_answer_cases(path: Path) -> list[AnswerCase]:
    return [AnswerCase(o["id"], o["question"], o["lang"],
                       tuple(tuple(alternatives) for alternatives in o["facts"]),
                       frozenset((doc, int(page)) for doc, page in o["sources"]))
            for o in _jsonl(path)]


def _fold(text: str) -> str:
    """Khmer digits as ASCII, whitespace folded, lower case: "១០ ០០០" matches "10 000"."""
    return " ".join(text.translate(DIGITS_TO_ASCII).split()).lower()


def fact_found(alternatives: Sequence[str], text: str) -> bool:
    """Any accepted spelling occurs in ``text``, not as part of a longer number."""
    folded = _fold(text)
    return any(re.search(rf"(?<!\d){re.escape(_fold(a))}(?!\d)", folded) for a in alternatives)


def score_answers(answer: Callable[[str], Any], cases: Sequence[AnswerCase]) -> dict[str, Any]:
    """Fact recall and right-source rate of the answerable questions, and how often the
    unanswerable ones are declined, overall and per question language.

    ``answer(question)`` returns an object with ``found``, ``answer`` (the text) and
    ``citations`` (each with ``doc_id`` and ``page``), like ``answers.types.Answer``.
    """
    rows: list[dict[str, Any]] = []
    for case in cases:
        result = answer(case.question)
        cited = {(c.doc_id, c.page) for c in result.citations}
        row: dict[str, Any] = {"id": case.id, "lang": case.lang, "found": bool(result.found)}
        if case.answerable:
            row["fact_recall"] = sum(fact_found(f, result.answer) for f in case.facts) / len(case.facts)
            row["right_source"] = float(bool(cited & case.sources))
        else:
            row["not_found"] = float(not result.found)
        rows.append(row)

    def summary(group: list[dict[str, Any]]) -> dict[str, float | None]:
        def mean(name: str) -> float | None:
            values = [r[name] for r in group if name in r]
            return sum(values) / len(values) if values else None

        return {"fact_recall": mean("fact_recall"), "right_source": mean("right_source"),
                "not_found_accuracy": mean("not_found")}

    langs = sorted({r["lang"] for r in rows})
    return {"overall": summary(rows),
            "by_lang": {lang: summary([r for r in rows if r["lang"] == lang]) for lang in langs},
            "per_question": rows}


# -- policy alignment ---------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedMechanism:
    """A plan's mechanism (its label and a phrase of its text) and the strategies accepted
    as its best match; ``"gap"`` accepts "no strategy supports it"."""

    label: str
    contains: str
    accept: tuple[str, ...]


@dataclass(frozen=True)
class AlignmentCase:
    """A plan to align: an indexed document id or a text file (relative to the set)."""

    id: str
    lang: str
    doc_id: str | None
    file: Path | None
    mechanisms: tuple[ExpectedMechanism, ...]


def load_alignment_cases(path: Path) -> list[AlignmentCase]:
    path = Path(path)
    return [AlignmentCase(o["id"], o["lang"], o.get("doc_id"),
                          path.parent / o["file"] if o.get("file") else None,
                          tuple(ExpectedMechanism(m["label"], m["contains"], tuple(m["accept"]))
                                for m in o["mechanisms"]))
            for o in _jsonl(path)]


def _is_label(strategy: str, prefix: str) -> bool:
    """``Strategy 1: ...`` starts with label ``Strategy 1`` but ``Strategy 10`` does not."""
    return strategy.startswith(prefix) and not strategy[len(prefix):len(prefix) + 1].isdigit()


def mechanism_correct(expected: ExpectedMechanism, found: Mapping[str, Any] | None) -> bool:
    """Right when the plan's mechanism was found and its best strategy (or its gap) is accepted."""
    if found is None or expected.contains.lower() not in found["text"].lower():
        return False
    if found["gap"] and "gap" in expected.accept:
        return True
    best = found["alignments"][0]["strategy"] if found["alignments"] else ""
    return any(_is_label(best, label) for label in expected.accept if label != "gap")


def verdict_correct(expected: ExpectedMechanism, found: Mapping[str, Any] | None) -> bool | None:
    """Whether the mechanism is reported as a gap exactly when the judgement says so; None
    when the judgement accepts both (a strategy or a gap)."""
    gap_only = expected.accept == ("gap",)
    if "gap" in expected.accept and not gap_only:
        return None
    if found is None or expected.contains.lower() not in found["text"].lower():
        return False
    return bool(found["gap"]) == gap_only


def score_alignment(align: Callable[[AlignmentCase], Mapping[str, Any]],
                    cases: Sequence[AlignmentCase]) -> dict[str, Any]:
    """Top-1 accuracy (best strategy, or gap, accepted), verdict agreement (gap or not) and
    mechanism detection rate, overall, per plan language and per plan.

    ``align(case)`` returns the report in its JSON form (``alignment.report.to_json``).
    """
    rows: list[dict[str, Any]] = []
    for case in cases:
        report = align(case)
        by_label = {m["label"]: m for m in report["mechanisms"]}
        for expected in case.mechanisms:
            found = by_label.get(expected.label)
            rows.append({"plan": case.id, "lang": case.lang, "label": expected.label,
                         "detected": float(found is not None
                                           and expected.contains.lower() in found["text"].lower()),
                         "top1": float(mechanism_correct(expected, found)),
                         "verdict": verdict_correct(expected, found),
                         "best": (found["alignments"][0]["strategy"]
                                  if found and found["alignments"] else None),
                         "gap": bool(found and found["gap"])})

    def summary(group: list[dict[str, Any]]) -> dict[str, float | None]:
        def mean(name: str) -> float | None:
            values = [float(r[name]) for r in group if r[name] is not None]
            return sum(values) / len(values) if values else None

        return {"top1": mean("top1"), "verdict": mean("verdict"), "detected": mean("detected")}

    return {"overall": summary(rows),
            "by_lang": {lang: summary([r for r in rows if r["lang"] == lang])
                        for lang in sorted({r["lang"] for r in rows})},
            "by_plan": {case.id: summary([r for r in rows if r["plan"] == case.id]) for case in cases},
            "per_mechanism": rows}
