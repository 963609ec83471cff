"""Dense evidence for passages the embedder cannot read (``index/stand_in.py``), on a real
(small) bm25s index and hand-made dense hits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from index.fusion import RRF_K, RankedList, reciprocal_rank_fusion
from index.sparse import SparseIndex, SparseRow
from index.stand_in import stand_in_list

READABLE = frozenset({"en", "mixed"})
# an English article and its Khmer translation; a second pair; a Khmer-only news item
ROWS = [
    ("a-en", "news/mptc_en_1-post.md", "en", "digit govern polici vision"),
    ("a-km", "news/mptc_km_1-post.md", "km", "រដ្ឋាភិបាលឌីជីថល គោលនយោបាយ"),
    ("b-en", "news/mptc_en_2-post.md", "en", "commun tech centr school"),
    ("b-km", "news/mptc_km_2-post.md", "km", "មជ្ឈមណ្ឌល រដ្ឋាភិបាលឌីជីថល"),
    ("c-km", "news_khmer_2019/prison.txt", "km", "ពន្ធនាគារ រដ្ឋាភិបាលឌីជីថល"),
    ("p-en", "policy/plan_en.pdf", "en", "digit govern strength weak"),
]


@dataclass
class DenseHit:
    chunk_id: str
    similarity: float
    metadata: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(scope="module")
def index() -> SparseIndex:
    rows = [SparseRow(cid, terms, doc, lang, lang, "news", "", 0) for cid, doc, lang, terms in ROWS]
    return SparseIndex.build(rows, "g1")


def row(index: SparseIndex, chunk_id: str) -> int:
    found = index.row_of(chunk_id)
    assert found is not None
    return found


def dense(*chunk_ids: str) -> list[DenseHit]:
    docs = {cid: (doc, lang) for cid, doc, lang, _ in ROWS}
    return [DenseHit(c, 0.9 - 0.1 * i, {"doc_id": docs[c][0], "language": docs[c][1]})
            for i, c in enumerate(chunk_ids)]


def ranks(listed: RankedList) -> dict[str, int]:
    assert listed.ranks is not None
    return dict(zip(listed.keys, listed.ranks, strict=True))  # type: ignore[arg-type]


def test_a_translation_lends_its_dense_rank(index: SparseIndex) -> None:
    sparse = [(row(index, c), 1.0) for c in ("a-km", "b-km", "p-en", "a-en", "b-en")]
    listed = stand_in_list(index, sparse, dense("p-en", "b-en", "a-en"), READABLE, 1.0)
    # a-km is first in BM25 but its English twin is third among the dense hits
    assert ranks(listed) == {"a-km": 3, "b-km": 2}


def test_a_translation_missing_from_the_dense_hits_gives_no_dense_evidence(index: SparseIndex) -> None:
    sparse = [(row(index, c), 1.0) for c in ("a-km", "p-en")]
    listed = stand_in_list(index, sparse, dense("p-en"), READABLE, 1.0)
    assert ranks(listed) == {}


def test_without_a_readable_translation_the_sparse_rank_stands_in(index: SparseIndex) -> None:
    sparse = [(row(index, c), 1.0) for c in ("p-en", "c-km", "a-km")]
    listed = stand_in_list(index, sparse, dense("p-en", "a-en"), READABLE, 0.2)
    assert ranks(listed) == {"c-km": 2, "a-km": 2}
    assert listed.weight == 0.2 and listed.name == "dense_stand_in"


def test_readable_passages_are_never_stood_in_for(index: SparseIndex) -> None:
    sparse = [(row(index, c), 1.0) for c in ("p-en", "a-en", "b-en")]
    assert stand_in_list(index, sparse, dense("a-en"), READABLE, 1.0).keys == []


def test_an_unearned_translation_no_longer_crowds_out_what_both_retrievers_agree_on(
        index: SparseIndex) -> None:
    """The English question matched a Khmer translation through the glossary's rendering of
    part of it (sparse rank 1) and the English policy page fully (sparse 2, dense 1); the
    Khmer article's own English twin is not among the dense hits. Standing in its sparse
    rank used to put it first."""
    sparse_order = ["b-km", "p-en"]
    sparse = [(row(index, c), 1.0) for c in sparse_order]
    dense_hits = dense("p-en", "a-en")
    lists = [RankedList("sparse", sparse_order, 1.0),
             RankedList("dense", [h.chunk_id for h in dense_hits], 1.0),
             stand_in_list(index, sparse, dense_hits, READABLE, 1.0)]
    fused = reciprocal_rank_fusion(lists)
    assert max(fused, key=fused.__getitem__) == "p-en"
    assert fused["b-km"] == pytest.approx(1 / (RRF_K + 1))  # its BM25 evidence only


def test_explicit_ranks_may_be_shared() -> None:
    """The passages of one Khmer article all borrow their translation's rank."""
    fused = reciprocal_rank_fusion([RankedList("stand_in", ["km1", "km2", "km3"], 1.0, [3, 3, 7])])
    assert fused["km1"] == fused["km2"] == pytest.approx(1 / (RRF_K + 3))
    assert fused["km3"] == pytest.approx(1 / (RRF_K + 7))
