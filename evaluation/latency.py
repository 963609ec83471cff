"""/search latency over HTTP with 1, 8 and 32 concurrent clients, next to a bare chromadb query
on the same index (the dense floor). Run it with ``python -m policykb.latency --data-dir D``,
which hands in the index's embedder and vector store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evaluation.load import ServerProcess, bare_chroma_latency, run_load, search_payloads
from evaluation.metrics import load_queries


def measure(data_dir: Path, queries: Path, embedder: Any, store: Any, *,
            clients: list[int], requests: int = 400, workers: int = 1,
            no_cache: bool = False) -> dict[str, Any]:
    """Serve ``data_dir`` with a real `policykb serve` and load it with the query texts;
    ``embedder`` and ``store`` (of the same index) give the bare chromadb floor."""
    texts = [q.text for q in load_queries(queries)]
    vectors = embedder.embed_batch(texts, kind="query")
    floor = bare_chroma_latency(store, list(vectors))
    results: dict[str, Any] = {"bare_chroma_p50_ms": round(floor, 2), "levels": []}
    results["workers"] = workers
    results["result_cache"] = not no_cache
    env = {"POLICYKB_SEARCH_CACHE_SIZE": "0"} if no_cache else {}
    with ServerProcess(data_dir, env=env, workers=workers) as server:
        run_load(server.url, search_payloads(texts), 1, len(texts))  # first pass: fills caches
        for n in clients:
            res = run_load(server.url, search_payloads(texts), n,
                           max(1, requests // n)).summary()
            res["p95_over_bare_chroma"] = round(res["p95_ms"] / floor, 1) if floor else None
            results["levels"].append(res)
        results["server_peak_rss_mb"] = round(server.peak_rss_mb(), 1)
    return results
