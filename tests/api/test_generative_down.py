"""Generative answers when the model endpoint is down (nothing listens on its port) or hangs
(a local server that holds every request longer than ``POLICYKB_LLM_TIMEOUT_S``): the request
ends within the time limit with an error that names the failure, nothing is invented, and the
server keeps answering."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from api.app import create_app
from evaluation.load import free_port

QUESTION = {"question": "How will ministries build cybersecurity capacity?", "mode": "generative"}
TIMEOUT_S = 1.0
HOLD_S = 30.0  # how long the hanging endpoint keeps a request: far past the time limit


class _Hanging(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.server.requests += 1  # type: ignore[attr-defined]
        time.sleep(HOLD_S)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def hanging_endpoint() -> Iterator[tuple[str, ThreadingHTTPServer]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hanging)
    server.daemon_threads = True
    server.requests = 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", server
    finally:
        server.shutdown()
        server.server_close()


def generative_app(sample_services: Any, embedder: Any, llm_url: str) -> Any:
    from policykb.services import Services

    settings = sample_services.settings.model_copy(update={
        "llm_url": llm_url, "llm_model": "stand-in", "llm_timeout_s": TIMEOUT_S})
    return create_app(settings, Services(settings, model=embedder))


def streamed_events(base: str) -> list[dict[str, Any]]:
    with httpx.stream("POST", f"{base}/ask/stream", json=QUESTION, timeout=60) as response:
        assert response.status_code == 200
        return [json.loads(line[6:]) for line in response.iter_lines() if line.startswith("data: ")]


def assert_fails_cleanly(base: str, error_class: str) -> None:
    """Both forms of /ask end in time with the error named; extractive answers still work."""
    started = time.monotonic()
    events = streamed_events(base)
    streamed_s = time.monotonic() - started
    assert [e["type"] for e in events] == ["start", "error"], events  # no sentence, no "done"
    assert error_class in json.dumps(events[-1]), events[-1]

    started = time.monotonic()
    plain = httpx.post(f"{base}/ask", json=QUESTION, timeout=60)
    plain_s = time.monotonic() - started
    # an error naming the setting and the failure, never an answer made up
    assert plain.status_code == 503, plain.text
    assert plain.json()["error"] == "GenerativeUnavailableError", plain.text
    assert "POLICYKB_LLM_URL" in plain.json()["detail"] and error_class in plain.json()["detail"]
    assert "127.0.0.1" not in plain.text  # the endpoint's address stays in the server's log
    # the limit is per attempt, and llama-index retries once
    assert streamed_s < 4 * TIMEOUT_S + 6 and plain_s < 4 * TIMEOUT_S + 6, (streamed_s, plain_s)

    extractive = httpx.post(f"{base}/ask", json={**QUESTION, "mode": "extractive"}, timeout=60)
    assert extractive.status_code == 200 and extractive.json()["citations"]


def test_a_generative_endpoint_that_is_down(sample_services, embedder, live_server) -> None:
    closed = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    with live_server(generative_app(sample_services, embedder, closed)) as base:
        assert_fails_cleanly(base, "APIConnectionError")


def test_a_generative_endpoint_that_never_answers_times_out(
        sample_services, embedder, live_server, hanging_endpoint) -> None:
    url, endpoint = hanging_endpoint
    with live_server(generative_app(sample_services, embedder, url)) as base:
        assert_fails_cleanly(base, "APITimeoutError")
    assert endpoint.requests >= 2  # the model was asked (and retried), not skipped
