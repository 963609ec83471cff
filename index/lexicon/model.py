"""Word translations from aligned segments: IBM Model 1, trained in both directions, kept
where each direction picks the other word as its best.

Model 1 is the simplest statistical translation model; on a few hundred paragraph pairs it
finds the frequent terms (ministry, telecommunications, province, digital) and misses the rare
ones, and the two-way agreement keeps what it finds precise. The learner never runs at query
time: its output is stored (``index/lexicon/store.py``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["LearnedPair", "Segment", "learn_pairs"]


@dataclass(frozen=True)
class Segment:
    """A Khmer segment and its English translation, as words, with where it came from."""

    km: tuple[str, ...]
    en: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class LearnedPair:
    """One learned translation: ``score`` is the geometric mean of both directions'
    probabilities, ``count`` the segments where the two words meet, ``sources`` a few of them."""

    km: str
    en: str
    score: float
    count: int
    sources: tuple[str, ...]


def _train(src: list[np.ndarray], tgt: list[np.ndarray], n_src: int, n_tgt: int,
           iterations: int) -> dict[tuple[int, int], float]:
    """t(target word | source word) by EM; source index ``n_src`` is the empty word."""
    pair_ids: dict[tuple[int, int], int] = {}
    cells: list[np.ndarray] = []
    for s, t in zip(src, tgt, strict=True):
        s_null = np.append(s, n_src)
        grid = np.empty((len(t), len(s_null)), dtype=np.int64)
        for a, tw in enumerate(t.tolist()):
            for b, sw in enumerate(s_null.tolist()):
                grid[a, b] = pair_ids.setdefault((sw, tw), len(pair_ids))
        cells.append(grid)
    probs = np.full(len(pair_ids), 1.0 / max(1, n_tgt))
    source_of = np.empty(len(pair_ids), dtype=np.int64)
    for (sw, _), pid in pair_ids.items():
        source_of[pid] = sw
    for _ in range(iterations):
        counts = np.zeros(len(pair_ids))
        for grid in cells:
            p = probs[grid]
            p = p / p.sum(axis=1, keepdims=True)
            np.add.at(counts, grid, p)
        totals = np.bincount(source_of, weights=counts, minlength=n_src + 1)
        probs = counts / np.maximum(totals[source_of], 1e-12)
    return {key: float(probs[pid]) for key, pid in pair_ids.items() if key[0] != n_src}


def learn_pairs(segments: Sequence[Segment], *, iterations: int = 8, min_count: int = 2,
                min_score: float = 0.2, max_sources: int = 5,
                max_share: float = 0.2, min_dice: float = 0.2) -> list[LearnedPair]:
    """Mutual-best word pairs that meet in at least ``min_count`` segments. A word found in
    more than ``max_share`` of the segments is a function word (Khmer ការ, "also"): it
    carries no topic, so it is not paired; nor is a pair whose words mostly occur apart
    (Dice coefficient of their segments below ``min_dice``: Khmer ការ, a prefix of hundreds
    of nouns, is not "permanent" because three glossary rows have both)."""
    km_vocab: dict[str, int] = {}
    en_vocab: dict[str, int] = {}
    km_ids = [np.array([km_vocab.setdefault(w, len(km_vocab)) for w in dict.fromkeys(s.km)], dtype=np.int64)
              for s in segments]
    en_ids = [np.array([en_vocab.setdefault(w, len(en_vocab)) for w in dict.fromkeys(s.en)], dtype=np.int64)
              for s in segments]
    usable = [i for i, (k, e) in enumerate(zip(km_ids, en_ids, strict=True)) if len(k) and len(e)]
    if not usable:
        return []
    km_list = [km_ids[i] for i in usable]
    en_list = [en_ids[i] for i in usable]
    en_given_km = _train(km_list, en_list, len(km_vocab), len(en_vocab), iterations)
    km_given_en = _train(en_list, km_list, len(en_vocab), len(km_vocab), iterations)
    best_en: dict[int, tuple[float, int]] = {}
    for (k, e), p in en_given_km.items():
        if p > best_en.get(k, (0.0, -1))[0]:
            best_en[k] = (p, e)
    best_km: dict[int, tuple[float, int]] = {}
    for (e, k), p in km_given_en.items():
        if p > best_km.get(e, (0.0, -1))[0]:
            best_km[e] = (p, k)
    meetings: Counter[tuple[int, int]] = Counter()
    where: dict[tuple[int, int], list[str]] = defaultdict(list)
    wanted = {(k, e) for k, (_, e) in best_en.items() if best_km.get(e, (0.0, -1))[1] == k}
    for i in usable:
        for k in km_ids[i].tolist():
            for e in en_ids[i].tolist():
                if (k, e) in wanted:
                    meetings[(k, e)] += 1
                    if len(where[(k, e)]) < max_sources and segments[i].source not in where[(k, e)]:
                        where[(k, e)].append(segments[i].source)
    km_words = list(km_vocab)
    en_words = list(en_vocab)
    km_df = np.bincount(np.concatenate(km_list), minlength=len(km_vocab))
    en_df = np.bincount(np.concatenate(en_list), minlength=len(en_vocab))
    limit = max_share * len(usable)
    learned: list[LearnedPair] = []
    for k, e in wanted:
        if km_df[k] > limit or en_df[e] > limit:
            continue
        if 2 * meetings[(k, e)] / (km_df[k] + en_df[e]) < min_dice:
            continue
        score = (best_en[k][0] * best_km[e][0]) ** 0.5
        if meetings[(k, e)] >= min_count and score >= min_score:
            learned.append(LearnedPair(km_words[k], en_words[e], round(score, 4), meetings[(k, e)],
                                       tuple(where[(k, e)])))
    return sorted(learned, key=lambda p: (-p.score, p.km))
