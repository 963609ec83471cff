"""Plain data models shared by loaders, the chunker, the index and the API.

Loaders produce ``ParsedDocument`` objects (pages of original text plus metadata); the chunker
turns them into llama-index ``TextNode`` objects. Original text is kept verbatim everywhere:
only the search key derived from it is normalised.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from core.access import DEFAULT_COLLECTION


class DocType(StrEnum):
    POLICY = "policy"
    LAW = "law_regulation"
    MEETING = "meeting_record"
    NEWS = "news"
    PLAN = "plan_draft"
    OTHER = "other"


class Language(StrEnum):
    KHMER = "km"
    ENGLISH = "en"
    MIXED = "mixed"
    OTHER = "other"


@dataclass
class Page:
    """One page of a document (non-paginated formats have a single page 1)."""

    number: int
    text: str
    #: which extractor produced the text: "pypdf", "pdftotext", "pdfium", "ocr", "text", ...
    method: str = "text"
    #: the page number printed on the page ("12", "iv") or from the PDF's /PageLabels
    label: str | None = None


#: How a loader's warning about unreadable text starts (``ingest/loaders/text.py``).
GARBLED_WARNING = "text looks garbled"


@dataclass
class ParsedDocument:
    """What a loader returns for one logical document.

    ``suffix`` distinguishes several documents read from one file (the seed headline format
    yields one record per headline): the document id is the file's relative path plus suffix.
    ``metadata`` holds what the loader could read from the file itself (title, date, author,
    language, doc_type, issuing_body, period); the metadata module fills in the rest.
    """

    pages: list[Page]
    metadata: dict[str, Any] = field(default_factory=dict)
    suffix: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return pages_text(self.pages)

    @property
    def ocr_pages(self) -> list[int]:
        return [p.number for p in self.pages if p.method == "ocr"]

    @property
    def unreadable(self) -> bool:
        """Whether the loader found the text garbled (legacy-font Khmer extracted as Latin
        symbols): nothing in it can be read, searched or quoted, so the title stands in."""
        return any(w.startswith(GARBLED_WARNING) for w in self.warnings)


# -- what the catalog stores -------------------------------------------------------------


@dataclass
class DocumentRecord:
    doc_id: str
    source: str
    root: str
    file_hash: str
    title: str
    doc_type: str
    language: str
    issuing_body: str | None = None
    date: str | None = None
    period: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    n_pages: int = 0
    n_chunks: int = 0
    ocr_pages: list[int] = field(default_factory=list)
    ingested_at: float = 0.0
    #: who may read it (``core/access.py``); an index written before collections holds only public
    collection: str = DEFAULT_COLLECTION
    version: int = 1  # 1 at the first ingest, +1 each time its content changes (index/versions.py)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class PageRecord:
    doc_id: str
    page: int
    text: str
    method: str
    label: str | None = None  # the printed page label, when known


@dataclass
class ChunkRecord:
    chunk_id: str
    doc_id: str
    ordinal: int
    page: int
    start: int
    end: int
    heading: str
    language: str
    text: str
    search_key: str


def pages_text(pages: Iterable[Page | PageRecord]) -> str:
    """A document's whole text: its pages in order, a blank line between them (what
    whole-document readers such as alignment and related-passage search see)."""
    return "\n\n".join(p.text for p in pages)
