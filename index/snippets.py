"""Snippets with the matched terms highlighted, as character spans into the original text.

The display text is never normalised; matches are found by analysing each original word
(English) or by searching Khmer terms in a keyed view of the text (zero-width characters
dropped, syllables canonical, as the index sees it) mapped back to the original.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import accumulate, chain, repeat

from ingest.khmer.normalize import ZERO_WIDTH, search_key
from ingest.khmer.script import BASE_CLASS, COENG, COMBINING_CLASS, KHMER_CLASS

_LATIN_WORD = re.compile(f"[^\\W{KHMER_CLASS}]+", re.UNICODE)
_KHMER = re.compile(f"[{KHMER_CLASS}]")
# A Khmer letter with the vowels, signs and subscripts written on it (one keyed unit), or any
# other single character.
_UNIT = re.compile(f"[{BASE_CLASS}](?:{COENG}[{BASE_CLASS}]?|[{COMBINING_CLASS}])*|.", re.S)


def find_highlights(text: str, terms: Iterable[str], analyze_word: Callable[[str], Sequence[str]]) -> list[tuple[int, int]]:
    """Spans of ``text`` whose analysed form is one of ``terms``."""
    spans: list[tuple[int, int]] = []
    latin_terms, khmer_terms = _split_terms(tuple(terms))
    if latin_terms:
        analysed = _analysed_words(text, analyze_word)
        for term in latin_terms:
            spans.extend(analysed.get(term, ()))
    if khmer_terms and _KHMER.search(text):  # a text without Khmer letters holds no Khmer term
        stripped, positions, ends = _search_view(text)
        taken = [False] * len(stripped)
        for term in khmer_terms:
            start = stripped.find(term)
            while start >= 0:
                end = start + len(term)
                if not any(taken[start:end]):
                    taken[start:end] = [True] * (end - start)
                    spans.append((positions[start], ends[end - 1]))
                start = stripped.find(term, end)
    return _merge(sorted(spans))


@lru_cache(maxsize=256)
def _split_terms(terms: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The question's Latin terms, and its Khmer terms longest first: every hit of a search
    is highlighted with the same terms, so they are sorted out once per question (ties of
    length in a fixed order: two overlapping terms are highlighted alike in every process)."""
    term_set = {t for t in terms if t}
    latin = tuple(sorted(t for t in term_set if not _KHMER.match(t)))
    khmer = tuple(sorted((t for t in term_set if _KHMER.match(t)), key=lambda t: (-len(t), t)))
    return latin, khmer


def _latin_words(text: str) -> dict[str, tuple[tuple[int, int], ...]]:
    """Each Latin word of ``text`` with its spans: a word is analysed once per text."""
    words: dict[str, list[tuple[int, int]]] = {}
    for match in _LATIN_WORD.finditer(text):
        words.setdefault(match.group(), []).append(match.span())
    return {word: tuple(spans) for word, spans in words.items()}


# The same passages come back across questions (and every hit is highlighted), so what does
# not depend on the question is kept per text: a few MB at most.
@lru_cache(maxsize=4096)
def _analysed_words(text: str, analyze_word: Callable[[str], Sequence[str]]
                    ) -> dict[str, tuple[tuple[int, int], ...]]:
    """The spans of ``text``'s Latin words by analysed form: highlighting a passage that
    comes back (most do, across questions) is then one lookup per query term instead of an
    analysis of every word."""
    by_term: dict[str, list[tuple[int, int]]] = {}
    for word, word_spans in _latin_words(text).items():
        analysed = analyze_word(word)
        if analysed:
            by_term.setdefault(analysed[0], []).extend(word_spans)
    return {term: tuple(spans) for term, spans in by_term.items()}


@lru_cache(maxsize=1024)
def _search_view(text: str) -> tuple[str, Sequence[int], Sequence[int]]:
    """``text`` keyed the way query terms are (zero-width characters dropped, each Khmer
    syllable in canonical order with COENG DA and digits folded), plus, for every keyed
    character, the start and end in ``text`` of the syllable it came from. Without this,
    a document typed ``ស្រ្តី`` or ``បណ្ដុះបណ្ដាល`` is found but never highlighted."""
    units = _UNIT.findall(text)
    keys = list(map(_unit_key, units))
    keyed = "".join(keys)
    if keyed == text:  # the common case: already canonical, nothing to map
        return text, range(len(text)), range(1, len(text) + 1)
    unit_ends = list(accumulate(map(len, units)))
    key_lengths = list(map(len, keys))
    starts = array("l", chain.from_iterable(map(repeat, [0, *unit_ends[:-1]], key_lengths)))
    ends = array("l", chain.from_iterable(map(repeat, unit_ends, key_lengths)))
    return keyed, starts, ends


@lru_cache(maxsize=16384)
def _unit_key(unit: str) -> str:
    if unit in ZERO_WIDTH:
        return ""
    return search_key(unit) if _KHMER.match(unit) else unit


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def make_snippet(text: str, highlights: list[tuple[int, int]], width: int = 320) -> tuple[str, list[tuple[int, int]], int]:
    """A window of about ``width`` characters around the densest highlights.

    Returns the snippet, its highlight spans relative to it, and its offset in ``text``.
    """
    if len(text) <= width:
        return text, highlights, 0
    best_start, best_count = 0, -1
    ends = [e for _, e in highlights]
    right = 0
    for left, (start, _) in enumerate(highlights or [(0, 0)]):
        window_start = max(0, start - width // 4)
        while right < len(ends) and ends[right] <= window_start + width:
            right += 1
        count = right - left
        if count > best_count:
            best_start, best_count = window_start, count
    end = min(len(text), best_start + width)
    best_start = max(0, end - width)
    # widen to whitespace so words are not cut in half
    while best_start > 0 and not text[best_start - 1].isspace() and best_start > end - width - 40:
        best_start -= 1
    while end < len(text) and not text[end].isspace() and end < best_start + width + 40:
        end += 1
    inside = [(s - best_start, e - best_start) for s, e in highlights if s >= best_start and e <= end]
    prefix = "…" if best_start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix)
    return (prefix + text[best_start:end] + suffix,
            [(s + shift, e + shift) for s, e in inside], best_start - shift)
