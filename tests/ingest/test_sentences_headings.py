"""Heading lines end a sentence (issue #12): a quoted sentence never starts with the heading
above it, in English or Khmer, and what the splitter already handled stays as it was.
Text written for these tests (no corpus text)."""

from __future__ import annotations

import pytest

from evaluation.glued_headings import glued_headings
from ingest.heading_lines import heading_ends
from ingest.sentences import split_sentences


def sentences(text: str) -> list[str]:
    spans = split_sentences(text)
    for start, end in spans:  # quotes stay exact, stripped slices of the page text
        assert text[start:end] == text[start:end].strip()
    return [text[s:e] for s, e in spans]


BODY = "The ministry will connect every provincial hall to the national data centre by 2028."


@pytest.mark.parametrize("heading", [
    "Strategy 2: Building rural broadband",
    "3.4.2 Cybersecurity",
    "4-DIGITAL SKILLS",
    "2.1-Definition of Terms",
    "C. Policy Measures on Postal Services and Parcel Delivery",
    "B. The Promotion of Online Services among Small Firms",
    "IV. Vision",
    "Goal 3",
])
def test_an_english_heading_is_not_glued_to_the_next_sentence(heading: str) -> None:
    text = f"The previous section ended here.\n{heading}\n{BODY}"
    assert sentences(text) == ["The previous section ended here.", heading, BODY]


@pytest.mark.parametrize("heading", [
    "យុទ្ធសាស្ត្រទី២៖ ការកសាងបណ្តាញអ៊ីនធឺណិតនៅជនបទ",
    "គោលដៅទី៣៖ ការអភិវឌ្ឍធនធានមនុស្ស",
    "មាត្រា១៤.-",
    "មាត្រា ៩ .-",
])
def test_a_khmer_heading_is_not_glued_to_the_next_sentence(heading: str) -> None:
    body = "ក្រសួងនឹងភ្ជាប់សាលាខេត្តទាំងអស់ទៅមជ្ឈមណ្ឌលទិន្នន័យជាតិ នៅឆ្នាំ២០២៨។"
    assert sentences(f"{heading}\n{body}") == [heading, body]


def test_a_heading_wrapped_over_two_lines_ends_after_its_second_line() -> None:
    heading = "Strategy 4: Building and improving infrastructure for online payment of\ncourt fees"
    text = f"{heading}\nThe priority action of this strategy is a single payment gateway.\n"
    assert sentences(text) == [heading, "The priority action of this strategy is a single payment gateway."]
    title = "2. The Framework for the Design, Testing and Adoption of\nOpen Data"
    text = f"{title}\nOpen data has been changing how ministries share what they collect."
    assert sentences(text)[0] == title
    spaced = "R U R A L  C O N N E C T I V I T Y  P L A N  2 0 2 4  -\n2030"
    text = f"{spaced}\nThe plan was adopted after two rounds of consultation."
    assert sentences(text) == [spaced, "The plan was adopted after two rounds of consultation."]


def test_a_short_title_after_a_bulleted_list_is_a_heading() -> None:
    text = ("Courses:\n\n- Data analysis\n\n- Online safety\n\nNext Steps\n"
            "Plans: the course will reach 20 schools in four provinces by 2030.")
    assert sentences(text) == ["Courses:", "- Data analysis", "- Online safety", "Next Steps",
                               "Plans: the course will reach 20 schools in four provinces by 2030."]


def test_what_the_splitter_handled_stays_as_it_was() -> None:
    # a number at a line start continues its sentence
    text = "The digital economy is expected to boost GDP by about\n3.5% by 2030."
    assert sentences(text) == [text]
    # a heading keyword that opens an ordinary sentence is no heading
    text = "The committee meets monthly.\nStrategy reviews take place in\nJune and December each year."
    assert sentences(text) == ["The committee meets monthly.",
                               "Strategy reviews take place in\nJune and December each year."]
    # a heading-like line that runs on into lowercase text is one sentence with it
    text = "Strategy 5: The ministry will train\nofficials in every province each year."
    assert sentences(text) == [text]
    # an agenda's name and role after a blank line stay together
    text = "Panel Discussion\n\nH.E. Dr. Sok Dara\nDirector General, Ministry of Planning\n"
    assert sentences(text) == ["Panel Discussion", "H.E. Dr. Sok Dara\nDirector General, Ministry of Planning"]
    # a Khmer sentence wrapped across lines is not cut at the wrap
    text = "ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍នឹងបណ្តុះបណ្តាល\nមន្ត្រីរាជការចំនួន ៥០០ នាក់។"
    assert sentences(text) == [text]


def test_lettered_cells_of_a_policy_matrix_are_not_cut() -> None:
    # a table cell wraps after a lettered title; its next line is no body text
    text = "C. Data-driven\nGovernance focuses on\n(1). building shared platforms"
    assert list(heading_ends(text)) == []


def test_the_evaluation_counter_sees_glued_headings_and_only_them() -> None:
    assert glued_headings(f"Strategy 2: Building rural broadband\n{BODY}") == [
        "Strategy 2: Building rural broadband"]
    assert glued_headings("Strategy 4: Building infrastructure for\ncourt fees\n" + BODY) == [
        "Strategy 4: Building infrastructure for / court fees"]
    assert glued_headings("The ministry will connect every provincial hall\nto the centre.") == []
    assert glued_headings("Ministry of Planning\nMinistry of Interior\n2022-2030") == []  # table cells


def test_a_heading_cut_from_its_sentence_is_no_evidence() -> None:
    from index.evidence import evidence_units

    text = ("Strategy 4: Building and improving infrastructure for online payment of\ncourt fees\n"
            "The priority action of this strategy is a single payment gateway.\n"
            "C. Policy Measures on Postal Services and Parcel Delivery\n"
            "To reach every commune, the postal network will add 200 offices by 2030.\n"
            "1. Connect every commune hall to the postal network")
    units = [text[s:e] for s, e, _ in evidence_units(text, split_sentences)]
    assert units == ["The priority action of this strategy is a single payment gateway.",
                     "C. Policy Measures on Postal Services and Parcel Delivery",  # names a section
                     "To reach every commune, the postal network will add 200 offices by 2030.",
                     "1. Connect every commune hall to the postal network"]  # an item stays
