"""What a page is for, read from its layout: content, or a page that only points elsewhere.

Why: a table of contents, a list of abbreviations, a cover, a blank page or a bibliography
repeats every keyword of a policy and states no fact a drafter cites, yet BM25 and the
embedder score it like the section it names. The kind is read from structure alone, so it
holds for a ministry's own documents and for Khmer as well as English (no word list): the
share of lines ending in a page number after a dot leader, the share of short "ABBR
expansion" lines, how much text the page holds and where it sits in the document.
Definition glossaries are content (a definition is cited): their lines are prose, not labels.
Measured as a ranking signal and not adopted (docs/evaluation.md, fourth round): it is kept
here to count what the first ten pages hold, not in the search path.
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["NAVIGATION", "PageKind", "page_kind"]

PageKind = Literal["content", "contents", "abbreviations", "cover", "blank", "references"]
#: the kinds that point elsewhere and state nothing a drafter cites
NAVIGATION: frozenset[str] = frozenset({"contents", "abbreviations", "cover", "blank",
                                        "references"})

_KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
_LEADER = r"(?:(?:\.\s?){4,}|…{2,}|_{4,}|·{4,})"  # the dot leaders of a contents line
# a line ending in a page number: arabic, or roman after a leader (a word like "civil" is no page)
_ENDS_IN_PAGE = re.compile(rf"(?:(?<![0-9.,])[0-9]{{1,4}}|{_LEADER}\s*[ivxlcdm]{{1,7}})$",
                           re.IGNORECASE)
_LEADS = re.compile(_LEADER)
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
# a short label: Latin capitals/digits (GDP, 4G, CamDX, e-Government) or Khmer initials (ន.ទ.ក.)
_ACRONYM = re.compile(r"^(?:[\w&/-]*[A-Z0-9][\w&/-]*[A-Z0-9][\w&/().-]*|(?:[\u1780-\u17ff]{1,2}\.){2,})$")
_CITATION = re.compile(r"https?://|www\.|\((?:1[89]|20)\d\d[a-z]?\)|\b(?:1[89]|20)\d\d[a-z]?\.\s")

MIN_LINES = 6  # a list needs this many lines before its shape says anything
BLANK_CHARS = 120  # fewer visible characters than a running header and a page number
COVER_CHARS = 320  # a title, a body's name and a date
COVER_PAGE = 1  # the cover comes first (page 2 often holds the motto, which is the vision)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _visible(text: str) -> int:
    """Characters that are not spaces: a measure of size that does not depend on the
    language spacing its words (Khmer does not)."""
    return len("".join(text.split()))


def _is_contents(lines: list[str]) -> bool:
    """Most lines end in a page number, with dot leaders or page numbers that only grow."""
    ending = [line for line in lines if _ENDS_IN_PAGE.search(line) and len(line) > 3]
    if len(ending) < 0.4 * len(lines):
        return False
    if sum(1 for line in ending if _LEADS.search(line)) >= 3:
        return True
    numbers = [int(m.group()) for line in ending
               if (m := re.search(r"[0-9]{1,4}$", line)) and not _YEAR.fullmatch(m.group())]
    if len(numbers) < MIN_LINES or len(numbers) < 0.6 * len(lines):
        return False
    growing = sum(1 for a, b in zip(numbers, numbers[1:], strict=False) if b >= a)
    return growing >= 0.9 * (len(numbers) - 1)


def _is_abbreviations(lines: list[str]) -> bool:
    """Most lines are a short label followed by a few words: a list of abbreviations."""
    if len(lines) < MIN_LINES:
        return False
    labelled = 0
    for line in lines:
        head, _, rest = line.partition(" ")
        if len(line) <= 70 and _ACRONYM.match(head) and len(rest.split()) <= 8:
            labelled += 1
    return labelled >= 0.6 * len(lines)


def _is_references(lines: list[str]) -> bool:
    """Most lines are citations: a year in parentheses or an address."""
    if len(lines) < MIN_LINES:
        return False
    return sum(1 for line in lines if _CITATION.search(line)) >= 0.5 * len(lines)


def page_kind(text: str, page: int, n_pages: int) -> PageKind:
    """The kind of page ``page`` (1-based) of a document of ``n_pages`` pages.

    A one- or two-page document (a news item, a notice) is all content: its first page is
    no cover and its text, however short, is what it says.
    """
    if n_pages <= 2:
        return "content"
    size = _visible(text)
    if page == COVER_PAGE and size < COVER_CHARS:
        return "cover"
    if size < BLANK_CHARS:
        return "blank"
    lines = _lines(text.translate(_KHMER_DIGITS))
    if _is_contents(lines):
        return "contents"
    if _is_abbreviations(lines):
        return "abbreviations"
    if _is_references(lines):
        return "references"
    return "content"
