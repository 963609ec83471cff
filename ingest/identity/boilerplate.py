"""Lines that head official documents but never title them, in English, Khmer and Vietnamese.

Cambodian covers open with the state name and motto (KINGDOM OF CAMBODIA / NATION RELIGION
KING, ព្រះរាជាណាចក្រកម្ពុជា / ជាតិ សាសនា ព្រះមហាក្សត្រ) and often the Royal Government; Vietnamese
ones with the republic and its motto. A title taken from the first line would be one of those
for every such document, so these lines are skipped. OCR damages them ("ព្រះរាជាណាចត្រកម្ពុជា",
a truncated "ព្រះរាជាណាវ"), so near matches count too.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

from ingest.khmer.normalize import search_key
from ingest.khmer.script import KHMER

__all__ = ["PHRASES", "is_boilerplate", "is_noise", "line_key"]

PHRASES: tuple[str, ...] = (
    # English
    "Kingdom of Cambodia",
    "Nation Religion King",
    "Royal Government of Cambodia",
    "Royal Government",
    "Socialist Republic of Viet Nam",
    "Socialist Republic of Vietnam",
    "Independence - Freedom - Happiness",
    "Republic of Singapore",
    "Government of India",
    # Khmer
    "ព្រះរាជាណាចក្រកម្ពុជា",
    "ជាតិ សាសនា ព្រះមហាក្សត្រ",
    "សាសនា ព្រះមហាក្សត្រ",
    "រាជរដ្ឋាភិបាលកម្ពុជា",
    "រាជរដ្ឋាភិបាល",
    # Vietnamese
    "Cộng hòa xã hội chủ nghĩa Việt Nam",
    "Độc lập - Tự do - Hạnh phúc",
    "Chính phủ",
)
_NUMBER_LINE = re.compile(r"^\W*(?:no\.?|số|លេខ|ref\.?)\s*[:.]", re.I)
_PAGE_LINE = re.compile(r"^\W*(?:page\s*)?(?:\d{1,4}|[ivxlc]{1,6})\W*$", re.I)


def line_key(text: str) -> str:
    """Compact comparison key: search key, Latin accents dropped, only letters and digits."""
    key = search_key(text)
    key = "".join(
        ch
        for ch in unicodedata.normalize("NFKD", key)
        if ch in KHMER or unicodedata.category(ch) != "Mn"
    )
    return "".join(ch for ch in key if ch.isalnum() or ch in KHMER and not _is_khmer_punct(ch))


def _is_khmer_punct(ch: str) -> bool:
    return "\u17d4" <= ch <= "\u17da"


@lru_cache(maxsize=1)
def _phrase_keys() -> tuple[str, ...]:
    return tuple(sorted({line_key(p) for p in PHRASES}, key=len, reverse=True))


def _letters(key: str) -> int:
    return sum(not ch.isdigit() for ch in key)


def is_noise(line: str) -> bool:
    """No words at all: page numbers (``3``, ``ii``, ``Page i``, ``១/៧``), rules, stray marks."""
    key = line_key(line)
    return _letters(key) < 2 or bool(_PAGE_LINE.match(line)) or bool(_NUMBER_LINE.match(line))


def is_boilerplate(line: str) -> bool:
    """True for a state name, motto or bare government name (or OCR damage of one), alone or
    together on one line: such a line heads a document and is never its title."""
    key = line_key(line)
    if _letters(key) < 2:
        return True
    rest = key
    for phrase in _phrase_keys():
        rest = rest.replace(phrase, "")
    if _letters(rest) <= max(2, len(key) // 5):
        return True
    for phrase in _phrase_keys():
        if len(phrase) < 6:
            continue
        if 0.6 * len(phrase) <= len(key) <= 1.3 * len(phrase):
            if SequenceMatcher(None, key, phrase, autojunk=False).ratio() >= 0.8:
                return True
        if 6 <= len(key) < len(phrase):  # truncated by OCR: "ព្រះរាជាណាវ"
            if SequenceMatcher(None, key, phrase[: len(key)], autojunk=False).ratio() >= 0.85:
                return True
    return False
