"""The pages of one scanned PDF are OCR'd side by side, with the real tesseract and poppler.

The PDF is made here: each page a picture of a few lines of text written for this test (no text
layer), so every page goes to OCR. English only and 150 dpi keep tesseract at about a second a
page.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader

from core.errors import DocumentParseError
from ingest.loaders.ocr import TesseractOcr, page_fingerprint
from ingest.loaders.pdf import PdfLoader

DPI = 150
#: one distinct word per page, so a page's text says where it came from
MARKERS = ["ALPHA", "BRAVO", "CHARLIE", "DELTA"]


def scanned_pdf(path: Path) -> Path:
    """A 4-page A5 image-only PDF; page n reads "Page n MARKER" and two sentences."""
    font = ImageFont.load_default(size=34)
    pages = []
    for n, marker in enumerate(MARKERS, start=1):
        image = Image.new("L", (874, 1240), 255)  # A5 at 150 dpi
        draw = ImageDraw.Draw(image)
        lines = [f"Page {n} {marker}", "The committee meets every month",
                 f"to review {marker.lower()} connectivity targets."]
        for row, line in enumerate(lines):
            draw.text((80, 120 + row * 70), line, fill=0, font=font)
        pages.append(image)
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=DPI)
    return path


def engine(cache: Path, workers: int) -> TesseractOcr:
    ocr = TesseractOcr(cache, languages="eng", dpi=DPI, workers=workers)
    assert ocr.available(), "tesseract with the eng language pack and pdftoppm are required"
    return ocr


@pytest.mark.slow  # eight tesseract runs: 20-30 s on 2 busy cores
def test_pages_run_in_parallel_in_page_order_and_match_serial(tmp_path: Path) -> None:
    pdf = scanned_pdf(tmp_path / "scan.pdf")

    serial = engine(tmp_path / "cache-serial", workers=1)
    started = time.perf_counter()
    (one,) = PdfLoader(ocr=serial).load(pdf)
    serial_s = time.perf_counter() - started

    parallel = engine(tmp_path / "cache-parallel", workers=2)
    started = time.perf_counter()
    (two,) = PdfLoader(ocr=parallel).load(pdf)
    parallel_s = time.perf_counter() - started

    assert (serial.ocr_runs, serial.peak_parallel) == (4, 1)
    assert parallel.ocr_runs == 4
    assert parallel.peak_parallel == 2, "the pool never ran two pages at once"
    assert [p.method for p in two.pages] == ["ocr"] * 4
    assert [p.number for p in two.pages] == [1, 2, 3, 4]
    for page, marker in zip(two.pages, MARKERS, strict=True):
        assert f"Page {page.number} {marker}" in page.text, page.text
    assert [p.text for p in two.pages] == [p.text for p in one.pages]
    assert two.metadata["pages_ocr"] == [1, 2, 3, 4] and two.warnings == []
    print(f"4 pages: serial {serial_s:.1f} s, 2 workers {parallel_s:.1f} s")

    # A re-read of the file is served by the cache the pool filled: no tesseract at all.
    again = engine(tmp_path / "cache-parallel", workers=2)
    (three,) = PdfLoader(ocr=again).load(pdf)
    assert (again.ocr_runs, again.cache_hits, again.peak_parallel) == (0, 4, 0)
    assert [p.text for p in three.pages] == [p.text for p in two.pages]


def test_a_failing_page_keeps_its_error_and_the_others_their_text(tmp_path: Path) -> None:
    pdf = scanned_pdf(tmp_path / "scan.pdf")
    keys = [page_fingerprint(p) for p in PdfReader(pdf).pages]
    ocr = engine(tmp_path / "cache", workers=2)

    results = ocr.ocr_pages(pdf, [(1, keys[0]), (9, "no-such-page"), (3, keys[2])])

    assert isinstance(results[1], DocumentParseError)
    assert "scan.pdf" in str(results[1]) and "page 9" in results[1].reason
    assert isinstance(results[0], str) and "ALPHA" in results[0]
    assert isinstance(results[2], str) and "CHARLIE" in results[2]
    assert ocr.ocr_runs == 2


def test_after_max_failures_no_more_pages_are_started(tmp_path: Path) -> None:
    pdf = scanned_pdf(tmp_path / "scan.pdf")
    ocr = engine(tmp_path / "cache", workers=2)
    bad = [(n, f"missing-{n}") for n in range(11, 19)]  # 8 pages the file does not have

    results = ocr.ocr_pages(pdf, bad, max_failures=3)

    failed = [r for r in results if isinstance(r, DocumentParseError)]
    assert 3 <= len(failed) <= 4  # the third failure stops the pool; one more may be running
    assert results.count(None) == len(bad) - len(failed)
    assert ocr.ocr_runs == 0
