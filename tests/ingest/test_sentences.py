"""Sentence spans for Khmer, English and mixed text."""

from __future__ import annotations

import re

import pytest

from ingest.khmer.normalize import ZERO_WIDTH
from ingest.sentences import split_sentences


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def assert_valid_spans(text: str, spans: list[tuple[int, int]]) -> None:
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert not piece[0].isspace() and not piece[-1].isspace()
        assert piece[0] not in ZERO_WIDTH and piece[-1] not in ZERO_WIDTH
        previous_end = end
    # Spans cover every visible character of the text.
    visible = [i for i, c in enumerate(text) if not c.isspace() and c not in ZERO_WIDTH]
    assert all(any(s <= i < e for s, e in spans) for i in visible)


def test_khmer_enders() -> None:
    text = "ខ្ញុំទៅផ្សារ។ គាត់ទិញផ្លែឈើ៕ចប់ពិធី៚ លោកនិយាយ"
    assert sentences(text) == ["ខ្ញុំទៅផ្សារ។", "គាត់ទិញផ្លែឈើ៕", "ចប់ពិធី៚", "លោកនិយាយ"]


def test_khmer_repetition_sign_colon_and_etc_do_not_break() -> None:
    text = "ក្រសួងបានរៀបចំកម្មវិធីផ្សេងៗ ៖ វគ្គបណ្តុះបណ្តាល សិក្ខាសាលា ។ល។ ដល់យុវជន។ គម្រោងថ្មី។"
    assert sentences(text) == [
        "ក្រសួងបានរៀបចំកម្មវិធីផ្សេងៗ ៖ វគ្គបណ្តុះបណ្តាល សិក្ខាសាលា ។ល។ ដល់យុវជន។",
        "គម្រោងថ្មី។",
    ]


def test_khmer_question_exclamation_and_semicolon() -> None:
    text = "តើអ្នកសុខសប្បាយទេ?ខ្ញុំសុខសប្បាយ! ល្អណាស់; អរគុណ"
    assert sentences(text) == ["តើអ្នកសុខសប្បាយទេ?", "ខ្ញុំសុខសប្បាយ!", "ល្អណាស់;", "អរគុណ"]


def test_khmer_quote_stays_with_its_sentence() -> None:
    text = "លោកថា៖ «យើងនឹងបន្ត។» បន្ទាប់មក ពិធីបានបញ្ចប់។"
    assert sentences(text) == ["លោកថា៖ «យើងនឹងបន្ត។»", "បន្ទាប់មក ពិធីបានបញ្ចប់។"]


def test_khmer_dotted_abbreviations_do_not_break() -> None:
    text = "ឯ\u200b.\u200bឧ រដ្ឋមន្ត្រី (ក.ប.ទ.) បានមានប្រសាសន៍។ ម.ប.ស. បានបើកដំណើរការ។"
    assert sentences(text) == [
        "ឯ\u200b.\u200bឧ រដ្ឋមន្ត្រី (ក.ប.ទ.) បានមានប្រសាសន៍។",
        "ម.ប.ស. បានបើកដំណើរការ។",
    ]


def test_english_sentences_and_abbreviations() -> None:
    text = (
        "Mr. Smith met Dr. Lee at 10 a.m. in Phnom Penh. They discussed e.g. the budget, "
        "i.e. the 2022.10 revision of version 1.2. H.E. Chea Vandeth spoke next. "
        "J. Doe agreed, as did Gen. Tea, St. John and Lt. Sok vs. the others etc. and more. "
        "See Art. 5 and No. 12. Done"
    )
    assert sentences(text) == [
        "Mr. Smith met Dr. Lee at 10 a.m. in Phnom Penh.",
        "They discussed e.g. the budget, i.e. the 2022.10 revision of version 1.2.",
        "H.E. Chea Vandeth spoke next.",
        "J. Doe agreed, as did Gen. Tea, St. John and Lt. Sok vs. the others etc. and more.",
        "See Art. 5 and No. 12.",
        "Done",
    ]


def test_lowercase_word_that_looks_like_a_title_still_ends_a_sentence() -> None:
    assert sentences("The minister said no. The talks ended. See NO. 5 too.") == [
        "The minister said no.",
        "The talks ended.",
        "See NO. 5 too.",
    ]


def test_english_break_needs_a_sentence_start_after() -> None:
    assert sentences("Really? yes. It works! Next 2 items. “Quoted” start.") == [
        "Really? yes.",
        "It works!",
        "Next 2 items.",
        "“Quoted” start.",
    ]
    assert sentences("The rate is 1.5 percent, up from 1.2.") == [
        "The rate is 1.5 percent, up from 1.2.",
    ]
    assert sentences('He said "Go." Then he left. Semicolons; never split English.') == [
        'He said "Go."',
        "Then he left.",
        "Semicolons; never split English.",
    ]


def test_english_sentence_followed_by_khmer() -> None:
    assert sentences("The policy was adopted. គោលនយោបាយត្រូវបានអនុម័ត។") == [
        "The policy was adopted.",
        "គោលនយោបាយត្រូវបានអនុម័ត។",
    ]


