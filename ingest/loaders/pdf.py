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

import datetime as dt
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, LimitReachedError

from core.errors import DocumentParseError
from core.models import Page, ParsedDocument
from ingest.loaders.khmer_quality import PageTextQuality, assess_page_text
from ingest.loaders.ocr import TesseractOcr, page_fingerprint, page_has_images
from ingest.loaders.pdf_content import PAGE_PYPDF_BYTES, ContentBomb, document_cap, pypdf_budget
from ingest.loaders.pdf_content import measure as content_sizes
from ingest.loaders.pdf_tools import pdfium_pages, pdftotext_pages
from ingest.page_labels import page_labels

logger = logging.getLogger(__name__)

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TRAILING_WS_RE = re.compile(r"[ \t\u00a0]+$", re.MULTILINE)
#: A page with an image and fewer text characters than this is probably a scan with a stamp,
#: page number or watermark in its text layer: OCR it and keep whichever text is longer.
_SPARSE_TEXT_CHARS = 100
#: Stop trying OCR in a document after this many failed pages (each can take a full timeout).
_MAX_OCR_FAILURES = 3
_JUNK_TITLE_RE = re.compile(
    r"^(untitled|document\d*|title|slide \d+|powerpoint presentation|"
    r"microsoft (word|powerpoint|excel)\b.*|\S*_\S*)$|\.(docx?|pdf|odt|rtf|indd|xlsx?|pptx?)$",
    re.IGNORECASE,
)
_JUNK_AUTHORS = {"user", "admin", "administrator", "windows user", "owner", "microsoft office user",
                 "unknown", "author", "pc", "hp", "dell", "lenovo", "asus", "acer"}
_PDF_DATE_RE = re.compile(r"^(?:D:)?(\d{4})(\d{2})(\d{2})")


def check_file(path: Path, max_bytes: int) -> None:
    """Cheap checks before pypdf sees the bytes: size limits and the %PDF / %%EOF markers."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(1024)
            fh.seek(max(0, size - 2**20))
            tail = fh.read()
    except OSError as exc:
        raise DocumentParseError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if size == 0:
        raise DocumentParseError(path, "empty file (0 bytes)")
    if size > max_bytes:
        raise DocumentParseError(path, f"file is {_size(size)}, over the {_size(max_bytes)} limit")
    if b"%PDF-" not in head:
        raise DocumentParseError(path, "not a PDF file (no %PDF- header)")
    if b"%%EOF" not in tail:
        raise DocumentParseError(path, "truncated PDF (no %%EOF end marker)")


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n} bytes"


def open_reader(path: Path, max_pages: int) -> PdfReader:
    """Open with pypdf, decrypt empty-password files and bound the page count before iterating."""
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                    raise DocumentParseError(path, "encrypted PDF: a password is required")
            except DependencyError as exc:
                raise DocumentParseError(
                    path, "encrypted PDF: AES decryption needs the 'cryptography' package"
                ) from exc
        # /Count is read straight from the page-tree root: a malicious tree cannot make this loop.
        declared = reader.trailer["/Root"]["/Pages"].get("/Count", 0)  # type: ignore[index]
        if isinstance(declared, int) and declared > max_pages:
            raise DocumentParseError(path, f"PDF has {declared} pages, more than the limit of {max_pages}")
        count = len(reader.pages)
    except DocumentParseError:
        raise
    except (Exception, RecursionError) as exc:  # pypdf raises many error types on damaged files
        raise DocumentParseError(path, describe_failure(exc, "corrupt or truncated PDF")) from exc
    if count == 0:
        raise DocumentParseError(path, "PDF has no pages")
    if count > max_pages:
        raise DocumentParseError(path, f"PDF has {count} pages, more than the limit of {max_pages}")
    return reader


def _in_chain(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The first exception of ``kind`` in ``exc``'s cause/context chain (pypdf wraps its errors)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def describe_failure(exc: BaseException, what: str) -> str:
    """A specific reason for a pypdf failure: a bomb pypdf's limits caught, hostile nesting, or
    plain damage (``what``)."""
    limit = _in_chain(exc, LimitReachedError)
    if limit is not None:
        return f"refusing a PDF bomb: {limit}"
    if _in_chain(exc, RecursionError) is not None:
        return f"{what}: objects nested too deeply to parse (RecursionError)"
    return f"{what}: {type(exc).__name__}: {exc}"


def read_metadata(reader: PdfReader, path: Path) -> dict[str, Any]:
    """title/author/date from the document info, skipping generator junk ("Microsoft Word - x")."""
    try:
        info: Any = reader.metadata or {}
        raw = {k: _info_str(info.get(k)) for k in ("/Title", "/Author", "/CreationDate")}
    except Exception as exc:  # a damaged info dictionary must not lose the document
        logger.info("%s: unreadable document info: %s", path, exc)
        return {}
    out: dict[str, Any] = {}
    title, author = raw["/Title"], raw["/Author"]
    if len(title) >= 3 and not _JUNK_TITLE_RE.search(title) and title.lower() != path.stem.lower():
        out["title"] = title
    if author and author.lower() not in _JUNK_AUTHORS and any(c.isalpha() for c in author):
        out["author"] = author
    m = _PDF_DATE_RE.match(raw["/CreationDate"])
    try:
        date = dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None
    except ValueError:  # "D:20221345..." and other junk
        date = None
    if date is not None and 1990 <= date.year <= 2100:
        out["date"] = date.isoformat()
    return out


def _info_str(value: Any) -> str:
    if value is None:
        return ""
    value = value.get_object() if hasattr(value, "get_object") else value
    return " ".join(_CONTROL_RE.sub("", str(value)).split())


def clean_page_text(text: str) -> str:
    """Remove control characters and trailing spaces; never reorders or de-spaces Khmer."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub("", text)
    return _TRAILING_WS_RE.sub("", text).strip("\n")


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
        run = _DocumentRun(path, reader, self.ocr, _pages_for_pypdf(reader, path))
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


def _pages_for_pypdf(reader: PdfReader, path: Path) -> set[int]:
    """The pages pypdf may read; refuses documents whose content expands like a bomb."""
    file_bytes = path.stat().st_size
    try:
        sizes = content_sizes(reader, document_cap(file_bytes))
    except ContentBomb as exc:
        raise DocumentParseError(path, f"refusing a PDF bomb: {exc} (the file is {_size(file_bytes)})") from exc
    except (Exception, RecursionError) as exc:
        raise DocumentParseError(path, describe_failure(exc, "corrupt PDF")) from exc
    if sum(sizes) > pypdf_budget(file_bytes):
        logger.warning("%s: %.0f MB of page content from a %s file: read by pdftotext/pdfium only",
                       path, sum(sizes) / 2**20, _size(file_bytes))
        return set()
    return {n for n, size in enumerate(sizes, 1) if size <= PAGE_PYPDF_BYTES}


class _DocumentRun:
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
            if _in_chain(exc, LimitReachedError) is not None:
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
