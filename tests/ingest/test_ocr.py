"""TesseractOcr with the real tesseract and poppler binaries.

Tests that run tesseract on a page are marked slow (~3-4 s per page here); the others only run
``tesseract --list-langs`` or pdftoppm.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.errors import DocumentParseError
from ingest.loaders.ocr import TesseractOcr, page_fingerprint
from ingest.loaders.pdf import PdfLoader
from tests.support.pdf_fixtures import PDF_FIXTURES, cer

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None or not TesseractOcr(Path("unused")).available(),
    reason="tesseract with khm+eng language packs is not installed",
)


def test_available_checks_language_packs(tmp_path: Path) -> None:
    assert TesseractOcr(tmp_path).available()
    assert TesseractOcr(tmp_path, languages="eng").available()
    assert not TesseractOcr(tmp_path, languages="khm+xx_missing").available()


def test_cache_key_depends_on_settings(tmp_path: Path) -> None:
    base = TesseractOcr(tmp_path).cache_path("page-a")
    assert base.parent.parent == tmp_path
    assert TesseractOcr(tmp_path).cache_path("page-a") == base
    assert TesseractOcr(tmp_path).cache_path("page-b") != base
    assert TesseractOcr(tmp_path, languages="eng").cache_path("page-a") != base
    assert TesseractOcr(tmp_path, dpi=200).cache_path("page-a") != base


@needs_tesseract
def test_render_failure_names_file_and_page(tmp_path: Path) -> None:
    ocr = TesseractOcr(tmp_path / "cache")
    with pytest.raises(DocumentParseError) as info:
        ocr.ocr_page(PDF_FIXTURES / "image_only.pdf", 7, "no-such-page")  # the file has 1 page
    assert "image_only.pdf" in str(info.value)
    assert "page 7" in info.value.reason
    assert ocr.ocr_runs == 0


@pytest.mark.slow
@needs_tesseract
def test_image_only_pdf_is_ocred_once_then_cached(tmp_path: Path) -> None:
    cache = tmp_path / "ocr-cache"
    ocr = TesseractOcr(cache)
    (doc,) = PdfLoader(ocr=ocr).load(PDF_FIXTURES / "image_only.pdf")
    (page,) = doc.pages
    (source,) = (PDF_FIXTURES / "image_only.txt").read_text(encoding="utf-8").split("\f")
    assert page.method == "ocr"
    assert cer(source, page.text) <= 0.25, page.text
    assert doc.metadata["pages_ocr"] == [1]
    assert doc.metadata["extractors"] == {"ocr": 1}
    assert doc.warnings == []
    assert (ocr.ocr_runs, ocr.cache_hits) == (1, 0)
    entries = list(cache.rglob("*"))
    key = page_fingerprint(PdfReader(PDF_FIXTURES / "image_only.pdf").pages[0])
    assert [e for e in entries if e.is_file()] == [ocr.cache_path(key)]
    assert ocr.cache_path(key).read_text(encoding="utf-8").strip() == page.text
    assert not [e for e in entries if e.name.startswith(".tmp-")]

    # A fresh engine on the same cache (a re-ingest) must not run tesseract again.
    again = TesseractOcr(cache)
    (doc2,) = PdfLoader(ocr=again).load(PDF_FIXTURES / "image_only.pdf")
    assert (again.ocr_runs, again.cache_hits) == (0, 1)
    assert doc2.pages[0].text == page.text
    assert doc2.pages[0].method == "ocr"


@pytest.mark.slow
@needs_tesseract
def test_legacy_font_page_is_routed_to_ocr(tmp_path: Path) -> None:
    ocr = TesseractOcr(tmp_path)
    (doc,) = PdfLoader(ocr=ocr).load(PDF_FIXTURES / "legacy_font.pdf")
    assert doc.pages[0].method == "ocr"
    assert doc.metadata["pages_ocr"] == [1]
    assert ocr.ocr_runs == 1
    assert doc.pages[0].text  # the fixture's glyphs are Latin, so OCR reads Latin text back


@pytest.mark.slow
@needs_tesseract
def test_ocr_timeout_is_a_clear_error_and_the_loader_degrades(tmp_path: Path) -> None:
    ocr = TesseractOcr(tmp_path, timeout_s=1, dpi=600)  # 600 dpi takes several seconds here
    with pytest.raises(DocumentParseError, match=r"image_only\.pdf: page 1: .*timed out after 1 s"):
        ocr.ocr_page(PDF_FIXTURES / "image_only.pdf", 1, "timeout-test")
    (doc,) = PdfLoader(ocr=ocr).load(PDF_FIXTURES / "image_only.pdf")
    assert doc.pages[0].text == ""
    assert len(doc.warnings) == 1
    assert doc.warnings[0].startswith("page 1: no text layer; OCR failed: page 1:")
    assert "timed out" in doc.warnings[0]
    assert not list(tmp_path.rglob("*.txt"))  # failures are not cached
