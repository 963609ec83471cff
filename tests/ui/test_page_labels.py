"""Printed page labels end to end: a plan PDF whose footers print "- 4 -" on PDF page 8 is
ingested by the real pipeline (pypdf, MiniLM, chromadb), served by uvicorn on 127.0.0.1, and
/search, /ask, the page text and the web page in headless Chromium cite "p. 4 (PDF p. 8)".
Running titles and page numbers are gone from the passages; heading paths are the true ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.ingest.paged_pdf import RUNNING_TITLE, SOLAR_PDF_PAGE, SOLAR_SENTENCE, write_plan
from tests.support.servers import serve

DOC = "rural_plan.pdf"
QUERY = "solar microgrid programme village health posts"
QUESTION = "How many village health posts will the solar microgrid programme power?"
HEADING = "Chapter 2: Solar Microgrids > Strategy 3: Village health posts"
CITED = "p. 4 (PDF p. 8)"


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture(scope="module")
def plan_base(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[str]:
    from api.app import create_app
    from core.settings import Settings
    from policykb.services import Services

    root = tmp_path_factory.mktemp("page-labels")
    docs = root / "docs"
    docs.mkdir()
    write_plan(docs / DOC)
    (docs / "meeting_note.md").write_text(
        "# Steering committee note\n\nThe committee met on 3 March 2026 and reviewed the "
        "broadband tender for the northern provinces.\n", encoding="utf-8")
    services = Services(Settings(data_dir=root / "data", ocr_enabled=False, _env_file=None),
                        model=embedder)
    report = services.ingestor.ingest([docs])
    assert not report.failed, report.summary()["failed"]
    app = create_app(services.settings, services)
    app.state.feedback_path = root / "feedback.jsonl"
    with serve(app) as base:
        yield base


def post(base: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(f"{base}{path}", json=body, timeout=60)
    response.raise_for_status()
    return response.json()


def test_search_hits_carry_the_printed_label_and_no_furniture(plan_base: str) -> None:
    hits = post(plan_base, "/search", {"query": QUERY, "k": 10, "per_doc": 10})["hits"]
    solar = [h for h in hits if SOLAR_SENTENCE in h["text"]]
    assert solar, [h["text"][:60] for h in hits]
    assert solar[0]["page"] == SOLAR_PDF_PAGE and solar[0]["page_label"] == "4"
    assert solar[0]["heading"] == HEADING
    plan_hits = [h for h in hits if h["doc_id"] == DOC]
    assert all("R U R A L" not in h["text"] and "- 4 -" not in h["text"] for h in plan_hits)
    labels = {h["page"]: h["page_label"] for h in plan_hits}
    assert all(label == str(page - 4) for page, label in labels.items() if page >= 5), labels
    # the stored page keeps its furniture: offsets and quotes are spans of this text
    page = httpx.get(f"{plan_base}/documents/{DOC}/pages/{SOLAR_PDF_PAGE}", timeout=30).json()
    assert page["label"] == "4" and RUNNING_TITLE in page["text"]
    assert page["text"][solar[0]["start"]:solar[0]["end"]] == solar[0]["text"]


def test_answer_citations_carry_the_printed_label(plan_base: str) -> None:
    answer = post(plan_base, "/ask", {"question": QUESTION})
    on_page = [c for c in answer["citations"] if c["doc_id"] == DOC and c["page"] == SOLAR_PDF_PAGE]
    assert on_page, answer
    citation = on_page[0]
    assert citation["page_label"] == "4"
    text = httpx.get(f"{plan_base}/documents/{DOC}/pages/{SOLAR_PDF_PAGE}", timeout=30).json()["text"]
    assert text[citation["start"]:citation["end"]] == citation["quote"]
    assert "R U R A L" not in citation["quote"]


@pytest.mark.slow
def test_page_shows_printed_and_pdf_page(plan_base: str, new_page: Any) -> None:
    page = new_page(plan_base, permissions=["clipboard-read", "clipboard-write"])
    # the search page: the hit's meta line and the source panel
    page.click("#tab-search")
    page.fill("#q", QUERY)
    with page.expect_response("**/search"):
        page.press("#q", "Enter")
    hit = page.locator(f"#search-results > li.hit[data-doc-id='{DOC}'][data-page='{SOLAR_PDF_PAGE}']")
    expect(hit.locator(".meta-page")).to_have_text(CITED)
    expect(hit.locator(".hit-heading")).to_have_text(HEADING)
    hit.locator("button.show-passage").click()
    expect(page.locator("#source-body .source-meta .meta-page")).to_have_text(CITED)
    # a page whose label equals its position, or has none, shows just the PDF page
    other = page.locator("#search-results > li.hit[data-doc-id='meeting_note.md'] .meta-page")
    if other.count():
        expect(other.first).to_have_text("page 1")

    # the chat page: the citation card and copy-with-citations
    page.click("#tab-ask")
    page.fill("#question", QUESTION)
    page.press("#question", "Enter")
    answer = page.locator(".msg.answer").last
    expect(answer.locator(".answer-actions")).to_be_visible()
    card = page.locator(f"#citation-list li.cite-card[data-doc-id='{DOC}'][data-page='{SOLAR_PDF_PAGE}']")
    expect(card.first.locator(".cite-meta .meta-page")).to_have_text(CITED)
    # the card shows the quote inside its passage: the heading before it, never the page's
    # running title (the page text it is cut from still holds it)
    passage = card.first.locator(".cite-passage")
    expect(passage).to_contain_text("Strategy 3: Village health posts")
    expect(passage).not_to_contain_text("R U R A L")
    answer.locator("button.copy").click()
    expect(answer.locator(".copy-status")).to_have_text("Copied")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert f", {CITED} — " in copied, copied
    # Khmer interface: the same citation in Khmer words
    page.click("[data-set-lang='km']")
    expect(card.first.locator(".cite-meta .meta-page")).to_have_text("ទំ. 4 (PDF ទំ. 8)")


def test_pdf_file_fixture_is_written_by_the_test(tmp_path: Path) -> None:
    """The fixture PDF is generated, not a copied document: it opens and has 11 pages."""
    from pypdf import PdfReader

    assert len(PdfReader(str(write_plan(tmp_path / "p.pdf"))).pages) == 11
