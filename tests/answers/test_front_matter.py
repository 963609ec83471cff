"""Who prepared a policy: the front matter's statement, found and quoted exactly."""

from __future__ import annotations

from typing import Any

import pytest

from answers.front_matter import (
    asks_when_signed,
    asks_who_prepared,
    preparer_statements,
    signed_statements,
)
from index.search_types import SearchFilters
from tests.answers.corpus import POLICY_ID


@pytest.mark.parametrize("question", [
    "Which body prepared the Cambodia Digital Economy and Society Policy Framework?",
    "Who drafted the Digital Government Policy?",
    "By which ministry was the policy prepared?",
    "The policy was written by whom?",
    "តើក្រសួងណាជាអ្នករៀបចំគោលនយោបាយនេះ?",
])
def test_questions_asking_who_prepared(question: str) -> None:
    assert asks_who_prepared(question)


@pytest.mark.parametrize("question", [
    "What was prepared by the ministry?",
    "How was the policy prepared?",
    "Who chairs the Digital Government Committee?",
    "Who is responsible for the digital ID developed under strategy 3?",
])
def test_questions_that_do_not(question: str) -> None:
    assert not asks_who_prepared(question)


def test_statements_on_one_line_or_two_are_exact_spans() -> None:
    one = "“A vision.”\n\n\n   Prepared by the National Council\nMay, 2021"
    two = "Title\nPrepared by\n  Ministry of Post and Telecommunications\nJanuary 2022"
    khmer = "ចំណងជើង\nរៀបចំដោយ ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍\n"
    spans = [(text, preparer_statements([(2, text)])) for text in (one, two, khmer)]
    assert [text[s.start:s.end] for text, found in spans for s in found] == [
        "Prepared by the National Council",
        "Prepared by\n  Ministry of Post and Telecommunications",
        "រៀបចំដោយ ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍",
    ]
    assert preparer_statements([(3, "The plan was prepared by the ministry in 2020.")]) == []


def test_who_prepared_a_named_policy_is_answered_from_its_cover(answer_services: Any) -> None:
    answer = answer_services.answerer.answer("Which office prepared the Smart Village Policy?")
    assert answer.found
    assert "Provincial Office of Rural Development" in answer.answer
    citation = answer.citations[0]
    page = answer_services.catalog.page(POLICY_ID, citation.page)
    assert citation.doc_id == POLICY_ID and citation.page == 1
    assert page.text[citation.start:citation.end] == citation.quote
    assert citation.quote.startswith("Prepared by")


def test_a_follow_up_asks_it_of_the_policy_the_conversation_is_on(answer_services: Any) -> None:
    answer = answer_services.answerer.answer(
        "Who drafted it?", SearchFilters(doc_ids=[POLICY_ID]))
    assert answer.found and "Provincial Office of Rural Development" in answer.answer


@pytest.mark.parametrize(("question", "asks"), [
    ("When was the Digital Government Policy adopted?", True),
    ("On what date was the framework approved?", True),
    ("In which year was the policy issued?", True),
    ("តើគោលនយោបាយនេះត្រូវបានអនុម័តនៅពេលណា?", True),
    ("When does the policy end?", False),
    ("In which year did the policy start?", False),
    ("When was the meeting held?", False),
    ("On what date did the Prime Minister sign the preamble of the framework?", True),
    # a service launched in a year is no document signed: "launch" counts only as "launched"
    ("From which year will 5G mobile services officially launch?", False),
])
def test_questions_asking_when_it_was_signed(question: str, asks: bool) -> None:
    assert asks_when_signed(question) is asks


def test_a_dateline_with_its_signatory_is_a_statement_and_a_news_opening_is_not() -> None:
    foreword = "we thank all.\n         Phnom Penh, January 28, 2022\n         Prime Minister\n"
    found = signed_statements([(4, foreword)])
    assert [foreword[s.start:s.end] for s in found] == [
        "Phnom Penh, January 28, 2022\n         Prime Minister"]
    assert signed_statements([(1, "Phnom Penh, On the morning of July 3, 2025, the minister "
                                  "opened the centre.")]) == []


def test_when_a_named_policy_was_signed_is_answered_from_its_dateline(
        answer_services: Any) -> None:
    answer = answer_services.answerer.answer("When was the Smart Village Policy signed?")
    assert answer.found and "Kampot, March 4, 2024" in answer.answer
    assert "Provincial Governor" in answer.answer
    citation = answer.citations[0]
    page = answer_services.catalog.page(POLICY_ID, citation.page)
    assert page.text[citation.start:citation.end] == citation.quote
