"""What extraction produces: raw nodes with exact spans, annex-matrix groups, the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class PageLike(Protocol):
    """A page of text: ``core.models.PageRecord``, or anything with the two fields."""

    page: int
    text: str


@dataclass
class Line:
    page: int
    start: int  # character offset of the line in the page text
    text: str  # stripped
    fold: str  # fold(text)


@dataclass
class RawNode:
    level: str  # "goal" | "strategy" | "measure"
    key: str  # numbering: "1", "3.4.1", "3.4.1.A", "7.3"
    label: str
    title: str
    page: int
    offset: int
    end: tuple[int, int] | None = None  # (page, offset), exclusive
    positional: bool = False  # numbered by position (bullets), not by the document
    explicit: bool = True  # opened by a keyword ("Strategy 3"), not inferred (lettered group)
    children: list[RawNode] = field(default_factory=list)
    # strategy-only bookkeeping while parsing
    candidates: dict[str, list[RawNode]] = field(default_factory=dict)
    text_buffer: list[str] = field(default_factory=list)


@dataclass
class MatrixGroup:
    """One strategy's block of rows in an annex matrix."""

    marker: str  # "Strategy 2", "A. Digital Connectivity"
    number: str | None  # explicit strategy number, when the marker has one
    goal_index: int  # 1-based count of Roman direction markers seen so far (0: none)
    rows: list[tuple[int, tuple[int, int, int, int]]] = field(default_factory=list)
    # (row number, (page, offset, end page, end offset))


@dataclass
class Extraction:
    nodes: list[RawNode]  # top level: goals (or strategies when the document has no goals)
    measure_word: str
    matrix: list[MatrixGroup]
    warnings: list[str]
    page_chars: dict[int, int]
    first_content: dict[int, int]  # offset of the first kept line of each page
    toc_entries: list[tuple[str, str, int | None, str]]  # (level, key, printed page, title)


def walk_raw(nodes: list[RawNode]) -> list[RawNode]:
    """Every node in document order, parents before their children."""
    out: list[RawNode] = []
    for node in nodes:
        out.append(node)
        out.extend(walk_raw(node.children))
    return out

