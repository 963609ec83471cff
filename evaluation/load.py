"""Latency over real HTTP: N concurrent clients against a `policykb serve` on 127.0.0.1.

The server runs in its own process (as in production), the clients in threads of this one;
every request is bounded in number and time. The bare chromadb query on the same index, with
the same query vectors, is timed in the same run as the floor for dense search.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np


@dataclass
class LoadResult:
    clients: int
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    def percentile(self, p: float) -> float:
        return float(np.percentile(self.latencies_ms, p)) if self.latencies_ms else 0.0

    def summary(self) -> dict[str, Any]:
        return {"clients": self.clients, "requests": self.requests, "errors": self.errors,
                "throughput_rps": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
                "p50_ms": round(self.percentile(50), 1), "p95_ms": round(self.percentile(95), 1),
                "p99_ms": round(self.percentile(99), 1)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """`policykb serve` in a child process on a free loopback port."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None, workers: int = 1) -> None:
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._env = {**os.environ, "POLICYKB_DATA_DIR": str(data_dir), **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0

    def __enter__(self) -> ServerProcess:
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "policykb", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(self.workers)],
            env=self._env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not start within 120 s")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def _pids(self) -> list[int]:
        """The server and its worker processes."""
        assert self.proc is not None
        pids, queue = [], [self.proc.pid]
        while queue:
            pid = queue.pop()
            pids.append(pid)
            children = Path(f"/proc/{pid}/task/{pid}/children")
            if children.exists():
                queue += [int(c) for c in children.read_text().split()]
        return pids

    def _status_mb(self, field: str) -> float:
        total = 0.0
        for pid in self._pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith(field):
                        total += int(line.split()[1]) / 1024
            except OSError:
                continue
        return total

    def rss_mb(self) -> float:
        """Current resident memory of the server and its workers (Linux /proc)."""
        return self._status_mb("VmRSS:")

    def peak_rss_mb(self) -> float:
        """Sum of each process's peak resident memory."""
        return self._status_mb("VmHWM:")


def run_load(url: str, payloads: list[tuple[str, dict[str, Any]]], clients: int,
             requests_per_client: int, timeout_s: float = 120.0) -> LoadResult:
    """Closed-loop load: each client sends its share of the payloads one after another."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + timeout_s

    def client(offset: int) -> None:
        nonlocal errors
        with httpx.Client(base_url=url, timeout=60) as http:
            for i in range(requests_per_client):
                if time.monotonic() > deadline:
                    return
                path, body = payloads[(offset + i * clients) % len(payloads)]
                started = time.perf_counter()
                try:
                    ok = http.post(path, json=body).status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    errors += 0 if ok else 1

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return LoadResult(clients, len(latencies), errors, time.perf_counter() - started, latencies)


def bare_chroma_latency(store: Any, vectors: list[np.ndarray], k: int = 10) -> float:
    """Median ms of a plain chromadb query with precomputed vectors: the dense floor."""
    times = []
    for vector in vectors:
        started = time.perf_counter()
        store.query(vector, k)
        times.append((time.perf_counter() - started) * 1000)
    return float(np.median(times))


def search_payloads(queries: list[str], k: int = 10) -> list[tuple[str, dict[str, Any]]]:
    return [("/search", {"query": q, "k": k}) for q in queries]


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - started) * 1000
