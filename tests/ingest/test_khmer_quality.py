"""Khmer text-layer quality checks, on real extractor output and on hand-made sequences."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from ingest.loaders.khmer_quality import BROKEN_ERROR_RATE, assess_page_text
from tests.support.pdf_fixtures import PDF_FIXTURES, source_pages

ENGLISH_POLICY = """\
CAMBODIA DIGITAL GOVERNMENT POLICY 2022-2035          Page 12
2.2 – Implementation Principles
• The Once-Only Principle: citizens provide data to the government only once;
• Interoperability through CamDX and the CamDigiKey identity platform – see https://www.camdx.gov.kh/about;
• FinTech and RegTech sandboxes (1)-Digital Infrastructure, (2)-Legal Framework;
• Contact: info@example.gov.kh — the ministry’s help desk (Mon–Fri, 8:00–17:00).
§ 3. Budget: US$ 12.5 million (≈ 50 billion riels), 40% of which in 2024/25.
© 2022 Royal Government of Cambodia. All rights reserved. “Digital first” – ‘by default’.
"""


def test_clean_khmer_source_scores_zero() -> None:
    for text in source_pages("khmer_shaped") + source_pages("mixed"):
        q = assess_page_text(text)
        assert q.khmer_chars > 100
        assert q.khmer_errors == 0, q
        assert not q.is_khmer_broken
        assert not q.is_legacy_font_gibberish
        assert not q.is_empty


def test_pypdf_output_of_shaped_khmer_is_flagged_broken() -> None:
    reader = PdfReader(PDF_FIXTURES / "khmer_shaped.pdf")
    for page in reader.pages:
        q = assess_page_text(page.extract_text())
        assert q.is_khmer_broken, q
        assert q.khmer_error_rate > 3 * BROKEN_ERROR_RATE


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("ការ េសវា សាធារណៈ", "bad_orders"),  # pre-base vowel at the start of a word (visual order)
        ("េក", "bad_orders"),
        ("កា្រ", "bad_orders"),  # dependent vowel directly followed by COENG
        ("កាិ", "bad_orders"),  # two dependent vowels that do not compose
        ("កំា", "bad_orders"),  # nikahit before the vowel it sits on
        ("ក្", "bad_orders"),  # COENG with nothing to subscript
        ("។ ្ថ", "orphan_marks"),  # subscript detached after punctuation
        ("abc ា", "orphan_marks"),
        ("ឆ្នាំ\x16", "control_chars"),
        ("សាCប័ន", "foreign_in_word"),  # Latin letter glued inside a Khmer word
    ],
)
def test_impossible_sequences_are_counted(text: str, field: str) -> None:
    q = assess_page_text(text)
    assert getattr(q, field) >= 1, q
    assert q.khmer_error_rate > 0


@pytest.mark.parametrize(
    "text",
    [
        "គោលនយោបាយ ស្ត្រី ក្រសួង ឆ្នាំ២០២៤",
        "កេា",  # e + aa typed for oo: composes, not an error
        "ប៊ូ អ៊ីនធឺណិត នីមួយៗ",
        "ឆ្នា ំ២០២៤ ប្រៃសណី យ៍",  # spaces inside clusters (all extractors do this): not errors
        "ឆ្នាំ2024 ដល់ឆ្នាំ2030",  # Arabic digits next to Khmer words are normal
        "ក\u200bខ\u200cគ\u200dឃ",  # zero-width characters
    ],
)
def test_valid_khmer_has_no_errors(text: str) -> None:
    q = assess_page_text(text)
    assert q.khmer_errors == 0, q


def test_split_clusters_are_counted_but_not_errors() -> None:
    q = assess_page_text("ឆ្នា ំ២០២៤")
    assert q.split_clusters == 1
    assert q.khmer_errors == 0


def test_english_policy_text_is_not_gibberish_or_broken() -> None:
    q = assess_page_text(ENGLISH_POLICY)
    assert q.khmer_chars == 0
    assert not q.is_legacy_font_gibberish, q
    assert not q.is_khmer_broken
    assert not q.is_empty
    assert q.khmer_error_rate == 0.0
    for text in source_pages("english"):
        assert not assess_page_text(text).is_legacy_font_gibberish


FRENCH_LAW = """\
Article premier. La présente loi a pour objet de définir les règles générales relatives à
l'administration électronique du Royaume du Cambodge, afin d'améliorer l'efficacité des services
publics, la transparence et la sécurité des données. Les ministères concernés sont chargés de
la mise en œuvre. Fait à Phnom Penh, le 12 décembre 2023. Ça a déjà été évoqué.
"""


def test_french_text_is_not_gibberish() -> None:
    """Accented letters are Latin-1 too, but French/Spanish text must keep its text layer."""
    q = assess_page_text(FRENCH_LAW)
    assert not q.is_legacy_font_gibberish, q
    assert q.odd_tokens == 0


def test_legacy_font_text_is_flagged() -> None:
    (page,) = source_pages("legacy_font")
    q = assess_page_text(page)
    assert q.is_legacy_font_gibberish, q
    assert q.symbol_ratio > 0.05
    # ... and so is the real text layer of the fixture PDF
    layer = PdfReader(PDF_FIXTURES / "legacy_font.pdf").pages[0].extract_text()
    assert assess_page_text(layer).is_legacy_font_gibberish


def test_legacy_detection_needs_khmer_free_text() -> None:
    (page,) = source_pages("legacy_font")
    mixed = page + "\n" + source_pages("khmer_shaped")[0]
    assert not assess_page_text(mixed).is_legacy_font_gibberish


@pytest.mark.parametrize("text", ["", "   \n\t ", "12\n\x0c 3", "\x00\x01\x02" * 20, "Page 7"])
def test_empty_pages(text: str) -> None:
    assert assess_page_text(text).is_empty


def test_short_real_text_is_not_empty() -> None:
    assert not assess_page_text("Royal Government of Cambodia").is_empty
    assert not assess_page_text("ព្រះរាជាណាចក្រកម្ពុជា ជាតិ សាសនា").is_empty
