"""What an answer is: sentences, each carrying citations that resolve to an exact page span."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Citation:
    """[n] in the answer: the exact span ``page_text[start:end] == quote``."""

    id: int
    doc_id: str
    title: str
    page: int
    start: int
    end: int
    quote: str
    language: str
    doc_type: str = ""
    page_label: str | None = None  # the printed page number ("12") when the page has one
    #: the passage the quote was read from (offsets in the page text): what a card shows
    #: around the quote, never the page's running header or footer
    passage_start: int | None = None
    passage_end: int | None = None


@dataclass
class AnswerSentence:
    text: str
    citations: list[int]
    language: str
    #: where it comes from, when the text opens a new source: "<title>, <Strategy 3: ...> (p. 29)"
    source: str | None = None


@dataclass
class Alternate:
    """A sentence in the other language that also answers, with its own exact citation."""

    text: str
    citation: Citation
    language: str


@dataclass
class ClosestDocument:
    doc_id: str
    title: str
    page: int


@dataclass
class Answer:
    question: str
    language: str
    mode: str  # extractive | generative
    found: bool
    answer: str  # sentences joined, each followed by its [n] markers
    sentences: list[AnswerSentence] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    note: str | None = None
    closest_documents: list[ClosestDocument] = field(default_factory=list)
    dropped_sentences: list[str] = field(default_factory=list)  # generative output without valid citations
    #: the same facts in the other language, left out because the question's language leads
    alternates: list[Alternate] = field(default_factory=list)
    took_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
