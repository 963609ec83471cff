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
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.loaders.text import read_bytes
from policykb.errors import DocumentParseError
from policykb.models import Page, ParsedDocument

logger = logging.getLogger(__name__)

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECK_MIN_BYTES = 1024 * 1024  # small XML parts compress very well and are harmless
MAX_MEMBERS = 10_000
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
    if "word/document.xml" not in {m.filename for m in members}:
        raise DocumentParseError(path, "not a Word document (no word/document.xml in the archive)")


def _style_name(paragraph: Paragraph) -> str:
    try:
        return paragraph.style.name if paragraph.style is not None else ""
    except (KeyError, ValueError, AttributeError):
        return ""


def _paragraph_line(paragraph: Paragraph) -> str:
    text = paragraph.text.strip()
    if not text:
        return ""
    style = _style_name(paragraph)
    if style == "Title":
        return f"# {text}"
    match = _HEADING_RE.match(style)
    if match:
        return f"{'#' * min(int(match.group(1)), 6)} {text}"
    return text


def _table_lines(table: Table) -> list[str]:
    lines: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        previous: Any = None
        for cell in row.cells:
            if cell._tc is previous:  # a merged cell appears once per grid column
                continue
            previous = cell._tc
            cells.append(" ".join(cell.text.split()))
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


def parse_docx(data: bytes, path: Path | str) -> ParsedDocument:
    """One document from the bytes of a .docx file (after the zip checks)."""
    check_zip(data, path)
    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[str] = []
        for item in document.iter_inner_content():
            if isinstance(item, Paragraph):
                line = _paragraph_line(item)
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
