"""Generative answers against the OpenAI-compatible stand-in server
(tests/support/openai_standin.py): valid citations are resolved to exact spans; sentences
citing nothing, or a passage that does not exist, are dropped; an answer with nothing
verifiable falls back to the extractive one."""

from __future__ import annotations

import json

import httpx
import pytest

from answers.generative import UNVERIFIED_NOTE
from api.app import create_app
from policykb.services import Services
from tests.support.openai_standin import StandInChatServer

QUESTION = "How will ministries build cybersecurity capacity?"


@pytest.fixture
def standin(live_server):
    server = StandInChatServer()
    with live_server(server.app) as url:
        server.url = url
        yield server


@pytest.fixture
def generative(standin, sample_services, embedder):
    settings = sample_services.settings.model_copy(update={"llm_url": f"{standin.url}/v1",
                                                           "llm_model": "stand-in"})
    services = Services(settings, model=embedder)
    return services


def check_spans(services, answer) -> None:
    for citation in answer.citations:
        page = services.catalog.page(citation.doc_id, citation.page)
        assert page.text[citation.start:citation.end] == citation.quote


def test_valid_citations_resolve_to_exact_spans(standin, generative):
    standin.reply = ("Each ministry appoints a cybersecurity focal point who is trained every year [1]. "
                     "Officials also receive basic cyber hygiene training [2][1].")
    answer = generative.generator.answer(QUESTION)
    assert answer.found and answer.mode == "generative"
    assert [s.text for s in answer.sentences] == [
        "Each ministry appoints a cybersecurity focal point who is trained every year.",
        "Officials also receive basic cyber hygiene training.",
    ]
    assert answer.sentences[1].citations == [2, 1]
    assert answer.dropped_sentences == []
    assert answer.citations and all(s.citations for s in answer.sentences)
    check_spans(generative, answer)
    prompt = standin.requests[-1]["messages"]
    assert prompt[0]["role"] == "system" and "ONLY the numbered evidence" in prompt[0]["content"]
    assert "[1] (" in prompt[1]["content"] and QUESTION in prompt[1]["content"]


def test_sentence_without_citation_is_dropped(standin, generative):
    standin.reply = ("Ministries train a focal point every year [1]. "
                     "Cybersecurity is the most important issue in the world.")
    answer = generative.generator.answer(QUESTION)
    assert len(answer.sentences) == 1
    assert answer.dropped_sentences == ["Cybersecurity is the most important issue in the world."]
    check_spans(generative, answer)


def test_model_that_cites_nothing_falls_back_to_extractive(standin, generative):
    standin.reply = "Cybersecurity matters a great deal. Everyone should care about it."
    answer = generative.generator.answer(QUESTION)
    assert answer.found and answer.note == UNVERIFIED_NOTE
    assert len(answer.dropped_sentences) == 2
    assert answer.citations  # the extractive evidence, with exact spans
    check_spans(generative, answer)


def test_citation_to_a_passage_that_does_not_exist_is_dropped(standin, generative):
    standin.reply = "Ministries train focal points [1]. A national cyber army was founded in 1990 [99]."
    answer = generative.generator.answer(QUESTION)
    assert [s.citations for s in answer.sentences] == [[1]]
    assert answer.dropped_sentences == ["A national cyber army was founded in 1990 [99]."]


def test_model_saying_not_found_gives_not_found(standin, generative):
    standin.reply = "NOT_FOUND"
    answer = generative.generator.answer(QUESTION)
    assert not answer.found and answer.citations == []


def test_weak_evidence_never_reaches_the_model(standin, generative):
    standin.reply = "Bread needs flour [1]."
    answer = generative.generator.answer("How do I bake sourdough bread at home?")
    assert not answer.found
    assert standin.requests == []  # nothing to invent from


def test_streamed_generative_answer_over_http(standin, generative, live_server):
    standin.reply = ("Each ministry appoints a cybersecurity focal point [1]. "
                     "Unsupported claim without evidence. Officials get cyber hygiene training [2].")
    with live_server(create_app(generative.settings, generative)) as base:
        with httpx.stream("POST", f"{base}/ask/stream",
                          json={"question": QUESTION, "mode": "generative"}, timeout=60) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            events = [json.loads(line[6:]) for line in response.iter_lines() if line.startswith("data: ")]
        assert standin.requests[-1]["stream"] is True
        kinds = [e["type"] for e in events]
        assert kinds[0] == "start" and kinds[-1] == "done"
        sentences = [e for e in events if e["type"] == "sentence"]
        assert len(sentences) == 2 and all(e["citations"] for e in sentences)
        final = events[-1]["answer"]
        assert final["dropped_sentences"] == ["Unsupported claim without evidence."]
        # the non-streaming form gives the same verified sentences
        standin.reply = standin.reply
        plain = httpx.post(f"{base}/ask", json={"question": QUESTION, "mode": "generative"}, timeout=60).json()
        assert [s["text"] for s in plain["sentences"]] == [s["text"] for s in final["sentences"]]


def test_generative_mode_without_endpoint_is_a_clear_409(sample_services, live_server):
    with live_server(create_app(sample_services.settings, sample_services)) as base:
        response = httpx.post(f"{base}/ask", json={"question": QUESTION, "mode": "generative"})
        assert response.status_code == 409 and "POLICYKB_LLM_URL" in response.json()["detail"]
