"""Retrieval metrics and loaders for the PolicyKB evaluation sets.

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

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

DEV_DIR = Path(__file__).resolve().parent / "dev"
KINDS: tuple[str, ...] = ("en_policy", "en_meeting", "km_km", "km_en", "en_km", "km_scanned",
                          "en_other")
LANGS: frozenset[str] = frozenset({"en", "km"})
QRELS_HEADER: tuple[str, str, str] = ("query-id", "corpus-id", "score")
MAX_GRADE = 2

_PAGE_RE = re.compile(r"^(?P<doc>.+)#page=(?P<page>\d+)$")

DocQrels = dict[str, dict[str, int]]
PageQrels = dict[str, set[tuple[str, int]]]


@dataclass(frozen=True)
class Query:
    """One evaluation query."""

    id: str
    text: str
    lang: str
    kind: str


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


def _fail(path: Path, line: int, message: str) -> ValueError:
    return ValueError(f"{path}:{line}: {message}")


def load_queries(path: str | Path) -> list[Query]:
    """Read a JSONL query file (``id``, ``text``, ``lang``, ``kind``); raise ValueError on bad lines."""
    path = Path(path)
    queries: list[Query] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise _fail(path, lineno, f"invalid JSON ({exc.msg})") from exc
            if not isinstance(obj, dict):
                raise _fail(path, lineno, "expected a JSON object")
            fields: dict[str, str] = {}
            for name in ("id", "text", "lang", "kind"):
                value = obj.get(name)
                if not isinstance(value, str) or not value.strip():
                    raise _fail(path, lineno, f"field {name!r} must be a non-empty string")
                fields[name] = value
            if fields["lang"] not in LANGS:
                raise _fail(
                    path, lineno, f"lang must be one of {sorted(LANGS)}, got {fields['lang']!r}"
                )
            if fields["id"] in seen:
                raise _fail(path, lineno, f"duplicate query id {fields['id']!r}")
            seen.add(fields["id"])
            queries.append(Query(**fields))
    return queries


def split_corpus_id(corpus_id: str) -> tuple[str, int | None]:
    """Split ``doc#page=N`` into (doc, N); a plain document id gives (doc, None)."""
    match = _PAGE_RE.match(corpus_id)
    if match:
        return match.group("doc"), int(match.group("page"))
    return corpus_id, None


def load_qrels(
    path: str | Path, query_ids: Iterable[str] | None = None
) -> tuple[DocQrels, PageQrels]:
    """Read a BEIR qrels TSV into document-level grades and page-level judgement sets.

    ``query_ids`` are the known query ids; by default they are read from ``queries.jsonl``
    next to the qrels file (if it exists). Rows with grade 0 are validated but not returned.
    Raises ValueError naming the file and line on a bad header or row, a duplicate row,
    or a row whose query id is unknown.
    """
    doc_qrels: DocQrels = {}
    page_qrels: PageQrels = {}
    for qid, doc_id, page, score in _judgements(Path(path), query_ids):
        if page is None:
            doc_qrels.setdefault(qid, {})[doc_id] = score
        else:
            page_qrels.setdefault(qid, set()).add((doc_id, page))
    return doc_qrels, page_qrels


def load_answer_pages(path: str | Path, query_ids: Iterable[str] | None = None) -> PageQrels:
    """The pages graded 2 (they answer the question), validated as ``load_qrels`` does.

    Page recall over every judged page also counts pages that only touch the topic (grade 1);
    this set isolates the pages a citation should name."""
    pages: PageQrels = {}
    for qid, doc_id, page, score in _judgements(Path(path), query_ids):
        if page is not None and score == MAX_GRADE:
            pages.setdefault(qid, set()).add((doc_id, page))
    return pages


def _judgements(
    path: Path, query_ids: Iterable[str] | None
) -> Iterable[tuple[str, str, int | None, int]]:
    """Validated (query id, document id, page or None, grade) rows with a grade above 0."""
    if query_ids is None:
        sibling = path.with_name("queries.jsonl")
        known: set[str] | None = {q.id for q in load_queries(sibling)} if sibling.exists() else None
    else:
        known = set(query_ids)
    seen: set[tuple[str, str]] = set()
    with path.open(encoding="utf-8") as fh:
        header = fh.readline()
        if tuple(header.rstrip("\r\n").split("\t")) != QRELS_HEADER:
            raise _fail(
                path, 1, f"header must be {chr(9).join(QRELS_HEADER)!r}, got {header.rstrip()!r}"
            )
        for lineno, line in enumerate(fh, start=2):
            if not line.strip():
                continue
            cols = line.rstrip("\r\n").split("\t")
            if len(cols) != 3:
                raise _fail(path, lineno, f"expected 3 tab-separated columns, got {len(cols)}")
            qid, corpus_id, score_text = (c.strip() for c in cols)
            if not qid or not corpus_id:
                raise _fail(path, lineno, "empty query-id or corpus-id")
            if known is not None and qid not in known:
                raise _fail(path, lineno, f"unknown query id {qid!r}")
            try:
                score = int(score_text)
            except ValueError as exc:
                raise _fail(path, lineno, f"score must be an integer, got {score_text!r}") from exc
            if not 0 <= score <= MAX_GRADE:
                raise _fail(path, lineno, f"score must be between 0 and {MAX_GRADE}, got {score}")
            doc_id, page = split_corpus_id(corpus_id)
            if page is None and "#page" in corpus_id:
                raise _fail(path, lineno, f"malformed page reference {corpus_id!r}")
            if page is not None and page < 1:
                raise _fail(path, lineno, f"page numbers are 1-based, got {page}")
            if (qid, corpus_id) in seen:
                raise _fail(path, lineno, f"duplicate judgement for {qid} / {corpus_id}")
            seen.add((qid, corpus_id))
            if score:
                yield qid, doc_id, page, score


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
