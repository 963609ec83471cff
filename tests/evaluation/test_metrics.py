"""Hand-computed metric cases, loader validation, and a well-formedness check of the dev set."""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path

import pytest

from evaluation.metrics import (
    DEV_DIR,
    KINDS,
    Hit,
    Query,
    dedupe,
    evaluate,
    load_answer_pages,
    load_qrels,
    load_queries,
    mrr_at_k,
    ndcg_at_k,
    page_recall_at_k,
    recall_at_k,
    split_corpus_id,
)
from tests.support.paths import SHARED_CORPUS

CORPUS = SHARED_CORPUS
SEED_ID = "seed/000_b904b8ca18fecd34.txt"
# Page counts of the corpus PDFs, so page numbers can be checked even without the corpus.
KNOWN_PDF_PAGES = {
    "policy/KH_Digital_Government_Policy_2022-2035_EN.pdf": 89,
    "policy/KH_Digital_Economy_Society_Policy_Framework_2021-2035_EN.pdf": 200,
    "meetings/KH_GovTech_Conference_2024_Agenda_EN.pdf": 3,
    "legal_scanned_km/KH_InterMinisterial_Prakas_Website_SocialMedia_Controls_KM_scan.pdf": 4,
    "legal_scanned_km/KH_RoyalDecree_National_Digital_Economy_Society_Council_KM_scan.pdf": 7,
    "legal_scanned_km/KH_SubDecree_Data_Management_Center_MPTC_KM_scan.pdf": 3,
    "legal_scanned_km/KH_SubDecree_Digital_Security_Committee_KM_scan.pdf": 7,
}
SEED_HEADLINES = 20

# -- nDCG ---------------------------------------------------------------------------------


def test_ndcg_perfect_ranking_is_one() -> None:
    qrels = {"a": 2, "b": 1, "c": 1}
    assert ndcg_at_k(["a", "b", "c"], qrels) == pytest.approx(1.0)
    # ties among equal grades do not matter
    assert ndcg_at_k(["a", "c", "b", "x"], qrels) == pytest.approx(1.0)


def test_ndcg_empty_ranking_and_no_relevant_is_zero() -> None:
    assert ndcg_at_k([], {"a": 2}) == 0.0
    assert ndcg_at_k(["x", "y"], {"a": 2}) == 0.0
    assert ndcg_at_k(["a"], {}) == 0.0
    assert ndcg_at_k(["a"], {"a": 0}) == 0.0


def test_ndcg_worked_example() -> None:
    # qrels a=2, b=1, c=1; ranking x, a, c, y, b   (gain 2^g - 1, discount log2(rank + 1))
    # DCG  = 3/log2(3) + 1/log2(4) + 1/log2(6)
    #      = 3/1.58496 + 1/2 + 1/2.58496 = 1.89279 + 0.5 + 0.38685 = 2.77964
    # IDCG = 3/log2(2) + 1/log2(3) + 1/log2(4) = 3 + 0.63093 + 0.5 = 4.13093
    # nDCG = 2.77964 / 4.13093 = 0.67289
    qrels = {"a": 2, "b": 1, "c": 1}
    value = ndcg_at_k(["x", "a", "c", "y", "b"], qrels)
    assert value == pytest.approx(0.67289, abs=1e-5)
    dcg = 3 / math.log2(3) + 1 / math.log2(4) + 1 / math.log2(6)
    idcg = 3 + 1 / math.log2(3) + 0.5
    assert value == pytest.approx(dcg / idcg)


def test_ndcg_cutoff_and_ideal_limited_to_k() -> None:
    # only the top 2 count; the ideal is the best 2 grades (2, 2)
    qrels = {"a": 2, "b": 2, "c": 1}
    # ranking: a at 1, c at 2 -> DCG = 3 + 1/log2(3); IDCG = 3 + 3/log2(3)
    expected = (3 + 1 / math.log2(3)) / (3 + 3 / math.log2(3))
    assert ndcg_at_k(["a", "c", "b"], qrels, k=2) == pytest.approx(expected)
    assert ndcg_at_k(["x", "y", "a"], qrels, k=2) == 0.0
    with pytest.raises(ValueError):
        ndcg_at_k(["a"], qrels, k=0)


# -- recall / MRR / page recall -----------------------------------------------------------


def test_recall_at_k() -> None:
    qrels = {"a": 2, "b": 1, "c": 1, "z": 0}
    assert recall_at_k(["a", "b", "c"], qrels) == pytest.approx(1.0)
    assert recall_at_k(["a", "x", "c"], qrels) == pytest.approx(2 / 3)
    assert recall_at_k(["a", "x", "c"], qrels, k=2) == pytest.approx(1 / 3)
    assert recall_at_k(["z"], qrels) == 0.0  # grade 0 is not relevant
    assert recall_at_k([], qrels) == 0.0
    assert recall_at_k(["a"], {}) == 0.0


