"""Real stack (MiniLM, chromadb, khmer-nltk): a question that uses an abbreviation is
answered by the page that spells the name out, the definition learned from another page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.corpora import build_services

DOCS = {
    "policy/annex.txt": "Annex: bodies named in this plan\n\nThe Provincial Academy of Data "
                        "Skills (PADS) is the province's public training institute.\n",
    "policy/progress.txt": "Progress of the provincial data plan\n\nBy 2021, the Provincial "
                           "Academy of Data Skills had trained 500 officials in data analysis "
                           "and 40 district clerks in records management.\n",
    "news/volunteers.md": "---\ntitle: PADS volunteers visit schools\n---\nPADS volunteers "
                          "visited five schools. PADS students ran the PADS coding club and "
                          "PADS staff thanked the teachers of each school.\n",
}


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Any:
    root = tmp_path_factory.mktemp("abbreviations")
    for rel, text in DOCS.items():
        path = root / "corpus" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    built = build_services(root / "data", embedder)
    report = built.ingestor.ingest([root / "corpus"])
    assert not report.failed
    return built


def test_an_abbreviation_finds_the_page_that_spells_it_out(services: Any) -> None:
    question = "How many officials did PADS train by 2021?"
    query = services.searcher.analyze(question)
    assert {"provinci", "academi", "skill"} <= set(query.terms)
    answer = services.answerer.answer(question)
    assert answer.found, answer.answer
    assert answer.citations[0].doc_id == "policy/progress.txt"
    assert "500 officials" in answer.answer
    page = services.catalog.page("policy/progress.txt", answer.citations[0].page)
    assert page.text[answer.citations[0].start:answer.citations[0].end] == answer.citations[0].quote


def test_without_the_definitions_the_question_is_not_answered_from_that_page(
        services: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services.searcher, "abbreviations", None)
    answer = services.answerer.answer("How many officials did PADS train by 2021?")
    assert not answer.found or answer.citations[0].doc_id != "policy/progress.txt"
