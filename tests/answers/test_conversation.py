"""The follow-up resolver (answers/conversation.py) with the real analyser (khmer-nltk), and the
conversation in the generative prompt."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from answers.conversation import (
    MAX_CARRIED,
    AnswerInContext,
    Attempt,
    ConversationResolver,
    NamedDocument,
    Turn,
    first_found,
    short_title,
)
from answers.events import AnswerEvent, DoneEvent, SentenceEvent, StartEvent
from answers.generative import PROMPT_TURNS, build_messages
from answers.types import Answer
from index.search_types import SearchFilters
from ingest.analysis import Analyzer

DOCS = [NamedDocument("broadband.pdf", "Rural Broadband Policy 2025-2030"),
        NamedDocument("teachers.pdf", "Digital Skills Plan for Teachers"),
        NamedDocument("radio_km.md", "គោលនយោបាយវិទ្យុសហគមន៍")]
FIRST = Turn("What are the goals of the Rural Broadband Policy?", "Three goals. [1]",
             ("broadband.pdf",))


@pytest.fixture(scope="module")
def resolver() -> ConversationResolver:
    return ConversationResolver.for_analyzer(Analyzer(), lambda: DOCS)


@pytest.mark.parametrize("question", [
    "What about its timeline?", "Who leads it?", "When does that policy end?",
    "What do they require?", "And the budget?", "Timeline?", "What about the budget?",
    "And what are their goals?", "Who leads it and what does it cost?",
    "What did the meeting decide?", "Who chaired the meeting?",
    "ចុះកាលវិភាគរបស់វាវិញ?", "តើគោលនយោបាយនោះមានគោលដៅអ្វីខ្លះ?", "តើពួកគេទទួលខុសត្រូវអ្វី?",
])
def test_follow_ups_carry_the_subject_as_a_filter_then_an_expansion(resolver, question) -> None:
    resolution = resolver.resolve(question, [FIRST])
    assert resolution.follow_up, resolution.reason
    assert [d.doc_id for d in resolution.carried_documents] == ["broadband.pdf"]
    assert resolution.subject == "Rural Broadband Policy"  # no years: they pull cover pages
    strategies = [(a.strategy, a.filters.doc_ids) for a in resolution.attempts]
    assert strategies == [("filter", ["broadband.pdf"]), ("filter", ["broadband.pdf"]),
                          ("expansion", None)]
    assert resolution.attempts[1].question.endswith("(Rural Broadband Policy)")
    # the subject's words only search: an answer must say something the user asked
    assert resolution.attempts[0].asks == ""
    assert resolution.attempts[1].asks == resolution.attempts[2].asks == \
        resolution.attempts[0].question


@pytest.mark.parametrize("question", [
    "What is the timeline of the Digital Skills Plan for Teachers?",  # names its own subject
    "How will ministries train civil servants in cybersecurity?",     # stands on its own
    "What about the licence fees for mobile operators in remote districts?",  # new subject
    "តើសេវាទូរគមនាគមន៍នៅតាមជនបទមានអ្វីខ្លះ?",  # វា inside សេវា is not "it"
    # "they" points at the question's own first clause
    "How many digital government strategies are there and what are they?",
    # "the policy" with a subject of its own
    "What is the policy on mobile licence fees in remote districts?",
    # "its" points at the name before it
    "When did Kerala announce its first IT policy?",
    "What does the DSP say about its budget?",
])
def test_a_question_that_stands_alone_is_asked_as_it_is(resolver, question) -> None:
    resolution = resolver.resolve(question, [FIRST])
    assert not resolution.follow_up, resolution.reason
    assert [(a.question, a.strategy) for a in resolution.attempts] == [(question, "as_asked")]


@pytest.mark.parametrize(("question", "subject"), [
    ("And the Digital Skills Plan for Teachers?", "the Digital Skills Plan for Teachers"),
    ("What about Kerala's IT policy?", "Kerala's IT policy"),  # "IT" is no pronoun
    ("And Vietnam?", "Vietnam"),
    ("ចុះប្រទេសសិង្ហបុរីវិញ?", "ប្រទេសសិង្ហបុរី"),  # "and Singapore?"
])
def test_and_another_subject_asks_the_last_question_about_it(resolver, question,
                                                              subject) -> None:
    """"What are its goals?" then "And Kerala's IT policy?": the goals, of Kerala's policy."""
    second = Turn("What are its goals?", "Three goals. [1]", ("broadband.pdf",))
    resolution = resolver.resolve(question, [FIRST, second])
    assert resolution.follow_up and resolution.subject == subject, resolution.reason
    assert resolution.attempts[-1].question == f"What are its goals? ({subject})"
    assert resolution.attempts[-1].strategy == "expansion"
    assert not resolution.attempts[-1].filters.doc_ids
    if "Teachers" in subject:  # a named document is searched within first
        assert resolution.attempts[0].filters.doc_ids == ["teachers.pdf"]
    # a chain of them still carries the question, not the previous lead-in
    third = resolver.resolve("And Singapore?", [FIRST, second, Turn(question, "")])
    assert third.attempts[-1].question == "What are its goals? (Singapore)"


