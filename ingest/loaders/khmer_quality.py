"""Cheap, dependency-free checks of how trustworthy an extracted page text is.

Why: PDF text layers of Khmer documents are often wrong in ways a reader of the extracted text
cannot see at a glance. Shaped fonts make some extractors (notably pypdf) emit glyphs in visual
order (pre-base vowels before their consonant), drop letters and insert control characters;
legacy (Limon-style) fonts map Khmer glyphs onto Latin-1 code points, so the "text" is
gibberish such as ``RksYgéRbkarsm<½n§``; scanned pages have no text at all. The PDF loader uses
these scores to pick an extractor per page or to send the page to OCR.

The checks only look at character sequences that are *impossible* in well-formed Khmer
(Unicode Khmer syllable structure), so clean text scores 0 regardless of spelling.
"""

from __future__ import annotations

import logging
import string
import unicodedata
from dataclasses import dataclass

from ingest.khmer.script import COENG, DEPENDENT_VOWELS, is_base, is_khmer, is_mark

logger = logging.getLogger(__name__)

#: Khmer errors per Khmer character above which a page's text is considered broken. Calibrated
#: on tests/fixtures/pdf: pypdf output of the shaped pages scores 0.059-0.071, pdftotext 0.000,
#: pdfium 0.000-0.009 (it detaches a few subscripts), clean source text 0.
BROKEN_ERROR_RATE = 0.01
#: Minimum non-space characters for a page to count as having text at all.
MIN_TEXT_CHARS = 20
#: Share of "odd" tokens above which Khmer-less text is treated as legacy-font gibberish.
#: Measured: the 289 pages of two real English policy PDFs (bullets, dashes, URLs, CamDX)
#: score at most 0.033 per page; the legacy-font fixture scores 0.76.
LEGACY_ODD_TOKEN_RATIO = 0.25
LEGACY_MIN_ODD_TOKENS = 4

_ZW_JOINERS = {"\u200c", "\u200d"}  # ZWNJ/ZWJ are legitimate inside Khmer syllables
_WORD_BREAKS = {"\u200b"}  # ZWSP is the usual Khmer word separator
_PRE_BASE = set("\u17c1\u17c2\u17c3\u17be\u17bf\u17c0\u17c4\u17c5")
_POST_VOWEL_SIGNS = set("\u17c6\u17c7\u17c8")  # nikahit, reahmuk, yuukaleapintu
#: Two dependent vowels that old keyboards/fonts type for one visual vowel (e+aa = oo, e+ii = oe).
_COMPOSING_PAIRS = {("\u17c1", "\u17b6"), ("\u17c1", "\u17b8")}
#: Latin-1 symbols and punctuation that legacy Khmer fonts map glyphs onto.
#: Accented letters used by French/Spanish/German text do not count; æ ð þ (near-absent from
#: modern European text but frequent in legacy Khmer encodings) do.
_LEGACY_SYMBOLS = set("¡¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿×÷μÆæÐðÞþ")
_ODD_INTERIOR = set("<>;()[]{}|\\^~`@#$%*=+_:!\"")
_EDGE_PUNCT = string.punctuation + "“”‘’«»•·–—…"


def _is_control(c: str) -> bool:
    """Characters no real page text contains (line breaks, tabs and form feeds excepted)."""
    if c in "\n\t\r\f":
        return False
    o = ord(c)
    return o < 0x20 or 0x7F <= o <= 0x9F or c in "\ufffd\u17b4\u17b5"


@dataclass(frozen=True)
class PageTextQuality:
    """Counts from one page's text; the properties turn them into decisions."""

    nonspace_chars: int
    khmer_chars: int
    latin_chars: int
    control_chars: int
    orphan_marks: int
    bad_orders: int
    foreign_in_word: int
    #: marks separated from their cluster by inserted whitespace (informational, not an error)
    split_clusters: int
    legacy_symbols: int
    tokens: int
    odd_tokens: int

    @property
    def khmer_errors(self) -> int:
        return self.orphan_marks + self.bad_orders + self.foreign_in_word + self.control_chars

    @property
    def khmer_error_rate(self) -> float:
        """Errors per Khmer character (0.0 for text without Khmer)."""
        return self.khmer_errors / self.khmer_chars if self.khmer_chars else 0.0

    @property
    def symbol_ratio(self) -> float:
        """Share of non-space characters that are Latin-1 symbols typical of legacy fonts."""
        return self.legacy_symbols / self.nonspace_chars if self.nonspace_chars else 0.0

    @property
    def odd_token_ratio(self) -> float:
        return self.odd_tokens / self.tokens if self.tokens else 0.0

    @property
    def is_empty(self) -> bool:
        return self.nonspace_chars - self.control_chars < MIN_TEXT_CHARS

    @property
    def has_khmer(self) -> bool:
        return self.khmer_chars > 0

    @property
    def is_khmer_broken(self) -> bool:
        return self.khmer_chars > 0 and self.khmer_error_rate > BROKEN_ERROR_RATE

    @property
    def is_legacy_font_gibberish(self) -> bool:
        """No Khmer code points but many tokens mixing Latin letters with odd symbols."""
        return (
            self.khmer_chars == 0
            and not self.is_empty
            and self.odd_tokens >= LEGACY_MIN_ODD_TOKENS
            and self.odd_token_ratio > LEGACY_ODD_TOKEN_RATIO
        )


