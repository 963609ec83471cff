"""Citations point at pages: on the real stack, a document with several relevant pages shows
them in the default response without pushing another relevant document out of it."""

from __future__ import annotations

from typing import Any

import pytest

from api.schemas import SearchRequestIn
from index.search_types import SearchResponse
from tests.support.corpora import CYBER, build_services, write_fixture_corpus

QUESTION = "How will civil servants be trained in cybersecurity?"
TRAINING_PLAN = "plan/civil_service_training_plan_en.txt"
# Written for this test: five pages, three of them about cybersecurity training.
TRAINING_PLAN_TEXT = """[[page 1]]
Civil Service Training Plan 2026-2030

This plan sets out how the Ministry of Civil Service will organise training for public
servants over five years, which schools deliver it and how it is paid for.

[[page 2]]
Chapter 2: Cybersecurity training for civil servants

Every civil servant will follow a short cybersecurity course in the first year of the plan:
safe passwords, recognising phishing messages and reporting incidents to the ministry's
security officer.

[[page 3]]
Chapter 3: Provincial training halls

Twelve provincial halls will be renovated with new furniture, projectors and air
conditioning, and each will employ a caretaker.

[[page 4]]
Chapter 4: Advanced cybersecurity training for system administrators

System administrators of every ministry will be trained in network defence, secure
configuration and the handling of cyber attacks, with a certificate after an examination.

[[page 5]]
Chapter 5: Cybersecurity drills

Twice a year, civil servants will take part in cybersecurity drills that simulate a cyber
attack on government email, so that the training is practised and not only taught.
"""
RELEVANT_PAGES = {2, 4, 5}


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Any:
    root = tmp_path_factory.mktemp("pages-index")
    corpus = write_fixture_corpus(root / "corpus")
    (corpus / TRAINING_PLAN).parent.mkdir(parents=True, exist_ok=True)
    (corpus / TRAINING_PLAN).write_text(TRAINING_PLAN_TEXT, encoding="utf-8")
    services = build_services(root / "data", embedder)
    assert not services.ingestor.ingest([corpus]).failed
    yield services
    services.catalog.close()


def pages_of(response: SearchResponse, doc_id: str) -> set[int]:
    return {h.page for h in response.hits if h.doc_id == doc_id}


def documents(response: SearchResponse) -> list[str]:
    """Documents in the order a reader meets them."""
    return list(dict.fromkeys(h.doc_id for h in response.hits))


def test_the_default_request_is_the_searchers_default() -> None:
    """What /search does when a caller sends only the question."""
    request = SearchRequestIn(query="x")
    assert (request.k, request.per_doc) == (10, None)


def test_several_relevant_pages_and_the_other_relevant_document_are_shown(services: Any) -> None:
    assert len(services.catalog.pages_of(TRAINING_PLAN)) == 5
    response = services.searcher.search(QUESTION)
    assert pages_of(response, TRAINING_PLAN) >= RELEVANT_PAGES
    assert CYBER in documents(response)[:2]


def test_a_tight_budget_still_shows_both(services: Any) -> None:
    """Four pages' worth: the plan's three relevant pages take three; the policy on the same
    subject is not pushed out (a cap of four pages per request used to mean either the
    pages or the other document)."""
    response = services.searcher.search(QUESTION, k=4)
    assert pages_of(response, TRAINING_PLAN) >= RELEVANT_PAGES
    assert CYBER in documents(response)[:4]
    assert len(response.hits) <= 2 * 4 + 1  # bounded (one more if a twin takes the lead)


def test_an_explicit_per_doc_still_caps_the_pages(services: Any) -> None:
    response = services.searcher.search(QUESTION, per_doc=2)
    assert len([h for h in response.hits if h.doc_id == TRAINING_PLAN]) == 2
    plan_hit = next(h for h in response.hits if h.doc_id == TRAINING_PLAN)
    assert plan_hit.more_in_document >= 1
    assert CYBER in documents(response)[:2]