def test_mrr_at_k() -> None:
    qrels = {"c": 1, "d": 2}
    assert mrr_at_k(["c"], qrels) == 1.0
    assert mrr_at_k(["a", "b", "c", "d"], qrels) == pytest.approx(1 / 3)
    assert mrr_at_k(["a", "b", "c"], qrels, k=2) == 0.0
    assert mrr_at_k([], qrels) == 0.0


def test_page_recall_at_k() -> None:
    judged = {("d", 2), ("e", 5)}
    assert page_recall_at_k([("d", 2), ("e", 5)], judged) == 1.0
    assert page_recall_at_k([("d", 1), ("d", 1), ("d", 2)], judged) == pytest.approx(0.5)
    assert page_recall_at_k([("d", 1), ("d", 2)], judged, k=1) == 0.0
    assert page_recall_at_k([], judged) == 0.0
    assert page_recall_at_k([("d", 2)], set()) == 0.0


# -- de-duplication -----------------------------------------------------------------------


def test_dedupe_keeps_first_occurrence_in_order() -> None:
    assert dedupe(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]


def test_doc_metrics_dedupe_passages_before_cutoff() -> None:
    qrels = {"b": 1}
    ranked = ["a", "a", "a", "b"]  # three passages of `a`, then `b`: b is the 2nd distinct doc
    assert mrr_at_k(ranked, qrels) == pytest.approx(0.5)
    assert ndcg_at_k(ranked, qrels) == pytest.approx(1 / math.log2(3))
    assert recall_at_k(ranked, qrels, k=2) == 1.0
    # twelve passages of one doc still leave room for `b` in the top 10 distinct documents
    assert recall_at_k(["a"] * 12 + ["b"], qrels, k=10) == 1.0
    # duplicates of a relevant doc are counted once
    assert ndcg_at_k(["b", "b", "b"], qrels) == pytest.approx(1.0)


def test_page_recall_dedupes_pages() -> None:
    judged = {("d", 3)}
    ranked = [("d", 1)] * 10 + [("d", 3)]
    assert page_recall_at_k(ranked, judged, k=2) == 1.0


# -- evaluate -----------------------------------------------------------------------------


def test_evaluate_overall_and_by_kind() -> None:
    queries = [
        Query("q1", "one", "en", "en_policy"),
        Query("q2", "two", "km", "km_km"),
        Query("q3", "three", "km", "km_km"),
        Query("q4", "unjudged", "en", "en_policy"),
    ]
    qrels = {"q1": {"p.pdf": 2}, "q2": {"a.md": 1, "b.md": 1}, "q3": {"c.md": 2}}
    page_qrels = {"q1": {("p.pdf", 4), ("p.pdf", 5)}}
    run = {
        "q1": [Hit("x.md", 1), Hit("p.pdf", 4), Hit("p.pdf", 4), Hit("p.pdf", 9)],
        "q2": [Hit("a.md", 1), Hit("a.md", 1), Hit("b.md", 1)],
        # q3 missing from the run: scores 0; q4 has no judgements: skipped
    }
    result = evaluate(run, queries, qrels, page_qrels)
    assert set(result["overall"]) == {"ndcg@10", "recall@10", "mrr@10", "page_recall@10"}

    q1_ndcg = 1 / math.log2(3)  # p.pdf is the 2nd distinct doc
    assert result["by_kind"]["en_policy"]["ndcg@10"] == pytest.approx(q1_ndcg)
    assert result["by_kind"]["en_policy"]["mrr@10"] == pytest.approx(0.5)
    assert result["by_kind"]["en_policy"]["page_recall@10"] == pytest.approx(0.5)
    assert result["by_kind"]["km_km"]["ndcg@10"] == pytest.approx(0.5)  # q2 = 1.0, q3 = 0.0
    assert result["by_kind"]["km_km"]["recall@10"] == pytest.approx(0.5)
    assert result["by_kind"]["km_km"]["page_recall@10"] is None  # no page judgements

    assert result["overall"]["ndcg@10"] == pytest.approx((q1_ndcg + 1.0 + 0.0) / 3)
    assert result["overall"]["mrr@10"] == pytest.approx((0.5 + 1.0 + 0.0) / 3)
    # page recall is averaged over the one query that has page judgements
    assert result["overall"]["page_recall@10"] == pytest.approx(0.5)
    assert result["counts"]["overall"] == {"queries": 3, "page_queries": 1}