def _count_khmer_errors(text: str) -> tuple[int, int, int, int]:
    """Return (orphan_marks, bad_orders, foreign_in_word, split_clusters) from syllable order."""
    orphans = bad = foreign = split = 0
    prev = ""  # previous char, ZWJ/ZWNJ skipped
    n = len(text)
    for i, c in enumerate(text):
        if c in _ZW_JOINERS:
            continue
        if is_mark(c) and prev.isspace() and c != COENG and c not in _PRE_BASE:
            # Extractors put spaces/line breaks inside clusters ("ឆ្នា ំ"): harmless for search
            # (normalisation removes them), so judge the mark against the char before the gap.
            k = i - 1
            while k > 0 and i - k <= 3 and (text[k].isspace() or text[k] in _ZW_JOINERS):
                k -= 1
            if k >= 0 and (is_base(text[k]) or is_mark(text[k])):
                split += 1
                prev = text[k]
        if is_mark(c):
            prev_ok = is_base(prev) or is_mark(prev)
            if not prev_ok:
                if c in _PRE_BASE:
                    bad += 1  # visual-order extraction: vowel emitted before its consonant
                else:
                    orphans += 1
            elif c == COENG:
                nxt = text[i + 1] if i + 1 < n else ""
                if prev in DEPENDENT_VOWELS or prev in _POST_VOWEL_SIGNS or prev == COENG:
                    bad += 1
                elif not is_base(nxt):
                    bad += 1
            elif c in DEPENDENT_VOWELS:
                if prev in DEPENDENT_VOWELS and (prev, c) not in _COMPOSING_PAIRS:
                    bad += 1
                elif prev in _POST_VOWEL_SIGNS:
                    bad += 1  # e.g. nikahit typed/extracted before the vowel it sits on
        elif is_khmer(prev) and not is_khmer(c) and not c.isspace():
            # A short run of Latin letters/digits or private-use glyphs glued inside a Khmer
            # word is what broken ToUnicode maps produce ("សាC ប័ន", "តម្លា9").
            j = i
            while j < n and j - i < 3 and (c_j := text[j]).isascii() and c_j.isalnum():
                j += 1
            if "\ue000" <= c <= "\uf8ff":
                foreign += 1
            elif 0 < j - i <= 2 and j < n and is_khmer(text[j]):
                foreign += 1
        prev = c
    return orphans, bad, foreign, split


def _is_odd_token(token: str) -> bool:
    """Does a whitespace-separated token look like legacy-font encoded Khmer?"""
    core = token.strip(_EDGE_PUNCT)
    if not core:
        return False
    if "://" in core or core.startswith("www.") or ("@" in core and "." in core):
        return False  # URLs and e-mail addresses
    legacy = sum(1 for c in core if c in _LEGACY_SYMBOLS)
    letters = sum(1 for c in core if c.isascii() and c.isalpha())
    if legacy and (letters or legacy == len(core)):
        return True
    if any(c in _ODD_INTERIOR for c in core[1:-1]) and letters >= 2:
        return True
    # lower->upper switches inside a word: "RksYgRbkar", "RBHmhakSRt" (camelCase brands are rare)
    switches = sum(1 for a, b in zip(core, core[1:], strict=False) if a.islower() and b.isupper())
    return switches >= 1 and len(core) >= 4 and letters == len(core) and not core[0].islower()


def assess_page_text(text: str) -> PageTextQuality:
    """Score one page's extracted text (cheap: a single pass plus a token pass)."""
    nonspace = khmer = latin = control = legacy = 0
    for c in text:
        if c.isspace() or c in _WORD_BREAKS or c in _ZW_JOINERS:
            continue
        nonspace += 1
        if _is_control(c):  # first: the invisible Khmer vowels U+17B4/5 count as control
            control += 1
        elif is_khmer(c):
            khmer += 1
        elif c in _LEGACY_SYMBOLS:
            legacy += 1
        elif c.isalpha() and (c.isascii() or unicodedata.name(c, "").startswith("LATIN")):
            latin += 1
    orphans, bad, foreign, split = _count_khmer_errors(text)
    tokens = [t for t in text.split() if t.strip(_EDGE_PUNCT) or any(c in _LEGACY_SYMBOLS for c in t)]
    odd = sum(1 for t in tokens if _is_odd_token(t))
    return PageTextQuality(
        nonspace_chars=nonspace,
        khmer_chars=khmer,
        latin_chars=latin,
        control_chars=control,
        orphan_marks=orphans,
        bad_orders=bad,
        foreign_in_word=foreign,
        split_clusters=split,
        legacy_symbols=legacy,
        tokens=len(tokens),
        odd_tokens=odd,
    )
