"""PdfLoader on real typeset fixtures, real pypdf/poppler/pdfium, and on broken inputs.

No OCR runs here (see test_ocr.py, marked slow): loaders get ``ocr=None`` or an engine whose
language pack does not exist.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from core.errors import DocumentParseError
from core.models import ParsedDocument
from ingest.loaders.ocr import TesseractOcr, page_fingerprint
from ingest.loaders.pdf import PdfLoader, clean_page_text
from tests.support.pdf_fixtures import PDF_FIXTURES, cer, source_pages

HAVE_PDFTOTEXT = shutil.which("pdftotext") is not None


def load(name: str, ocr: TesseractOcr | None = None) -> ParsedDocument:
    (doc,) = PdfLoader(ocr=ocr).load(PDF_FIXTURES / f"{name}.pdf")
    return doc


# -- Khmer ------------------------------------------------------------------------------


def test_shaped_khmer_is_extracted_almost_exactly() -> None:
    doc = load("khmer_shaped")
    sources = source_pages("khmer_shaped")
    assert [p.number for p in doc.pages] == [1, 2]
    limit = 0.02 if HAVE_PDFTOTEXT else 0.05  # pdfium alone misplaces a few subscripts
    for page, source in zip(doc.pages, sources, strict=True):
        assert page.method in {"pdftotext", "pdfium"}
        assert cer(source, page.text) <= limit, (page.number, page.method, page.text)
    if HAVE_PDFTOTEXT:
        assert doc.metadata["extractors"] == {"pdftotext": 2}
    assert doc.metadata["pages_ocr"] == []
    assert doc.warnings == []


def test_raw_pypdf_is_much_worse_so_the_chooser_matters() -> None:
    doc = load("khmer_shaped")
    reader = PdfReader(PDF_FIXTURES / "khmer_shaped.pdf")
    for page, source, raw in zip(doc.pages, source_pages("khmer_shaped"), reader.pages, strict=True):
        raw_cer = cer(source, raw.extract_text())
        assert raw_cer > 0.1
        assert raw_cer > 5 * cer(source, page.text)


def test_loader_keeps_khmer_spacing_and_order_as_extracted() -> None:
    """Cleaning only removes control characters; it must not de-space or reorder Khmer."""
    page = load("khmer_shaped").pages[0]
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", page.text)
    assert "គោលនយោបាយស្ដីពី" in page.text
    if page.method == "pdftotext":
        assert "ឆ្នា ំ២០២៤" in page.text  # the extractor's space inside the cluster is kept
    assert "\r" not in page.text


def test_mixed_khmer_english_page() -> None:
    doc = load("mixed")
    (page,) = doc.pages
    (source,) = source_pages("mixed")
    assert page.method in {"pdftotext", "pdfium"}
    assert cer(source, page.text) <= (0.02 if HAVE_PDFTOTEXT else 0.05)
    assert "Each ministry prepares a quarterly report" in page.text


# -- English and metadata ---------------------------------------------------------------


def test_english_pages_numbers_text_and_metadata() -> None:
    doc = load("english")
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert all(p.method == "pypdf" for p in doc.pages)
    for page, source in zip(doc.pages, source_pages("english"), strict=True):
        assert cer(source, page.text) <= 0.01
    assert "Digital Skills Framework for Public Servants" in doc.pages[0].text
    assert "2. Core Competencies" in doc.pages[1].text
    assert "3. Monitoring and Review" in doc.pages[2].text
    assert "Monitoring" not in doc.pages[1].text
    assert doc.metadata["title"] == "Digital Skills Framework for Public Servants"
    assert doc.metadata["author"] == "PolicyKB test suite"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc.metadata["date"])
    assert doc.metadata["extractors"] == {"pypdf": 3}
    assert doc.metadata["page_count"] == 3
    assert doc.warnings == []
    assert doc.ocr_pages == []


def _with_info(tmp_path: Path, info: dict[str, str]) -> Path:
    writer = PdfWriter(clone_from=str(PDF_FIXTURES / "english.pdf"))
    writer.metadata = None
    writer.add_metadata(info)
    out = tmp_path / "with_info.pdf"
    writer.write(out)
    return out


@pytest.mark.parametrize(
    "junk", ["Microsoft Word - draft_v3.docx", "untitled", "Document1", "៧_Combine", "with_info"]
)
def test_junk_titles_are_dropped(tmp_path: Path, junk: str) -> None:
    path = _with_info(tmp_path, {"/Title": junk, "/Author": "Windows User",
                                 "/CreationDate": "D:20220330181605+07'00'"})
    (doc,) = PdfLoader().load(path)
    assert "title" not in doc.metadata
    assert "author" not in doc.metadata
    assert doc.metadata["date"] == "2022-03-30"


def test_khmer_title_and_bad_date(tmp_path: Path) -> None:
    path = _with_info(tmp_path, {"/Title": "គោលនយោបាយរដ្ឋាភិបាលឌីជីថល", "/CreationDate": "D:20221399"})
    (doc,) = PdfLoader().load(path)
    assert doc.metadata["title"] == "គោលនយោបាយរដ្ឋាភិបាលឌីជីថល"
    assert "date" not in doc.metadata


# -- pages that need OCR, with OCR off ----------------------------------------------------


def test_image_only_page_without_ocr_is_kept_empty_with_a_warning() -> None:
    doc = load("image_only")
    (page,) = doc.pages
    assert page.number == 1 and page.text == ""
    assert doc.warnings == ["page 1: no text layer and OCR is off"]
    assert doc.metadata["pages_ocr"] == []
    assert "title" not in doc.metadata  # Pillow writes the file stem as /Title


def test_legacy_font_page_without_ocr_is_not_indexed() -> None:
    doc = load("legacy_font")
    assert doc.pages[0].text == ""
    assert doc.warnings == ["page 1: text looks like a legacy (non-Unicode) Khmer font and OCR is off"]


def test_unavailable_ocr_engine_is_reported(tmp_path: Path) -> None:
    ocr = TesseractOcr(tmp_path, languages="xx_no_such_lang")
    assert not ocr.available()
    doc = load("image_only", ocr=ocr)
    assert doc.warnings == ["page 1: no text layer and OCR is unavailable"]
    assert ocr.ocr_runs == 0


# -- helpers ---------------------------------------------------------------------------


def test_clean_page_text() -> None:
    assert clean_page_text("a\x00b\r\nc  \r\n\x07d\x85\te \n\n") == "ab\nc\nd\te"
    assert clean_page_text("ឆ្នា ំ  \nក") == "ឆ្នា ំ\nក"  # inner Khmer spacing untouched


def test_page_fingerprint_is_content_based(tmp_path: Path) -> None:
    src = PdfReader(PDF_FIXTURES / "khmer_shaped.pdf")
    writer = PdfWriter()
    writer.add_page(src.pages[1])
    writer.add_page(src.pages[0])
    copy = tmp_path / "reordered.pdf"
    writer.write(copy)
    other = PdfReader(copy)
    assert page_fingerprint(src.pages[0]) == page_fingerprint(other.pages[1])
    assert page_fingerprint(src.pages[1]) == page_fingerprint(other.pages[0])
    assert page_fingerprint(src.pages[0]) != page_fingerprint(src.pages[1])
    english = PdfReader(PDF_FIXTURES / "english.pdf").pages[0]
    assert page_fingerprint(english) != page_fingerprint(src.pages[0])


# -- bad input -------------------------------------------------------------------------


def _encrypted(path: Path, user_password: str) -> None:
    writer = PdfWriter(clone_from=str(PDF_FIXTURES / "english.pdf"))
    writer.encrypt(user_password=user_password, owner_password="owner-secret")
    writer.write(path)


def _cyclic_page_tree(path: Path) -> None:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Pages /Kids [2 0 R] /Parent 2 0 R /Count 1 >>",
    ]
    out, offsets = b"%PDF-1.7\n", []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, obj)
    xref = len(out)
    out += b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    path.write_bytes(out)


BAD_INPUTS = {
    "zero_bytes.pdf": (lambda p: p.write_bytes(b""), "empty file"),
    "junk_bytes.pdf": (lambda p: p.write_bytes(bytes(range(256)) * 20), "not a PDF"),
    "truncated.pdf": (
        lambda p: p.write_bytes((PDF_FIXTURES / "english.pdf").read_bytes()[:9000]),
        "truncated",
    ),
    "truncated_with_eof.pdf": (
        lambda p: p.write_bytes((PDF_FIXTURES / "english.pdf").read_bytes()[:9000] + b"\n%%EOF\n"),
        "corrupt or truncated PDF",
    ),
    "password.pdf": (lambda p: _encrypted(p, "s3cret"), "encrypted PDF: a password is required"),
    "cyclic_pages.pdf": (_cyclic_page_tree, "corrupt"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_inputs_raise_document_parse_error(tmp_path: Path, name: str) -> None:
    make, reason = BAD_INPUTS[name]
    path = tmp_path / name
    make(path)
    with pytest.raises(DocumentParseError) as info:
        PdfLoader().load(path)
    assert name in str(info.value)
    assert reason in info.value.reason


def test_empty_user_password_is_tried(tmp_path: Path) -> None:
    path = tmp_path / "owner_only.pdf"
    _encrypted(path, "")
    (doc,) = PdfLoader().load(path)
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert "Core Competencies" in doc.pages[1].text


def test_page_and_size_limits() -> None:
    path = PDF_FIXTURES / "english.pdf"
    with pytest.raises(DocumentParseError, match=r"english\.pdf: PDF has 3 pages, more than the limit of 2"):
        PdfLoader(max_pages=2).load(path)
    with pytest.raises(DocumentParseError, match=r"english\.pdf: file is \d+ bytes, over the 1000 bytes limit"):
        PdfLoader(max_bytes=1000).load(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentParseError, match="nope.pdf"):
        PdfLoader().load(tmp_path / "nope.pdf")
