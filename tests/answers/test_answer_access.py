"""Answers obey the caller's collections: evidence comes only through the searcher with the
same filters, and list questions read the registry only for policies the caller may read.
Real stack: the registry tests' fixture policy in the restricted ``cabinet`` collection
(tests/support/collection_corpus.py); nothing of it may appear in an answer — a sentence,
a citation, a closest document, an alternate, a listed strategy — without access."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from answers.types import Answer
from index.search_types import SearchFilters
from tests.support.collection_corpus import ingest_restricted_policy
from tests.support.registry_fixture import DOC_ID

PUBLIC = SearchFilters(collections=["public"])
CABINET = SearchFilters(collections=["cabinet", "public"])
# words only the restricted policy's text holds
RESTRICTED_WORDS = ("licence fee", "Shared village networks", "Affordable devices",
                    "Digital Inclusion", "refurbish", "two-factor")
QUESTIONS = [
    "Who pays a lower licence fee for sharing a mast?",
    "What strategies does the Provincial Digital Inclusion Policy have?",
    "Which policy covers refurbished government laptops for learning centres?",
    "How many strategies does the Digital Inclusion policy have?",
]


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Any]:
    services = ingest_restricted_policy(tmp_path_factory.mktemp("answer-access"), embedder)
    yield services
    services.catalog.close()


def _leaks(answer: Answer) -> list[str]:
    shown = json.dumps(answer.to_dict(), ensure_ascii=False)
    found = [f"cites {DOC_ID}"] if DOC_ID in shown else []
    return found + [f"says {w!r}" for w in RESTRICTED_WORDS
                    if w.lower() in shown.lower() and w.lower() not in answer.question.lower()]


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_public_reader_gets_nothing_of_the_restricted_policy(services: Any,
                                                              question: str) -> None:
    answer = services.answerer.answer(question, PUBLIC)
    assert _leaks(answer) == []
    assert all(c.doc_id != DOC_ID for c in answer.citations)
    assert all(d.doc_id != DOC_ID for d in answer.closest_documents)


def test_the_same_questions_are_answered_with_access(services: Any) -> None:
    fee = services.answerer.answer(QUESTIONS[0], CABINET)
    assert fee.found and any(c.doc_id == DOC_ID for c in fee.citations)
    listed = services.answerer.answer(QUESTIONS[1], CABINET)
    assert listed.found and "Shared village networks" in listed.answer  # from the registry
    assert all(c.doc_id == DOC_ID for c in listed.citations)
    assert _leaks(services.answerer.answer(QUESTIONS[1], None))  # no filter: everything


def test_a_follow_up_filtered_on_the_restricted_document_finds_nothing(services: Any) -> None:
    """A follow-up carries the documents of the previous answer as ``doc_ids``; a caller who
    names a restricted one (a forged history) still searches only what it may read."""
    follow_up = SearchFilters(doc_ids=[DOC_ID], collections=["public"])
    for question in ("What strategies does it have?", "Who pays the lower licence fee?"):
        answer = services.answerer.answer(question, follow_up)
        assert not answer.found and _leaks(answer) == []
