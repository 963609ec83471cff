"""Follow-up questions over HTTP: the real app on 127.0.0.1, real chromadb, the packaged MiniLM
and khmer-nltk, over a corpus written for these tests (tests/answers/followup_corpus.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from answers.conversation import MAX_TURNS
from api.schemas import MAX_HISTORY_ANSWER_CHARS
from tests.answers.followup_corpus import BROADBAND_TIMELINE_PAGE, TEACHERS, ingested_services
from tests.support.openai_standin import StandInChatServer

FIRST = "What are the goals of the Rural Broadband Policy?"
FOLLOW_UP = "What about its timeline?"


@pytest.fixture(scope="module")
def followup_services(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Any:
    return ingested_services(tmp_path_factory.mktemp("followups"), embedder)


@pytest.fixture(scope="module")
def base(followup_services: Any) -> Iterator[str]:
    from api.app import create_app
    from tests.support.servers import serve

    with serve(create_app(followup_services.settings, followup_services)) as url:
        yield url


def ask(base: str, question: str, history: list[dict[str, Any]] | None = None,
        **extra: Any) -> httpx.Response:
    return httpx.post(f"{base}/ask", json={"question": question, "history": history or [],
                                           **extra}, timeout=60)


def turn(question: str, answer: dict[str, Any]) -> dict[str, Any]:
    return {"question": question, "answer": answer["answer"],
            "citations": [{"doc_id": c["doc_id"], "page": c["page"]} for c in answer["citations"]]}


def test_an_english_follow_up_is_answered_from_the_previous_subjects_page(base: str) -> None:
    first = ask(base, FIRST).json()
    assert first["found"] and first["citations"][0]["doc_id"] == "broadband.pdf"
    assert first["conversation"] is None  # no history: nothing to resolve
    answer = ask(base, FOLLOW_UP, [turn(FIRST, first)]).json()
    assert answer["found"] and answer["question"] == FOLLOW_UP
    assert {c["doc_id"] for c in answer["citations"]} == {"broadband.pdf"}
    assert BROADBAND_TIMELINE_PAGE in {c["page"] for c in answer["citations"]}
    conversation = answer["conversation"]
    assert conversation["follow_up"] and conversation["strategy"] == "filter"
    assert conversation["carried_documents"] == [
        {"doc_id": "broadband.pdf", "title": "Rural Broadband Policy"}]


def test_a_khmer_follow_up_is_answered_from_the_khmer_policy(base: str) -> None:
    question = "តើគោលនយោបាយវិទ្យុសហគមន៍មានគោលដៅអ្វីខ្លះ?"
    first = ask(base, question).json()
    follow_up = "ចុះកាលវិភាគអនុវត្តរបស់វាវិញ?"
    alone = ask(base, follow_up).json()
    answer = ask(base, follow_up, [turn(question, first)]).json()
    assert answer["found"] and answer["language"] == "km"
    assert {c["doc_id"] for c in answer["citations"]} == {"radio_km.md"}
    assert any("២០២៧" in c["quote"] for c in answer["citations"])  # the timeline paragraph
    assert answer["conversation"]["reason"] == "refers back (វា)"
    assert not alone["found"]  # what /ask said before it took the conversation


def test_a_question_that_names_its_subject_is_not_rewritten(base: str) -> None:
    first = ask(base, FIRST).json()
    question = f"When does the {TEACHERS} finish?"
    answer = ask(base, question, [turn(FIRST, first)]).json()
    conversation = answer["conversation"]
    assert not conversation["follow_up"] and conversation["strategy"] == "as_asked"
    assert conversation["resolved_question"] == question
    assert conversation["carried_documents"] == []
    assert answer["citations"] and answer["citations"][0]["doc_id"] == "teachers.pdf"


def test_the_history_is_bounded_with_422s_naming_the_field(base: str) -> None:
    too_many = [{"question": f"question {n}"} for n in range(MAX_TURNS + 1)]
    response = ask(base, FOLLOW_UP, too_many)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "history"]
    schemas = httpx.get(f"{base}/openapi.json").json()["components"]["schemas"]
    limit = schemas["AskRequestIn"]["properties"]["question"]["maxLength"]
    assert schemas["HistoryTurnIn"]["properties"]["question"]["maxLength"] == limit
    assert schemas["AskRequestIn"]["properties"]["history"]["maxItems"] == MAX_TURNS
    response = ask(base, FOLLOW_UP, [{"question": "q" * (limit + 1)}])
    assert response.status_code == 422
    assert "history.0.question" in json.dumps(response.json())
    response = ask(base, FOLLOW_UP, [{"question": FIRST, "answer": "a" * (MAX_HISTORY_ANSWER_CHARS + 1)}])
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "history", 0, "answer"]
    response = ask(base, FOLLOW_UP, [{"question": FIRST, "citations": [{"doc_id": "", "page": 1}]}])
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:5] == ["body", "history", 0, "citations", 0]


def test_the_stream_resolves_the_follow_up_too(base: str) -> None:
    first = ask(base, FIRST).json()
    body = {"question": FOLLOW_UP, "history": [turn(FIRST, first)]}
    with httpx.stream("POST", f"{base}/ask/stream", json=body, timeout=60) as response:
        assert response.status_code == 200
        text = response.read().decode("utf-8")
    events = [json.loads(line[6:]) for line in text.splitlines() if line.startswith("data: ")]
    assert events[0]["type"] == "start" and events[0]["found"]
    cited = [c for e in events if e["type"] == "sentence" for c in e["citations"]]
    assert cited and {c["doc_id"] for c in cited} == {"broadband.pdf"}
    assert BROADBAND_TIMELINE_PAGE in {c["page"] for c in cited}
    done = events[-1]
    assert done["type"] == "done"
    assert done["answer"]["conversation"]["carried_documents"][0]["doc_id"] == "broadband.pdf"


def test_generative_mode_shows_the_model_the_conversation(followup_services: Any,
                                                          tmp_path: Path) -> None:
    from api.app import create_app
    from policykb.services import Services
    from tests.support.servers import serve

    standin = StandInChatServer()
    standin.reply = "The first phase runs from 2025 to 2027 [1]."
    with serve(standin.app) as llm:
        settings = followup_services.settings.model_copy(
            update={"llm_url": f"{llm}/v1", "llm_model": "stand-in"})
        services = Services(settings, model=followup_services.model)
        with serve(create_app(settings, services)) as url:
            first = ask(url, FIRST).json()
            answer = ask(url, FOLLOW_UP, [turn(FIRST, first)], mode="generative").json()
    assert answer["mode"] == "generative" and answer["found"]
    assert {c["doc_id"] for c in answer["citations"]} == {"broadband.pdf"}
    messages = standin.requests[-1]["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[1]["content"] == FIRST
    assert messages[2]["content"] and "[1]" not in messages[2]["content"]
    assert messages[-1]["content"].endswith(f"Question: {FOLLOW_UP}")
    assert "Rural Broadband Policy" in messages[-1]["content"]  # the evidence is the subject's


def test_a_follow_up_the_subject_does_not_answer_is_not_answered_by_its_name(base: str) -> None:
    """"What about its budget?" after the policy's goals: no page states a budget. With the
    policy's name appended to the search, its goal sentences held the name and were given as
    the answer; they say nothing the user asked, so the question is declined instead."""
    first = ask(base, FIRST).json()
    answer = ask(base, "What about its budget?", [turn(FIRST, first)]).json()
    assert not answer["found"], (answer["answer"], answer["conversation"])
    assert answer["conversation"]["follow_up"]
