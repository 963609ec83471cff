"""Reading the judged sets: queries (JSONL) and BEIR qrels (TSV), validated line by line.

Split from ``evaluation/metrics.py``, which scores runs against what these read: a bad line
raises ValueError naming its file and line. A qrels grade is 2 (the document or page answers),
1 (related, or answers part) or 0 (judged not relevant, validated but not returned).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

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
