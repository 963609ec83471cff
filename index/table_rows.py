"""Priority-action table rows: a row's text read as its columns (action, responsible bodies,
timeline), and where rows lie in a passage's text without any registry.

A PDF table reaches the text layer as its cells run together ("2022 - 2035\n2 Building
national data center Ministry of Posts and Telecommunications\nMinistry of Economy and
Finance ..."), so a sentence split knows nothing of rows. Answers (``index/evidence.py``) and
alignment (``alignment/table_rows.py``, which locates rows from the registry's annex matrix)
both read a row with :func:`parse_row`; :func:`find_rows` finds rows in a passage by their
shape alone: a line that starts with the next row number, institutions, and a timeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["TableRow", "find_rows", "parse_row"]


@dataclass(frozen=True)
class TableRow:
    """A priority-action row of an annex matrix, read as its columns: a consultant cites
    "action | responsible | timeline", not the row's text run together."""

    number: int
    action: str
    responsible: tuple[str, ...]
    timeline: str

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "action": self.action,
                "responsible": list(self.responsible), "timeline": self.timeline}

    def cells(self) -> str:
        """The row on one line: ``action | responsible; responsible | timeline``."""
        return " | ".join([self.action, "; ".join(self.responsible) or "—", self.timeline or "—"])

    def display(self) -> str:
        """The row as a line of an answer: "Building national data center — responsible:
        Ministry of ...; ... — timeline: 2022–2035"."""
        parts = [self.action]
        if self.responsible:
            parts.append("responsible: " + "; ".join(self.responsible))
        if self.timeline:
            parts.append("timeline: " + _RANGE_DASH.sub("\u2013", self.timeline))
        return " \u2014 ".join(parts)


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


_RANGE_DASH = re.compile(r"\s*[-\u2013]\s*(?=(?:19|20)?[0-9]{2}\b)")
_ROW_START = re.compile(r"^[ \t]*(?P<n>[0-9]{1,3})(?:[ \t]+(?=\S)|[ \t]*$)", re.MULTILINE)
MAX_ROW_CHARS = 1500  # longer "rows" are a page of text that happens to start with a number


def find_rows(text: str) -> list[tuple[int, int, TableRow]]:
    """Rows of a priority-action table in ``text``, as ``(start, end, row)`` with
    ``text[start:end]`` the row from its number to its timeline (trimmed).

    A row starts at a line beginning with a bare number (the next after the previous row's,
    if there was one) and ends at its last timeline line, before the next row's number; it
    counts only when it reads as an action, at least one responsible body and a timeline.
    """
    starts = [m for m in _ROW_START.finditer(text)]
    rows: list[tuple[int, int, TableRow]] = []
    last_number: int | None = None
    for i, match in enumerate(starts):
        number = int(match.group("n"))
        if last_number is not None and number != last_number + 1:
            continue
        limit = len(text)
        for later in starts[i + 1:]:
            if int(later.group("n")) == number + 1:
                limit = later.start()
                break
        span = _row_span(text, match.start(), limit)
        if span is None:
            continue
        start, end = span
        row = parse_row(text[start:end], number)
        if row.action and row.responsible and row.timeline and len(row.action) >= 8:
            rows.append((start, end, row))
            last_number = number
    return rows


def _row_span(text: str, start: int, limit: int) -> tuple[int, int] | None:
    """From the row number to the end of its last timeline line before ``limit``."""
    end = None
    position = start
    for line in text[start:limit].splitlines(keepends=True):
        stripped = line.strip()
        if stripped and position > start and _is_timeline(stripped):
            end = position + len(line.rstrip())
        elif stripped and end is not None:
            break  # the timeline ends the row: what follows is no part of it
        position += len(line)
    if end is None:
        trailing = _TRAILING_YEARS.search(text, start, limit)
        if trailing is None:
            return None
        end = trailing.end()
    while start < end and text[start].isspace():
        start += 1
    if end - start > MAX_ROW_CHARS:
        return None
    return start, end
