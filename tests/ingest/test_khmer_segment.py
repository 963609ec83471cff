"""Khmer word segmentation through real khmer-nltk, and mixed-script tokenisation."""

from __future__ import annotations

import re

from ingest.khmer.segment import Segmenter, segment_khmer, tokenize_mixed
from tests.support.paths import REPO

SENTENCE = "ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍បានរៀបចំគោលនយោបាយសេដ្ឋកិច្ចឌីជីថល។"


def test_segments_a_khmer_sentence_into_words() -> None:
    tokens = segment_khmer(SENTENCE)
    for word in ("ក្រសួង", "និង", "បាន", "សេដ្ឋកិច្ច", "ឌីជីថល"):
        assert word in tokens
    assert tokens[-1] == "។"
    assert "".join(tokens) == SENTENCE  # nothing lost, nothing added
    assert len(tokens) >= 8


def test_newline_is_a_word_boundary() -> None:
    from khmernltk import word_tokenize

    # Raw khmer-nltk deletes the newline and glues the two words into one token.
    assert word_tokenize("ការ\nប្រទេស") == ["ការប្រទេស"]
    assert segment_khmer("ការ\nប្រទេស") == ["ការ", "ប្រទេស"]
    first, second = "រាជរដ្ឋាភិបាលកម្ពុជា", "បានអនុម័តច្បាប់ថ្មី"
    assert segment_khmer(f"{first}\r\n{second}") == segment_khmer(first) + segment_khmer(second)


def test_zero_width_characters_are_removed() -> None:
    tokens = segment_khmer("ស្ត្រី និងយុវជន\u200bនៅ\u200bតាម\u200bជនបទ\ufeff")
    assert not any(z in "".join(tokens) for z in "\u200b\u200c\u200d\ufeff\u00ad\u2060")
    assert "".join(tokens) == "ស្ត្រីនិងយុវជននៅតាមជនបទ"
    assert "ស្ត្រី" in tokens and "ជនបទ" in tokens


def test_no_whitespace_tokens_and_tabs_split() -> None:
    tokens = segment_khmer("Digital\tGovernment   Policy\u00a0២០២២ ភ្នំពេញ")
    assert tokens == ["Digital", "Government", "Policy", "២០២២", "ភ្នំពេញ"]
    assert all(t.strip() == t and t for t in tokens)


def test_empty_and_blank_input() -> None:
    assert segment_khmer("") == []
    assert segment_khmer(" \n\t\u200b \n") == []


def test_cached_results_are_not_shared_lists() -> None:
    first = segment_khmer("ភ្នំពេញ")
    first.append("mutated")
    assert segment_khmer("ភ្នំពេញ") == ["ភ្នំពេញ"]


def test_long_line_is_segmented_without_loss() -> None:
    line = (SENTENCE + " ") * 12  # well past the cache threshold
    tokens = segment_khmer(line)
    assert "".join(tokens) == re.sub(r"\s", "", line)
    assert tokens.count("ក្រសួង") == 12


def test_tokenize_mixed_keeps_order_and_drops_punctuation() -> None:
    text = "The Ministry (MPTC) បានដាក់ឱ្យដំណើរការ e-KYC ឆ្នាំ២០២៤។ Done, 2021-2035!"
    tokens = tokenize_mixed(text)
    assert tokens[:3] == ["The", "Ministry", "MPTC"]
    assert tokens[-3:] == ["Done", "2021", "2035"]
    assert tokens.index("បាន") < tokens.index("e") < tokens.index("KYC") < tokens.index("ឆ្នាំ")
    assert "២០២៤" in tokens
    assert "។" not in tokens and "(" not in "".join(tokens)


def test_tokenize_mixed_splits_khmer_numbers_from_words() -> None:
    text = "សហការជាមួយរាជរដ្ឋាភិបាលរយៈពេល៥ឆ្នាំបន្តទៀត"
    assert "៥ឆ្នាំ" in segment_khmer(text)  # khmer-nltk glues the number on here
    tokens = tokenize_mixed(text)
    assert "៥ឆ្នាំ" not in tokens
    assert tokens.index("៥") + 1 == tokens.index("ឆ្នាំ")
    assert tokenize_mixed("រយៈពេល5ឆ្នាំ")[-2:] == ["5", "ឆ្នាំ"]


def test_tokenize_mixed_passes_each_khmer_run_to_the_segmenter() -> None:
    calls: list[str] = []

    def whole_run(text: str) -> list[str]:
        calls.append(text)
        return [text, "៖"]

    segmenter: Segmenter = whole_run
    tokens = tokenize_mixed("Hello ភ្នំពេញ ៖ លោក world កម្ពុជា", segmenter=segmenter)
    assert calls == ["ភ្នំពេញ ៖ លោក", "កម្ពុជា"]  # phrases keep their inner spaces
    assert tokens == ["Hello", "ភ្នំពេញ ៖ លោក", "world", "កម្ពុជា"]  # "៖" alone is dropped


def test_tokenize_mixed_zero_width_and_accents_do_not_split_words() -> None:
    assert tokenize_mixed("infor\u00admation cafe\u0301 naïve") == [
        "information",
        "cafe\u0301",
        "naïve",
    ]
    assert tokenize_mixed("ខ្មែរ\u200bភាសា") == tokenize_mixed("ខ្មែរភាសា")
    assert tokenize_mixed("") == []


def test_loading_khmer_nltk_leaves_no_model_copy_in_the_temp_dir(tmp_path):
    """sklearn-crfsuite writes a 17 MB temp copy of the model per process; we remove it."""
    import os
    import subprocess
    import sys

    code = ("from ingest.khmer.segment import segment_khmer; "
            "assert segment_khmer('ក្រសួងមហាផ្ទៃ') == ['ក្រសួង', 'មហាផ្ទៃ']")
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120, cwd=REPO)
    assert list(tmp_path.iterdir()) == []


def test_first_use_from_many_threads_at_once(tmp_path):
    """A fresh server's first Khmer queries arrive together: every one must be segmented
    (a race in loading the model used to fail some with 'Error opening model file')."""
    import os
    import subprocess
    import sys

    code = """
import threading
from ingest.khmer.segment import segment_khmer
results, errors = [], []
barrier = threading.Barrier(8)
def work():
    barrier.wait()
    try:
        results.append(segment_khmer('ក្រសួងមហាផ្ទៃ'))
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=work) for _ in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
assert not errors, errors
assert results == [['ក្រសួង', 'មហាផ្ទៃ']] * 8, results
"""
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    for _ in range(3):  # a race: try a few fresh processes
        subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120,
                       cwd=REPO)
