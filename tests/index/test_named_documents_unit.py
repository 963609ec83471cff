"""Issue #13 ranking fixes, each on data written here: the jurisdiction list of a home-country
question keeps the fused order of its pages, a named foreign country's documents that no
retriever found are offered anyway (``index/named_documents.py``), and the grouping pool
reaches past two long documents to the ``k``-th document (``index/grouping.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from index.fusion import RankedList, reciprocal_rank_fusion
from index.grouping import candidate_pool
from index.jurisdiction import jurisdiction_list
from index.named_documents import unretrieved_passages
from index.sparse import SparseIndex, SparseRow

# (chunk id, document, country, terms): a Cambodian policy with three pages, a Cambodian
# news item, a Vietnamese resolution in Vietnamese (two chunks) and a Singaporean page
ROWS = [
    ("pol-1", "policy/kh_plan.pdf", "KH", "digit govern vision"),
    ("pol-2", "policy/kh_plan.pdf", "KH", "vision 2035 smart govern"),
    ("pol-3", "policy/kh_plan.pdf", "KH", "vision action list"),
    ("news-1", "news/kh_item.md", "", "vision school centr"),
    ("vn-1", "other/vn_resolution.md", "VN", "nghị quyết số 57"),
    ("vn-2", "other/vn_resolution.md", "VN", "chuyển đổi số quốc gia 57 57"),
    ("sg-1", "other/sg_blueprint.md", "SG", "digit govern blueprint vision"),
]
COUNTRY = {cid: country for cid, _, country, _ in ROWS}
DOCUMENT = {cid: doc for cid, doc, _, _ in ROWS}


@pytest.fixture(scope="module")
def index() -> SparseIndex:
    rows = [SparseRow(cid, terms, doc, "en", "en", "policy", "", 0, country)
            for cid, doc, country, terms in ROWS]
    return SparseIndex.build(rows, "g1")


def test_home_country_question_keeps_the_order_of_its_pages() -> None:
    """Naming Cambodia in a Cambodian corpus: one vote per document would put the news item
    above the policy's second and third pages; every passage in fused order keeps them."""
    ranked = ["pol-1", "pol-2", "sg-1", "pol-3", "news-1"]
    listed = jurisdiction_list(ranked, COUNTRY.get, DOCUMENT.__getitem__, frozenset({"KH"}))
    assert listed is not None and list(listed.keys) == ["pol-1", "pol-2", "pol-3", "news-1"]
    fused = reciprocal_rank_fusion([RankedList("fused", ranked, 1.0), listed])
    order = sorted(fused, key=lambda key: -fused[key])
    assert order == ["pol-1", "pol-2", "pol-3", "news-1", "sg-1"]  # only the foreign page fell


def test_foreign_question_still_gives_one_vote_per_document() -> None:
    """A minority jurisdiction is lifted document by document, not flooded with pages."""
    ranked = ["pol-1", "sg-1", "pol-2", "vn-1", "vn-2"]
    listed = jurisdiction_list(ranked, COUNTRY.get, DOCUMENT.__getitem__, frozenset({"VN"}))
    assert listed is not None and list(listed.keys) == ["vn-1"]


def test_unretrieved_documents_of_a_named_country_are_offered(index: SparseIndex) -> None:
    scores = index.normalized_scores(["57"])
    # the Vietnamese resolution was not found: its best chunk for "57" is offered
    assert unretrieved_passages(index, scores, frozenset({"VN"}), set()) == ["vn-2"]
    # no term matches: the document's first passage stands for it
    zero = np.zeros(len(index), dtype=np.float32)
    assert unretrieved_passages(index, zero, frozenset({"VN"}), set()) == ["vn-1"]
    # already among the candidates, or filtered out by the request: nothing to add
    found = {"other/vn_resolution.md"}
    assert unretrieved_passages(index, scores, frozenset({"VN"}), found) == []
    hidden = np.array([cid not in {"vn-1", "vn-2"} for cid, *_ in ROWS])
    assert unretrieved_passages(index, scores, frozenset({"VN"}), set(), hidden) == []


def test_the_home_country_is_never_enumerated(index: SparseIndex) -> None:
    zero = np.zeros(len(index), dtype=np.float32)
    assert unretrieved_passages(index, zero, frozenset({"KH"}), set()) == []
    assert unretrieved_passages(index, zero, frozenset({"KH", "SG"}), set()) == ["sg-1"]
    offered = unretrieved_passages(index, zero, frozenset({"SG", "VN"}), set(), limit=1)
    assert len(offered) == 1


def test_pool_reaches_the_kth_document_past_long_documents() -> None:
    ranked = [f"a{i}" for i in range(6)] + [f"b{i}" for i in range(6)] + ["c0", "c1", "d0"]
    document_of = lambda key: key[0]  # noqa: E731
    pool = candidate_pool(ranked, document_of, k=4, depth=8)
    assert pool == ranked[:8] + ["c0", "d0"]  # one passage of each further document
    assert candidate_pool(ranked, document_of, k=2, depth=8) == ranked[:8]
    assert candidate_pool(ranked, None, k=4, depth=8) == ranked[:8]


def test_absent_words_still_weigh_in_the_normalisation() -> None:
    """A question whose rare words the index lacks: a chunk holding only its common word
    scores as a full match unless the absent words count (as unseen words)."""
    rows = [SparseRow(f"c{i}", terms, f"d{i}", "km", "km", "news", "", 0)
            for i, terms in enumerate(["កម្ពុជា ព័ត៌មាន", "កម្ពុជា ទូរគមនាគមន៍", "ព័ត៌មាន សាលា"])]
    index = SparseIndex.build(rows, "g2")
    question = ["កម្ពុជា", "ខ្សែកាប", "អុបទិក"]  # "Cambodia", "cable", "optic"
    plain = index.normalized_scores(question)
    counted = index.normalized_scores(question, count_absent=True)
    assert plain[0] > 0.3  # "Cambodia" alone scores like a good match of the whole question
    weight = index.idf("កម្ពុជា")
    expected = plain[0] * weight / (weight + 2 * index.max_idf())
    assert counted[0] == pytest.approx(expected, rel=1e-5) and counted[0] < plain[0] / 3
    assert counted[2] == plain[2] == 0.0
    # nothing absent: the same scores either way
    present = ["កម្ពុជា", "ព័ត៌មាន"]
    assert np.allclose(index.normalized_scores(present),
                       index.normalized_scores(present, count_absent=True))
