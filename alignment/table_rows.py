"""Priority-action table rows as alignment evidence: where each row of a policy's annex
matrix lies in the page text (the registry's matrix extraction found the rows).

A row's text is read as action | responsible | timeline by ``index.table_rows.parse_row``,
which answers use too; evidence sentences are cut where rows start and end, and a quote
inside a row carries the row's columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from index.table_rows import TableRow, parse_row

__all__ = ["RowIndex", "RowPart", "TableRow", "parse_row"]

@dataclass(frozen=True)
class RowPart:
    """A row's part of one page: where it lies (``text == page text[start:end]``)."""

    row: TableRow
    start: int
    end: int
    text: str


class RowIndex:
    """The annex-matrix rows of a registry's policies, located in the page text.

    ``pages_of(doc_id)`` gives a document's pages (``Catalog.pages_of``); they are read once
    per document, when a quote from it is first looked up.
    """

    def __init__(self, policies: Sequence[Any], pages_of: Callable[[str], Sequence[Any]]) -> None:
        self._policies = {p.doc_id: p for p in policies if p.doc_id and p.matrix}
        self._pages_of = pages_of
        # doc -> page -> [(start, end, row number, row id)], and row id -> its parsed row
        self._parts: dict[str, dict[int, list[tuple[int, int, int, int]]]] = {}
        self._rows: dict[str, list[TableRow]] = {}
        self._texts: dict[str, dict[int, str]] = {}

    def cuts(self, doc_id: str, page: int, lo: int, hi: int) -> list[int]:
        """Offsets strictly between ``lo`` and ``hi`` of the page where a row starts or ends."""
        points = {p for start, end, _, _ in self._page(doc_id, page) for p in (start, end)}
        return sorted(p for p in points if lo < p < hi)

    def row_at(self, doc_id: str, page: int, start: int, end: int) -> RowPart | None:
        """The row holding the span ``[start, end)`` of the page, if one holds it whole, with
        its part of the page (offsets and text: an exact span to quote)."""
        for r_start, r_end, _, row_id in self._page(doc_id, page):
            if r_start <= start and end <= r_end:
                text = self._texts[doc_id].get(page, "")[r_start:r_end]
                # the part without the blank lines around it
                lead = len(text) - len(text.lstrip())
                return RowPart(self._rows[doc_id][row_id], r_start + lead,
                               r_start + len(text.rstrip()), text.strip())
        return None

    def _page(self, doc_id: str, page: int) -> list[tuple[int, int, int, int]]:
        if doc_id not in self._policies:
            return []
        if doc_id not in self._parts:
            self._index(doc_id)
        return self._parts[doc_id].get(page, [])

    def _index(self, doc_id: str) -> None:
        policy = self._policies[doc_id]
        texts = {p.page: p.text for p in self._pages_of(doc_id)}
        parts: dict[int, list[tuple[int, int, int, int]]] = {}
        rows: list[TableRow] = []
        for group in policy.matrix:
            for number, (p0, o0, p1, o1) in group.rows:
                pieces = []
                for page in range(p0, p1 + 1):
                    text = texts.get(page, "")
                    start = o0 if page == p0 else policy.first_content.get(page, 0)
                    end = min(o1, len(text)) if page == p1 else len(text)
                    if start < end:
                        parts.setdefault(page, []).append((start, end, number, len(rows)))
                        pieces.append(text[start:end])
                rows.append(parse_row("\n".join(pieces), number))
        self._parts[doc_id] = parts
        self._rows[doc_id] = rows
        self._texts[doc_id] = {page: texts[page] for page in parts}
