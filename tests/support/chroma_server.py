"""A real `chroma run` server on 127.0.0.1 for tests, and a token-checking proxy in front of it.

``ChromaServer`` starts the ``chroma`` CLI of the venv this Python runs from (the same chromadb
the code under test uses) on a free port, waits for its heartbeat and stops it again; it can be
stopped and started again on the same port and data folder, as an operator would restart it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from evaluation.load import free_port, stop_process_group

CHROMA = Path(sys.executable).with_name("chroma")


class ChromaServer:
    """One `chroma run --path PATH --host 127.0.0.1 --port PORT` process."""

    def __init__(self, path: Path, port: int | None = None) -> None:
        self.path = path
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = path.with_name(path.name + ".log")
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 60) -> ChromaServer:
        if not CHROMA.exists():
            raise RuntimeError(f"no chroma CLI at {CHROMA}: install chromadb in the venv")
        self.path.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            # Its own session, so stop() can end the server and anything it spawned, and only it.
            self._process = subprocess.Popen(
                [str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1",
                 "--port", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self._process.returncode}: "
                                   f"{self.log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"chroma run gave no heartbeat on {self.url} within {timeout_s} s")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            stop_process_group(process, timeout_s=15)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None


@contextmanager
def chroma_server(path: Path) -> Iterator[ChromaServer]:
    server = ChromaServer(path).start()
    try:
        yield server
    finally:
        server.stop()


class TokenCheckingProxy:
    """A fake of an authenticating gateway (chroma 1.5's open-source `chroma run` has no token
    auth of its own, so deployments put one in front): forwards every request to the real
    chroma server when it carries ``Authorization: Bearer TOKEN``, answers 401 otherwise, and
    records the Authorization header of each request it saw."""

    def __init__(self, upstream: str, token: str) -> None:
        self.upstream = upstream
        self.token = token
        self.seen: list[str | None] = []
        #: set: every request is held unanswered (a hung server: the port accepts, nothing
        #: comes back) until it is cleared or the proxy stops
        self.hang = threading.Event()
        self._stopping = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def _forward(self) -> None:
                while proxy.hang.is_set() and not proxy._stopping.is_set():
                    time.sleep(0.05)
                auth = self.headers.get("Authorization")
                proxy.seen.append(auth)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if auth != f"Bearer {proxy.token}":
                    self._reply(401, b'{"error":"Unauthorized","message":"bad or missing token"}',
                                "application/json")
                    return
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in {"host", "content-length", "connection",
                                                "authorization"}}
                answer = httpx.request(self.command, proxy.upstream + self.path, content=body,
                                       headers=headers, timeout=60)
                self._reply(answer.status_code, answer.content,
                            answer.headers.get("content-type", "application/json"))

            def _reply(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _forward

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> TokenCheckingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
