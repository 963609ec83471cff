"""Page furniture: running titles, repeated header/footer lines and bare page numbers.

A printed policy repeats its title, its section name and its page number at the top or bottom
of every page. Left in, they end up inside passages ("...boost GDP by C A M B O D I A  D I G I T
A L ... 45 about"), start false headings and crowd the embedding. They are found the way a reader
spots them: a line at the same distance from the page edge whose number follows the page
position ("Page 8", "- 12 -", "S U M M A R Y    x"), or a line repeated word for word at that
place on most pages. The stored page text keeps them (quotes and offsets stay exact
spans of what the page says); the chunker skips their spans.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.khmer.script import DIGITS_TO_ASCII

#: How many non-blank lines at each edge of a page can be furniture.
EDGE_LINES = 3
#: A page number must track the page position on at least this many pages.
MIN_PAGES = 3
#: A line without a page number must repeat on at least this share of the pages.
TITLE_SHARE = 0.5
#: Furniture is short; a long repeated line is content (a repeated table caption, say).
MAX_CHARS = 200

_PAGE_NUMBER = re.compile(r"(?<![\w.,/-])(?P<n>[0-9]{1,4}|[ivxlc]{1,7}|[IVXLC]{1,7})(?![\w.,/%-])")
_SPACE = re.compile(r"\s+")
# three or more single letters or digits separated by single spaces
_SPACED_OUT = re.compile(r"(?<!\S)[^\W_](?: [^\W_]){2,}(?!\S)")
_OF_TOTAL = re.compile(r"\b([0-9]{1,4})\s*/\s*[0-9]{1,4}\b")  # "3/7", Khmer decrees' "៣/៧"
_WORD = re.compile(r"[^\W_]")
_PAGE_WORD = re.compile(r"(?:\bpage|\bp\.|ទំព័រ)\s*$", re.IGNORECASE)
_GAP_BEFORE = re.compile(r"(?:\s{2,}|\s*[|•·–—]\s*)$")
_GAP_AFTER = re.compile(r"(?:\s{2,}|\s*[|•·–—])")
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}

Span = tuple[int, int]


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    key: str
    text: str


@dataclass
class PageEdges:
    """What the edges of one page hold: the furniture spans, and the printed page number
    (as printed: "12", "iv") when a header/footer line carries one that tracks the page."""

    spans: list[Span] = field(default_factory=list)
    number: str | None = None


def line_key(line: str) -> str:
    """A line as compared across pages: case and spacing go, so the spaced-out
    "D I G I T A L  P L A N" equals itself on every page however it was extracted. Numbers stay:
    a line whose number changes from page to page must be tracking the page to count."""
    return _SPACE.sub("", line).lower()


def roman_value(text: str) -> int | None:
    """The value of a lower- or upper-case roman numeral, None when it is not a well-formed one."""
    values = [_ROMAN.get(c) for c in text.lower()]
    if not values or None in values:
        return None
    total = 0
    for i, v in enumerate(values):
        assert v is not None
        nxt = values[i + 1] if i + 1 < len(values) else 0
        total += -v if nxt and nxt > v else v
    return total if total > 0 and to_roman(total) == text.lower() else None


def to_roman(n: int) -> str:
    out = ""
    for value, letters in ((100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"),
                           (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    offset = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            lead = len(body) - len(body.lstrip())
            out.append(_Line(offset + lead, offset + lead + len(stripped), line_key(stripped),
                             stripped))
        offset += len(raw)
    return out


def _bands(lines: list[_Line]) -> list[tuple[str, int, _Line]]:
    """(edge, distance from the edge, line) for the lines near the top and the bottom."""
    k = min(EDGE_LINES, len(lines) // 2) or len(lines)  # a short page: the bands do not overlap
    top = [("top", i, line) for i, line in enumerate(lines[:k])]
    bottom = [("bottom", i, line) for i, line in enumerate(reversed(lines[k:][-k:]))]
    return [b for b in top + bottom if b[2].end - b[2].start <= MAX_CHARS]


def _numbers(line: str) -> list[tuple[str, int, str]]:
    """(kind, value, as printed) of the tokens of a line placed the way page numbers are: alone
    ("- 12 -", "៣/៧"), after "Page"/"ទំព័រ", or at one end of the line set off by a wide gap or
    a bar ("S U M M A R Y    x", "12 | Plan"). "Chapter 2: Training" is not a page number even
    when chapter 2 is on page 2. Spaced-out text ("2 0 2 1") is not read for numbers."""
    masked = _SPACED_OUT.sub(lambda m: "_" * len(m.group()), line.translate(DIGITS_TO_ASCII))
    masked = _OF_TOTAL.sub(lambda m: m.group(1) + " " * (len(m.group()) - len(m.group(1))), masked)
    out: list[tuple[str, int, str]] = []
    for m in _PAGE_NUMBER.finditer(masked):
        before, after = masked[: m.start()], masked[m.end():]
        alone = not _WORD.search(before) and not _WORD.search(after)
        if not (alone or _PAGE_WORD.search(before)
                or (not _WORD.search(after) and _GAP_BEFORE.search(before))
                or (not _WORD.search(before) and _GAP_AFTER.match(after))):
            continue
        token = m.group("n")
        if token.isdigit():
            out.append(("arabic", int(token), token))
            continue
        value = roman_value(token)
        if value is not None:
            out.append(("roman", value, token.lower()))
    return out


def analyse_edges(texts: Sequence[str]) -> list[PageEdges]:
    """Each page's header/footer spans and printed number, judged across the whole document.

    A header/footer line is one whose number tracks the page (printed = position + a constant
    shared by at least MIN_PAGES pages at the same edge position), or one repeated (numbers
    aside) on at least half of the pages; the lines between it and the page edge go with it
    (a section's running title above the document's).
    """
    pages = [_lines(t) for t in texts]
    offsets: dict[tuple[str, int, str, int], set[int]] = defaultdict(set)
    repeats: dict[tuple[str, str], set[int]] = defaultdict(set)  # (edge, line): pages
    for index, lines in enumerate(pages):
        for edge, pos, line in _bands(lines):
            repeats[(edge, line.key)].add(index)  # a title may sit one line lower on some pages
            for kind, value, _ in _numbers(line.text):
                offsets[(edge, pos, kind, value - index)].add(index)
    tracking = {k for k, where in offsets.items() if len(where) >= MIN_PAGES}
    titles = {k for k, where in repeats.items()
              if len(where) >= max(MIN_PAGES, TITLE_SHARE * len(pages)) and _WORD.search(k[1])}
    result: list[PageEdges] = []
    for index, lines in enumerate(pages):
        edges = PageEdges()
        best = 0
        for edge in ("top", "bottom"):
            band = [(pos, line) for e, pos, line in _bands(lines) if e == edge]
            hits = []
            for pos, line in band:
                numbers = [(len(offsets[(edge, pos, kind, value - index)]), printed)
                           for kind, value, printed in _numbers(line.text)
                           if (edge, pos, kind, value - index) in tracking]
                if numbers:
                    hits.append(pos)
                    support, printed = max(numbers)
                    if support > best:
                        best, edges.number = support, printed
                elif (edge, line.key) in titles:
                    hits.append(pos)
            if hits:
                deepest = max(hits)
                edges.spans += [(line.start, line.end) for pos, line in band if pos <= deepest]
        edges.spans = sorted(set(edges.spans))
        result.append(edges)
    _running_titles_anywhere(pages, {key for _edge, key in titles}, result)
    return result


def _running_titles_anywhere(pages: list[list[_Line]], titles: set[str],
                             result: list[PageEdges]) -> None:
    """A spaced-out running title ("C A M B O D I A  D I G I T A L ...") found repeated at the
    page edges is furniture wherever a page prints it: after a table or a figure it lands
    mid-page in the extracted text, or wraps ("... 2 0 2 1  -" / "2035") so that no line
    repeats it whole, and it was quoted inside sentences. Only spaced-out lines: a title in
    plain letters mid-page may be the text's own (a cover, a heading); the first page is left
    alone."""
    spaced = {key for key in titles if len(key) >= 20}
    for index, lines in enumerate(pages[1:], start=1):
        extra: list[Span] = []
        for i, line in enumerate(lines):
            if not _is_spaced_out(line.text) or not any(k.startswith(line.key) for k in spaced):
                continue
            if line.key in spaced or len(line.key) >= 12:  # whole, or wrapped ("... 2 0 2 1 -")
                extra.append((line.start, line.end))
                rest = lines[i + 1] if i + 1 < len(lines) else None
                if rest is not None and line.key + rest.key in spaced:  # its wrapped end: "2035"
                    extra.append((rest.start, rest.end))
        if extra:
            result[index].spans = sorted(set(result[index].spans) | set(extra))


def _is_spaced_out(text: str) -> bool:
    """Whether most of a line's letters are set one by one ("C A M B O D I A  2 0 2 1")."""
    spaced = sum(len(m.group()) for m in _SPACED_OUT.finditer(text))
    return spaced >= 0.6 * len(text.strip())


def find_furniture(texts: Sequence[str]) -> list[list[Span]]:
    """For each page text, the character spans of its header/footer lines (sorted)."""
    return [edges.spans for edges in analyse_edges(texts)]


def without_furniture(text: str, spans: Sequence[Span]) -> str:
    """The page text with its furniture lines blanked (same length: offsets still hold)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)
