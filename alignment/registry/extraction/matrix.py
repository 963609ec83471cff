"""Annex matrices ("Appendix 1: Priority Actions List", "ANNEX 1. MATRIX OF POLICY MEASURES"):
numbered rows grouped under their strategy markers, for the registry to compare with the text."""

from __future__ import annotations

from alignment.registry.extraction.headings import display_keyword
from alignment.registry.extraction.patterns import (
    ANNEX,
    KEYWORD_HEADING,
    KEYWORDS,
    LETTERED,
    MATRIX_TITLE,
    ROMAN_LINE,
    ROW,
    fold,
    num_key,
    to_int,
)
from alignment.registry.extraction.raw import Line, MatrixGroup


def parse_matrices(lines: list[Line]) -> list[MatrixGroup]:
    """Numbered rows of annex matrices, grouped under their strategy markers."""
    groups: list[MatrixGroup] = []
    region: str | None = None
    last_row = 0
    goal_index = 0
    last_roman = 0
    row_lines = 0
    row_start: tuple[int, int] | None = None
    row_number = 0
    last_content: tuple[int, int] = (0, 0)
    row_lines = 0

    def close_row(end: tuple[int, int]) -> None:
        if row_start is not None and groups:
            groups[-1].rows.append((row_number, (*row_start, *end)))

    for line in lines:
        annex = ANNEX.match(line.text)
        if annex and len(line.text.split()) <= 25:
            ident = annex.group("kw").lower().rstrip("s") + (annex.group("num") or "").upper()
            if region is not None and ident == region:
                continue  # the same annex named again (a repeated heading)
            close_row(last_content)
            row_start = None
            region = ident if MATRIX_TITLE.search(annex.group("title") or "") else None
            last_row, goal_index, last_roman = 0, 0, 0
            continue
        if region is None:
            continue
        text = line.text
        roman = ROMAN_LINE.match(text)
        if roman and to_int(roman.group("roman")) == last_roman + 1:
            last_roman += 1
            goal_index = last_roman
            continue
        row = ROW.match(text)
        if row and int(row.group("n")) == last_row + 1:
            close_row(last_content)  # a row ends with its last line, not at the next row
            last_row = row_number = int(row.group("n"))
            row_start = (line.page, line.start)
            row_lines = 0
            rest = row.group("rest") or ""
            if rest:
                _open_group(rest, groups, goal_index)
            last_content = (line.page, line.start + len(text))
            continue
        if row_start is not None:
            row_lines += 1
            # a marker in the row's first line opens a group that owns this row: rows are
            # only appended to a group when the next row starts
            if row_lines == 1 and _open_group(text, groups, goal_index):
                last_content = (line.page, line.start + len(text))
                continue
        last_content = (line.page, line.start + len(text))
    if row_start is not None:
        close_row(last_content)
    return [g for g in groups if g.rows]


def _open_group(text: str, groups: list[MatrixGroup], goal_index: int) -> bool:
    kw = KEYWORD_HEADING.match(fold(text))
    number: str | None = None
    marker: str | None = None
    if kw and KEYWORDS[kw.group("kw").lower()] == "strategy":
        number = num_key(kw.group("num"))
        marker = f"{display_keyword(kw.group('kw'))} {kw.group('num')}"
    else:
        lettered = LETTERED.match(text)
        if lettered:
            marker = text
    if marker is None:
        return False
    groups.append(MatrixGroup(marker, number, goal_index))
    return True
