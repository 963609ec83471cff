"""The glossary a long-running process searches with: the hand rows, plus the learned
lexicon as it is on disk now.

An ingest (a CLI run, or an upload job in another worker) rewrites the lexicon file; every
process notices on its next question by the file's stamp, without a restart. Hand rows match
first; learned words only where no hand row matched (a hand row always wins).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from index.glossary import Glossary, GlossaryMatch
from index.lexicon.matcher import LearnedMatcher
from index.lexicon.merge import usable_pairs
from index.lexicon.store import LexiconStore

__all__ = ["GlossaryHolder"]


class GlossaryHolder:
    """``translate`` like ``Glossary.translate``, with the learned words of the lexicon file's
    present stamp added."""

    def __init__(self, hand: Glossary, store: LexiconStore | None, *, min_score: float,
                 key: Callable[[str], str], words: Callable[[str], list[str]],
                 km_gap: float = 0.5) -> None:
        self.hand = hand
        self.store = store
        self.min_score = min_score
        self.key = key
        self.words = words
        self.km_gap = km_gap
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._learned = LearnedMatcher([], words, key)

    def learned(self) -> LearnedMatcher:
        """The learned words search uses now (reloaded when the file changed)."""
        stamp = self.store.stamp() if self.store is not None else None
        if stamp == self._stamp:
            return self._learned
        with self._lock:
            if stamp != self._stamp:
                pairs = self.store.learned() if self.store is not None and stamp else []
                self._learned = LearnedMatcher(
                    usable_pairs(self.hand, pairs, min_score=self.min_score, key=self.key),
                    self.words, self.key)
                self._stamp = stamp
        return self._learned

    def translate(self, text: str, source_lang: str) -> list[GlossaryMatch]:
        hand = self.hand.translate(text, source_lang)
        if source_lang == "km" and self._hand_share(text, hand) >= self.km_gap:
            return hand
        learned = self.learned().translate(text, source_lang, [m.span for m in hand])
        return sorted([*hand, *learned], key=lambda m: m.span)

    def _hand_share(self, text: str, hand: list[GlossaryMatch]) -> float:
        """The share of a Khmer question's letters the hand rows translated. Learned words
        fill gaps: where the hand rows already carry most of a Khmer question, a learned word
        adds English passages that crowd out Khmer documents (measured: a scanned decree
        lost its first place to English pages naming its one learned word)."""
        keyed = self.key(text)
        covered = [False] * len(keyed)
        for match in hand:
            covered[match.span[0]:match.span[1]] = [True] * (match.span[1] - match.span[0])
        letters = [i for i, ch in enumerate(keyed) if "\u1780" <= ch <= "\u17ff"]
        return sum(covered[i] for i in letters) / len(letters) if letters else 0.0
