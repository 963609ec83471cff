"""The per-page choice of a PDF's text: pypdf, pdftotext, pdfium or OCR.

Every page's pypdf text is judged for Khmer damage; a damaged or empty page is re-read by
pdftotext and pdfium (the fewest impossible Khmer sequences wins), and pages without a usable
text layer, with legacy-font gibberish or sparse scans are OCRed together in one parallel batch.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import LimitReachedError

from core.errors import DocumentParseError
from core.models import Page
from ingest.loaders.khmer_quality import PageTextQuality, assess_page_text
from ingest.loaders.ocr import TesseractOcr
from ingest.loaders.page_fingerprint import page_fingerprint, page_has_images
from ingest.loaders.pdf_clean import clean_page_text
from ingest.loaders.pdf_open import describe_failure, in_chain
from ingest.loaders.pdf_tools import pdfium_pages, pdftotext_pages

logger = logging.getLogger(__name__)

#: A page with an image and fewer text characters than this is probably a scan with a stamp,
#: page number or watermark in its text layer: OCR it and keep whichever text is longer.
_SPARSE_TEXT_CHARS = 100
#: Stop trying OCR in a document after this many failed pages (each can take a full timeout).
_MAX_OCR_FAILURES = 3


class DocumentRun:
    """Per-document state: lazily opened second-opinion extractors and collected warnings."""

    def __init__(self, path: Path, reader: PdfReader, ocr: TesseractOcr | None,
                 pypdf_pages: set[int]) -> None:
        self.path = path
        self.reader = reader
        self.pypdf_pages = pypdf_pages
        self.ocr = ocr if ocr is not None and ocr.available() else None
        self.ocr_requested = ocr is not None
        self.warnings: list[str] = []
        self._pdftotext: list[str] | None = None
        self._pdfium: list[str | None] | None = None

    # -- the per-page decision ----------------------------------------------------------
    def pages(self, count: int) -> list[Page]:
        """Every page: the text layers first, then all pages that need OCR at once (in
        parallel: ``TesseractOcr.ocr_pages``), then each page's choice, in page order."""
        drafts: list[_Draft] = []
        for number in range(1, count + 1):
            start = len(self.warnings)
            drafts.append(self._draft(number))
            drafts[-1].warnings = self.warnings[start:]  # kept in page order below
            del self.warnings[start:]
        ocr_texts = self._ocr([d for d in drafts if d.needs_ocr])
        pages = []
        for draft in drafts:
            self.warnings += draft.warnings
            pages.append(self._choose(draft, ocr_texts.get(draft.number)))
        return pages

    def _draft(self, number: int) -> _Draft:
        pdf_page = self.reader.pages[number - 1]
        # Quality is judged on the raw text: the control characters cleaning removes are
        # themselves a symptom of a broken text layer.
        text, method = self._pypdf(pdf_page, number), "pypdf"
        quality = assess_page_text(text)
        if quality.is_khmer_broken or quality.is_empty:
            text, method, quality = self._best_text_layer(number, text, quality)
        wants_ocr = quality.is_empty or quality.is_legacy_font_gibberish
        sparse_scan = not wants_ocr and quality.nonspace_chars < _SPARSE_TEXT_CHARS
        sparse_scan = sparse_scan and page_has_images(pdf_page)
        return _Draft(number, pdf_page, text, method, quality, wants_ocr, sparse_scan)

    @staticmethod
    def _choose(draft: _Draft, ocr_text: str | None) -> Page:
        number, text, quality, wants_ocr = draft.number, draft.text, draft.quality, draft.wants_ocr
        sparse_scan = draft.sparse_scan
        if ocr_text is not None:
            ocr_q = assess_page_text(ocr_text)
            if (
                wants_ocr
                or (sparse_scan and ocr_q.nonspace_chars > quality.nonspace_chars)
                or (quality.is_khmer_broken and ocr_q.khmer_error_rate < quality.khmer_error_rate)
            ):
                return Page(number=number, text=clean_page_text(ocr_text), method="ocr")
        if wants_ocr:
            text = ""  # legacy-font gibberish would only pollute the index
        return Page(number=number, text=clean_page_text(text), method=draft.method)

    def _pypdf(self, pdf_page: Any, number: int) -> str:
        if number not in self.pypdf_pages:
            self.warnings.append(f"page {number}: too much page content for pypdf; "
                                 "read by pdftotext/pdfium only")
            return ""
        try:
            return pdf_page.extract_text() or ""
        except (Exception, RecursionError) as exc:  # another extractor or OCR may still work
            if in_chain(exc, LimitReachedError) is not None:
                # A decompression bomb: pdftotext, pdfium and the OCR renderer have no such
                # limit (pdfium aborts the process allocating 2 GB), so nothing else may try.
                raise DocumentParseError(
                    self.path, f"page {number}: {describe_failure(exc, 'corrupt page')}") from exc
            reason = describe_failure(exc, "pypdf could not read the page")
            self.warnings.append(f"page {number}: {reason}")
            logger.info("%s page %d: %s", self.path, number, reason)
            return ""

    def _best_text_layer(
        self, number: int, text: str, quality: PageTextQuality
    ) -> tuple[str, str, PageTextQuality]:
        """Compare pypdf with pdftotext and pdfium; lowest Khmer error rate wins."""
        candidates = [(text, "pypdf", quality)]
        for method, getter in (("pdftotext", self._pdftotext_page), ("pdfium", self._pdfium_page)):
            other = getter(number)
            if other is not None:
                candidates.append((other, method, assess_page_text(other)))
        usable = [c for c in candidates if not c[2].is_empty] or candidates[:1]
        # tie-break order: pdftotext, pdfium, pypdf (pypdf is the known-bad reader for Khmer)
        rank = {"pdftotext": 0, "pdfium": 1, "pypdf": 2}
        best = min(usable, key=lambda c: (round(c[2].khmer_error_rate, 6), rank[c[1]]))
        logger.debug("%s page %d: %s wins (Khmer error rate %.4f; pypdf %.4f)", self.path,
                     number, best[1], best[2].khmer_error_rate, quality.khmer_error_rate)
        return best

    def _pdftotext_page(self, number: int) -> str | None:
        """pdftotext runs once per document (it is fast); pages are split on form feeds."""
        if self._pdftotext is None:
            self._pdftotext = pdftotext_pages(self.path, len(self.reader.pages)) or []
        return self._pdftotext[number - 1] if self._pdftotext else None

    def _pdfium_page(self, number: int) -> str | None:
        """PDFium reads the whole document once, in a child process (see pdf_tools)."""
        if self._pdfium is None:
            self._pdfium = pdfium_pages(self.path, len(self.reader.pages)) or []
        return self._pdfium[number - 1] if self._pdfium else None

    # -- OCR ------------------------------------------------------------------------------
    def _ocr(self, drafts: list[_Draft]) -> dict[int, str]:
        """OCR text by page number for the pages that got one; a page that did not gets a
        warning (unless OCR was only a second opinion on a sparse scan)."""
        results: list[str | DocumentParseError | None] = [None] * len(drafts)
        if self.ocr is not None and drafts:
            keys = [(d.number, page_fingerprint(d.pdf_page)) for d in drafts]
            results = self.ocr.ocr_pages(self.path, keys, max_failures=_MAX_OCR_FAILURES)
        texts: dict[int, str] = {}
        for draft, result in zip(drafts, results, strict=True):
            reason = _problem(draft.quality)
            if isinstance(result, str):
                texts[draft.number] = result
            elif isinstance(result, DocumentParseError):
                draft.warnings.append(f"page {draft.number}: {reason}; OCR failed: {result.reason}")
                logger.warning("%s", result)
            elif not draft.sparse_scan:
                state = (
                    "OCR was stopped after repeated failures" if self.ocr is not None
                    else "OCR is unavailable" if self.ocr_requested else "OCR is off"
                )
                draft.warnings.append(f"page {draft.number}: {reason} and {state}")
        return texts


@dataclass
class _Draft:
    """A page's best text layer and whether OCR should be asked, before OCR runs."""

    number: int
    pdf_page: Any
    text: str
    method: str
    quality: PageTextQuality
    wants_ocr: bool
    sparse_scan: bool
    warnings: list[str] = field(default_factory=list)

    @property
    def needs_ocr(self) -> bool:
        return self.wants_ocr or self.sparse_scan or self.quality.is_khmer_broken


def _problem(q: PageTextQuality) -> str:
    if q.is_empty:
        return "no text layer"
    if q.is_legacy_font_gibberish:
        return "text looks like a legacy (non-Unicode) Khmer font"
    if q.is_khmer_broken:
        return f"Khmer text layer is damaged (error rate {q.khmer_error_rate:.3f})"
    return "scanned page with little text"
