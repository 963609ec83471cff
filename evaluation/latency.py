"""/search latency over HTTP with 1, 8 and 32 concurrent clients, next to the floor of one
search measured in the same run: the query embedding plus a bare chromadb query on the same
index. Run it with ``python -m policykb.latency --data-dir D``, which hands in the index's
embedder and vector store.

Besides wall-clock latency it reports the server's CPU time per search (from /proc, so the
load generator's own CPU is not counted): on a shared 2-core machine that is the number that
decides throughput, and its ratio to the floor says how much the pipeline adds around the
two steps no search can skip.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from evaluation.load import ServerProcess, bare_chroma_latency, run_load, search_payloads
from evaluation.metrics import load_queries

DENSE_CANDIDATES = 50  # what /search asks chromadb for (index/searcher.py)


def server_cpu_s(server: ServerProcess) -> float:
    """User + system CPU seconds of the server and its worker processes so far."""
    assert server.proc is not None
    tick = os.sysconf("SC_CLK_TCK")
    total, queue = 0.0, [server.proc.pid]
    while queue:
        pid = queue.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            queue += [int(c) for c in
                      Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


def search_floor(embedder: Any, store: Any, texts: list[str]) -> dict[str, Any]:
    """The two steps every computed search needs: embedding the question one at a time (as
    requests arrive) and the bare chromadb query for the neighbours /search asks for. Their
    median wall time, and their CPU time per call (this process's, all threads: on a shared
    machine wall time counts the neighbours too); ``floor_ms`` is the CPU sum, comparable
    with the server's CPU per search. Also how the query encoder's vectors compare with the
    PyTorch ones on ``texts`` (None when queries run on PyTorch)."""
    for text in texts[:3]:  # warm
        embedder.embed_batch([text], kind="query")
    embed_ms = []
    vectors = []
    cpu_started = time.process_time()
    for text in texts:
        started = time.perf_counter()
        vectors.append(embedder.embed_batch([text], kind="query")[0])
        embed_ms.append((time.perf_counter() - started) * 1000)
    embed_cpu = (time.process_time() - cpu_started) * 1000 / len(texts)
    bare_chroma_latency(store, vectors[:5], DENSE_CANDIDATES)  # warm
    cpu_started = time.process_time()
    chroma_ms = bare_chroma_latency(store, vectors, DENSE_CANDIDATES)
    chroma_cpu = (time.process_time() - cpu_started) * 1000 / len(texts)
    agreement = getattr(embedder, "encoder_agreement", None)
    return {"query_encoder": getattr(embedder, "query_encoder", "torch"),
            "embed_p50_ms": round(statistics.median(embed_ms), 2),
            "bare_chroma_k50_p50_ms": round(chroma_ms, 2),
            "embed_cpu_ms": round(embed_cpu, 2), "bare_chroma_k50_cpu_ms": round(chroma_cpu, 2),
            "floor_ms": round(embed_cpu + chroma_cpu, 2),
            "encoder_agreement": agreement(texts) if agreement else None,
            "vectors": np.asarray(vectors)}


def measure(data_dir: Path, queries: Path, embedder: Any, store: Any, *,
            clients: list[int], requests: int = 400, workers: int = 1,
            no_cache: bool = False, warm_timeout_s: float = 900.0) -> dict[str, Any]:
    """Serve ``data_dir`` with a real `policykb serve` and load it with the query texts;
    ``embedder`` and ``store`` (of the same index) give the floor. Load starts once the
    server's background sentence-vector warm-up has ended (at most ``warm_timeout_s``:
    until then it competes for the CPU the server's time per search is measured on)."""
    texts = [q.text for q in load_queries(queries)]
    floor = search_floor(embedder, store, texts)
    vectors = floor.pop("vectors")
    bare = bare_chroma_latency(store, list(vectors))
    results: dict[str, Any] = {"bare_chroma_p50_ms": round(bare, 2), "floor": floor,
                               "levels": []}
    results["workers"] = workers
    results["result_cache"] = not no_cache
    env = {"POLICYKB_RATE_LIMIT_PER_MINUTE": "0"}
    if no_cache:
        env["POLICYKB_SEARCH_CACHE_SIZE"] = "0"
    with ServerProcess(data_dir, env=env, workers=workers) as server:
        first = httpx.post(f"{server.url}/search", json={"query": texts[0], "k": 10}, timeout=60)
        first.raise_for_status()
        results["cold_start_s"] = round(time.perf_counter() - server.started_at, 2)
        results["warm"] = server.wait_warm(warm_timeout_s)
        run_load(server.url, search_payloads(texts), 1, len(texts))  # first pass: fills caches
        for n in clients:
            cpu_before = server_cpu_s(server)
            res = run_load(server.url, search_payloads(texts), n,
                           max(1, requests // n)).summary()
            cpu_ms = (server_cpu_s(server) - cpu_before) * 1000 / max(1, res["requests"])
            res["server_cpu_ms_per_search"] = round(cpu_ms, 2)
            res["cpu_over_floor"] = round(cpu_ms / floor["floor_ms"], 2)
            res["p95_over_bare_chroma"] = round(res["p95_ms"] / bare, 1) if bare else None
            results["levels"].append(res)
        results["server_peak_rss_mb"] = round(server.peak_rss_mb(), 1)
    return results
