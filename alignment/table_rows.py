"""Priority-action table rows as evidence: where each row of a policy's annex matrix lies in
the page text (the registry's matrix extraction found the rows), and a row's columns.

A PDF table reaches the text layer as its cells run together ("2022 - 2035 2 Building national
data center Ministry of Posts and Telecommunications Ministry of Economy and Finance ..."), so a
sentence split knows nothing of rows. Evidence sentences are therefore cut where rows start and
end, and a quote inside a row carries the row read as action | responsible | timeline.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from alignment.types import TableRow

_ROW_NUMBER = re.compile(r"^\s*(?P<n>[0-9]{1,3})\b[ \t]*\n?")
_YEARS = re.compile(r"\b(?:19|20)[0-9]{2}\s*[-–]\s*(?:(?:19|20)?[0-9]{2})\b")
_TRAILING_YEARS = re.compile(r"\s(?:19|20)[0-9]{2}\s*[-–]\s*(?:19|20)?[0-9]{2}\s*$")
_ROMAN_HEADING = re.compile(r"^[IVX]{1,4}\.\s+\S")
_TERM = re.compile(r"^\(?(?:short|medium|long|regularly|implemented|to\b|ongoing|continuous)",
                   re.IGNORECASE)
_STRATEGY_MARKER = re.compile(r"^(?:strategy|strategic objective|programme|program|យុទ្ធសាស្ត្រ)"
                              r"\s*(?:ទី)?\s*[0-9០-៩]+\s*[:.\-–)៖]?", re.IGNORECASE)
_LETTER_MARKER = re.compile(r"^(?:[A-H]|[ក-ង])\s*[.)]\s+\S")
# where the responsible bodies begin: an institution's name ("Committee and digital technology
# companies" in an action is no name; "Committee" / "on Digital Government" is)
_INSTITUTION = re.compile(
    r"(?<![\w-])(?:Ministry\s+of|Ministries\b|(?:Committee|Council)\s+(?:on|for|of)\b|"
    r"National\s+Bank|Non-Banking|Relevant\s+(?:Ministries|Institutions)|"
    r"Sub-National\s+Administration|General\s+Secretariat|Secretariat\s+of|Royal\s+Government|"
    r"Supreme\s+National|Telecommunication\s+Regulator|ក្រសួង|គណៈកម្មាធិការ|ក្រុមប្រឹក្សា)")
# a line that starts another name in the responsible column
_NAME_START = re.compile(r"^(?:Ministry|Ministries|Committee|Council|National Bank|Non-Banking|"
                         r"Relevant|Sub-National|General Secretariat|Secretariat|Royal|Supreme|"
                         r"Telecommunication Regulator|ក្រសួង|គណៈកម្មាធិការ|ក្រុមប្រឹក្សា)")
_COLUMN_WIDTH = 27  # lines of the strategy/description column are never longer


def parse_row(text: str, number: int | None = None) -> TableRow:
    """A matrix row's text (from its number to its last line) as its columns: the strategy
    or group named in its first row is dropped, the phase or term lines are the timeline
    (wherever a page break put them), and the institutions are the responsible bodies."""
    found = _ROW_NUMBER.match(text)
    if found:
        number = int(found.group("n")) if number is None else number
        text = text[found.end():]
    lines = [line.strip() for line in text.splitlines()]
    heading = next((i for i, line in enumerate(lines) if i and _ROMAN_HEADING.match(line)), None)
    lines = lines[:heading]  # the next direction's heading ("II. Building ...") is no cell
    timeline: list[str] = []
    while lines and (not lines[-1] or _is_timeline(lines[-1])):
        line = lines.pop()
        if line:
            timeline.insert(0, line)
    joined = "\n".join(_drop_group_marker([line for line in lines if line]))
    first = _INSTITUTION.search(joined)
    action_text, bodies_text = (joined[:first.start()], joined[first.start():]) if first \
        else (joined, "")
    names: list[str] = []
    for line in bodies_text.splitlines():
        trailing = _TRAILING_YEARS.search(line)
        if _is_timeline(line):
            timeline.append(line)
        elif trailing:  # "Ministry of Post and Telecommunications  2022-2030"
            timeline.append(trailing.group().strip())
            names.append(line[:trailing.start()])
        else:
            names.append(line)
    return TableRow(number or 0, _one_line(action_text), _bodies(names),
                    _one_line("\n".join(timeline)))


def _is_timeline(line: str) -> bool:
    return len(line) <= 30 and bool(_YEARS.search(line) or _TERM.match(line))


def _drop_group_marker(lines: list[str]) -> list[str]:
    """The first row of a group names its strategy in the left column ("Strategy 1:",
    "Building and", "improving digital", ...): narrow lines up to the action's first."""
    if not lines or not (_STRATEGY_MARKER.match(lines[0]) or _LETTER_MARKER.match(lines[0])):
        return lines
    i = 1
    while i < len(lines) - 1 and len(lines[i]) <= _COLUMN_WIDTH:
        i += 1
    return lines[i:]


def _bodies(lines: list[str]) -> tuple[str, ...]:
    """One name per institution: a line that starts with an institution word starts one,
    other lines continue the name above ("Ministry of Post and" / "Telecommunications")."""
    names: list[str] = []
    for line in lines:
        if names and not _NAME_START.match(line):
            names[-1] = _one_line(f"{names[-1]}\n{line}")
        else:
            names.append(line)
    return tuple(_one_line(n) for n in names if n.strip())


def _one_line(text: str) -> str:
    """Lines joined with spaces, words broken at a hyphen rejoined ("sub-" / "national")."""
    return " ".join(re.sub(r"(?<=\w-)\n", "", text).split()).strip(" ,;")


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
