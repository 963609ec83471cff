"""The opening of a document as cleaned lines: what title and issuer rules read.

A title is on the cover or the first page, an issuer in the letterhead above it, so rules
only ever look at the first pages (and, for a signature, the last lines). Markdown marks are
dropped so ``# NGHỊ QUYẾT`` and ``**Sub-Decree**`` read like the PDF lines they stand for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.models import Page

__all__ = ["Line", "closing_lines", "opening_lines"]

_MARKUP = re.compile(r"^\s*(?:#{1,6}\s+|>\s*)|\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


@dataclass(frozen=True)
class Line:
    text: str
    page: int
    #: position among all opening lines (blank lines included), for "before the title" tests
    index: int


def clean_line(raw: str) -> str:
    return " ".join(_MARKUP.sub("", raw.translate(_INVISIBLE)).split())


def opening_lines(pages: Sequence[Page], max_pages: int = 3, max_chars: int = 6000) -> list[Line]:
    """Cleaned lines of the first pages (blank lines kept: they separate blocks)."""
    lines: list[Line] = []
    used = 0
    for page in pages[:max_pages]:
        for raw in page.text.splitlines():
            lines.append(Line(clean_line(raw), page.number, len(lines)))
            used += len(raw) + 1
            if used >= max_chars:
                return lines
        lines.append(Line("", page.number, len(lines)))
    return lines


def closing_lines(pages: Sequence[Page], count: int = 15) -> list[str]:
    """The last non-blank lines of the document, where signatures are."""
    if not pages:
        return []
    tail = [clean_line(raw) for raw in pages[-1].text.splitlines()]
    return [t for t in tail if t][-count:]
