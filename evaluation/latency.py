"""`python -m evaluation.latency --data-dir D`: /search latency over HTTP with 1, 8 and 32
concurrent clients, next to a bare chromadb query on the same index (the dense floor)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from core.settings import Settings
from evaluation.load import ServerProcess, bare_chroma_latency, run_load, search_payloads
from evaluation.metrics import load_queries
from policykb.services import Services


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--queries", type=Path, default=Path("evaluation/dev/queries.jsonl"))
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--requests", type=int, default=400, help="per concurrency level")
    parser.add_argument("--workers", type=int, default=1, help="API worker processes")
    parser.add_argument("--no-cache", action="store_true",
                        help="Serve with the search result cache off: every request computes.")
    args = parser.parse_args()
    texts = [q.text for q in load_queries(args.queries)]
    services = Services(Settings(data_dir=args.data_dir))
    vectors = services.embedder.embed_batch(texts, kind="query")
    floor = bare_chroma_latency(services.store, list(vectors))
    results = {"bare_chroma_p50_ms": round(floor, 2), "levels": []}
    results["workers"] = args.workers
    results["result_cache"] = not args.no_cache
    env = {"POLICYKB_SEARCH_CACHE_SIZE": "0"} if args.no_cache else {}
    with ServerProcess(args.data_dir, env=env, workers=args.workers) as server:
        run_load(server.url, search_payloads(texts), 1, len(texts))  # first pass: fills caches
        for clients in args.clients:
            res = run_load(server.url, search_payloads(texts), clients,
                           max(1, args.requests // clients)).summary()
            res["p95_over_bare_chroma"] = round(res["p95_ms"] / floor, 1) if floor else None
            results["levels"].append(res)
        results["server_peak_rss_mb"] = round(server.peak_rss_mb(), 1)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
