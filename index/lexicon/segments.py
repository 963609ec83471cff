"""Align the paragraphs of two translated documents, so the learner compares a Khmer
paragraph with its own English paragraph instead of with the whole article.

A monotonic alignment by length (Gale & Church's observation: a translation's length is
proportional to its source's) with numbers as anchors (a number on one side only
argues against the pairing); a paragraph may merge with its
neighbour (1-2, 2-1) or have no counterpart (1-0, 0-1).
"""

from __future__ import annotations

import math
import re
import statistics

from index.lexicon.pairs import numbers_in

__all__ = ["align_paragraphs", "paragraphs"]

_BREAKS = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*•#]|\d+[.)]\s))|\n")
_MOVES = ((1, 1, 0.0), (1, 2, 0.6), (2, 1, 0.6), (1, 0, 1.2), (0, 1, 1.2))


def paragraphs(text: str, min_chars: int = 12) -> list[str]:
    """Non-empty lines of a document (its paragraphs, list items and headings)."""
    return [p.strip() for p in _BREAKS.split(text) if len(p.strip()) >= min_chars]


def align_paragraphs(km: list[str], en: list[str]) -> list[tuple[str, str]]:
    """The (Khmer, English) paragraph pairs of the cheapest monotonic alignment; unmatched
    paragraphs are dropped."""
    if not km or not en:
        return []
    # medians, not totals: one paragraph the other version lacks must not skew the ratio
    ratio = statistics.median(map(len, km)) / max(1.0, statistics.median(map(len, en)))
    km_numbers = [numbers_in(p) for p in km]
    en_numbers = [numbers_in(p) for p in en]

    def cost(i: int, di: int, j: int, dj: int, penalty: float) -> float:
        if di == 0 or dj == 0:
            return penalty
        a = sum(len(p) for p in km[i:i + di])
        b = sum(len(p) for p in en[j:j + dj]) * ratio
        km_nums = frozenset().union(*km_numbers[i:i + di])
        en_nums = frozenset().union(*en_numbers[j:j + dj])
        shared, unshared = len(km_nums & en_nums), len(km_nums ^ en_nums)
        return penalty + abs(math.log((a + 20) / (b + 20))) - 0.5 * min(shared, 3) + 0.5 * unshared

    n, m = len(km), len(en)
    best = [[math.inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if best[i][j] == math.inf:
                continue
            for di, dj, penalty in _MOVES:
                if i + di <= n and j + dj <= m:
                    c = best[i][j] + cost(i, di, j, dj, penalty)
                    if c < best[i + di][j + dj]:
                        best[i + di][j + dj] = c
                        back[i + di][j + dj] = (di, dj)
    pairs: list[tuple[str, str]] = []
    i, j = n, m
    while i or j:
        step = back[i][j]
        assert step is not None
        di, dj = step
        if di and dj:
            pairs.append((" ".join(km[i - di:i]), " ".join(en[j - dj:j])))
        i, j = i - di, j - dj
    return pairs[::-1]
