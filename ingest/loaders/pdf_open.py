"""Opening a PDF safely: size and marker checks, the page-count bound and the pages pypdf may read.

Hostile files are refused here, before anything interprets page content: the page tree is
bounded before it is walked, every page's content is measured first (``pdf_content``) and
pypdf's decompression limits refuse the whole file.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, LimitReachedError

from core.errors import DocumentParseError
from ingest.loaders.pdf_content import PAGE_PYPDF_BYTES, ContentBomb, document_cap, pypdf_budget
from ingest.loaders.pdf_content import measure as content_sizes

logger = logging.getLogger(__name__)


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
        raise DocumentParseError(path, f"file is {size_text(size)}, over the {size_text(max_bytes)} limit")
    if b"%PDF-" not in head:
        raise DocumentParseError(path, "not a PDF file (no %PDF- header)")
    if b"%%EOF" not in tail:
        raise DocumentParseError(path, "truncated PDF (no %%EOF end marker)")


def size_text(n: int) -> str:
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


def in_chain(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
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
    limit = in_chain(exc, LimitReachedError)
    if limit is not None:
        return f"refusing a PDF bomb: {limit}"
    if in_chain(exc, RecursionError) is not None:
        return f"{what}: objects nested too deeply to parse (RecursionError)"
    return f"{what}: {type(exc).__name__}: {exc}"


def pages_for_pypdf(reader: PdfReader, path: Path) -> set[int]:
    """The pages pypdf may read; refuses documents whose content expands like a bomb."""
    file_bytes = path.stat().st_size
    try:
        sizes = content_sizes(reader, document_cap(file_bytes))
    except ContentBomb as exc:
        raise DocumentParseError(path, f"refusing a PDF bomb: {exc} (the file is {size_text(file_bytes)})") from exc
    except (Exception, RecursionError) as exc:
        raise DocumentParseError(path, describe_failure(exc, "corrupt PDF")) from exc
    if sum(sizes) > pypdf_budget(file_bytes):
        logger.warning("%s: %.0f MB of page content from a %s file: read by pdftotext/pdfium only",
                       path, sum(sizes) / 2**20, size_text(file_bytes))
        return set()
    return {n for n, size in enumerate(sizes, 1) if size <= PAGE_PYPDF_BYTES}
