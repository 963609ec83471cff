"""A question with several parts: each part asked on its own adds what the whole question's
answer lacks (``answers/by_parts.py``). Pure merging first, then the real stack."""

from __future__ import annotations

from typing import Any

import pytest

from answers.by_parts import merge_answers, stating_part, with_parts
from answers.notices import PART_NOTE
from answers.parts import asks_for, question_parts
from answers.types import Answer, AnswerSentence, Citation
from tests.answers.corpus import POLICY_ID
from tests.answers.test_composition import assert_cited


def _answer(*quotes: tuple[str, int], found: bool = True, note: str | None = None) -> Answer:
    """An answer quoting each (text, start) of one page, numbered from 1."""
    citations = [Citation(i, "d.pdf", "D", 3, start, start + len(text), text, "en")
                 for i, (text, start) in enumerate(quotes, start=1)]
    sentences = [AnswerSentence(c.quote, [c.id], "en") for c in citations]
    return Answer("q", "en", "extractive", found,
                  " ".join(f"{s.text} [{s.citations[0]}]" for s in sentences),
                  sentences, citations, note=note)


def test_parts_are_merged_with_citations_renumbered_and_a_quote_given_once() -> None:
    first = _answer(("It was signed on 4 March 2024.", 0), ("It has four strategies.", 40))
    second = _answer(("It has four strategies.", 40), ("Clerks are trained yearly.", 90))
    merged = merge_answers("q", [first, second], ["a note", "a note"])
    assert [c.quote for c in merged.citations] == [
        "It was signed on 4 March 2024.", "It has four strategies.", "Clerks are trained yearly."]
    assert [s.citations for s in merged.sentences] == [[1], [2], [3]]
    assert merged.answer.endswith("Clerks are trained yearly. [3]")
    assert merged.note == "a note"


def test_a_part_adds_the_sentences_stating_what_it_asks_that_the_answer_lacks() -> None:
    part = _answer(("The committee meets every three years.", 0),
                   ("The policy is evaluated every three to five years.", 50),
                   ("Evaluation reviews the outcomes.", 120))
    first = "The committee meets every three years."
    quoted = {("d.pdf", 3, 0, len(first))}  # the whole question's answer already gives it
    added = stating_part("how often is the policy evaluated", part, quoted)
    assert [c.quote for c in added.citations] == [
        "The policy is evaluated every three to five years."]
    # a part that asks no kind of fact adds its leading sentence
    assert [s.text for s in stating_part("what does the policy say", part).sentences] == [
        "The committee meets every three years."]


def test_the_whole_answer_leads_and_a_declined_whole_falls_back_to_the_parts() -> None:
    whole = _answer(("It was signed on 4 March 2024.", 0))
    count = _answer(("The office trains 300 clerks every year.", 60))
    merged = with_parts("q", whole, ["when was it signed", "how many clerks are trained"],
                        [_answer(found=False), count])
    assert merged.found and merged.sentences[0].text == "It was signed on 4 March 2024."
    assert merged.citations[-1].quote == "The office trains 300 clerks every year."
    declined = _answer(found=False)
    fallback = with_parts("q", declined, ["who signed it", "how many clerks are trained"],
                          [_answer(found=False), count])
    assert fallback.found and fallback.note == PART_NOTE["en"].format(part="who signed it")
    assert not with_parts("q", declined, ["a", "b"], [declined, declined]).found
    # "How much will it cost, and where will it be built?": neither part can be answered on
    # its own, so the whole question's answer about the park's purpose is no answer either
    assert not with_parts("q", whole, ["how much will it cost", "where will it be built"],
                          [declined, declined]).found


@pytest.mark.parametrize(("question", "parts"), [
    ("What does the scholarship cover, and until what date can students register?",
     ["What does the scholarship cover", "until what date can students register"]),
    ("Under what brand are the parks joined, and through what process are proposals chosen?",
     ["Under what brand are the parks joined", "through what process are proposals chosen"]),
])
def test_a_part_may_open_with_any_preposition(question: str, parts: list[str]) -> None:
    assert question_parts(question) == parts


def test_the_first_question_phrase_decides_what_a_part_asks_for() -> None:
    assert asks_for("How many systems were in operation when the policy was drafted") == "number"
    assert asks_for("When did the ministry say how many centres were open") == "date"


def test_a_structural_answer_to_one_part_does_not_leave_the_other_unanswered(
        answer_services: Any) -> None:
    """"When was it signed" alone is answered from the policy's dateline, a front-matter
    answer that used to stand for the whole question; the count of clerks is added."""
    answer = answer_services.answerer.answer(
        "When was the Smart Village Policy signed, and how many commune clerks does the "
        "provincial office train in cybersecurity every year?")
    assert answer.found
    assert_cited(answer_services, answer)
    assert "Kampot, March 4, 2024" in answer.answer
    assert "three hundred commune clerks" in answer.answer
    assert {c.doc_id for c in answer.citations} == {POLICY_ID}