def test_answer_page_recall_counts_only_the_answering_pages() -> None:
    queries = [Query("q1", "one", "en", "en_policy"), Query("q2", "two", "en", "en_policy")]
    qrels = {"q1": {"p.pdf": 2}, "q2": {"p.pdf": 2}}
    page_qrels = {"q1": {("p.pdf", 4), ("p.pdf", 5)}, "q2": {("p.pdf", 7)}}
    answering = {"q1": {("p.pdf", 4)}}  # q2's only judged page touches the topic
    run = {"q1": [Hit("p.pdf", 4), Hit("p.pdf", 9)], "q2": [Hit("p.pdf", 1)]}
    result = evaluate(run, queries, qrels, page_qrels, answer_pages=answering)
    assert result["overall"]["page_recall@10"] == pytest.approx(0.25)
    assert result["overall"]["answer_page_recall@10"] == pytest.approx(1.0)  # over q1 alone
    assert "answer_page_recall@10" not in evaluate(run, queries, qrels, page_qrels)["overall"]


def test_evaluate_accepts_any_hit_like_object_and_other_k() -> None:
    class Passage:
        def __init__(self, doc_id: str, page: int | None) -> None:
            self.doc_id, self.page = doc_id, page

    queries = [Query("q1", "t", "en", "en_meeting")]
    result = evaluate(
        {"q1": [Passage("a", None), Passage("b", 1)]},
        queries,
        {"q1": {"b": 2}},
        {"q1": {("b", 1)}},
        k=1,
    )
    assert result["overall"]["ndcg@1"] == 0.0
    assert result["overall"]["page_recall@1"] == 1.0  # hits without a page are skipped


# -- loaders ------------------------------------------------------------------------------

QUERIES_OK = '{"id": "q1", "text": "a", "lang": "en", "kind": "en_policy"}\n' + (
    '{"id": "q2", "text": "ខ", "lang": "km", "kind": "km_km"}\n'
)


def _write(tmp_path: Path, queries: str, qrels: str) -> Path:
    (tmp_path / "queries.jsonl").write_text(queries, encoding="utf-8")
    path = tmp_path / "qrels.tsv"
    path.write_text(qrels, encoding="utf-8")
    return path


def test_load_queries_and_qrels_roundtrip(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        QUERIES_OK,
        "query-id\tcorpus-id\tscore\n"
        "q1\tpolicy/p.pdf\t2\n"
        "q1\tpolicy/p.pdf#page=3\t2\n"
        "q1\tpolicy/p.pdf#page=4\t1\n"
        "q1\tother.md\t0\n"
        "q2\tseed/s.txt#headline-3\t2\n",
    )
    queries = load_queries(tmp_path / "queries.jsonl")
    assert queries == [Query("q1", "a", "en", "en_policy"), Query("q2", "ខ", "km", "km_km")]
    docs, pages = load_qrels(path)
    assert docs == {"q1": {"policy/p.pdf": 2}, "q2": {"seed/s.txt#headline-3": 2}}
    assert pages == {"q1": {("policy/p.pdf", 3), ("policy/p.pdf", 4)}}
    assert load_answer_pages(path) == {"q1": {("policy/p.pdf", 3)}}  # grade 2 only
    assert split_corpus_id("seed/s.txt#headline-3") == ("seed/s.txt#headline-3", None)


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("query\tcorpus\tscore\nq1\ta\t1\n", 1, "header"),
        ("query-id\tcorpus-id\tscore\nq1\ta\n", 2, "3 tab-separated"),
        ("query-id\tcorpus-id\tscore\nq1\ta\t1\nq1\tb\thigh\n", 3, "integer"),
        ("query-id\tcorpus-id\tscore\nq1\ta\t3\n", 2, "between"),
        ("query-id\tcorpus-id\tscore\nq1\ta\t-1\n", 2, "between"),
        ("query-id\tcorpus-id\tscore\nq1\ta\t1\nq9\ta\t1\n", 3, "unknown query id"),
        ("query-id\tcorpus-id\tscore\nq1\ta#page=x\t1\n", 2, "malformed page"),
        ("query-id\tcorpus-id\tscore\nq1\ta#page=0\t1\n", 2, "1-based"),
        ("query-id\tcorpus-id\tscore\nq1\ta\t1\nq1\ta\t2\n", 3, "duplicate"),
        ("query-id\tcorpus-id\tscore\n\tb\t1\n", 2, "empty"),
        ("", 1, "header"),
    ],
)
def test_load_qrels_rejects_bad_rows(tmp_path: Path, body: str, line: int, message: str) -> None:
    path = _write(tmp_path, QUERIES_OK, body)
    with pytest.raises(ValueError, match=re.escape(f"qrels.tsv:{line}:") + ".*" + message):
        load_qrels(path)


