"""Learned pairs found in a question word by word.

Learned pairs are single words as khmer-nltk splits them. The glossary finds its Khmer terms
anywhere in a run of letters (Khmer has no spaces, and its rows are long phrases); a learned
short word found that way would fire inside every longer word that contains it. So learned
Khmer words match whole words of the question's segmentation, English words whole words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from index.glossary import GlossaryMatch, fold_english
from index.lexicon.merge import LEARNED
from index.lexicon.model import LearnedPair
from ingest.khmer.script import KHMER_CLASS

__all__ = ["LearnedMatcher"]

_KHMER = re.compile(f"[{KHMER_CLASS}]")
_EN_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+")


class LearnedMatcher:
    """Word → other-language words, for the learned pairs that search may use."""

    def __init__(self, pairs: Iterable[LearnedPair], words: Callable[[str], list[str]],
                 key: Callable[[str], str]) -> None:
        self.words = words  # the analyzer's Khmer segmentation (normalised terms)
        self.key = key
        self.km: dict[str, list[str]] = {}
        self.en: dict[str, list[str]] = {}
        for pair in pairs:
            self.km.setdefault(pair.km, []).append(pair.en)
            self.en.setdefault(fold_english(pair.en), []).append(pair.km)

    def __len__(self) -> int:
        return sum(map(len, self.km.values()))

    def translate(self, text: str, source_lang: str,
                  taken: list[tuple[int, int]]) -> list[GlossaryMatch]:
        """Learned matches outside the ``taken`` spans (where hand rows matched), with spans
        into ``key(text)`` like the glossary's."""
        keyed = self.key(text)
        found: list[GlossaryMatch] = []

        def free(start: int, end: int) -> bool:
            return all(end <= s or start >= e for s, e in taken)

        if source_lang == "km":
            cursor = 0
            for word in self.words(text):
                if not _KHMER.match(word):
                    continue
                start = keyed.find(word, cursor)
                if start < 0:
                    continue
                end = cursor = start + len(word)
                if word in self.km and free(start, end):
                    found.append(GlossaryMatch(word, (start, end), tuple(self.km[word]), LEARNED))
        else:
            for m in _EN_WORD.finditer(keyed):
                folded = fold_english(m.group())
                if folded in self.en and free(m.start(), m.end()):
                    found.append(GlossaryMatch(m.group(), m.span(), tuple(self.en[folded]), LEARNED))
        return found
