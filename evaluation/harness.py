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
    state them; no facts means the indexed documents do not answer it. For a ``which_policy``
    question the first fact is the policy's title and the second its strategy or section."""

    id: str
    question: str
    lang: str
    facts: tuple[tuple[str, ...], ...]
    sources: frozenset[tuple[str, int]]
    kind: str = ""

    @property
    def answerable(self) -> bool:
        return bool(self.facts)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


class AnswerSetError(ValueError):
    """A judged answer set that cannot be scored: the message names the file, line and field."""


def _answer_case(o: Any) -> AnswerCase:
    if not isinstance(o, dict):
        raise ValueError("not a JSON object")
    missing = [k for k in ("id", "question", "lang", "facts", "sources") if k not in o]
    if missing:
        raise ValueError(f"missing field {missing[0]!r}")
    facts = o["facts"]
    if not isinstance(facts, list) or not all(
            isinstance(f, list) and f and all(isinstance(a, str) and a.strip() for a in f)
            for f in facts):
        raise ValueError("field 'facts' must be a list of non-empty lists of spellings")
    sources = o["sources"]
    if not isinstance(sources, list) or not all(
            isinstance(s, list) and len(s) == 2 and isinstance(s[0], str) and isinstance(s[1], int)
            for s in sources):
        raise ValueError("field 'sources' must be a list of [doc_id, page] pairs")
    if facts and not sources:
        raise ValueError("field 'sources' is empty but the question has facts")
    kind = str(o.get("kind") or ("unanswerable" if not facts else "fact"))
    if kind == "which_policy" and len(facts) < 2:
        raise ValueError("a which_policy question needs facts [policy, strategy]")
    return AnswerCase(str(o["id"]), str(o["question"]), str(o["lang"]),
                      tuple(tuple(alternatives) for alternatives in facts),
                      frozenset((doc, int(page)) for doc, page in sources), kind)


def load_answer_cases(path: Path) -> list[AnswerCase]:
    """The judged questions of ``path``; a bad line raises :class:`AnswerSetError` naming it."""
    cases: list[AnswerCase] = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise AnswerSetError(f"{path}: cannot read the answer set ({exc.strerror or exc})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            cases.append(_answer_case(json.loads(line)))
        except (ValueError, TypeError) as exc:  # JSONDecodeError is a ValueError
            raise AnswerSetError(f"{path}:{number}: {exc}") from exc
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise AnswerSetError(f"{path}: duplicate question id {case.id!r}")
        seen.add(case.id)
    return cases


def _fold(text: str) -> str:
    """Khmer digits as ASCII, whitespace folded, lower case: "១០ ០០០" matches "10 000"."""
    return " ".join(text.translate(DIGITS_TO_ASCII).split()).lower()


def fact_found(alternatives: Sequence[str], text: str) -> bool:
    """Any accepted spelling occurs in ``text``, not as part of a longer number."""
    folded = _fold(text)
    return any(re.search(rf"(?<!\d){re.escape(_fold(a))}(?!\d)", folded) for a in alternatives)


def answer_row(case: AnswerCase, result: Any) -> dict[str, Any]:
    """One question's scores: a declined answer states no fact and cites nothing."""
    found = bool(result.found)
    cited = {(c.doc_id, int(c.page)) for c in result.citations} if found else set()
    text = result.answer if found else ""
    row: dict[str, Any] = {"id": case.id, "kind": case.kind, "lang": case.lang, "found": found,
                           "answer": text, "cited": sorted(cited)}
    if case.answerable:
        hits = [fact_found(f, text) for f in case.facts]
        row["fact_recall"] = sum(hits) / len(hits)
        row["all_facts"] = float(all(hits))
        row["right_source"] = float(bool(cited & case.sources))
        row["wrongly_declined"] = float(not found)
        if case.kind == "which_policy":
            row["names_policy"] = float(hits[0])
            row["names_policy_and_strategy"] = float(hits[0] and hits[1])
    else:
        row["not_found"] = float(not found)
    return row


SUMMARY_METRICS = ("fact_recall", "all_facts", "right_source", "not_found", "wrongly_declined",
                   "names_policy", "names_policy_and_strategy")


def summarize_answers(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Means over the questions a metric applies to (None when none does), with counts.

    ``not_found_accuracy`` is the declined share of the unanswerable questions;
    ``wrongly_declined`` the declined share of the answerable ones.
    """
    def mean(name: str) -> float | None:
        values = [r[name] for r in rows if name in r]
        return sum(values) / len(values) if values else None

    out: dict[str, Any] = {name: mean(name) for name in SUMMARY_METRICS}
    out["not_found_accuracy"] = out.pop("not_found")
    out["questions"] = len(rows)
    out["answerable"] = sum("fact_recall" in r for r in rows)
    return out


def score_answers(answer: Callable[[str], Any], cases: Sequence[AnswerCase]) -> dict[str, Any]:
    """Fact recall, the share of answers with every fact, right-source rate, how often the
    unanswerable questions are declined (and the answerable ones wrongly declined), and for
    "which policy" questions whether the answer names the policy and its strategy: overall,
    per question language and per kind.

    ``answer(question)`` returns an object with ``found``, ``answer`` (the text) and
    ``citations`` (each with ``doc_id`` and ``page``), like ``answers.types.Answer``.
    """
    rows = [answer_row(case, answer(case.question)) for case in cases]

    def groups(key: str) -> dict[str, Any]:
        return {value: summarize_answers([r for r in rows if r[key] == value])
                for value in sorted({r[key] for r in rows})}

    return {"overall": summarize_answers(rows), "by_lang": groups("lang"),
            "by_kind": groups("kind"), "per_question": rows}


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
