"""The judged set over the bundled sample corpus (``evaluation/sample/``) is well formed: every
id names a sample document, every kind and language is covered, and every key fact is really
stated by the documents judged to state it."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from evaluation.harness import fact_found, load_alignment_cases, load_answer_cases
from evaluation.metrics import load_qrels, load_queries

REPO = Path(__file__).resolve().parents[2]
SAMPLE_SET = REPO / "evaluation" / "sample"
SAMPLE_CORPUS = REPO / "corpus" / "sample"
HEADLINES_FILE = "news_headlines_km_en.txt"
KHMER = re.compile("[\u1780-\u17ff]")
KINDS = {"en_en", "km_km", "km_en", "en_km"}  # query language _ language of the answer


def sample_doc_ids() -> set[str]:
    """Document ids as the ingester names them: the file name; one per Khmer headline."""
    files = {p.name for p in SAMPLE_CORPUS.iterdir() if not p.name.endswith(".meta.yaml")}
    first_line = (SAMPLE_CORPUS / HEADLINES_FILE).read_text(encoding="utf-8").splitlines()[0]
    headlines = [h for h in first_line.split("**") if h.strip()]
    return files | {f"{HEADLINES_FILE}#headline-{n}" for n in range(1, len(headlines) + 1)}


def doc_text(doc_id: str) -> str:
    path, _, headline = doc_id.partition("#headline-")
    if path.endswith(".docx"):
        import docx

        document = docx.Document(str(SAMPLE_CORPUS / path))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    text = (SAMPLE_CORPUS / path).read_text(encoding="utf-8")
    if headline:
        return [h for h in text.splitlines()[0].split("**") if h.strip()][int(headline) - 1]
    return text


def test_queries_cover_every_language_kind() -> None:
    queries = load_queries(SAMPLE_SET / "queries.jsonl")
    assert len(queries) >= 20
    kinds = Counter(q.kind for q in queries)
    assert set(kinds) == KINDS and min(kinds.values()) >= 5, kinds
    for q in queries:
        assert q.lang == q.kind[:2], q
        assert bool(KHMER.search(q.text)) == (q.lang == "km"), q


def test_qrels_name_sample_documents_and_every_query_is_judged() -> None:
    queries = {q.id: q for q in load_queries(SAMPLE_SET / "queries.jsonl")}
    docs, pages = load_qrels(SAMPLE_SET / "qrels.tsv")
    assert pages == {}  # every sample document is a single page: judged at document level
    known = sample_doc_ids()
    assert set(docs) == set(queries)
    for qid, grades in docs.items():
        assert set(grades) <= known, (qid, set(grades) - known)
        assert 2 in grades.values(), qid
        # cross-language kinds: what answers the question (grade 2) is in the other language
        kind = queries[qid].kind
        if kind in ("km_en", "en_km"):
            answer_lang = kind[3:]
            for doc, grade in grades.items():
                if grade == 2:
                    has_khmer = bool(KHMER.search(doc_text(doc)[:2000]))
                    assert has_khmer == (answer_lang == "km") or doc == HEADLINES_FILE, (qid, doc)


def test_answer_facts_are_stated_by_their_sources() -> None:
    cases = load_answer_cases(SAMPLE_SET / "answers.jsonl")
    answerable = [c for c in cases if c.answerable]
    assert len(answerable) >= 10 and len(cases) - len(answerable) >= 2
    assert {c.lang for c in answerable} == {"en", "km"}
    assert len({c.id for c in cases}) == len(cases)
    known = sample_doc_ids()
    for case in answerable:
        assert case.sources and {d for d, _ in case.sources} <= known, case.id
        assert {p for _, p in case.sources} == {1}, case.id
        for alternatives in case.facts:
            assert any(fact_found(alternatives, doc_text(doc)) for doc, _ in case.sources), (
                case.id, alternatives)
    for case in cases:
        if not case.answerable:
            assert not case.sources


def test_alignment_plans_exist_in_both_languages() -> None:
    cases = load_alignment_cases(SAMPLE_SET / "alignment.jsonl")
    assert {c.lang for c in cases} == {"en", "km"}
    known = sample_doc_ids()
    for case in cases:
        assert (case.doc_id is None) != (case.file is None), case.id
        text = doc_text(case.doc_id) if case.doc_id else case.file.read_text(encoding="utf-8")
        if case.doc_id:
            assert case.doc_id in known, case.id
        if case.file is not None:
            assert bool(KHMER.search(text)) == (case.lang == "km"), case.id
            # the phrase that identifies each mechanism is in the plan's text
            for expected in case.mechanisms:
                assert expected.contains.lower() in text.lower(), (case.id, expected.label)
        assert [m.label for m in case.mechanisms] == [str(n) for n in
                                                     range(1, len(case.mechanisms) + 1)]
        assert all(m.accept for m in case.mechanisms), case.id
