"""Documents named by their titles: the title terms kept per index version, a title shortened
into a subject to search for, and the run of shared terms that says a question names one.

Kept apart from ``conversation.py``: titles are read from the index, the resolver only asks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from answers.conversation_types import NamedDocument

TitleTerms = list[tuple[NamedDocument, list[str]]]


class TitleIndex:
    """The documents' titles as index terms, analysed once per version of the index: the
    shared corpus's long Khmer titles take ~100 ms to segment, too much for every question."""

    def __init__(self, terms: Callable[[str], list[str]]) -> None:
        self.terms = terms
        self._version: str | None = None
        self._titles: TitleTerms = []

    def titles(self, version: str, documents: Callable[[], Iterable[NamedDocument]]) -> TitleTerms:
        if version != self._version:  # two threads may both rebuild: same result, no harm
            self._titles = [(d, self.terms(d.title)) for d in documents() if d.title]
            self._version = version
        return self._titles


_YEARS = re.compile(r"\b(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?\b|[\u17e0-\u17e9]{4}(?:\s*-\s*[\u17e0-\u17e9]{4})?")
_COUNTRY = re.compile(r"\b(?:the\s+)?(?:Kingdom of\s+)?Cambodia(?:'s|’s)?\b|\(draft\)", re.IGNORECASE)


def short_title(title: str, max_words: int = 10) -> str:
    """A title as a subject to search for: without years and the country every document shares
    (in a question they would pull the cover and page headers, which carry the whole title),
    and short (a news headline is a sentence)."""
    words = _COUNTRY.sub(" ", _YEARS.sub(" ", title)).replace("()", " ").split()
    return " ".join(words[:max_words]).strip(" .,:;-–") or title


def longest_common_run(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest run of consecutive terms shared by ``a`` and ``b``."""
    best = 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0] * (len(b) + 1)
        for j, y in enumerate(b, 1):
            if x == y:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best
