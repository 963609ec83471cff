"""Regression tests for security issue #16, items 2, 8 and 9, over real HTTP (uvicorn on
127.0.0.1): the body limit follows the route, not the Content-Type; a 422 never echoes its
input back unbounded; X-Forwarded-For is believed only from configured proxies; bad API keys
run into the rate limit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.errors import MAX_ECHOED_INPUT
from core.settings import Settings
from evaluation.load import free_port
from policykb.server import proxy_options


@contextmanager
def serve_like_policykb(app: Any, settings: Settings) -> Iterator[str]:
    """uvicorn with the forwarded-header arguments `policykb serve` gives it."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            **proxy_options(settings))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def server(tmp_path: Path, make_services: Callable[[Settings], Any]) -> Callable[..., Any]:
    @contextmanager
    def start(**overrides: Any) -> Iterator[tuple[str, Any]]:
        settings = Settings(data_dir=tmp_path / "data", ocr_enabled=False, _env_file=None,
                            **overrides)
        services = make_services(settings)
        with serve_like_policykb(create_app(settings, services), settings) as base:
            yield base, services

    return start


def test_a_json_body_labelled_multipart_gets_the_json_limit(server: Any) -> None:
    with server(max_body_kb=1, max_upload_mb=1) as (base, _):
        body = b'{"query": "' + b"x" * 4000 + b'"}'
        for content_type in ("multipart/form-data; boundary=x", "application/json"):
            declared = httpx.post(f"{base}/search", content=body,
                                  headers={"content-type": content_type})
            assert declared.status_code == 413, (content_type, declared.text)
            assert "POLICYKB_MAX_BODY_KB" in declared.json()["detail"]
        streamed = httpx.post(f"{base}/search", content=iter([body[:2000], body[2000:]]),
                              headers={"content-type": "multipart/form-data; boundary=x"})
        assert "content-length" not in streamed.request.headers
        assert streamed.status_code == 413 and "POLICYKB_MAX_BODY_KB" in streamed.text
        # the upload route keeps the upload limit: 4 KB is far below 1 MB (no key: 401)
        upload = httpx.post(f"{base}/documents", content=body,
                            headers={"content-type": "multipart/form-data; boundary=x"})
        assert upload.status_code == 401


def test_validation_errors_echo_at_most_a_bounded_input(server: Any) -> None:
    with server() as (base, _):
        small = httpx.post(f"{base}/search", json={"query": 5})
        assert small.status_code == 422
        assert small.json()["detail"][0]["input"] == 5  # short input: echoed as before
        assert "input_truncated" not in small.json()["detail"][0]

        huge = "\x01" * 30_000  # control bytes: 6 characters each once escaped as JSON
        for payload in ({"query": [huge]}, [huge]):
            response = httpx.post(f"{base}/search", json=payload)
            assert response.status_code == 422, response.text[:300]
            assert len(response.content) < 4000
            body = response.json()
            assert body["error"] == "InvalidFieldError"
            issue = body["detail"][0]
            assert {"loc", "msg", "type"} <= issue.keys()
            assert len(issue["input"]) == MAX_ECHOED_INPUT
            assert "only the first 200" in issue["input_truncated"]

        labelled = httpx.post(f"{base}/search", content=b'{"query": "' + b"y" * 100_000 + b'"}',
                              headers={"content-type": "multipart/form-data; boundary=x"})
        assert labelled.status_code in (400, 413, 422)
        assert len(labelled.content) < 4000


def test_a_rotating_x_forwarded_for_does_not_escape_the_anonymous_limit(server: Any) -> None:
    def statuses(base: str) -> list[int]:
        return [httpx.get(f"{base}/documents",
                          headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
                for n in range(6)]

    with server(rate_limit_per_minute=1, rate_limit_burst=3) as (base, _):
        got = statuses(base)
        assert got[:3] == [200, 200, 200] and set(got[3:]) == {429}
    # a configured proxy (here: loopback) is believed: each forwarded address has a bucket
    with server(rate_limit_per_minute=1, rate_limit_burst=3,
                trusted_proxies="127.0.0.1") as (base, _):
        assert statuses(base) == [200] * 6


def test_bad_api_keys_are_rate_limited_by_address(server: Any) -> None:
    with server(rate_limit_per_minute=1, rate_limit_burst=4) as (base, services):
        from api.keys import Role

        good = services.keys.create(Role.reader)[1]
        answers = [httpx.get(f"{base}/documents",
                             headers={"Authorization": f"Bearer guess-{n}"}) for n in range(8)]
        assert [a.status_code for a in answers[:4]] == [401] * 4
        assert {a.status_code for a in answers[4:]} == {429}
        assert int(answers[-1].headers["retry-after"]) >= 1
        malformed = httpx.get(f"{base}/documents", headers={"Authorization": "Basic abc"})
        assert malformed.status_code == 429
        # a valid key has its own bucket: the guessing does not lock its owner out
        assert httpx.get(f"{base}/documents",
                         headers={"Authorization": f"Bearer {good}"}).status_code == 200