def test_the_last_questions_own_subject_gives_way_to_the_new_one(resolver) -> None:
    """"What are the goals of the Rural Broadband Policy?" then "And Vietnam?": the goals, of
    Vietnam, not a question about both the policy and Vietnam."""
    resolution = resolver.resolve("And Vietnam?", [FIRST])
    assert resolution.attempts[-1].question == "What are the goals of the? (Vietnam)"
    singapore = Turn("What are the goals of Singapore's Rural Broadband Policy?", "")
    resolution = resolver.resolve("What about Kerala?", [singapore])
    assert resolution.attempts[-1].question == "What are the goals of? (Kerala)"


def test_an_aspect_of_the_same_subject_is_no_new_subject(resolver) -> None:
    for question in ("And its timeline?", "What about the budget?", "And IT staff?",
                     "ចុះថវិការបស់វាវិញ?"):
        assert resolver.new_subject(question) is None, question


def test_without_history_nothing_is_resolved(resolver) -> None:
    resolution = resolver.resolve("What about its timeline?", [])
    assert not resolution.follow_up and resolution.attempts[0].strategy == "as_asked"


def test_the_document_a_previous_question_named_wins_over_its_citations(resolver) -> None:
    turn = Turn("What does the Digital Skills Plan for Teachers cover?", "", ("broadband.pdf",))
    resolution = resolver.resolve("What about its timeline?", [turn])
    assert [d.doc_id for d in resolution.carried_documents] == ["teachers.pdf"]


def test_the_most_cited_documents_are_carried_and_a_chain_of_follow_ups_keeps_them(resolver) -> None:
    first = Turn("Which policies connect villages?", "a [1] b [2] c [3]",
                 ("teachers.pdf", "broadband.pdf", "broadband.pdf"))
    resolution = resolver.resolve("Who leads it?", [first])
    assert [d.doc_id for d in resolution.carried_documents] == ["broadband.pdf"]
    # a follow-up whose answer found nothing: the subject comes from the turn before
    lost = Turn("What about its budget?", "")
    assert [d.doc_id for d in resolver.resolve("And its timeline?", [first, lost])
            .carried_documents] == ["broadband.pdf"]
    many = Turn("q", "", tuple(d.doc_id for d in DOCS))
    assert len(resolver.resolve("Who leads it?", [many]).carried_documents) == MAX_CARRIED
    # a document the index does not hold (deleted, or made up by the client) is not carried
    gone = Turn("q", "", ("deleted.pdf", "deleted.pdf", "teachers.pdf"))
    assert [d.doc_id for d in resolver.resolve("Who leads it?", [first, gone])
            .carried_documents] == ["teachers.pdf"]
    nowhere = Turn("Which towers were built?", "", ("deleted.pdf",))
    assert resolver.resolve("Who leads it?", [nowhere]).attempts[-1].question == (
        "Who leads it? (towers built)")


