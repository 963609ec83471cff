"""The Khmer character classes (ingest/khmer/script.py): they must match the Unicode chart and
the normaliser's syllable categories, since every reader of Khmer text now asks them."""

from __future__ import annotations

import re
import unicodedata

import pytest

from ingest.khmer import normalize, script
from ingest.khmer.script import (
    BASE_CLASS,
    BASES,
    COMBINING,
    CONSONANTS,
    DEPENDENT_VOWELS,
    DIGIT_CLASS,
    DIGITS,
    DIGITS_TO_ASCII,
    INDEPENDENT_VOWELS,
    KHMER,
    KHMER_CLASS,
    KHMER_LETTER_CLASS,
    KHMER_LETTERS,
    MARK_CLASS,
    MARKS,
    char_class,
    is_base,
    is_khmer,
    is_khmer_letter,
    is_mark,
    khmer_share,
)


def _names(chars: frozenset[str]) -> set[str]:
    return {unicodedata.name(c) for c in chars}


def test_classes_agree_with_the_unicode_names() -> None:
    assert all(n.startswith("KHMER LETTER ") for n in _names(CONSONANTS)) and len(CONSONANTS) == 35
    assert all(n.startswith("KHMER INDEPENDENT VOWEL ") for n in _names(INDEPENDENT_VOWELS))
    assert all(n.startswith("KHMER VOWEL SIGN ") for n in _names(DEPENDENT_VOWELS))
    assert all(unicodedata.category(c) in ("Mn", "Mc") for c in COMBINING)
    assert unicodedata.name(script.COENG) == "KHMER SIGN COENG" and script.COENG in MARKS
    assert [unicodedata.digit(d) for d in DIGITS] == list(range(10))
    assert all(unicodedata.category(c) == "Po" or c == "\u17d7" for c in script.PUNCTUATION)


def test_marks_are_exactly_what_the_normaliser_reorders_after_a_base() -> None:
    """One table: the normaliser's categories are built from these classes, so a syllable
    the normaliser sorts is a syllable every other reader sees."""
    categories = normalize._CATEGORY
    bases = {c for c, cat in categories.items() if cat is normalize._Cat.BASE}
    marks = {c for c in categories if "\u1780" <= c <= "\u17ff" and c not in bases}
    assert marks == MARKS
    assert bases == BASES - script.DEPRECATED_VOWELS  # search_key folds those two first
    assert not set(script.INHERENT_VOWELS) & set(categories)  # left outside syllables


@pytest.mark.parametrize(("fragment", "members", "sample_outside"), [
    (KHMER_CLASS, KHMER, "a"),
    (KHMER_LETTER_CLASS, KHMER_LETTERS, "។"),
    (BASE_CLASS, BASES, "\u17b6"),
    (MARK_CLASS, MARKS, "\u17b4"),
    (DIGIT_CLASS, frozenset(DIGITS), "9"),
])
def test_regex_fragments_match_exactly_their_class(fragment: str, members: frozenset[str],
                                                   sample_outside: str) -> None:
    pattern = re.compile(f"[{fragment}]")
    near = {chr(c) for c in range(0x1770, 0x1A00)} | {"a", "9", " ", "-", "]"}
    assert {c for c in near if pattern.fullmatch(c)} == set(members)
    assert not pattern.fullmatch(sample_outside)


def test_char_class_escapes_and_merges_ranges() -> None:
    assert char_class("abcx") == "a-cx"
    assert char_class("ab") == "ab"
    body = char_class("-]^\\")
    assert {c for c in "-]^\\a" if re.fullmatch(f"[{body}]", c)} == set("-]^\\")


def test_predicates() -> None:
    assert is_khmer("ក") and is_khmer("។") and is_khmer("០") and is_khmer("\u19e0")
    assert not is_khmer("a") and not is_khmer("")
    assert is_khmer_letter("ក") and is_khmer_letter("\u17d2") and is_khmer_letter("\u19e0")
    assert not is_khmer_letter("។") and not is_khmer_letter("០") and not is_khmer_letter("៛")
    assert is_base("ក") and is_base("ឳ") and not is_base("ា") and not is_base("")
    assert is_mark("ា") and is_mark("\u17d2") and is_mark("\u17dd") and not is_mark("\u17b4")


def test_digits_fold_to_ascii() -> None:
    assert "ឆ្នាំ២០២៤ ទី១".translate(DIGITS_TO_ASCII) == "ឆ្នាំ2024 ទី1"
    assert "2024".translate(DIGITS_TO_ASCII) == "2024"


def test_khmer_share_counts_letters_only() -> None:
    assert khmer_share("") == 0.0 and khmer_share("123 ...") == 0.0
    assert khmer_share("ក្រសួង") == 1.0
    assert khmer_share("ក abc") == pytest.approx(1 / 4)
    assert khmer_share("ក ១២ !!") == 1.0  # Khmer digits are Khmer; ASCII punctuation is nothing
