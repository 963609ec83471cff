"""Answer quality on the real stack (MiniLM, chromadb, the real splitter): a question about
"the four levels" gets the four items, not the sentences about them; a mechanism list cut at
a line break is quoted whole; download links are no answer. Corpus:
``tests/answers/quality_corpus.py``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.answers.quality_corpus import (
    AGENDA_ID,
    BLUEPRINT_ID,
    BLUEPRINT_PRIORITIES,
    DUTIES_ID,
    EXCHANGE_ID,
    LEVELS,
    LINKS_ID,
    PLAN_ID,
    ingest_quality_corpus,
)


@pytest.fixture(scope="module")
def quality_services(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Any]:
    services = ingest_quality_corpus(tmp_path_factory.mktemp("quality-index"), embedder)
    yield services
    services.catalog.close()


def _exact(services: Any, answer: Any) -> None:
    for citation in answer.citations:
        page = services.catalog.page(citation.doc_id, citation.page)
        assert page is not None and page.text[citation.start:citation.end] == citation.quote


def test_the_items_of_a_counted_set_are_the_answer(quality_services: Any) -> None:
    answer = quality_services.answerer.answer(
        "What are the four levels of data maturity in the provincial plan?")
    assert answer.found
    _exact(quality_services, answer)
    assert all(level in answer.answer for level in LEVELS), answer.answer
    assert all(c.doc_id == PLAN_ID for c in answer.citations)


def test_a_list_cut_at_a_line_break_is_quoted_whole(quality_services: Any) -> None:
    answer = quality_services.answerer.answer(
        "What are the five mechanisms of the provincial data plan?")
    assert answer.found
    _exact(quality_services, answer)
    assert "Provincial Data Centre" in answer.answer and "5-Mechanism of training" in answer.answer
    # the quote runs across the line break, and no sentence stops at "in the"
    assert any("\n" in c.quote and "Provincial Data Centre" in c.quote for c in answer.citations)
    assert not any(s.text.rstrip().endswith(" the") for s in answer.sentences)


def test_download_links_are_not_an_answer(quality_services: Any) -> None:
    answer = quality_services.answerer.answer("Where can I download the data maturity plan summary?")
    assert not any(c.doc_id == LINKS_ID for c in answer.citations), answer.answer
    assert "](/files" not in answer.answer


def test_an_agenda_speaker_is_quoted_with_the_label_above_the_name(quality_services: Any) -> None:
    answer = quality_services.answerer.answer(
        "Who gave the keynote speech at the Provincial Digital Forum 2025?")
    assert answer.found, answer.answer
    _exact(quality_services, answer)
    assert "Kong Rithy" in answer.answer, answer.answer
    assert any(c.doc_id == AGENDA_ID and "Keynote Speech by\n\nH.E. Kong Rithy" in c.quote
               for c in answer.citations), [c.quote for c in answer.citations]


def test_a_programme_session_is_one_unit_with_its_title_and_people(quality_services: Any) -> None:
    """"Who moderated ...?" meets the moderator's name and the session's title together: the
    session from its time range to the next is one quoted span."""
    answer = quality_services.answerer.answer(
        "Who moderated the session on open registers at the Provincial Digital Forum 2025?")
    assert answer.found, answer.answer
    _exact(quality_services, answer)
    assert "Pich Sreyneang" in answer.answer, answer.answer
    first = answer.citations[0]
    assert first.doc_id == AGENDA_ID
    assert first.quote.startswith("11:00 -") and "Moderator: Ms. Pich Sreyneang" in first.quote
    # shown as the session read in one line, the wrapped role joined
    assert "11:00\u201312:15 OPEN REGISTERS FOR CITIZENS" in answer.answer
    assert "Department of Land and Urban Planning" in answer.answer


def test_a_session_titled_in_capitals_alone_answers_when(quality_services: Any) -> None:
    """A break's line is all capitals: as a sentence it read as page furniture."""
    answer = quality_services.answerer.answer(
        "When is the tea and coffee break at the Provincial Digital Forum 2025?")
    assert answer.found, answer.answer
    _exact(quality_services, answer)
    assert "10:30\u201311:00 TEA & COFFEE BREAK" in answer.answer, answer.answer


