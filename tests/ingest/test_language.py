"""Script-based language detection."""

from __future__ import annotations

import pytest

from core.models import Language
from ingest.language import asked_in, count_letters, detect_language, khmer_ratio

KHMER = "ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍បានរៀបចំគោលនយោបាយសេដ្ឋកិច្ចឌីជីថល។"
ENGLISH = "The Ministry of Posts and Telecommunications prepared the digital economy policy."


def test_khmer_text() -> None:
    assert detect_language(KHMER) is Language.KHMER
    assert khmer_ratio(KHMER) == 1.0


def test_khmer_with_an_acronym_and_digits_is_still_khmer() -> None:
    text = f"{KHMER} (MPTC) ឆ្នាំ២០២៤ 2024"
    assert detect_language(text) is Language.KHMER
    assert 0.85 < khmer_ratio(text) < 1.0


def test_english_text() -> None:
    assert detect_language(ENGLISH) is Language.ENGLISH
    assert khmer_ratio(ENGLISH) == 0.0
    # A loanword with an accent does not make English "other".
    assert detect_language(ENGLISH + " A café was opened.") is Language.ENGLISH


def test_bilingual_text_is_mixed() -> None:
    assert detect_language(f"{KHMER}\n{ENGLISH}") is Language.MIXED
    assert detect_language("Digital Government Policy គោលនយោបាយរដ្ឋាភិបាលឌីជីថល") is Language.MIXED


def test_accented_latin_is_not_english() -> None:
    vietnamese = "Chính phủ Việt Nam ban hành chiến lược chuyển đổi số quốc gia."
    assert count_letters(vietnamese).latin_diacritic >= 10
    assert detect_language(vietnamese) is Language.OTHER


@pytest.mark.parametrize(
    "text", ["", "   \n", "២០២២ 2022 - 3.14 ។ ៖ ៗ", "รัฐบาลดิจิทัล นโยบาย", "数字经济政策"]
)
def test_no_letters_or_other_scripts_is_other(text: str) -> None:
    assert detect_language(text) is Language.OTHER


def test_thresholds_are_inclusive_at_85_and_15_percent() -> None:
    assert detect_language("ក" * 85 + "a" * 15) is Language.KHMER
    assert detect_language("ក" * 84 + "a" * 16) is Language.MIXED
    assert detect_language("a" * 85 + "ក" * 15) is Language.ENGLISH
    assert detect_language("a" * 84 + "ក" * 16) is Language.MIXED
    # 20% Thai leaves neither script at 85% and Latin under 15%: other.
    assert detect_language("ក" * 70 + "a" * 10 + "ก" * 20) is Language.OTHER


def test_khmer_vowel_signs_count_and_punctuation_does_not() -> None:
    counts = count_letters("កា ។ ១ a!")
    assert (counts.khmer, counts.latin, counts.total) == (2, 1, 3)
    assert khmer_ratio("ក" * 3 + "ab") == pytest.approx(0.6)
    assert khmer_ratio("") == 0.0


def test_a_question_is_answered_in_the_language_most_of_its_letters_are_in() -> None:
    mixed = "តើក្រុមការងារ Sisters of Code បានបណ្ដុះបណ្ដាលនៅមជ្ឈមណ្ឌលប៉ុន្មានទីតាំង?"
    assert detect_language(mixed) == Language.MIXED
    assert asked_in(mixed) == "km"
    assert asked_in("What does the plan say about ការិយាល័យឃុំ?") == "en"
    assert asked_in("Quelle est la politique?") == "en" and asked_in("???") == "en"
