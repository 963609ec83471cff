"""Search filters as the two retrievers apply them: a row mask over the sparse index and a
chromadb ``where`` clause over the vectors' metadata. A hybrid search is only filtered if
both agree, so every case checks the mask and the clause select the same chunks.

The sparse index is a real (tiny) bm25s index; the vector metadata is what ingest writes
(``ingest.records.vector_metadata``); the ``where`` clause is evaluated by a small reading
of chromadb's documented operators (a key a record lacks matches no comparison).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from core.dates import date_key
from core.models import DocumentRecord
from index.filters import sparse_mask, vector_where, visible
from index.search_types import SearchFilters
from index.sparse import SparseIndex, SparseRow
from ingest.records import vector_metadata


def doc(doc_id: str, language: str, doc_type: str, body: str | None,
        date: str | None) -> DocumentRecord:
    return DocumentRecord(doc_id=doc_id, source=doc_id, root="/corpus", file_hash="h",
                          title=doc_id, doc_type=doc_type, language=language,
                          issuing_body=body, date=date)


MPTC = "Ministry of Posts and Telecommunications"
MOI = "Ministry of Interior"
DOCS = [
    doc("policy_en.md", "en", "policy", MPTC, "2023-06-12"),
    doc("policy_km.md", "km", "policy", MPTC, "2024-02-20"),
    doc("news_en.md", "en", "news", None, "2020-09-01"),
    doc("plan_en.md", "en", "plan_draft", MOI, "2025-04-02"),
    doc("undated_km.md", "km", "news", MOI, None),
    doc("march_en.md", "en", "news", MOI, "2022-03-15"),
]
# (chunk id, doc, chunk language): a Khmer document may hold an English or mixed chunk.
CHUNKS = [("policy_en#1", 0, "en"), ("policy_en#2", 0, "mixed"), ("policy_km#1", 1, "km"),
          ("policy_km#2", 1, "en"), ("news_en#1", 2, "en"), ("plan_en#1", 3, "en"),
          ("undated_km#1", 4, "km"), ("march_en#1", 5, "en")]


@pytest.fixture(scope="module")
def index() -> SparseIndex:
    rows = [SparseRow(cid, "digit govern", DOCS[d].doc_id, lang, DOCS[d].language,
                      DOCS[d].doc_type, DOCS[d].issuing_body or "", date_key(DOCS[d].date))
            for cid, d, lang in CHUNKS]
    return SparseIndex.build(rows, generation="1")


METADATA = {cid: vector_metadata(DOCS[d], 1, lang) for cid, d, lang in CHUNKS}


def matches(where: dict[str, Any] | None, meta: dict[str, Any]) -> bool:
    if where is None:
        return True
    if "$and" in where:
        return all(matches(clause, meta) for clause in where["$and"])
    if "$or" in where:
        return any(matches(clause, meta) for clause in where["$or"])
    ((key, condition),) = where.items()
    if key not in meta:
        return False
    ((op, value),) = condition.items()
    return {"$in": lambda: meta[key] in value, "$gte": lambda: meta[key] >= value,
            "$lte": lambda: meta[key] <= value, "$eq": lambda: meta[key] == value}[op]()


def via_sparse(index: SparseIndex, filters: SearchFilters) -> set[str]:
    mask = sparse_mask(index, filters)
    return {cid for i, cid in enumerate(index.chunk_ids) if mask is None or mask[i]}


def via_dense(filters: SearchFilters) -> set[str]:
    where = vector_where(filters)
    return {cid for cid, meta in METADATA.items()
            if matches(where, meta) and visible(meta["doc_id"], filters)}


CASES = [
    (SearchFilters(), {c for c, _, _ in CHUNKS}),
    # a chunk's language or its document's language: Khmer documents with English chunks too
    (SearchFilters(languages=["km"]), {"policy_km#1", "policy_km#2", "undated_km#1"}),
    (SearchFilters(languages=["mixed"]), {"policy_en#2"}),
    (SearchFilters(doc_types=["policy", "plan_draft"]),
     {"policy_en#1", "policy_en#2", "policy_km#1", "policy_km#2", "plan_en#1"}),
    (SearchFilters(issuing_bodies=[MOI]), {"plan_en#1", "undated_km#1", "march_en#1"}),
    (SearchFilters(doc_ids=["news_en.md"]), {"news_en#1"}),
    (SearchFilters(exclude_doc_ids=["policy_en.md", "policy_km.md"]),
     {"news_en#1", "plan_en#1", "undated_km#1", "march_en#1"}),
    # a year covers the whole year; undated documents are outside any date range
    (SearchFilters(date_from="2024"), {"policy_km#1", "policy_km#2", "plan_en#1"}),
    (SearchFilters(date_to="2023"), {"policy_en#1", "policy_en#2", "news_en#1", "march_en#1"}),
    (SearchFilters(date_from="2023-06-12", date_to="2024-02-20"),
     {"policy_en#1", "policy_en#2", "policy_km#1", "policy_km#2"}),
    (SearchFilters(date_from="2023-06-13", date_to="2024-02-19"), set()),
    # filters combine with AND
    (SearchFilters(languages=["en"], doc_types=["news"], date_from="2021"), {"march_en#1"}),
    (SearchFilters(languages=["km"], issuing_bodies=[MPTC], exclude_doc_ids=["policy_km.md"]),
     set()),
]


@pytest.mark.parametrize(("filters", "expected"), CASES, ids=lambda v: repr(v)[:60])
def test_sparse_mask_and_vector_where_select_the_same_chunks(
        index: SparseIndex, filters: SearchFilters, expected: set[str]) -> None:
    assert via_sparse(index, filters) == expected
    assert via_dense(filters) == expected


def test_no_filter_means_no_mask_and_no_where(index: SparseIndex) -> None:
    assert SearchFilters().is_empty()
    assert sparse_mask(index, SearchFilters()) is None
    assert vector_where(SearchFilters()) is None
    assert not SearchFilters(date_to="2024").is_empty()


def test_the_mask_is_a_boolean_row_per_chunk(index: SparseIndex) -> None:
    mask = sparse_mask(index, SearchFilters(languages=["en"]))
    assert mask is not None and mask.dtype == np.bool_ and mask.shape == (len(CHUNKS),)


def test_masked_rows_never_come_back_from_the_index(index: SparseIndex) -> None:
    mask = sparse_mask(index, SearchFilters(doc_types=["news"]))
    scores = index.normalized_scores(["digit", "govern"])
    assert np.count_nonzero(scores) == len(CHUNKS)  # every chunk matches the terms...
    rows = index.top(scores, 10, mask)
    assert {index.chunk_ids[i] for i, _ in rows} == {"news_en#1", "undated_km#1", "march_en#1"}


def test_unparseable_date_bounds_are_ignored(index: SparseIndex) -> None:
    filters = SearchFilters(date_from="soon", date_to="")
    assert vector_where(filters) is None
    assert via_sparse(index, filters) == {c for c, _, _ in CHUNKS}


def test_exclusions_are_left_to_visible_for_dense_hits() -> None:
    """chromadb has no "not in" on the doc id here: the clause says nothing about it, and
    ``visible`` drops the excluded documents' hits afterwards."""
    filters = SearchFilters(exclude_doc_ids=["plan_en.md"])
    assert vector_where(filters) is None
    assert not visible("plan_en.md", filters)
    assert visible("news_en.md", filters)
    assert visible("plan_en.md", SearchFilters())

