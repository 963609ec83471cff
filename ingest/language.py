"""Language detection by script, for Khmer, English and mixed documents.

Statistical detectors are unreliable on Khmer and on short or bilingual policy text, while the
question that matters here (which analyser and which answer language) is answered well by the
share of Khmer versus Latin letters. Latin text with many accented letters (Vietnamese,
French) is not English, so it is reported as OTHER rather than mis-stemmed as English.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from core.models import Language
from ingest.khmer.script import is_khmer_letter

__all__ = ["LetterCounts", "count_letters", "detect_language", "khmer_ratio"]

#: Share of letters a script needs to make a text monolingual.
MONOLINGUAL_SHARE = 0.85
#: Share of Khmer letters from which a question is answered in Khmer (``asked_in``).
REPLY_KHMER_SHARE = 0.5
#: Share of letters each script needs for a text to be MIXED.
MIXED_SHARE = 0.15
#: Above this share of accented Latin letters, Latin text is not taken for English.
MAX_DIACRITIC_SHARE = 0.05


@dataclass(frozen=True)
class LetterCounts:
    """Letters by script. Khmer counts vowel signs and marks: they are most of a Khmer word."""

    khmer: int = 0
    latin: int = 0
    latin_diacritic: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.khmer + self.latin + self.other


def count_letters(text: str) -> LetterCounts:
    """Count letters per script (digits, punctuation, symbols and spaces are ignored)."""
    khmer = latin = accented = other = 0
    for ch in unicodedata.normalize("NFC", text):
        if ch.isascii():
            if ch.isalpha():
                latin += 1
        elif is_khmer_letter(ch):
            khmer += 1
        elif ch.isalpha():
            if unicodedata.name(ch, "").startswith("LATIN "):
                latin += 1
                accented += 1
            else:
                other += 1
    return LetterCounts(khmer=khmer, latin=latin, latin_diacritic=accented, other=other)


def khmer_ratio(text: str) -> float:
    """Share of letters that are Khmer, 0.0 for text without letters."""
    counts = count_letters(text)
    return counts.khmer / counts.total if counts.total else 0.0


def detect_language(text: str) -> Language:
    """Classify text as KHMER, ENGLISH, MIXED or OTHER from its letters' scripts.

    KHMER: Khmer letters >= 85%. ENGLISH: Latin >= 85% and under 5% of those accented.
    MIXED: Khmer and Latin each >= 15%. Anything else, including no letters at all: OTHER.
    """
    counts = count_letters(text)
    total = counts.total
    if not total:
        return Language.OTHER
    khmer_share = counts.khmer / total
    latin_share = counts.latin / total
    if khmer_share >= MONOLINGUAL_SHARE:
        return Language.KHMER
    if (
        latin_share >= MONOLINGUAL_SHARE
        and counts.latin_diacritic / counts.latin < MAX_DIACRITIC_SHARE
    ):
        return Language.ENGLISH
    if khmer_share >= MIXED_SHARE and latin_share >= MIXED_SHARE:
        return Language.MIXED
    return Language.OTHER


def asked_in(text: str) -> str:
    """The language a person wrote ``text`` in, to reply in: ``"km"`` when Khmer letters are
    at least half of its letters, else ``"en"``. A Khmer question that names "Sisters of
    Code" or "ICT" is MIXED to the detector but is still asked in Khmer."""
    counts = count_letters(text)
    return "km" if counts.total and counts.khmer / counts.total >= REPLY_KHMER_SHARE else "en"
