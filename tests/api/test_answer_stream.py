"""The answer stream's events (answers/events.py) and what the browser sees when an answer fails
half-way: the error's class name and a generic sentence, never the exception's text, which
goes to the server's log instead."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import httpx
import pytest

from answers.events import (
    DoneEvent,
    ErrorEvent,
    NoteEvent,
    SentenceEvent,
    StartEvent,
    final_answer,
    to_sse,
)
from answers.generative import GenerativeAnswerer
from answers.types import Answer, Citation
from api.app import create_app
from ingest.sentences import split_sentences
from policykb.services import Services
from tests.support.servers import serve

QUESTION = "How will ministries build cybersecurity capacity?"
SECRET = "http://10.1.2.3:8000/v1 reset the connection (api_key=sk-not-for-browsers)"


def test_each_event_is_one_server_sent_event_with_its_type_first() -> None:
    citation = Citation(id=1, doc_id="plan.md", title="Plan", page=2, start=5, end=20,
                        quote="ក្រសួងនីមួយៗ", language="km")
    answer = Answer(question="q", language="km", mode="extractive", found=True, answer="a [1]")
    assert to_sse(StartEvent("km", "extractive", True)) == (
        'event: start\ndata: {"type": "start", "language": "km", "mode": "extractive", '
        '"found": true}\n\n')
    assert to_sse(NoteEvent("n")) == 'event: note\ndata: {"type": "note", "text": "n"}\n\n'
    sentence = to_sse(SentenceEvent("s", [citation]))
    assert sentence.startswith('event: sentence\ndata: {"type": "sentence", "text": "s", ')
    assert "ក្រសួងនីមួយៗ" in sentence  # UTF-8 as is, not \u escapes
    data = json.loads(sentence.split("data: ", 1)[1])
    assert data["citations"] == [{"id": 1, "doc_id": "plan.md", "title": "Plan", "page": 2,
                                  "start": 5, "end": 20, "quote": "ក្រសួងនីមួយៗ",
                                  "language": "km", "doc_type": "", "page_label": None,
                                  "passage_start": None, "passage_end": None}]
    done = json.loads(to_sse(DoneEvent(answer)).split("data: ", 1)[1])
    assert done == {"type": "done", "answer": answer.to_dict()}
    assert final_answer(iter([StartEvent("km", "extractive", True), DoneEvent(answer)])) is answer
    with pytest.raises(RuntimeError):
        final_answer(iter([StartEvent("km", "extractive", True)]))


def test_an_error_event_names_the_class_and_never_the_text() -> None:
    event = ErrorEvent.of(ConnectionError(SECRET))
    assert event.error == "ConnectionError" and event.detail.startswith("ConnectionError: ")
    assert "10.1.2.3" not in to_sse(event) and "sk-not" not in to_sse(event)


@pytest.fixture
def failing_stream_services(sample_services, embedder) -> Services:
    """The real answerers, over an LLM connection that drops after its first sentence."""

    def stream(messages: list[dict[str, str]]) -> Iterator[str]:
        yield "Each ministry appoints a cybersecurity focal point [1]. "
        yield "Officials also "
        raise ConnectionError(SECRET)

    generator = GenerativeAnswerer(sample_services.answerer, lambda messages: "", stream,
                                   split_sentences)
    return Services(sample_services.settings, model=embedder, generator=generator)


def test_a_stream_that_fails_half_way_logs_it_and_tells_the_browser_only_its_class(
        failing_stream_services, caplog) -> None:
    services = failing_stream_services
    with caplog.at_level(logging.ERROR, logger="api.routes.ask"), \
            serve(create_app(services.settings, services)) as base:
        with httpx.stream("POST", f"{base}/ask/stream", timeout=60,
                          json={"question": QUESTION, "mode": "generative"}) as response:
            assert response.status_code == 200
            body = response.read().decode("utf-8")
    events = [json.loads(line[6:]) for line in body.splitlines() if line.startswith("data: ")]
    assert [e["type"] for e in events] == ["start", "sentence", "error"]
    assert events[1]["citations"]  # what was verified before the failure still arrived
    assert events[-1]["error"] == "ConnectionError"
    assert "10.1.2.3" not in body and "sk-not-for-browsers" not in body
    logged = [r for r in caplog.records if r.name == "api.routes.ask" and r.exc_info]
    assert logged and SECRET in str(logged[0].exc_info[1])  # the operator gets the details
