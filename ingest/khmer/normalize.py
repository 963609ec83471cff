"""Search-key normalisation for Khmer (and the Latin text mixed into it).

Khmer words that render identically can be typed in several code-point orders: the vowel
before or after a subscript (``ខែ្មរ`` / ``ខ្មែរ``), subscript RO before or after another
subscript (``ស្រ្តី`` / ``ស្ត្រី``), split vowels (``េ`` + ``ី`` instead of ``ើ``), and
COENG DA in place of COENG TA (the two subscripts look the same). Authors also sprinkle
zero-width spaces between words. Unicode NFC fixes none of this, so a query typed one way
would miss a document typed another way.

``canonical_khmer`` reorders every Khmer syllable into one canonical order, following the
rules of SIL's *khnormal* (Martin Hosken): each character gets a category, the characters of
a syllable are stably sorted by category, split vowels are composed, and repeated marks and
dangling COENGs (which render only as a dotted circle) are dropped. The result reads exactly
like the input.
``search_key`` builds on it with lossy folds (Khmer digits, COENG DA, the variant letter
ឲ, deprecated letters, case, whitespace) and is meant for index and query keys only: the
original text is always stored verbatim.

Deliberately not done (khnormal does them, but they rewrite more than they fix for search):
turning a vowel U (U+17BB) before an upper vowel into a register shifter, and converting
old-style lunar dates into the U+19E0 lunar symbols.
"""

from __future__ import annotations

import re
import unicodedata
from enum import IntEnum
from functools import lru_cache

from ingest.khmer.script import (
    BASES,
    COENG,
    DEPRECATED_VOWELS,
    DIGITS_TO_ASCII,
    MARKS,
    char_class,
)

__all__ = ["ZERO_WIDTH", "canonical_khmer", "search_key"]

#: Invisible characters removed from search keys (they never change what a reader sees).
ZERO_WIDTH: frozenset[str] = frozenset(
    {
        "\u200b",  # ZERO WIDTH SPACE: used as a word separator in Khmer
        "\u200c",  # ZERO WIDTH NON-JOINER
        "\u200d",  # ZERO WIDTH JOINER
        "\u00ad",  # SOFT HYPHEN
        "\u2060",  # WORD JOINER
        "\ufeff",  # ZERO WIDTH NO-BREAK SPACE / byte order mark
    }
)

RO = "\u179a"
ZWNJ = "\u200c"
ZWJ = "\u200d"


class _Cat(IntEnum):
    """Position of a character class inside a canonical syllable (sort key)."""

    OTHER = 0  # anything that is not part of a syllable
    BASE = 1  # consonant or independent vowel: starts a syllable
    ROBAT = 2  # U+17CC
    COENG = 3  # COENG + consonant (a subscript), kept together as one unit
    ZWJ = 4  # joiner not attached to a COENG
    SHIFT = 5  # register shifters U+17C9 MUUSIKATOAN, U+17CA TRIISAP
    ZWNJ = 6
    VPRE = 7  # U+17BE..U+17C5 (vowels with a part written before the consonant)
    VBELOW = 8  # U+17BB..U+17BD
    VABOVE = 9  # U+17B7..U+17BA
    VPOST = 10  # U+17B6
    SIGN = 11  # nikahit, bantoc, toandakhiat, ... (above/below marks)
    FINAL = 12  # U+17C7 REAHMUK, U+17C8 YUUKALEAPINTU (spacing, written last)


def _build_categories() -> dict[str, _Cat]:
    cats: dict[str, _Cat] = {}

    def put(first: int, last: int, cat: _Cat) -> None:
        for cp in range(first, last + 1):
            cats[chr(cp)] = cat

    # Consonants and independent vowels, but not the deprecated U+17A3/U+17A4 (search_key
    # folds them first); the inherent vowels U+17B4/U+17B5 (invisible, discouraged) stay OTHER.
    cats.update(dict.fromkeys(BASES - DEPRECATED_VOWELS, _Cat.BASE))
    # where each of ``script.MARKS`` sits in a canonical syllable
    put(0x17B6, 0x17B6, _Cat.VPOST)
    put(0x17B7, 0x17BA, _Cat.VABOVE)
    put(0x17BB, 0x17BD, _Cat.VBELOW)
    put(0x17BE, 0x17C5, _Cat.VPRE)
    put(0x17C6, 0x17C6, _Cat.SIGN)
    put(0x17C7, 0x17C8, _Cat.FINAL)
    put(0x17C9, 0x17CA, _Cat.SHIFT)
    put(0x17CB, 0x17CB, _Cat.SIGN)
    put(0x17CC, 0x17CC, _Cat.ROBAT)
    put(0x17CD, 0x17D1, _Cat.SIGN)
    put(0x17D2, 0x17D2, _Cat.COENG)
    put(0x17D3, 0x17D3, _Cat.SIGN)
    put(0x17DD, 0x17DD, _Cat.SIGN)
    cats[ZWJ] = _Cat.ZWJ
    cats[ZWNJ] = _Cat.ZWNJ
    return cats


_CATEGORY = _build_categories()

