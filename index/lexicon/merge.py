"""Which learned pairs search may use: a hand row always wins.

A learned pair is dropped when the hand glossary already translates its Khmer word or its
English word (the person who wrote that row knew better), or when its two-way probability is
below the threshold; in a question, hand rows match first and learned words only outside them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from index.glossary import Glossary, fold_english
from index.lexicon.model import LearnedPair

__all__ = ["LEARNED", "usable_pairs"]

LEARNED = "learned"
_INVISIBLE = str.maketrans("", "", " \t\u200b\u200c\u200d\u2060\ufeff")


def usable_pairs(hand: Glossary, learned: Iterable[LearnedPair], *, min_score: float = 0.3,
                 key: Callable[[str], str] = str.casefold) -> list[LearnedPair]:
    """The learned pairs at or above ``min_score`` whose words no hand row translates."""
    hand_km = {key(e.km).translate(_INVISIBLE) for e in hand.entries}
    hand_en = {" ".join(fold_english(w) for w in e.en.split()) for e in hand.entries}
    return [p for p in learned
            if p.score >= min_score and key(p.km).translate(_INVISIBLE) not in hand_km
            and fold_english(p.en) not in hand_en]
