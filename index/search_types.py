"""What a search takes and returns, independent of HTTP or the CLI."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class SearchFilters:
    languages: list[str] | None = None  # chunk language: km, en, mixed
    doc_types: list[str] | None = None
    issuing_bodies: list[str] | None = None
    date_from: str | None = None  # ISO date or year, inclusive
    date_to: str | None = None
    doc_ids: list[str] | None = None
    exclude_doc_ids: list[str] | None = None
    countries: list[str] | None = None  # jurisdiction codes; unknown-country documents never match
    #: the collections the caller may read (``Access.as_filter()``): None every collection, an
    #: empty list none (no hits, never an error). Unlike the others it is an allowance, not a
    #: choice: it is always applied, and a caller's own wish may only narrow it.
    collections: list[str] | None = None

    def is_empty(self) -> bool:
        return self.collections is None and not any(asdict(self).values())


@dataclass
class ScoreBreakdown:
    fused: float
    sparse: float | None = None
    sparse_rank: int | None = None
    dense: float | None = None
    dense_rank: int | None = None
    rerank: float | None = None


@dataclass
class Twin:
    """A passage that says the same thing in another document (often the other language)."""

    doc_id: str
    chunk_id: str
    title: str
    language: str
    page: int
    snippet: str


@dataclass
class Hit:
    chunk_id: str
    doc_id: str
    title: str
    doc_type: str
    language: str
    doc_language: str
    date: str | None
    issuing_body: str | None
    page: int
    start: int
    end: int
    heading: str
    text: str
    snippet: str
    highlights: list[tuple[int, int]]  # character spans inside ``snippet``
    scores: ScoreBreakdown
    twins: list[Twin] = field(default_factory=list)
    more_in_document: int = 0
    twin_key: str = ""  # the doc id with its language marker wildcarded (grouping only)
    country: str | None = None  # the document's jurisdiction code (KH, SG, IN-KL)
    country_name: str | None = None
    page_label: str | None = None  # the page number printed on the page ("12", "iv")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchResponse:
    query: str
    language: str
    expansions: list[str]
    hits: list[Hit]
    took_ms: float
    dense_used: bool = True
    glossary_coverage: float = 0.0  # share of the question the glossary carried across

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