_BASE = f"[{char_class(BASES - DEPRECATED_VOWELS)}]"
_MARK = f"[{char_class(MARKS - {COENG})}{ZWNJ}{ZWJ}]"
# One syllable unit after the base: a subscript (COENG, stray repeated COENG/ZWJ, consonant)
# or one mark. Unlike khnormal, a free ZWJ never captures the next consonant: once sorted to
# the end of a syllable it would capture a different one on the next pass.
_UNIT = f"{COENG}[{COENG}{ZWJ}]*{_BASE}?|{_MARK}"
_SYLLABLE_RE = re.compile(f"{_BASE}(?:{_UNIT})+")
_UNIT_RE = re.compile(_UNIT)

# Split vowels: E (U+17C1) + II (U+17B8) is OE (U+17BE); E + AA (U+17B6) is OO (U+17C4).
# A below vowel sorts between the two halves, so it may sit in the middle.
_SPLIT_OE_RE = re.compile("\u17c1([\u17bb-\u17bd]?)\u17b8")
_SPLIT_OO_RE = re.compile("\u17c1([\u17bb-\u17bd]?)\u17b6")

_ZERO_WIDTH_RE = re.compile("[" + "".join(sorted(ZERO_WIDTH)) + "]")
_WHITESPACE_RE = re.compile(r"\s+")
# Discouraged or variant letters that read the same as their replacement.
_VARIANT_FOLDS = str.maketrans(
    {
        "\u17a3": "\u17a2",  # deprecated KHMER INDEPENDENT VOWEL QAQ -> QA
        "\u17a4": "\u17a2\u17b6",  # deprecated QAA -> QA + AA
        "\u17b4": "",  # invisible inherent vowels: discouraged, carry nothing
        "\u17b5": "",
        "\u17b2": "\u17b1",  # QOO TYPE TWO is a spelling variant (ឲ្យ / ឱ្យ "to give")
    }
)


def _clean_subscript(unit: str) -> str:
    """Collapse stray repeated COENG/joiners inside a subscript, keeping a single ZWJ."""
    consonant = unit[-1] if _CATEGORY.get(unit[-1]) is _Cat.BASE else ""
    return COENG + (ZWJ if ZWJ in unit else "") + consonant


@lru_cache(maxsize=8192)  # real text reuses a few thousand syllables over and over
def _canonical_syllable(syllable: str) -> str:
    units = _UNIT_RE.findall(syllable, 1)
    keyed: list[tuple[_Cat, int, int, str]] = []
    seen_marks: set[str] = set()
    for index, unit in enumerate(units):
        cat = _CATEGORY[unit[0]]
        if cat is _Cat.COENG:
            unit = _clean_subscript(unit)
            if unit[-1] in (COENG, ZWJ):
                # A COENG with no consonant after it only renders a dotted circle; once
                # marks are sorted it could capture the next syllable's consonant.
                continue
            # COENG RO goes after the other subscripts: ្ត្រ, never ្រ្ត.
            sub = 1 if unit.endswith(RO) else 0
        else:
            if unit in seen_marks:  # a mark typed twice renders once
                continue
            seen_marks.add(unit)
            sub = 0
        keyed.append((cat, sub, index, unit))
    keyed.sort()
    sorted_syllable = syllable[0] + "".join(unit for *_, unit in keyed)
    # Compose split vowels; confusable OE + AA renders exactly like OO + II.
    out = _SPLIT_OE_RE.sub("\u17be\\1", sorted_syllable)
    out = _SPLIT_OO_RE.sub("\u17c4\\1", out)
    out = out.replace("\u17be\u17b6", "\u17c4\u17b8")
    if out != sorted_syllable:
        # A composed vowel may duplicate another vowel or need sorting again. Each pass
        # shortens the syllable or removes the OE + AA pair, so this terminates.
        return _canonical_syllable(out)
    return out


def canonical_khmer(text: str) -> str:
    """Reorder each Khmer syllable into canonical (khnormal) order; other text is untouched.

    Needed because the same visible word has several encodings and only one of them can be
    a search key. The output reads exactly like the input; only encoding errors (a doubled
    mark, a COENG with no consonant) are dropped.
    """
    if not text:
        return text
    return _SYLLABLE_RE.sub(lambda m: _canonical_syllable(m.group()), text)


def search_key(text: str) -> str:
    """Return the normalised key used for indexing and matching (never for display).

    Removes zero-width characters, canonicalises Khmer syllables, folds Khmer digits to
    ASCII, COENG DA to COENG TA and variant letters to their common form, casefolds, and
    collapses whitespace, so that every way of typing the same words gives the same key.
    """
    if not text:
        return ""
    key = _ZERO_WIDTH_RE.sub("", text)
    key = key.translate(_VARIANT_FOLDS).casefold()
    # NFC composes Latin accents (and orders COENG before U+17DD outside syllables); it
    # runs after every removal so that no later step can create a new non-NFC sequence.
    key = canonical_khmer(unicodedata.normalize("NFC", key))
    key = key.translate(DIGITS_TO_ASCII)
    key = key.replace("\u17d2\u178a", "\u17d2\u178f")  # COENG DA looks like COENG TA
    return _WHITESPACE_RE.sub(" ", key).strip()
