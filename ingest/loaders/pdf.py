"""PDF loader: per-page choice between pypdf, poppler's pdftotext, pdfium and OCR.

Why several extractors: pypdf is fast, pure Python and good for English, but on Khmer typeset
with shaping fonts it emits glyphs in visual order, drops letters and inserts control characters.
``pdftotext -raw`` (poppler) and pdfium read the same pages almost perfectly, so every page whose
pypdf text has damaged Khmer is re-extracted and the candidate with the fewest impossible Khmer
sequences wins. Pages without a usable text layer (scans) or with legacy-font gibberish go to
OCR when an engine is configured. Text is only cleaned of control characters here; Khmer
normalisation happens later and only for search keys.

Each page also gets its printed label ("12", "iv": ``ingest.page_labels``), from the PDF's
/PageLabels or the numbers in its running headers and footers.

Hostile files: the page tree is bounded before it is walked, every page's content is measured
before anything interprets it (``pdf_content``: amplification through shared streams and form
XObjects), pypdf's decompression limits refuse the whole file, and the C extractors run in child
processes with memory, output and time limits (``pdf_tools``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from core.errors import DocumentParseError
from core.models import ParsedDocument
from ingest.loaders.ocr import TesseractOcr
from ingest.loaders.pdf_clean import clean_page_text
from ingest.loaders.pdf_metadata import read_metadata
from ingest.loaders.pdf_open import check_file, describe_failure, open_reader, pages_for_pypdf
from ingest.loaders.pdf_pages import DocumentRun
from ingest.page_labels import page_labels

__all__ = ["PdfLoader", "check_file", "clean_page_text", "describe_failure", "open_reader",
           "read_metadata"]


class PdfLoader:
    """Load a PDF into one ParsedDocument, one Page per PDF page (1-based numbers)."""

    def __init__(
        self, ocr: TesseractOcr | None = None, max_pages: int = 2000, max_bytes: int = 200 * 2**20
    ) -> None:
        self.ocr = ocr
        self.max_pages = max_pages
        self.max_bytes = max_bytes

    def load(self, path: Path) -> list[ParsedDocument]:
        path = Path(path)
        check_file(path, self.max_bytes)
        reader = open_reader(path, self.max_pages)
        run = DocumentRun(path, reader, self.ocr, pages_for_pypdf(reader, path))
        try:
            pages = run.pages(len(reader.pages))
        except DocumentParseError:
            raise
        except (Exception, RecursionError) as exc:  # pypdf raises many types on damaged files
            raise DocumentParseError(path, describe_failure(exc, "corrupt PDF")) from exc
        labels, labels_from = page_labels(reader, [p.text for p in pages])
        for page, label in zip(pages, labels, strict=True):
            page.label = label
        metadata: dict[str, Any] = read_metadata(reader, path)
        metadata["page_count"] = len(pages)
        metadata["page_labels"] = labels_from  # "pdf" (/PageLabels), "printed" or None
        metadata["pages_ocr"] = [p.number for p in pages if p.method == "ocr"]
        metadata["extractors"] = dict(Counter(p.method for p in pages))
        return [ParsedDocument(pages=pages, metadata=metadata, warnings=run.warnings)]
