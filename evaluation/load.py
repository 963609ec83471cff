"""Latency over real HTTP: N concurrent clients against a `policykb serve` on 127.0.0.1.

The server runs in its own process (as in production), the clients in threads of this one;
every request is bounded in number and time. The bare chromadb query on the same index, with
the same query vectors, is timed in the same run as the floor for dense search.

:func:`run_load` sends one kind of request (the benchmark); :func:`run_mixed_load` mixes
endpoints for a fixed time and checks every answer's status (the load test).
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import numpy as np

# The server under load lives in its own module; these names stay importable from here.
from evaluation.server_process import ServerProcess, free_port, stop_process_group

__all__ = ["Call", "LoadResult", "MixedLoadResult", "Recorder", "ServerProcess",
           "bare_chroma_latency", "free_port", "run_load", "run_mixed_load",
           "search_payloads", "stop_process_group", "timed"]


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


# -- mixed load: several endpoints at once, every answer checked -----------------------------


@dataclass(frozen=True)
class Call:
    """One request of a load mix; ``name`` groups its latency (e.g. "search", "page")."""

    name: str
    method: str
    path: str
    json: Any = None
    files: dict[str, Any] | None = None
    expect: int = 200


class Recorder:
    """Latencies per call name and every unexpected answer, shared by the client threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.latencies_ms: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.error_counts: Counter[str] = Counter()

    def call(self, http: httpx.Client, call: Call) -> httpx.Response | None:
        """Send ``call``; an exception (timeout, refused connection) or a status other than
        ``call.expect`` is an error. None when no response came."""
        started = time.perf_counter()
        try:
            response = http.request(call.method, call.path, json=call.json, files=call.files)
        except httpx.HTTPError as exc:
            self._record(call.name, started, f"{call.method} {call.path}: {type(exc).__name__}: {exc}")
            return None
        problem = None
        if response.status_code != call.expect:
            problem = (f"{call.method} {call.path}: {response.status_code} (expected "
                       f"{call.expect}): {response.text[:300]}")
        self._record(call.name, started, problem)
        return response

    def fail(self, name: str, problem: str) -> None:
        """An error found without a failed request (a job that failed, a lost document)."""
        with self._lock:
            self.errors.append(f"{name}: {problem}")
            self.error_counts[name] += 1

    def _record(self, name: str, started: float, problem: str | None) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        with self._lock:
            self.latencies_ms[name].append(elapsed)
            if problem is not None:
                self.errors.append(f"{name}: {problem}")
                self.error_counts[name] += 1


@dataclass
class MixedLoadResult:
    clients: int
    seconds: float
    recorder: Recorder

    @property
    def errors(self) -> list[str]:
        return self.recorder.errors

    def summary(self) -> dict[str, Any]:
        """Requests, errors, throughput and latency percentiles, overall and per call name."""
        per_name = {}
        every: list[float] = []
        for name, values in sorted(self.recorder.latencies_ms.items()):
            every += values
            per_name[name] = {"requests": len(values), "errors": self.recorder.error_counts[name],
                              **_rates(values, self.seconds)}
        return {"clients": self.clients, "seconds": round(self.seconds, 1),
                "requests": len(every), "errors": len(self.recorder.errors),
                **_rates(every, self.seconds), "endpoints": per_name}


def _rates(values: list[float], seconds: float) -> dict[str, float]:
    if not values:
        return {"throughput_rps": 0.0, "p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0}
    p50, p95, p99 = np.percentile(values, [50, 95, 99])
    return {"throughput_rps": round(len(values) / seconds, 2) if seconds else 0.0,
            "p50_ms": round(float(p50), 1), "p95_ms": round(float(p95), 1),
            "p99_ms": round(float(p99), 1), "max_ms": round(max(values), 1)}


def run_mixed_load(url: str, next_call: Callable[[int, int], Call], clients: int,
                   duration_s: float, *, headers: dict[str, str] | None = None,
                   request_timeout_s: float = 60.0,
                   first: Callable[[httpx.Client, Recorder], None] | None = None
                   ) -> MixedLoadResult:
    """Closed-loop load for ``duration_s``: client ``c`` sends ``next_call(c, i)`` for
    i = 0, 1, ... one after another until time is up; client 0 first runs ``first`` (e.g. an
    upload followed to the end, with its own bounds). No request starts after the deadline
    and each is bounded by ``request_timeout_s``; an exception in ``first`` is an error."""
    recorder = Recorder()
    deadline = time.monotonic() + duration_s

    def client(c: int) -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=request_timeout_s) as http:
            if c == 0 and first is not None:
                try:
                    first(http, recorder)
                except Exception as exc:  # reported as an error of the run, not lost in a thread
                    recorder.fail("first", f"{type(exc).__name__}: {exc}")
            i = 0
            while time.monotonic() < deadline:
                recorder.call(http, next_call(c, i))
                i += 1

    threads = [threading.Thread(target=client, args=(c,), daemon=True) for c in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1.0, deadline - time.monotonic()) + 2 * request_timeout_s + 120)
    stuck = sum(t.is_alive() for t in threads)
    if stuck:
        recorder.fail("clients", f"{stuck} client threads still running after the time limit")
    return MixedLoadResult(clients, time.perf_counter() - started, recorder)
