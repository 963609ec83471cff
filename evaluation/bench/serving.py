"""Query-side measurements: quality beside the baselines (in-process), latency and memory of
a real server over HTTP at one index size, and the bare chromadb query (the dense floor)."""

from __future__ import annotations

import time
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from core.settings import Settings
from evaluation.bench.ingestion import timed
from evaluation.bench.plan import QRELS, QUERIES, Plan


def bench_quality(services: Any) -> dict[str, Any]:
    """nDCG@10 and in-process latency of PolicyKB, plain bm25s and LlamaIndex on the dev set."""
    from evaluation.baselines import LlamaIndexBaseline, PlainBM25Baseline
    from evaluation.harness import policykb_search, score

    out: dict[str, Any] = {}
    res = score(policykb_search(services.searcher), QUERIES, QRELS)
    out["PolicyKB"] = {"ndcg": res["overall"]["ndcg@10"], "p50_ms": res["latency_ms"]["p50"],
                       "p95_ms": res["latency_ms"]["p95"], "index_s": None}
    chunks = list(services.catalog.iter_chunks())
    pages = [pg for d in services.catalog.documents() for pg in services.catalog.pages_of(d.doc_id)]
    bm25, bm25_s = timed(lambda: PlainBM25Baseline(chunks))
    llama, llama_s = timed(lambda: LlamaIndexBaseline(pages, services.embedder))
    for name, base, seconds in (("bm25s", bm25, bm25_s), ("LlamaIndex", llama, llama_s)):
        r = score(partial(base.search, k=20), QUERIES, QRELS)
        out[name] = {"ndcg": r["overall"]["ndcg@10"], "p50_ms": r["latency_ms"]["p50"],
                     "p95_ms": r["latency_ms"]["p95"], "index_s": seconds}
    return out


def bench_search_floor(services: Any, passages: int = 200) -> dict[str, Any]:
    """The floor of one computed search (query embedding + bare chromadb query for the 50
    neighbours /search asks for), timed in this run on the dev questions, and the query
    encoder's vectors against PyTorch's on ``passages`` chunk texts spread over the corpus
    (Khmer and English alike)."""
    from evaluation.latency import search_floor
    from evaluation.metrics import load_queries

    floor = search_floor(services.embedder, services.store,
                         [q.text for q in load_queries(QUERIES)])
    floor.pop("vectors")
    chunks = list(services.catalog.iter_chunks())
    spread = chunks[:: max(1, len(chunks) // passages)][:passages]
    agreement = getattr(services.embedder, "encoder_agreement", None)
    floor["encoder_agreement"] = agreement([c.text for c in spread]) if agreement else None
    floor["agreement_languages"] = dict(Counter(c.language for c in spread))
    return floor


def _payloads(path: str, texts: list[str]) -> list[tuple[str, dict[str, Any]]]:
    if path == "/search":
        return [("/search", {"query": q, "k": 10}) for q in texts]
    return [("/ask", {"question": q, "mode": "extractive"}) for q in texts]


def bench_size(data_dir: Path, texts: list[str], p: Plan, cache: bool,
               clients: list[int], workers: int = 1,
               endpoints: tuple[str, ...] = ("/search", "/ask"), *,
               warm_timeout_s: float, mixed: bool = False) -> dict[str, Any]:
    """A real `policykb serve` on ``data_dir``: cold start (process start → first /search
    answered), then, once the server's background sentence-vector warm-up has ended (at most
    ``warm_timeout_s``; a timeout is recorded, and measured anyway), closed-loop load per
    level, and with ``mixed`` the mixed /ask + /search level (:mod:`evaluation.bench.mixed`)."""
    import httpx

    from evaluation.bench.mixed import mixed_level
    from evaluation.latency import server_cpu_s
    from evaluation.load import ServerProcess, run_load

    # The rate limit protects a shared server from one client; the benchmark is that client.
    env = {"POLICYKB_RATE_LIMIT_PER_MINUTE": "0"}
    if not cache:
        env["POLICYKB_SEARCH_CACHE_SIZE"] = "0"
    out: dict[str, Any] = {"levels": [], "workers": workers}
    with ServerProcess(data_dir, env=env, workers=workers) as server:
        r = httpx.post(f"{server.url}/search", json={"query": texts[0], "k": 10}, timeout=60)
        out["cold_start_s"] = time.perf_counter() - server.started_at
        out["first_search_ok"] = r.status_code == 200
        out["warm"] = server.wait_warm(warm_timeout_s)  # steady state before measuring
        run_load(server.url, _payloads("/search", texts), 1, len(texts), p.load_timeout_s)  # warm
        run_load(server.url, _payloads("/ask", texts[:4]), 1, 4, p.load_timeout_s)
        for path, budget in (("/search", p.search_requests), ("/ask", p.ask_requests)):
            if path not in endpoints:
                continue
            for n in clients:
                cpu_before = server_cpu_s(server)
                res = run_load(server.url, _payloads(path, texts), n, max(1, budget[n] // n),
                               p.load_timeout_s).summary()
                res["server_cpu_ms"] = round(
                    (server_cpu_s(server) - cpu_before) * 1000 / max(1, res["requests"]), 2)
                out["levels"].append({"endpoint": path, **res})
        if mixed:
            out["levels"].append(mixed_level(server.url, texts, p, partial(server_cpu_s, server)))
        out["peak_rss_mb"] = server.peak_rss_mb()
    return out


def bare_dense(data_dir: Path, vectors: list[np.ndarray]) -> float:
    """p50 ms of a bare chromadb query on the index, the query vector given."""
    from evaluation.load import bare_chroma_latency
    from index.vector_store import ChromaVectorStore

    s = Settings(data_dir=data_dir)
    store = ChromaVectorStore.open(s.chroma_dir, s.collection, embedder_name=s.embedder_name)
    bare_chroma_latency(store, vectors[:5])  # warm
    return bare_chroma_latency(store, vectors)
