"""Search-key normalisation: every encoding of the same visible Khmer word gives one key."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from ingest.khmer.normalize import ZERO_WIDTH, canonical_khmer, search_key

# Correctly encoded policy prose, written for these tests (not taken from the corpus).
PARAGRAPH = (
    "រាជរដ្ឋាភិបាលកម្ពុជាបានអនុម័តក្របខណ្ឌគោលនយោបាយសេដ្ឋកិច្ចឌីជីថល ឆ្នាំ២០២១-២០៣៥ "
    "ដើម្បីជំរុញការផ្លាស់ប្តូរឌីជីថលនៅគ្រប់វិស័យ។ ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍ "
    "នឹងសហការជាមួយដៃគូអភិវឌ្ឍន៍ ដើម្បីពង្រឹងហេដ្ឋារចនាសម្ព័ន្ធឌីជីថល បណ្តុះបណ្តាលធនធានមនុស្ស "
    "និងលើកកម្ពស់សុវត្ថិភាពព័ត៌មានវិទ្យា។ ស្ត្រី និងយុវជននៅតាមជនបទ ត្រូវបានលើកទឹកចិត្តឱ្យចូលរួម"
    "ក្នុងកម្មវិធីផ្សេងៗ ដូចជា ការសិក្សាតាមប្រព័ន្ធអេឡិចត្រូនិក និងការប្រើប្រាស់សេវាសាធារណៈ"
    "តាមអនឡាញ។ ឯកឧត្តមរដ្ឋមន្ត្រីបានថ្លែងថា៖ «យើងត្រូវធ្វើឱ្យប្រជាពលរដ្ឋគ្រប់រូបទទួលបានអត្ថប្រយោជន៍"
    "ពីបច្ចេកវិទ្យា»។ ប៉ុន្តែ គម្រោងនេះនឹងចាប់ផ្តើមនៅម៉ោង៨ព្រឹក ថ្ងៃច័ន្ទ ខែមករា។"
)


def codepoints(text: str) -> str:
    return " ".join(f"{ord(c):04X}" for c in text)


def test_zero_width_set_is_exact() -> None:
    assert ZERO_WIDTH == frozenset("\u200b\u200c\u200d\u00ad\u2060\ufeff")


def test_vowel_typed_before_subscript() -> None:
    assert search_key("ខែ្មរ") == search_key("ខ្មែរ") == "ខ្មែរ"
    assert canonical_khmer("ខែ្មរ") == "ខ្មែរ"
    assert canonical_khmer("ថា្នក់") == "ថ្នាក់"


def test_three_encodings_of_stri_give_one_key() -> None:
    encodings = ["ស\u17d2ត\u17d2រ\u17b8", "ស\u17d2រ\u17d2ត\u17b8", "ស\u17d2ដ\u17d2រ\u17b8"]
    keys = {search_key(e) for e in encodings}
    assert len(keys) == 1, [codepoints(k) for k in keys]
    assert keys == {"ស\u17d2ត\u17d2រ\u17b8"}


def test_coeng_ro_moves_after_other_subscript() -> None:
    assert canonical_khmer("មន\u17d2រ\u17d2តី") == "មន\u17d2ត\u17d2រី"
    # Only COENG RO moves: two other subscripts keep their order.
    assert canonical_khmer("ស\u17d2ត\u17d2វ") == "ស\u17d2ត\u17d2វ"


def test_coeng_da_folds_to_coeng_ta_only_in_key() -> None:
    assert search_key("បណ្ដុះបណ្ដាល") == search_key("បណ្តុះបណ្តាល")
    assert canonical_khmer("បណ្ដុះ") == "បណ្ដុះ"  # canonical form keeps what was typed
    assert search_key("ដី") == "ដី"  # a base DA is a different letter and stays


def test_zero_width_inside_word_vanishes() -> None:
    assert search_key("ខ្មែរ\u200bភាសា") == search_key("ខ្មែរភាសា")
    assert search_key("\ufeffខ្មែរ\u200c\u200d\u2060\u00adភាសា") == "ខ្មែរភាសា"
    assert search_key("ខ\u200bែ្មរ") == "ខ្មែរ"  # removed before reordering


def test_khmer_digits_fold_to_ascii() -> None:
    assert search_key("២០២២") == "2022"
    assert search_key("ឆ្នាំ២០២១-២០៣៥") == "ឆ្នាំ2021-2035"
    assert search_key("០១២៣៤៥៦៧៨៩") == "0123456789"


def test_split_vowels_are_composed() -> None:
    assert canonical_khmer("ក\u17c1\u17b8") == "ក\u17be"  # េ + ី -> ើ
    assert canonical_khmer("ក\u17c1\u17b6") == "ក\u17c4"  # េ + ា -> ោ
    assert canonical_khmer("ធ\u17d2វ\u17c1\u17b8") == "ធ្វើ"
    assert canonical_khmer("ក\u17b8\u17c1") == "ក\u17be"  # halves typed in reverse order


def test_repeated_marks_are_dropped_and_signs_reordered() -> None:
    assert canonical_khmer("គាំំទ") == "គាំទ"
    assert canonical_khmer("ត\u17c6\u17b6ង") == "តាំង"  # nikahit typed before AA
    assert canonical_khmer("ក\u17bb\u17c9") == "ក\u17c9\u17bb"  # shifter before vowel
    assert canonical_khmer("ធម\u17cc\u17d2ម") == "ធម\u17cc\u17d2ម"  # robat before subscript
    assert canonical_khmer("ធម\u17d2ម\u17cc") == "ធម\u17cc\u17d2ម"
    assert canonical_khmer("ក\u17d2\u17d2ម") == "ក\u17d2ម"  # doubled COENG
    assert canonical_khmer("ក\u17d2\u17b7ម") == "ក\u17b7ម"  # COENG with no consonant


@pytest.mark.parametrize(
    "word",
    [
        "ប៉ុន្តែ",
        "ម៉ោង",
        "ព័ត៌មាន",
        "សម្ព័ន្ធ",
        "ឯកឧត្តម",
        "ឱ្យ",
        "ស៊ីវិល",
        "ឥឡូវ",
        "ក្រសួង",
        "អ្នក",
        "ស្ត្រី",
        "វិទ្យាស្ថាន",
        "ផ្សេងៗ",
        "ពិធីសម្ពោធ",
        "ធម៌",
        "ឆ្នាំ",
    ],
)
def test_correctly_typed_words_are_unchanged(word: str) -> None:
    assert canonical_khmer(word) == word


def test_variant_qoo_and_deprecated_letters_fold() -> None:
    assert search_key("ឲ្យ") == search_key("ឱ្យ")
    assert search_key("\u17a4") == "\u17a2\u17b6"  # deprecated QAA -> QA + AA
    assert search_key("ក\u17b4ម") == "កម"  # invisible inherent vowel dropped


def test_english_is_only_casefolded_and_whitespace_collapsed() -> None:
    text = "  The Digital   Economy\n\tPolicy, E-Government (2021-2035)!  "
    assert search_key(text) == "the digital economy policy, e-government (2021-2035)!"
    assert canonical_khmer(text) == text


def test_non_khmer_passes_through_canonical_unchanged() -> None:
    text = "Prakas No. 123 — ១២៣ «quoted» 3.14 ៗ។"
    assert canonical_khmer(text) == text
    assert canonical_khmer("") == "" and search_key("") == ""


def test_paragraph_round_trips_to_same_length() -> None:
    assert canonical_khmer(PARAGRAPH) == PARAGRAPH  # already canonical: nothing moves
    with_zero_width = PARAGRAPH.replace("ការ", "ការ\u200b").replace("និង", "\u200bនិង\u200b")
    removed = sum(with_zero_width.count(z) for z in ZERO_WIDTH)
    assert removed > 10
    key = search_key(with_zero_width)
    assert len(key) == len(with_zero_width) - removed
    assert key == search_key(PARAGRAPH)
    assert "2021-2035" in key and "២" not in key


_ALPHABET = (
    [chr(c) for c in range(0x1780, 0x17A3, 3)]  # consonants
    + ["\u179a", "\u178a", "\u178f", "\u17a5", "\u17b1", "\u17b2", "\u17a3", "\u17a4"]
    + [chr(c) for c in range(0x17B4, 0x17D4)]  # vowels, signs, shifters, robat, coeng
    + ["\u17d2"] * 6  # plenty of subscripts
    + ["\u17dd", "\u17d4", "\u17d7", "\u17e0", "\u17e5"]
    + sorted(ZERO_WIDTH)
    + [" ", "  ", "\n", "A", "b", "1", ".", "-"]
)


def _random_strings(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(_ALPHABET, k=rng.randint(1, 24))) for _ in range(count)]


def test_search_key_is_idempotent_on_random_khmer() -> None:
    for text in _random_strings(600, seed=20240521):
        key = search_key(text)
        assert search_key(key) == key, codepoints(text)


def _is_khmer_or_joiner(c: str) -> bool:
    return "\u1780" <= c <= "\u17ff" or c in "\u200c\u200d"


def test_canonical_khmer_is_idempotent_and_never_touches_other_text() -> None:
    for text in _random_strings(600, seed=7):
        canon = canonical_khmer(text)
        assert canonical_khmer(canon) == canon, codepoints(text)
        assert len(canon) <= len(text)
        # Non-Khmer text keeps its order; Khmer letters are only reordered, never lost.
        assert [c for c in canon if not _is_khmer_or_joiner(c)] == [
            c for c in text if not _is_khmer_or_joiner(c)
        ]
        assert Counter(c for c in canon if "\u1780" <= c <= "\u17b3") == Counter(
            c for c in text if "\u1780" <= c <= "\u17b3"
        ), codepoints(text)
