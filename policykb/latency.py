"""`python -m policykb.latency --data-dir D`: /search latency over HTTP with 1, 8 and 32
concurrent clients, next to a bare chromadb query on the same index (the dense floor).

The measuring is ``evaluation/latency.py``; this entry point only builds the index's embedder
and vector store with the container and hands them in (evaluation never imports the product).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.settings import Settings
from evaluation.latency import measure
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
    args = parser.parse_args(argv)
    services = Services(Settings(data_dir=args.data_dir))
    results = measure(args.data_dir, args.queries, services.embedder, services.store,
                      clients=args.clients, requests=args.requests, workers=args.workers,
                      no_cache=args.no_cache)
    sys.stdout.write(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
