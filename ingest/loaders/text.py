"""Plain-text loader, plus the byte-reading and decoding helpers every text-based loader shares.

Decoding is strict on purpose: Khmer is UTF-8 (or UTF-16 from Windows tools) in practice, and a
silent latin-1 fallback would index mojibake that no query can ever match. A clear error asking
the user to re-save the file as UTF-8 is more useful than a corrupted index.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from core.errors import DocumentParseError
from core.models import GARBLED_WARNING, Page, ParsedDocument
from ingest.loaders.headlines import is_headline_file, split_headline_file

logger = logging.getLogger(__name__)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
# C0 controls other than tab/newline/carriage return/form feed: text never has many of these.
_CONTROL_RE = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f]")
# Page markers some text extractions of PDFs carry ("[[page 3]]" on a line of its own).
_PAGE_MARKER_RE = re.compile(r"^[ \t]*\[\[page (\d+)\]\][ \t]*$", re.MULTILINE | re.IGNORECASE)

_WORD_RE = re.compile(r"[(\"'“]?(?:[A-Za-z][a-z]+|[A-Z]{2,8}|\d{1,4}(?:[.,]\d+)*)[.,;:)\"'”?!]*")
GARBLED_MIN_TOKENS = 200
GARBLED_MAX_WORD_SHARE = 0.4


def read_bytes(path: Path) -> bytes:
    """Read a file, turning OS errors into DocumentParseError so one bad file never stops a run."""
    try:
        return Path(path).read_bytes()
    except IsADirectoryError as exc:
        raise DocumentParseError(path, "is a directory, not a file") from exc
    except PermissionError as exc:
        raise DocumentParseError(path, "permission denied") from exc
    except FileNotFoundError as exc:
        raise DocumentParseError(path, "file not found") from exc
    except OSError as exc:
        raise DocumentParseError(path, f"cannot read file: {exc.strerror or exc}") from exc


def decode_text(data: bytes, path: Path | str) -> str:
    """Decode UTF-8 (BOM optional) or BOM-marked UTF-16/32; refuse anything else with a clear reason.

    Line endings are normalised to ``\\n`` and a BOM is dropped; nothing else is changed.
    """
    if not data:
        raise DocumentParseError(path, "empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise DocumentParseError(
                    path, f"starts with a {encoding} byte-order mark but is not valid {encoding}"
                ) from exc
            return _check_text(text, path)
    if b"\x00" in data:
        raise DocumentParseError(path, "binary file, not text (contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start]
        raise DocumentParseError(
            path,
            f"not valid UTF-8 text (byte 0x{bad:02x} at offset {exc.start}); save it as UTF-8",
        ) from exc
    return _check_text(text, path)


def _check_text(text: str, path: Path | str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text or len(_CONTROL_RE.findall(text[:65536])) > max(8, len(text[:65536]) // 20):
        raise DocumentParseError(path, "binary file, not text (control characters)")
    if not text.strip():
        raise DocumentParseError(path, "empty file (only whitespace)")
    return text


def split_page_markers(text: str) -> list[Page] | None:
    """Split text carrying ``[[page N]]`` markers into pages, so citations keep the PDF page numbers.

    Only used when the text starts with a marker; returns None otherwise.
    """
    first = _PAGE_MARKER_RE.search(text)
    if first is None or text[: first.start()].strip():
        return None
    markers = list(_PAGE_MARKER_RE.finditer(text))
    pages: list[Page] = []
    for i, marker in enumerate(markers):
        end = markers[i + 1].start() if i + 1 < len(markers) else len(text)
        body = text[marker.end() : end].strip("\n")
        if body.strip():
            pages.append(Page(number=int(marker.group(1)), text=body, method="text"))
    return pages or None


def garbled_warning(text: str) -> str | None:
    """Warn when Latin-script text is mostly non-words: typically Khmer typed in a legacy (Limon)
    font and extracted as ASCII. It cannot be searched meaningfully; the user should re-extract
    it (OCR the PDF) rather than trust the index."""
    tokens = [t for t in text.split() if t.isascii()]
    if len(tokens) < GARBLED_MIN_TOKENS:
        return None
    share = sum(bool(_WORD_RE.fullmatch(t)) for t in tokens) / len(tokens)
    if share >= GARBLED_MAX_WORD_SHARE:
        return None
    return (f"{GARBLED_WARNING}: only {share:.0%} of Latin tokens are words "
            "(legacy-font Khmer or a bad PDF extraction?); OCR the original instead")


def parse_text(text: str, path: Path | str) -> list[ParsedDocument]:
    """Turn decoded text into documents: the seed headline format, page-marked text, or one page."""
    if is_headline_file(text):
        logger.debug("%s: headline file, splitting", path)
        return split_headline_file(text)
    pages = split_page_markers(text)
    if pages is None:
        pages = [Page(number=1, text=text.strip("\n"), method="text")]
    warning = garbled_warning(text)
    if warning:
        logger.warning("%s: %s", path, warning)
    return [ParsedDocument(pages=pages, metadata={}, warnings=[warning] if warning else [])]


def load_text(path: Path) -> list[ParsedDocument]:
    """Loader for ``.txt`` files."""
    return parse_text(decode_text(read_bytes(path), path), path)
