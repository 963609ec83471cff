"""A pre-base vowel OCR'd as an extra letter and written first (រេស for សេ) at the start of
a word that follows different words in the text than in the title: the text's spelling of
the word and what follows it decides (``ingest/identity/ocr_repair.py``). Khmer text written
for this test."""

from __future__ import annotations

from ingest.identity.ocr_repair import repair_title

TITLE = "ក្រុមប្រឹក្សាជាតិរេសដ្ឋកិច្ច និងសង្គមឌីជីថល"
FIXED = "ក្រុមប្រឹក្សាជាតិសេដ្ឋកិច្ច និងសង្គមឌីជីថល"
# សេដ្ឋកិច្ច after three other words, never after ជាតិ as in the title
BODY = "\nវិស័យសេដ្ឋកិច្ចឌីជីថល។ កំណើនសេដ្ឋកិច្ចខ្ពស់។ ការអភិវឌ្ឍសេដ្ឋកិច្ចជាតិ។"


def test_a_word_start_slip_is_fixed_from_the_words_own_spelling() -> None:
    assert repair_title(TITLE, TITLE + BODY) == FIXED


def test_no_fix_without_enough_support_or_when_the_title_spelling_is_real() -> None:
    two = "\nវិស័យសេដ្ឋកិច្ចឌីជីថល។ កំណើនសេដ្ឋកិច្ចខ្ពស់។"
    assert repair_title(TITLE, TITLE + two) == TITLE  # seen twice: not enough
    real = BODY + "\nរេសដ្ឋកិច្ច រេសដ្ឋកិច្ច"  # the title's own letters recur: a real spelling
    assert repair_title(TITLE, TITLE + real) == TITLE
