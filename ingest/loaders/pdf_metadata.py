"""Title, author and date from a PDF's document info, without the generator's junk values.

"Microsoft Word - draft.docx", "admin" and "D:20221345" say nothing about the document;
inferred metadata (``ingest.metadata``) does better than those.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from ingest.loaders.pdf_clean import CONTROL_RE

logger = logging.getLogger(__name__)

_JUNK_TITLE_RE = re.compile(
    r"^(untitled|document\d*|title|slide \d+|powerpoint presentation|"
    r"microsoft (word|powerpoint|excel)\b.*|\S*_\S*)$|\.(docx?|pdf|odt|rtf|indd|xlsx?|pptx?)$",
    re.IGNORECASE,
)
_JUNK_AUTHORS = {"user", "admin", "administrator", "windows user", "owner", "microsoft office user",
                 "unknown", "author", "pc", "hp", "dell", "lenovo", "asus", "acer"}
_PDF_DATE_RE = re.compile(r"^(?:D:)?(\d{4})(\d{2})(\d{2})")


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
    return " ".join(CONTROL_RE.sub("", str(value)).split())