def test_a_dateline_under_an_agendas_title_answers_when_it_was_held(quality_services: Any) -> None:
    """"Thursday 6th March 2025 @ Provincial Hall" is set like a heading, but to a question
    asking when, it is the answer; the question quotes the agenda's own name."""
    answer = quality_services.answerer.answer("When was the Provincial Digital Forum 2025 held?")
    assert answer.found, answer.answer
    _exact(quality_services, answer)
    assert "Thursday 6th March 2025" in answer.sentences[0].text, answer.answer
    assert answer.citations[0].doc_id == AGENDA_ID


def test_a_sentence_cut_before_a_bracketed_abbreviation_is_quoted_whole(
        quality_services: Any) -> None:
    """"On May 3, 2025, Provincial Data Office of the Northern Province" | "(PDO), with ...
    opened the provincial data exchange at the Riverside Hall": the head, set in title case,
    is no answer alone, but it holds the date and the subject of the sentence that answers."""
    answer = quality_services.answerer.answer("Where was the provincial data exchange opened?")
    assert answer.found, answer.answer
    _exact(quality_services, answer)
    first = answer.citations[0]
    assert first.doc_id == EXCHANGE_ID
    assert first.quote.startswith("On May 3, 2025, Provincial Data Office"), first.quote
    assert "Riverside Hall" in first.quote


def test_a_short_list_item_is_quoted_with_the_lead_in_that_names_its_list(
        quality_services: Any) -> None:
    """Alone, "- Drafting the yearly development plan" is a fragment no answer may show, and
    "The Department of Planning is responsible for:" says nothing by itself; together they
    answer "who". The quote is one exact span of the page, the item above it included."""
    answer = quality_services.answerer.answer(
        "Who is responsible for drafting the yearly development plan?")
    assert answer.found, answer.answer
    first = answer.citations[0]
    assert first.doc_id == DUTIES_ID
    assert first.quote.startswith("The Department of Planning is responsible for:")
    assert first.quote.endswith("Drafting the yearly development plan")
    _exact(quality_services, answer)
    listed = quality_services.answerer.answer(
        "What is the Provincial Data Office responsible for?")
    assert listed.found and "Provincial Data Office" in listed.answer


def test_a_list_the_registry_does_not_hold_is_the_documents_numbered_headings(
        quality_services: Any) -> None:
    """The article announces "the four priorities" and heads its sections "1. ..." to "4.
    ...": a list question about it gets those headings, each cited by its own line."""
    answer = quality_services.answerer.answer(
        "What are the four priorities of the River Province Digital Blueprint?")
    assert answer.found, answer.answer
    assert [c.doc_id for c in answer.citations] == [BLUEPRINT_ID] * 4
    assert [c.quote for c in answer.citations] == [
        f"{n}. {title}" for n, title in enumerate(BLUEPRINT_PRIORITIES, start=1)]
    assert [c.page for c in answer.citations] == [1, 1, 2, 2]
    assert answer.answer.startswith("Four things to know about the River Province Digital "
                                    "Blueprint: 4 priorities — 1. Putting every commune")
    _exact(quality_services, answer)
    # three priorities are not what the article lists: no list is made up
    other = quality_services.answerer.answer(
        "What are the three priorities of the River Province Digital Blueprint?")
    assert "4 priorities" not in other.answer and "3 priorities" not in other.answer


def test_a_topic_no_passage_mentions_is_not_answered_with_a_neighbouring_one(
        quality_services: Any) -> None:
    """The plan speaks of open data but never of elections: "open data elections" is declined
    naming the word it lacks, where the plan's open-data mechanism would otherwise be quoted
    as its word on elections. The covered topic is still answered from the plan."""
    declined = quality_services.answerer.answer(
        "What does the Provincial Data Maturity Plan say about open data elections?")
    assert not declined.found, declined.answer
    assert declined.note is not None and "elections" in declined.note
    assert declined.closest_documents
    covered = quality_services.answerer.answer(
        "What does the Provincial Data Maturity Plan say about open data?")
    assert covered.found, covered.answer
    assert covered.citations[0].doc_id == PLAN_ID
    _exact(quality_services, covered)
