"""The request head is bounded in size and time on the real `policykb serve` (issue #16, attack
item 11): a huge header gets 431 before the application reads anything, a client that never
finishes its headers (slowloris) is disconnected, and normal requests are untouched."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from evaluation.server_process import ServerProcess


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    root = tmp_path_factory.mktemp("http-guard")
    env = {"POLICYKB_OCR_ENABLED": "false", "POLICYKB_MAX_HEADER_KB": "8",
           "POLICYKB_HEADER_TIMEOUT_S": "1.5", "HF_HUB_OFFLINE": "1"}
    with ServerProcess(root / "data", env=env, log_path=root / "server.log") as proc:
        yield proc


def _raw(server: ServerProcess, payload: bytes, wait_s: float = 10.0) -> tuple[bytes, float]:
    """Send ``payload`` on a raw socket; what comes back before the server closes, and when."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=wait_s) as conn:
        try:
            conn.sendall(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass
        received = b""
        try:
            while chunk := conn.recv(65536):
                received += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    return received, time.monotonic() - started


def test_a_huge_header_gets_431_and_is_not_read(server: ServerProcess) -> None:
    payload = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n"
    received, _ = _raw(server, payload)
    assert received.startswith(b"HTTP/1.1 431"), received[:200]
    assert b"POLICYKB_MAX_HEADER_KB" in received


def test_a_client_that_never_finishes_its_headers_is_cut_off(server: ServerProcess) -> None:
    received, took = _raw(server, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n")
    assert received.startswith(b"HTTP/1.1 408"), received[:200]
    assert 1.0 < took < 8.0


def test_ordinary_requests_and_kept_alive_connections_still_work(server: ServerProcess) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        for _ in range(3):
            assert http.get("/health", headers={"X-Ok": "b" * 4000}).status_code in (200, 503)
        time.sleep(2.0)  # idle past the head timeout: the next request opens a new connection
        assert http.get("/health").status_code in (200, 503)
    upload_like = b"POST /search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" \
                  b"Content-Length: 20\r\n\r\n" + b'{"query": "a" }     '
    received, _ = _raw(server, upload_like, wait_s=5)
    assert not received.startswith(b"HTTP/1.1 431") and not received.startswith(b"HTTP/1.1 408")


def test_an_idle_connection_is_closed_without_a_response(server: ServerProcess) -> None:
    received, took = _raw(server, b"")
    assert received == b"" and took < 8.0
    assert server.proc is not None and server.proc.poll() is None  # still serving after all that