def test_inline_list_numbers_stay_with_their_item() -> None:
    assert sentences("Objectives: 1. Build skills. 2. Expand networks.") == [
        "Objectives: 1. Build skills.",
        "2. Expand networks.",
    ]


def test_paragraph_break_always_ends_a_sentence() -> None:
    text = "Title without a full stop\n\nFirst line of the body\n \t\nគោលនយោបាយឌីជីថល"
    assert sentences(text) == [
        "Title without a full stop",
        "First line of the body",
        "គោលនយោបាយឌីជីថល",
    ]


def test_single_newline_is_a_wrap_not_a_break() -> None:
    text = "The ministry will continue\nto support the digital economy."
    assert sentences(text) == [text]


@pytest.mark.parametrize("marker", ["1.", "2)", "1-", "-", "•", "(a)", "១.", "ក.", "ii.", "(ខ)"])
def test_newline_before_list_marker_ends_a_sentence(marker: str) -> None:
    text = f"Priorities are as follows:\n{marker} digital infrastructure\n{marker} skills"
    assert sentences(text) == [
        "Priorities are as follows:",
        f"{marker} digital infrastructure",
        f"{marker} skills",
    ]
    # without a colon, a capitalised item after a line that does not run on is one too
    text = f"Priorities\n{marker} Digital infrastructure\n{marker} Skills"
    assert sentences(text) == ["Priorities", f"{marker} Digital infrastructure", f"{marker} Skills"]


def test_newline_before_non_marker_does_not_break() -> None:
    assert len(split_sentences("growth of\n-5 percent and\n2022.10 figures")) == 1


def test_spans_point_into_original_text_with_zero_widths() -> None:
    text = "\u200b\u200bភ្នំពេញ\u200b ៖ លោក\u200bបានថ្លែង\u200b។\n\u200bពិធីបានបញ្ចប់\u200b។  "
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "ភ្នំពេញ\u200b ៖ លោក\u200bបានថ្លែង\u200b។",
        "ពិធីបានបញ្ចប់\u200b។",
    ]
    assert spans[0][0] == 2
    assert_valid_spans(text, spans)


def test_long_khmer_text_without_enders_is_cut_at_spaces() -> None:
    phrases = [
        "ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍",
        "បានសហការជាមួយដៃគូអភិវឌ្ឍន៍",
        "ដើម្បីពង្រឹងហេដ្ឋារចនាសម្ព័ន្ធឌីជីថល",
        "នៅតាមបណ្តាខេត្ត",
    ]
    text = " ".join(phrases * 12)
    assert len(text) > 1000 and not re.search("[។៕៚]", text)
    spans = split_sentences(text)
    assert len(spans) >= 3
    assert all(e - s <= 400 for s, e in spans)
    for s, e in spans:  # every cut is at a phrase space
        assert s == 0 or text[s - 1] == " "
        assert e == len(text) or text[e] == " "
    assert all(e - s > 300 for s, e in spans[:-1])  # the *last* space, not the first
    assert_valid_spans(text, spans)


def test_long_text_without_any_space_is_still_bounded() -> None:
    text = "ស្ត្រី" * 200  # 1200 chars, no space and no ender
    spans = split_sentences(text, max_chars=400)
    assert all(e - s <= 400 for s, e in spans)
    assert "".join(text[s:e] for s, e in spans) == text
    for _, e in spans[:-1]:  # never separates a subscript from its COENG or a vowel sign
        assert text[e - 1] != "\u17d2" and not "\u17b6" <= text[e] <= "\u17d3"


def test_custom_max_chars() -> None:
    text = "word " * 100
    assert all(e - s <= 50 for s, e in split_sentences(text, max_chars=50))


def test_empty_and_blank() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n\t\u200b ") == []


def test_mixed_document_spans_are_valid() -> None:
    text = (
        "Digital Economy and Society Policy Framework 2021-2035\n\n"
        "ក្របខណ្ឌគោលនយោបាយនេះមានគោលដៅបី។ ទីមួយ ការកសាងហេដ្ឋារចនាសម្ព័ន្ធ។\n"
        "1. Digital infrastructure. 2. Digital trust ៖ cyber security!\n"
        "• Human capital\n(a) e-Government services, e.g. online licensing.\n\n"
        "សរុបមក គោលនយោបាយនេះនឹងត្រូវអនុវត្តជាដំណាក់កាលៗ។"
    )
    spans = split_sentences(text)
    assert_valid_spans(text, spans)
    assert sentences(text) == [
        "Digital Economy and Society Policy Framework 2021-2035",
        "ក្របខណ្ឌគោលនយោបាយនេះមានគោលដៅបី។",
        "ទីមួយ ការកសាងហេដ្ឋារចនាសម្ព័ន្ធ។",
        "1. Digital infrastructure.",
        "2. Digital trust ៖ cyber security!",
        "• Human capital",
        "(a) e-Government services, e.g. online licensing.",
        "សរុបមក គោលនយោបាយនេះនឹងត្រូវអនុវត្តជាដំណាក់កាលៗ។",
    ]
