"""Word (.docx) loader: paragraphs and tables in document order, headings as ``#`` lines.

A .docx is a zip archive, so the archive is checked before python-docx opens it: a small upload
must not be able to expand into gigabytes in memory (zip bomb).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile
from itertools import islice
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from core.errors import DocumentParseError
from core.models import Page, ParsedDocument
from ingest.loaders.text import read_bytes

logger = logging.getLogger(__name__)

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECK_MIN_BYTES = 1024 * 1024  # small XML parts compress very well and are harmless
MAX_MEMBERS = 10_000
#: One XML part parsed into an lxml tree: ~1.2 s and up to ~20x its size in memory per MB of
#: dense markup, so a part this large is refused before parsing (a 1,000-page report is ~10 MB).
MAX_XML_PART_BYTES = 32 * 1024 * 1024
#: Paragraphs plus table cells: python-docx costs ~20-80 us each (a ~4,000-page document).
MAX_BLOCKS = 100_000
_HEADING_RE = re.compile(r"^heading\s*([1-9])$", re.I)
# python-docx's default template: such values say nothing about the document itself.
_TEMPLATE_AUTHOR = "python-docx"
_TEMPLATE_CREATED = dt.datetime(2013, 12, 23, 23, 15)


def check_zip(data: bytes, path: Path | str, max_bytes: int = MAX_UNCOMPRESSED_BYTES) -> None:
    """Refuse corrupt archives and zip bombs, judging only by the archive's directory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise DocumentParseError(path, f"corrupt .docx (not a valid zip archive): {exc}") from exc
    if len(members) > MAX_MEMBERS:
        raise DocumentParseError(path, f"refusing a zip bomb: {len(members)} archive members")
    total = sum(m.file_size for m in members)
    if total > max_bytes:
        raise DocumentParseError(
            path,
            f"refusing a zip bomb: {total / 2**20:.0f} MB uncompressed "
            f"(limit {max_bytes / 2**20:.0f} MB)",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= RATIO_CHECK_MIN_BYTES and ratio > MAX_RATIO:
            raise DocumentParseError(
                path, f"refusing a zip bomb: {member.filename} expands {ratio:.0f}x"
            )
    for member in members:
        if member.filename.endswith((".xml", ".rels")) and member.file_size > MAX_XML_PART_BYTES:
            raise DocumentParseError(
                path,
                f"too large to parse: {member.filename} is {member.file_size / 2**20:.0f} MB of "
                f"XML (limit {MAX_XML_PART_BYTES / 2**20:.0f} MB); split the document",
            )
    if "word/document.xml" not in {m.filename for m in members}:
        raise DocumentParseError(path, "not a Word document (no word/document.xml in the archive)")


class _StyleNames:
    """Paragraph style names from a table built once per document.

    python-docx's ``paragraph.style`` scans every style of the document for the default on each
    unstyled paragraph (about 2 ms each): a 1.5 MB .docx of short paragraphs took 4.5 minutes.
    """

    def __init__(self, document: DocxDocument) -> None:
        self.names: dict[str, str] = {}
        self.default = ""
        try:
            for style in document.styles:
                if style.style_id:
                    self.names[style.style_id] = style.name or ""
            default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
            self.default = default.name or "" if default is not None else ""
        except (KeyError, ValueError, AttributeError):  # a damaged styles part: no headings
            pass

    def of(self, paragraph: Paragraph) -> str:
        style_id = paragraph._p.style
        return self.names.get(style_id, "") if style_id else self.default


def _paragraph_line(paragraph: Paragraph, styles: _StyleNames) -> str:
    text = paragraph.text.strip()
    if not text:
        return ""
    style = styles.of(paragraph)
    if style == "Title":
        return f"# {text}"
    match = _HEADING_RE.match(style)
    if match:
        return f"{'#' * min(int(match.group(1)), 6)} {text}"
    return text


def _table_lines(table: Table) -> list[str]:
    """One line per row, each cell once: read from the XML, not ``row.cells``.

    ``row.cells`` repeats a cell once per grid column it spans (a hostile ``gridSpan`` of 10^8
    is 10^8 iterations) and finds a vertically merged cell's text by recursing up one row at a
    time (quadratic, and a RecursionError past ~1,000 rows). Here a spanning cell is one cell
    and a ``vMerge="continue"`` cell is skipped: its text was already given in the row above.
    """
    lines: list[str] = []
    for tr in table._tbl.tr_lst:
        cells = [" ".join(_Cell(tc, table).text.split())
                 for tc in tr.tc_lst if tc.vMerge != "continue"]
        if any(cells):
            lines.append(" | ".join(cells))
    return lines


def _core_metadata(document: DocxDocument) -> dict[str, Any]:
    props = document.core_properties
    meta: dict[str, Any] = {}
    if props.title and props.title.strip():
        meta["title"] = props.title.strip()
    if props.author and props.author.strip() and props.author != _TEMPLATE_AUTHOR:
        meta["author"] = props.author.strip()
    created = props.created
    if created is not None and created.replace(tzinfo=None) != _TEMPLATE_CREATED:
        meta["date"] = created.date().isoformat()
    return meta


def bounded_archive(data: bytes, path: Path | str) -> bytes:
    """The archive re-packed (stored) with every member read no further than its declared size.

    ``zipfile``'s ``read()`` inflates a member's whole compressed stream in one call and only
    then cuts it to the declared size, so a member that declares 4 KB but inflates to 1 GB cost
    2.1 GB of memory inside python-docx. ``read(n)`` inflates at most ``n`` bytes per call.
    Word writes only stored and deflated members; bzip2/LZMA would be inflated unbounded.
    """
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source, \
                zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
            for info in source.infolist():
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise DocumentParseError(
                        path, f"{info.filename}: compression method {info.compress_type} is not "
                              "used by Word (a zip bomb?)")
                if info.is_dir():
                    continue
                with source.open(info) as member:
                    target.writestr(info.filename, member.read(info.file_size))
    except DocumentParseError:
        raise
    except Exception as exc:  # BadZipFile (bad CRC), zlib.error, EOFError on damaged members
        raise DocumentParseError(path, f"corrupt .docx: {type(exc).__name__}: {exc}") from exc
    return out.getvalue()


def _check_block_count(document: DocxDocument, path: Path | str) -> None:
    """Count paragraphs and cells in C (lxml) and stop counting at the limit."""
    body = document.element.body
    found = sum(1 for _ in islice(body.iter(qn("w:p"), qn("w:tc")), MAX_BLOCKS + 1))
    if found > MAX_BLOCKS:
        raise DocumentParseError(
            path, f"too large to parse: more than {MAX_BLOCKS:,} paragraphs and table cells; "
                  "split the document")


def parse_docx(data: bytes, path: Path | str) -> ParsedDocument:
    """One document from the bytes of a .docx file (after the zip checks)."""
    check_zip(data, path)
    data = bounded_archive(data, path)
    try:
        document = docx.Document(io.BytesIO(data))
        _check_block_count(document, path)
        styles = _StyleNames(document)
        blocks: list[str] = []
        for item in document.iter_inner_content():
            if isinstance(item, Paragraph):
                line = _paragraph_line(item, styles)
                if line:
                    blocks.append(line)
            elif isinstance(item, Table):
                rows = _table_lines(item)
                if rows:
                    blocks.append("\n".join(rows))
        meta = _core_metadata(document)
    except DocumentParseError:
        raise
    except Exception as exc:  # python-docx raises KeyError, lxml errors, ValueError... on bad parts
        raise DocumentParseError(path, f"corrupt .docx: {type(exc).__name__}: {exc}") from exc
    text = "\n\n".join(blocks)
    if not text.strip():
        raise DocumentParseError(path, "the Word document has no text")
    return ParsedDocument(pages=[Page(number=1, text=text, method="docx")], metadata=meta)


def load_docx(path: Path) -> list[ParsedDocument]:
    """Loader for ``.docx`` files."""
    return [parse_docx(read_bytes(path), path)]