def test_load_qrels_explicit_query_ids(tmp_path: Path) -> None:
    path = tmp_path / "judgements.tsv"  # no sibling queries.jsonl
    path.write_text("query-id\tcorpus-id\tscore\nq7\ta\t1\n", encoding="utf-8")
    assert load_qrels(path)[0] == {"q7": {"a": 1}}
    with pytest.raises(ValueError, match="judgements.tsv:2: unknown query id 'q7'"):
        load_qrels(path, query_ids=["q1"])


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "invalid JSON"),
        ('["q3"]', "JSON object"),
        ('{"id": "q3", "text": "t", "lang": "en"}', "'kind'"),
        ('{"id": "q3", "text": "  ", "lang": "en", "kind": "en_policy"}', "'text'"),
        ('{"id": "q3", "text": "t", "lang": "fr", "kind": "en_policy"}', "lang"),
        ('{"id": "q1", "text": "t", "lang": "en", "kind": "en_policy"}', "duplicate query id"),
    ],
)
def test_load_queries_rejects_bad_lines(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "queries.jsonl"
    path.write_text(QUERIES_OK + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape("queries.jsonl:4:") + ".*" + re.escape(message)):
        load_queries(path)


# -- the dev set itself -------------------------------------------------------------------


@pytest.fixture(scope="module")
def dev_set() -> tuple[list[Query], dict[str, dict[str, int]], dict[str, set[tuple[str, int]]]]:
    queries = load_queries(DEV_DIR / "queries.jsonl")
    docs, pages = load_qrels(DEV_DIR / "qrels.tsv")
    return queries, docs, pages


def _raw_qrels() -> list[tuple[str, str, int]]:
    lines = (DEV_DIR / "qrels.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [(q, c, int(s)) for q, c, s in (line.split("\t") for line in lines if line.strip())]


def test_dev_set_size_ids_and_kinds(dev_set) -> None:
    queries, _, _ = dev_set
    assert len(queries) >= 60
    ids = [q.id for q in queries]
    assert len(ids) == len(set(ids))
    kinds = Counter(q.kind for q in queries)
    assert set(kinds) <= set(KINDS), kinds
    assert all(n >= 8 for n in kinds.values()), kinds
    for q in queries:
        expected_lang = "en" if q.kind.startswith("en_") else "km"
        assert q.lang == expected_lang, q
        if q.lang == "km":
            assert re.search("[\u1780-\u17ff]", q.text), q


def test_dev_set_every_query_has_a_relevant_document(dev_set) -> None:
    queries, docs, _ = dev_set
    for q in queries:
        assert any(g >= 1 for g in docs.get(q.id, {}).values()), q.id


def test_dev_set_page_rows_are_consistent(dev_set) -> None:
    _, docs, _ = dev_set
    for qid, corpus_id, score in _raw_qrels():
        doc, page = split_corpus_id(corpus_id)
        if page is None:
            continue
        assert doc.endswith(".pdf"), f"{qid}: page row for a non-PDF {corpus_id}"
        assert doc in docs.get(qid, {}), f"{qid}: page row without a document row {corpus_id}"
        assert score <= docs[qid][doc], f"{qid}: page graded above its document {corpus_id}"


def test_dev_set_page_numbers_within_pdf_page_count(dev_set) -> None:
    _, _, pages = dev_set
    counts = dict(KNOWN_PDF_PAGES)
    if CORPUS.is_dir():
        from pypdf import PdfReader

        for doc in {d for judged in pages.values() for d, _ in judged}:
            counts[doc] = len(PdfReader(CORPUS / doc).pages)
            if doc in KNOWN_PDF_PAGES:
                assert counts[doc] == KNOWN_PDF_PAGES[doc], doc
    for qid, judged in pages.items():
        for doc, page in judged:
            assert doc in counts, f"{qid}: unknown PDF {doc}"
            assert 1 <= page <= counts[doc], f"{qid}: {doc} has no page {page}"


def test_dev_set_seed_headline_ids_are_in_range() -> None:
    for qid, corpus_id, _ in _raw_qrels():
        if corpus_id.startswith(SEED_ID + "#"):
            match = re.fullmatch(re.escape(SEED_ID) + r"#headline-(\d+)", corpus_id)
            assert match, f"{qid}: bad seed id {corpus_id}"
            assert 1 <= int(match.group(1)) <= SEED_HEADLINES, corpus_id


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not available")
def test_dev_set_corpus_ids_exist() -> None:
    for qid, corpus_id, _ in _raw_qrels():
        doc, _ = split_corpus_id(corpus_id)
        path = doc.split("#headline-")[0] if doc.startswith(SEED_ID) else doc
        assert (CORPUS / path).is_file(), f"{qid}: {corpus_id} not in corpus"
    head = (CORPUS / SEED_ID).read_text(encoding="utf-8").splitlines()[0]
    assert len([p for p in head.split("**") if p.strip()]) == SEED_HEADLINES
