"""The Khmer script's character classes, in one place.

Every "is this Khmer", "does a syllable start here", "is this written on a letter" and every
Khmer-digit table in the code base comes from here, so two modules can no longer disagree on
where a word ends or what counts as Khmer. The classes follow the Unicode chart of the Khmer
block (U+1780..U+17FF) and the Khmer Symbols block (U+19E0..U+19FF); the normaliser's syllable
categories (``normalize``, after SIL's khnormal) are built from them, so the normaliser and
every other reader of Khmer agree by construction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "BASES", "BASE_CLASS", "COENG", "COMBINING", "COMBINING_CLASS", "CONSONANTS",
    "CONSONANT_CLASS", "DEPENDENT_VOWELS", "DEPRECATED_VOWELS", "DIGITS", "DIGITS_TO_ASCII",
    "DIGIT_CLASS", "INDEPENDENT_VOWELS", "INHERENT_VOWELS", "KHMER", "KHMER_CLASS",
    "KHMER_LETTERS", "KHMER_LETTER_CLASS", "LUNAR_SYMBOLS", "MARKS", "MARK_CLASS", "PUNCTUATION",
    "SIGNS", "char_class", "is_base", "is_khmer", "is_khmer_letter", "is_mark", "khmer_share",
]


def _span(first: int, last: int) -> frozenset[str]:
    return frozenset(map(chr, range(first, last + 1)))


#: ក .. អ (U+1780..U+17A2).
CONSONANTS = _span(0x1780, 0x17A2)
#: ឣ ឤ: deprecated independent vowels; old text still has them (search keys fold them).
DEPRECATED_VOWELS = _span(0x17A3, 0x17A4)
#: Vowels written as letters of their own (U+17A3..U+17B3, the deprecated two included).
INDEPENDENT_VOWELS = DEPRECATED_VOWELS | _span(0x17A5, 0x17B3)
#: What a written syllable starts with: a consonant or an independent vowel (U+1780..U+17B3).
BASES = CONSONANTS | INDEPENDENT_VOWELS
#: Invisible inherent vowels (U+17B4, U+17B5): discouraged, carry nothing (search keys drop
#: them) and the normaliser leaves them outside syllables.
INHERENT_VOWELS = _span(0x17B4, 0x17B5)
#: ា .. ៅ (U+17B6..U+17C5), written before, above, below or after their base.
DEPENDENT_VOWELS = _span(0x17B6, 0x17C5)
#: The subscript sign: the consonant after it is written below the base.
COENG = "\u17d2"
#: ំ ះ ៈ ៉ ៊ ់ ៌ ៍ ៎ ៏ ័ ៑ ៓ ៝: signs written on a syllable (U+17C6..U+17D1, U+17D3, U+17DD).
SIGNS = _span(0x17C6, 0x17D1) | {"\u17d3", "\u17dd"}
#: Everything the normaliser reorders after a base: U+17B6..U+17D3 and U+17DD.
MARKS = DEPENDENT_VOWELS | SIGNS | {COENG}
#: Every combining character of the block: the marks and the invisible inherent vowels.
COMBINING = INHERENT_VOWELS | MARKS
#: ។ ៕ ៖ ៗ ៘ ៙ ៚ (U+17D4..U+17DA).
PUNCTUATION = _span(0x17D4, 0x17DA)
#: ០ .. ៩, in order: ``DIGITS[d]`` is the digit ``d``.
DIGITS = "".join(map(chr, range(0x17E0, 0x17EA)))
#: The Khmer Symbols block (U+19E0..U+19FF): lunar-date symbols.
LUNAR_SYMBOLS = _span(0x19E0, 0x19FF)
#: Every character of the Khmer script: both blocks, punctuation, digits and symbols included.
KHMER = _span(0x1780, 0x17FF) | LUNAR_SYMBOLS
#: What spells Khmer words, for weighing a text's scripts: bases, combining marks, the
#: AVAKRAHASANYA letter (U+17DC) and lunar symbols; not punctuation, digits or the riel sign.
KHMER_LETTERS = BASES | COMBINING | {"\u17dc"} | LUNAR_SYMBOLS

#: ``text.translate(DIGITS_TO_ASCII)`` turns ១២ into 12.
DIGITS_TO_ASCII = str.maketrans(DIGITS, "0123456789")


def char_class(chars: Iterable[str]) -> str:
    """The body of a regex character class (no brackets) matching exactly ``chars``, as ranges."""
    points = sorted(set(map(ord, chars)))
    parts: list[str] = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        first, last = re.escape(chr(points[i])), re.escape(chr(points[j]))
        parts.append(first if i == j else first + last if j == i + 1 else f"{first}-{last}")
        i = j + 1
    return "".join(parts)


#: Regex class bodies: ``f"[{KHMER_CLASS}]"``, ``f"[^{KHMER_CLASS}]"``, ``f"[A-Za-z{BASE_CLASS}]"``.
KHMER_CLASS = char_class(KHMER)
KHMER_LETTER_CLASS = char_class(KHMER_LETTERS)
BASE_CLASS = char_class(BASES)
CONSONANT_CLASS = char_class(CONSONANTS)
MARK_CLASS = char_class(MARKS)
COMBINING_CLASS = char_class(COMBINING)
DIGIT_CLASS = char_class(DIGITS)


def is_khmer(ch: str) -> bool:
    """Any character of the Khmer script (both blocks)."""
    return ch in KHMER


def is_khmer_letter(ch: str) -> bool:
    """A character that spells Khmer words (see ``KHMER_LETTERS``)."""
    return ch in KHMER_LETTERS


def is_base(ch: str) -> bool:
    """A consonant or independent vowel: where a written syllable starts."""
    return ch in BASES


def is_mark(ch: str) -> bool:
    """A dependent vowel, sign or COENG: written on the base before it."""
    return ch in MARKS


def khmer_share(text: str) -> float:
    """Share of Khmer among the text's letters (any alphabetic or Khmer character); 0 when
    there are none. Cheap enough to sniff a file's first block."""
    khmer = letters = 0
    for ch in text:
        if ch in KHMER:
            khmer += 1
            letters += 1
        elif ch.isalpha():
            letters += 1
    return khmer / letters if letters else 0.0
