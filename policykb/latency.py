"""`python -m policykb.latency --data-dir D`: /search latency over HTTP with 1, 8 and 32
concurrent clients, next to a bare chromadb query on the same index (the dense floor).
``--in-process`` measures ``Searcher.search`` itself instead, no HTTP: its CPU per search with
the caches off, next to the same floor, which says what the pipeline adds around the two steps.

The measuring is ``evaluation/latency.py``; this entry point only builds the index's embedder
and vector store with the container and hands them in (evaluation never imports the product).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from core.settings import Settings
from evaluation.latency import measure, search_floor
from evaluation.metrics import load_queries
from policykb.services import Services


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--queries", type=Path, default=Path("evaluation/dev/queries.jsonl"))
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--requests", type=int, default=400, help="per concurrency level")
    parser.add_argument("--workers", type=int, default=1, help="API worker processes")
    parser.add_argument("--no-cache", action="store_true",
                        help="Serve with the search result cache off: every request computes.")
    parser.add_argument("--in-process", action="store_true",
                        help="Time Searcher.search in this process (caches off), no server.")
    args = parser.parse_args(argv)
    if args.in_process:
        services = Services(Settings(data_dir=args.data_dir, search_cache_size=0))
        texts = [q.text for q in load_queries(args.queries)]
        sys.stdout.write(json.dumps(in_process(services, texts), indent=2) + "\n")
        return
    services = Services(Settings(data_dir=args.data_dir))
    results = measure(args.data_dir, args.queries, services.embedder, services.store,
                      clients=args.clients, requests=args.requests, workers=args.workers,
                      no_cache=args.no_cache)
    sys.stdout.write(json.dumps(results, indent=2) + "\n")


def in_process(services: Services, texts: list[str], passes: int = 3) -> dict[str, Any]:
    """CPU and wall time per ``Searcher.search`` with /search's default request, caches off,
    at steady state (every text searched once first), the median of ``passes`` passes; and
    the floor (query embedding + bare chromadb query) measured in the same process."""
    searcher = services.searcher
    for text in texts:
        searcher.search(text)
    cpu, wall = [], []
    for _ in range(passes):
        cpu_started, started = time.process_time(), time.perf_counter()
        for text in texts:
            searcher.search(text)
        cpu.append((time.process_time() - cpu_started) * 1000 / len(texts))
        wall.append((time.perf_counter() - started) * 1000 / len(texts))
    floor = search_floor(services.embedder, services.store, texts)
    floor.pop("vectors")
    cpu_ms = statistics.median(cpu)
    return {"searches": len(texts) * passes, "cpu_ms_per_search": round(cpu_ms, 2),
            "wall_ms_per_search": round(statistics.median(wall), 2), "floor": floor,
            "cpu_over_floor": round(cpu_ms / floor["floor_ms"], 2)}


if __name__ == "__main__":
    main()
