"""Page furniture, printed page labels and true heading paths (issues #12 and #13).

Written pages and a PDF made by tests/ingest/paged_pdf.py go through the real loader (pypdf,
poppler), the furniture detector, the label reader and the structure-aware chunker.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.models import Page
from ingest.chunking import StructureAwareChunker
from ingest.furniture import analyse_edges, find_furniture, line_key
from ingest.loaders.pdf import PdfLoader
from ingest.page_labels import printed_page_labels
from ingest.structure import classify_line, is_contents_page
from tests.ingest.paged_pdf import RUNNING_TITLE, SOLAR_PDF_PAGE, SOLAR_SENTENCE, write_plan


def words(text: str) -> int:
    return len(text.split())


def report_pages(n: int = 8) -> list[str]:
    """Body pages of a report: section running title + document title with "Page N" on top,
    a table cell that repeats at the bottom of a few pages."""
    pages = []
    for i in range(n):
        section = "2-FUNDING OF THE NETWORK" if i < 3 else "3-OPERATION AND MAINTENANCE"
        body = [f"This paragraph explains how district {chr(65 + i)} joins the backbone.",
                f"Operators there report {20 + 3 * i} outages a year to the regulator.",
                f"Report {chr(75 + i)} names each cause and the repair time."]
        bottom = ["Ministry of Rural Networks"] if i in (1, 4, 6) else []
        pages.append("\n".join([section, f"Rural Network Report 2026  Page {i + 1}",
                                *body, *bottom]))
    return pages


def test_line_key_ignores_case_and_spacing_not_numbers() -> None:
    assert line_key("D I G I T A L  P L A N") == line_key("d i g i t a l p l a n")
    assert line_key("Report 2026  Page 8") != line_key("Report 2026  Page 9")


def test_running_headers_are_furniture_and_body_lines_are_not() -> None:
    pages = report_pages()
    spans = find_furniture(pages)
    for text, page_spans in zip(pages, spans, strict=True):
        cut = [text[s:e] for s, e in page_spans]
        assert cut[0] in ("2-FUNDING OF THE NETWORK", "3-OPERATION AND MAINTENANCE")
        assert cut[1].startswith("Rural Network Report 2026  Page ")
        assert len(cut) == 2, cut  # the body and the repeated table cell stay
    # a document of two pages cannot show repetition: nothing is furniture
    assert find_furniture(pages[:2]) == [[], []]


def test_printed_numbers_track_the_page_and_fill_gaps() -> None:
    texts = ["COVER PAGE\nA plan for rural networks", "Contents\n- i -", "Foreword text\n- ii -",
             "Foreword, continued\n- iii -",
             *[f"Body page\nMore text about the plan\n- {n} -" for n in range(1, 6)]]
    texts[6] = "Body page without a footer\nA full-page table"  # printed 3: no number shown
    texts[7] = "Body page\nIn 2030 the plan ends\n- 99 -"  # a stray number is not a label
    labels = printed_page_labels(texts)
    assert labels == [None, "i", "ii", "iii", "1", "2", "3", "4", "5"]
    edges = analyse_edges(texts)
    assert edges[4].number == "1" and edges[7].number is None


def test_spaced_out_years_are_not_page_numbers() -> None:
    texts = [f"C A M B O D I A  P L A N  2 0 2 1  -  2 0 3 5\nText {chr(65 + i)} of the plan." for i in range(6)]
    assert printed_page_labels(texts) == [None] * 6


def test_contents_lines_and_numbered_sections() -> None:
    assert classify_line("3-STATUS OF RURAL NETWORKS").level == 1
    assert classify_line("2.1-Definition").level == 2
    assert classify_line("7.2-Strategic Goal 2: Building digital services").level == 2
    assert classify_line("1. Install microgrids in forty communes").kind == "item"
    assert classify_line("12 MONTHS").kind == "text"
    assert classify_line("4.2 percent of GDP in 2020").kind != "heading"
    toc = ["TABLE OF CONTENTS", "Chapter 1: Introduction ........ 1",
           "Appendix A: Action Matrix for the Rural", "Connectivity Plan ......... 7"]
    assert is_contents_page(toc)
    untitled = ["Strategy 1: Power   4", "Strategy 2: Health posts   6", "Strategy 3: Schools   9",
                "Annex 1: Matrix   12"]
    assert is_contents_page(untitled)
    assert not is_contents_page(["Chapter 1: Introduction", "Villages lack power.",
                                 "Strategy 1: Power", "Microgrids are cheap."])


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_plan(tmp_path_factory.mktemp("plan") / "rural_plan.pdf")


def test_pdf_without_page_labels_gets_its_printed_numbers(plan: Path) -> None:
    doc = PdfLoader().load(plan)[0]
    # pypdf would answer "1".."11" for a PDF without /PageLabels: those are not printed labels
    assert [p.label for p in doc.pages] == [None, "i", "ii", "iii", "1", "2", "3", "4", "5", "6", "7"]
    assert doc.metadata["page_labels"] == "printed"


def test_pdf_page_labels_dictionary_wins(tmp_path: Path) -> None:
    doc = PdfLoader().load(write_plan(tmp_path / "labelled.pdf", with_page_labels=True))[0]
    assert [p.label for p in doc.pages][:6] == ["C-1", "i", "ii", "iii", "1", "2"]
    assert doc.metadata["page_labels"] == "pdf"


def test_chunks_skip_furniture_and_stay_exact_page_slices(plan: Path) -> None:
    doc = PdfLoader().load(plan)[0]
    spans = StructureAwareChunker(words, max_tokens=60).chunk(doc.pages)
    pages = {p.number: p for p in doc.pages}
    assert RUNNING_TITLE in pages[SOLAR_PDF_PAGE].text  # the stored page keeps its header
    for span in spans:
        assert span.text == pages[span.page].text[span.start:span.end]
        assert "R U R A L" not in span.text
        assert not any(f"- {n} -" in span.text for n in range(1, 8))
        assert "Page i" not in span.text
    solar = [s for s in spans if SOLAR_SENTENCE in s.text]
    assert solar and solar[0].page == SOLAR_PDF_PAGE


def test_heading_paths_come_from_the_heading_before_the_passage(plan: Path) -> None:
    doc = PdfLoader().load(plan)[0]
    spans = StructureAwareChunker(words, max_tokens=60).chunk(doc.pages)
    by_page: dict[int, set[str]] = {}
    for span in spans:
        by_page.setdefault(span.page, set()).add(span.heading)
    # the contents page (PDF 2) names "Appendix A" and "Strategy 3": neither is in force after it
    assert all("Appendix" not in h and "Strategy" not in h
               for n in range(2, SOLAR_PDF_PAGE) for h in by_page.get(n, ()))
    assert by_page[3] == {"FOREWORD"}
    assert by_page[5] == {"Chapter 1: Introduction"}
    assert by_page[SOLAR_PDF_PAGE] == {"Chapter 2: Solar Microgrids > Strategy 3: Village health posts"}
    assert by_page[10] == {"Chapter 3: Community Networks"}
    assert by_page[11] == {"Appendix A: Action Matrix"}


def test_single_page_documents_are_untouched() -> None:
    page = Page(1, "Chapter 1: Notes\nPage 1\nThe meeting agreed on the budget.")
    spans = StructureAwareChunker(words).chunk([page])
    assert any("Page 1" in s.text for s in spans)


def test_a_chapter_per_page_is_not_a_page_number() -> None:
    """"Chapter 2" on page 2, "Chapter 3" on page 3...: numbered like pages, placed like
    headings (the number is inside the line), so neither furniture nor a label."""
    texts = [f"Chapter {n}: Training topic {chr(64 + n)}\n\nCivil servants learn topic {chr(64 + n)}."
             for n in range(1, 6)]
    assert find_furniture(texts) == [[]] * 5
    assert printed_page_labels(texts) == [None] * 5
    spans = StructureAwareChunker(words).chunk([Page(n, t) for n, t in enumerate(texts, 1)])
    assert [s.heading for s in spans if s.page == 2] == ["Chapter 2: Training topic B"]


def test_a_spaced_out_running_title_is_furniture_mid_page_and_wrapped() -> None:
    """After a table the extracted text puts the spaced-out title mid-page, or wraps its year
    to a line of its own: no edge band sees it there, and it was quoted inside sentences."""
    title = "M E K O N G  D A T A  P L A N  2 0 2 5  -  2 0 3 0"
    pages = [f"{title}\nSection {i}. The plan connects every district office.\n"
             f"Offices share one register of citizens.\nPage {i + 1}" for i in range(6)]
    pages[3] = ("Offices report every quarter.\nTable 2: Offices online\n"
                f"{title}\nThe register is kept by the province.\nPage 4")
    pages[4] = ("M E K O N G  D A T A  P L A N  2 0 2 5  -\n2030\nThe offices train clerks.\n"
                "Page 5")
    spans = find_furniture(pages)
    assert title in [pages[3][a:b] for a, b in spans[3]]
    found = [pages[4][a:b] for a, b in spans[4]]
    assert "M E K O N G  D A T A  P L A N  2 0 2 5  -" in found and "2030" in found
    assert "The offices train clerks." not in found
    assert "The register is kept by the province." not in [pages[3][a:b] for a, b in spans[3]]
