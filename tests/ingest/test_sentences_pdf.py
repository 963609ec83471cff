"""Sentences across PDF line breaks: text as pdftotext gives it, with lines wrapped wherever
the page ran out, numbers and enumerations at line starts, bullets, headings and running
titles. Written for these tests (no corpus text)."""

from __future__ import annotations

from ingest.sentences import split_sentences


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_a_number_at_a_line_start_continues_the_sentence() -> None:
    text = ("The digital economy is expected to boost GDP by about\n3.5 percent by 2030, and\n"
            "2.1 million jobs will need new skills.\nThe plan ends in 2035.")
    assert sentences(text) == [
        "The digital economy is expected to boost GDP by about\n3.5 percent by 2030, and\n"
        "2.1 million jobs will need new skills.",
        "The plan ends in 2035.",
    ]
    assert sentences("Revenue grew by about\n3.5% by 2025.") == ["Revenue grew by about\n3.5% by 2025."]


def test_an_inline_enumeration_wrapped_to_a_line_start_is_no_item() -> None:
    text = ("Develop satellite services by\n(1) preparing the foundation, (2) building a data\n"
            "platform, and\n(3) training staff.")
    assert sentences(text) == [text]


def test_a_numbered_item_after_a_sentence_end_is_an_item() -> None:
    text = ("The policy sets three goals.\n1. Connect every commune\n2. Train civil servants in\n"
            "digital skills\n3. Put services online")
    assert sentences(text) == [
        "The policy sets three goals.",
        "1. Connect every commune",
        "2. Train civil servants in\ndigital skills",
        "3. Put services online",
    ]


def test_bullets_are_sentences_of_their_own() -> None:
    text = ("Weaknesses are the following:\n● Coverage does not reach the whole country and\n"
            "quality is low\n● Few officials are trained in security\n\uf0b7 Payments are offline")
    assert sentences(text) == [
        "Weaknesses are the following:",
        "● Coverage does not reach the whole country and\nquality is low",
        "● Few officials are trained in security",
        "\uf0b7 Payments are offline",
    ]


def test_headings_and_running_titles_are_not_glued_to_the_next_sentence() -> None:
    body = ("Building a digital government is an important agenda for the reform of ministries\n"
            "and institutions at the national and sub-national levels of administration.\n")
    text = ("4-DIGITAL GOVERNMENT VISION\nRural Connectivity Plan 2024-2030  Page 7\n" + body
            + "4.2-Principles of Implementation\nThe principles guide every ministry in the\n"
            "design of its services.\nOpen Standards\nEvery system uses open standards.")
    assert sentences(text) == [
        "4-DIGITAL GOVERNMENT VISION",
        "Rural Connectivity Plan 2024-2030  Page 7",
        body.strip(),
        "4.2-Principles of Implementation",
        "The principles guide every ministry in the\ndesign of its services.",
        "Open Standards",
        "Every system uses open standards.",
    ]


def test_a_short_line_that_runs_on_is_no_heading() -> None:
    text = ("The committee will be chaired by the Minister of Posts and Telecommunications, with\n"
            "the Ministry of\nEconomy and Finance as its deputy chair for the first five years.")
    assert sentences(text) == [text]


def test_khmer_lines_break_mid_sentence() -> None:
    text = ("ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍នឹងបណ្តុះបណ្តាលមន្ត្រីរាជការ\n"
            "ចំនួន ៥០០ នាក់ជារៀងរាល់ឆ្នាំ។\n១. ការតភ្ជាប់ឌីជីថល\n២. ជំនាញឌីជីថល")
    assert sentences(text) == [
        "ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍នឹងបណ្តុះបណ្តាលមន្ត្រីរាជការ\nចំនួន ៥០០ នាក់ជារៀងរាល់ឆ្នាំ។",
        "១. ការតភ្ជាប់ឌីជីថល",
        "២. ជំនាញឌីជីថល",
    ]
    # a Khmer number wrapped to a line start mid-sentence stays in it
    text = "គោលដៅគឺកើនឡើងប្រហែល\n៣.៥ ភាគរយនៅឆ្នាំ២០៣០។"
    assert sentences(text) == [text]


def test_spans_are_exact_offsets_into_the_page() -> None:
    text = "  OVERVIEW\nA sentence that wraps\nonto a second line.\n● An item\n"
    spans = split_sentences(text)
    for start, end in spans:
        assert text[start:end] == text[start:end].strip()
    assert [text[s:e] for s, e in spans] == [
        "OVERVIEW", "A sentence that wraps\nonto a second line.", "● An item"]
