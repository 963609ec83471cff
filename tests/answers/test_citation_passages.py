"""A citation carries the passage its quote was read from, which never holds the page's
running header: the chat card shows that passage around the quote (real index)."""

from __future__ import annotations

from typing import Any

HEADER = "R U R A L   R O A D S   P L A N   2 0 2 4"
PAGES = [
    "The provincial rural roads plan repairs laterite roads before the rainy season.",
    "Every district repairs twenty kilometres of laterite road each year under the plan.",
    "Bridges on rural roads are inspected twice a year by the provincial engineers.",
    "Road maintenance is paid for by a shared provincial fund created in 2024.",
]


def _write_plan(root: Any) -> Any:
    corpus = root / "corpus"
    corpus.mkdir()
    text = "".join(f"[[page {n}]]\n{HEADER}   {n}\n\n{body}\n" for n, body in enumerate(PAGES, 1))
    (corpus / "rural_roads_plan_en.txt").write_text(text, encoding="utf-8")
    return corpus


def test_citations_carry_the_passage_without_the_running_header(services: Any,
                                                                 tmp_path: Any) -> None:
    report = services.ingestor.ingest([_write_plan(tmp_path)])
    assert not report.failed
    answer = services.answerer.answer("How many kilometres of laterite road does each district "
                                      "repair every year?")
    assert answer.found
    assert any("twenty kilometres" in c.quote for c in answer.citations)
    for citation in answer.citations:
        page = services.catalog.page(citation.doc_id, citation.page).text
        assert page[citation.start:citation.end] == citation.quote
        assert citation.passage_start is not None and citation.passage_end is not None
        assert citation.passage_start <= citation.start < citation.end <= citation.passage_end
        passage = page[citation.passage_start:citation.passage_end]
        assert "R U R A L" not in passage and "R U R A L" in page  # the header stays on the page
