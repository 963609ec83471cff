"""The input limits the README lists that no other test reaches: the DOCX member count, XML part
size, compression method and paragraph-plus-cell count; a PDF page too large for pypdf read by
poppler instead; the PDF child processes' timeout and output cap; UTF-32 byte-order marks.

Every file is built here (python-docx, zipfile, a hand-assembled PDF); the real loaders, the
real pdftotext and PDFium read them.
"""

from __future__ import annotations

import io
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest

from core.errors import DocumentParseError
from ingest.jobs import process_start
from ingest.loaders import docx as docx_loader
from ingest.loaders import pdf_child, pdf_tools
from ingest.loaders.dispatch import default_loaders
from ingest.loaders.pdf import PdfLoader
from ingest.loaders.pdf_content import PAGE_PYPDF_BYTES
from tests.support.hostile import assemble_pdf, text_pdf_bytes

TEXT = "The ministry will publish the budget of every commune online each quarter."


def docx_parts(paragraphs: int = 1) -> dict[str, bytes]:
    """The parts of a real .docx written by python-docx."""
    document = docx.Document()
    for n in range(paragraphs):
        document.add_paragraph(f"{TEXT} ({n})")
    out = io.BytesIO()
    document.save(out)
    with zipfile.ZipFile(out) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_docx(path: Path, parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED,
               stored: tuple[str, ...] = ()) -> Path:
    """A .docx of ``parts``, each compressed with ``method`` (``stored`` ones uncompressed)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if name in stored
                             else method)
    return path


def with_body(parts: dict[str, bytes], body: str) -> dict[str, bytes]:
    """``parts`` with ``body`` (WordprocessingML) put at the start of the document body."""
    xml = parts["word/document.xml"].decode().replace("<w:body>", "<w:body>" + body, 1)
    return {**parts, "word/document.xml": xml.encode()}


def load(path: Path):
    return default_loaders().load(path)


# -- DOCX ---------------------------------------------------------------------------------------


def test_a_docx_that_reads_is_indexed_as_the_control(tmp_path: Path) -> None:
    (doc,) = load(write_docx(tmp_path / "fine.docx", docx_parts(3)))
    assert f"{TEXT} (2)" in doc.text


def test_docx_with_more_members_than_the_limit_is_refused(tmp_path: Path) -> None:
    parts = docx_parts()
    padding = {f"padding/part{n}.xml": b"<a/>"
               for n in range(docx_loader.MAX_MEMBERS + 1 - len(parts))}
    path = write_docx(tmp_path / "members.docx", {**parts, **padding})
    with pytest.raises(DocumentParseError,
                       match=rf"refusing a zip bomb: {docx_loader.MAX_MEMBERS + 1} archive members"):
        load(path)
    # one member fewer is an ordinary (if odd) document
    del padding[next(iter(padding))]
    (doc,) = load(write_docx(tmp_path / "at_limit.docx", {**parts, **padding}))
    assert TEXT in doc.text


def test_docx_xml_part_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    paragraph = f"<w:p><w:r><w:t>{TEXT * 10}</w:t></w:r></w:p>"
    count = docx_loader.MAX_XML_PART_BYTES // len(paragraph) + 1  # ~44,000: under MAX_BLOCKS
    assert count < docx_loader.MAX_BLOCKS
    parts = with_body(docx_parts(), paragraph * count)
    size = len(parts["word/document.xml"])
    assert size > docx_loader.MAX_XML_PART_BYTES
    # stored, not deflated: an honest 1:1 member, so no zip-bomb ratio check can stop it first
    path = write_docx(tmp_path / "huge_xml.docx", parts, stored=("word/document.xml",))
    started = time.monotonic()
    with pytest.raises(DocumentParseError,
                       match=rf"too large to parse: word/document.xml is {size // 2**20} MB of "
                             r"XML \(limit 32 MB\); split the document"):
        load(path)
    assert time.monotonic() - started < 5  # refused from the directory, not after parsing


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA], ids=["bzip2", "lzma"])
def test_docx_members_compressed_in_a_way_word_never_uses_are_refused(
        tmp_path: Path, method: int) -> None:
    path = write_docx(tmp_path / "odd.docx", docx_parts(), method=method)
    with zipfile.ZipFile(path) as archive:  # a valid archive python itself reads
        assert TEXT.encode() in archive.read("word/document.xml")
    with pytest.raises(DocumentParseError,
                       match=rf"compression method {method} is not used by Word"):
        load(path)


def test_docx_table_cells_count_toward_the_block_limit(tmp_path: Path) -> None:
    """60,000 one-paragraph cells: 60,000 paragraphs alone are under the 100,000 limit, the
    cells with them are over it."""
    columns, rows = 100, 600
    cell = "<w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>"
    grid = "<w:tblGrid>" + "<w:gridCol/>" * columns + "</w:tblGrid>"
    table = f"<w:tbl>{grid}" + f"<w:tr>{cell * columns}</w:tr>" * rows + "</w:tbl>"
    assert columns * rows < docx_loader.MAX_BLOCKS < 2 * columns * rows
    parts = with_body(docx_parts(), table)
    path = write_docx(tmp_path / "cells.docx", parts, stored=("word/document.xml",))
    with pytest.raises(DocumentParseError,
                       match=r"too large to parse: more than 100,000 paragraphs and table cells"):
        load(path)
    # half the rows: 30,000 cells and their paragraphs are read, each cell once
    half = with_body(docx_parts(), f"<w:tbl>{grid}" + f"<w:tr>{cell * columns}</w:tr>" * 300
                     + "</w:tbl>")
    (doc,) = load(write_docx(tmp_path / "half.docx", half, stored=("word/document.xml",)))
    assert doc.text.count(" | ".join(["x"] * columns)) == 300


# -- PDF ----------------------------------------------------------------------------------------


def big_page_pdf(path: Path) -> Path:
    """Page 1: one line of text and over 1 MB of content-stream comments (too much for pypdf);
    page 2: an ordinary line."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    line = b"BT /F1 11 Tf 72 720 Td (%s) Tj ET\n"
    padding = b"% " + b"p" * 98 + b"\n"
    big = line % b"Tide gauges along the Koh Kong coast report every hour to the ministry." + (
        padding * (11 * 2**20 // 10 // len(padding)))  # 1.1 MiB
    assert len(big) > PAGE_PYPDF_BYTES
    small = line % b"Page two is small and pypdf reads it."
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>"]
    for contents in (5, 6):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
                       b"<< /Font << /F1 7 0 R >> >> /Contents %d 0 R >>" % contents)
    for content in (big, small):
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    objects.append(font)
    path.write_bytes(assemble_pdf(objects))
    return path


def test_a_page_too_large_for_pypdf_is_read_by_poppler(tmp_path: Path) -> None:
    path = big_page_pdf(tmp_path / "big_page.pdf")
    started = time.monotonic()
    (doc,) = PdfLoader().load(path)
    assert time.monotonic() - started < 15
    first, second = doc.pages
    assert first.method == "pdftotext" and second.method == "pypdf"
    assert "Tide gauges along the Koh Kong coast report every hour" in first.text
    assert "Page two is small" in second.text
    assert doc.warnings == ["page 1: too much page content for pypdf; read by pdftotext/pdfium only"]
    assert doc.metadata["extractors"] == {"pdftotext": 1, "pypdf": 1}


def test_a_child_extractor_that_runs_too_long_is_killed(tmp_path: Path) -> None:
    """The real child launcher (``pdf_child.py``) running a tool that never finishes."""
    pid_file = tmp_path / "pid"
    script = (f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); "
              "time.sleep(120)")
    command = [sys.executable, "-I", pdf_child.__file__, str(pdf_tools.TOOL_MEMORY_BYTES),
               str(pdf_tools.MAX_TEXT_BYTES), "exec", sys.executable, "-c", script]
    started = time.monotonic()
    assert pdf_tools.run_bounded(command, 2.0, "a stuck extractor") is None
    assert time.monotonic() - started < 10
    pid = int(pid_file.read_text())
    assert process_start(pid) is None  # killed and reaped, not left running
    assert pdf_tools.tool_timeout(100) == 35.0  # 15 s + 0.2 s a page