def test_without_citations_the_previous_questions_words_are_the_expansion(resolver) -> None:
    turn = Turn("How are commune halls connected with fibre?")
    resolution = resolver.resolve("What about its cost?", [turn])
    assert resolution.carried_documents == []
    assert [(a.question, a.strategy) for a in resolution.attempts] == [
        ("What about its cost? (commune halls connected fibre)", "expansion")]


def test_khmer_cue_words_are_not_searched_for(resolver) -> None:
    resolution = resolver.resolve("ចុះកាលវិភាគរបស់វាវិញ?", [FIRST])
    searched = resolution.attempts[0].question
    assert searched == "កាលវិភាគ?"  # "its schedule, then?" searches "schedule"
    # the rest is written back unspaced, as Khmer is: "យន្តការ" (mechanism) stays one word
    # for its glossary row, not "យន្ត ការ"
    searched = resolver.resolve("តើវាមានយន្តការប៉ុន្មាន?", [FIRST]).attempts[0].question
    assert "យន្តការ" in searched and " " not in searched and "វា" not in searched


def test_a_callers_own_document_filter_is_kept(resolver) -> None:
    filters = SearchFilters(doc_ids=["teachers.pdf"])
    resolution = resolver.resolve("What about its timeline?", [FIRST], filters)
    assert [a.strategy for a in resolution.attempts] == ["expansion"]
    assert resolution.attempts[0].filters.doc_ids == ["teachers.pdf"]


def test_short_title_drops_years_and_the_country() -> None:
    assert short_title("Cambodia Digital Government Policy 2022-2035") == "Digital Government Policy"
    assert short_title("Kerala State IT Policy (Draft).") == "Kerala State IT Policy"
    assert short_title("2024") == "2024"


def _events(found: bool, question: str) -> Iterator[AnswerEvent]:
    yield StartEvent("en", "extractive", found)
    yield SentenceEvent("s", [])
    yield DoneEvent(Answer(question=question, language="en", mode="extractive", found=found,
                           answer="s"))


def test_first_found_streams_the_first_attempt_that_answers(resolver) -> None:
    resolution = resolver.resolve("What about its timeline?", [FIRST])
    tried: list[Attempt] = []

    def run(attempt: Attempt) -> Iterator[AnswerEvent]:
        tried.append(attempt)
        return _events(len(tried) == 2, attempt.question)

    events = list(first_found(resolution, run))
    assert len(tried) == 2 and [type(e).__name__ for e in events] == [
        "StartEvent", "SentenceEvent", "DoneEvent"]
    done = events[-1]
    assert isinstance(done, DoneEvent) and isinstance(done.answer, AnswerInContext)
    answer = done.answer
    assert answer.conversation is not None
    assert answer.question == "What about its timeline?"  # the user's words, not the searched
    assert answer.conversation["strategy"] == "filter"
    assert answer.conversation["resolved_question"].endswith("(Rural Broadband Policy)")
    assert answer.to_dict()["conversation"]["carried_documents"] == [
        {"doc_id": "broadband.pdf", "title": "Rural Broadband Policy 2025-2030"}]
    # nothing found anywhere: the last attempt's answer (closest documents beyond the filter)
    tried.clear()

    def never(attempt: Attempt) -> Iterator[AnswerEvent]:
        tried.append(attempt)
        return _events(False, attempt.question)

    last = list(first_found(resolution, never))[-1]
    assert isinstance(last, DoneEvent) and isinstance(last.answer, AnswerInContext)
    assert len(tried) == 3 and last.answer.conversation == {
        **(last.answer.conversation or {}), "strategy": "expansion"}


def test_the_generative_prompt_carries_the_last_turns_without_old_markers() -> None:
    history = [Turn(f"question {n}", f"answer {n} [1][2]") for n in range(6)]
    messages = build_messages("What about its timeline?", "en", [], history)
    assert messages[0]["role"] == "system" and "never cite them" in messages[0]["content"]
    middle = messages[1:-1]
    assert [m["role"] for m in middle] == ["user", "assistant"] * PROMPT_TURNS
    assert middle[0]["content"] == f"question {6 - PROMPT_TURNS}"
    assert all("[1]" not in m["content"] for m in middle)
    assert messages[-1]["content"].endswith("Question: What about its timeline?")