@pytest.mark.parametrize("extractor", ["pdftotext", "pdfium"])
def test_a_child_extractor_writing_past_the_output_cap_gives_no_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extractor: str) -> None:
    """Over the cap the second opinion is dropped whole, never returned cut short (a one-page
    document has no later page whose missing form feed would give the cut away)."""
    path = tmp_path / "long.pdf"
    path.write_bytes(text_pdf_bytes(pages=1, lines_per_page=50))  # ~5 KB of text
    read = pdf_tools.pdftotext_pages if extractor == "pdftotext" else pdf_tools.pdfium_pages
    (full,) = read(path, 1)
    assert full and "Page 1 line 49" in full
    monkeypatch.setattr(pdf_tools, "MAX_TEXT_BYTES", 2048)
    assert read(path, 1) is None


# -- text ---------------------------------------------------------------------------------------

KM_EN = "ក្រសួងប្រៃសណីយ៍ និងទូរគមនាគមន៍\nThe ministry will train civil servants.\n"


@pytest.mark.parametrize("encoding,bom", [("utf-32-le", b"\xff\xfe\x00\x00"),
                                          ("utf-32-be", b"\x00\x00\xfe\xff")])
@pytest.mark.parametrize("name", ["note.txt", "note.md"])
def test_utf32_with_a_byte_order_mark_is_read(tmp_path: Path, encoding: str, bom: bytes,
                                               name: str) -> None:
    path = tmp_path / name
    path.write_bytes(bom + KM_EN.encode(encoding))
    (doc,) = load(path)
    assert doc.text.strip() == KM_EN.strip()


def test_utf32_bom_followed_by_invalid_utf32_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes(b"\xff\xfe\x00\x00" + "ok".encode("utf-32-le") + b"\x00\x00\x11\x00")
    with pytest.raises(DocumentParseError,
                       match="starts with a utf-32-le byte-order mark but is not valid utf-32-le"):
        load(path)
