"""What enforcing collections costs a search, on an existing index (read only).

Runs the dev queries (``evaluation/dev/queries.jsonl``) through the searcher, result cache off,
with no allowed set (the command line, admins) and as a reader of the open collections, and
prints the median and 95th-percentile latency of each and whether their hits are the same::

    POLICYKB_DATA_DIR=/tmp/pkb-final HF_HUB_OFFLINE=1 .venv/bin/python -m tests.support.collection_latency

On an index whose documents are all public the hits must be identical: the filter may cost
time, never change what an open reader finds.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from core.settings import Settings
from index.search_types import SearchFilters
from policykb.services import Services

QUERIES = Path(__file__).resolve().parents[2] / "evaluation" / "dev" / "queries.jsonl"


def main() -> None:
    services = Services(Settings(search_cache_size=0))
    searcher = services.searcher
    texts = [json.loads(line)["text"] for line in QUERIES.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    readers = {"all collections": None,
               "open collections": sorted(services.catalog.open_collections())}
    searcher.search(texts[0], k=10)  # load the model and the sparse index first
    timings: dict[str, list[float]] = {name: [] for name in readers}
    hits: dict[str, list[list[str]]] = {name: [] for name in readers}
    for i, text in enumerate(texts):
        order = list(readers.items())
        for name, allowed in order if i % 2 else order[::-1]:  # neither always goes first
            started = time.perf_counter()
            response = searcher.search(text, k=10, filters=SearchFilters(collections=allowed))
            timings[name].append((time.perf_counter() - started) * 1000)
            hits[name].append([h.chunk_id for h in response.hits])
    for name, values in timings.items():
        values.sort()
        print(f"{name:17} median {statistics.median(values):6.1f} ms   "
              f"p95 {values[int(0.95 * (len(values) - 1))]:6.1f} ms   ({len(values)} queries)")
    same = sum(a == b for a, b in zip(*hits.values(), strict=True))
    print(f"identical hits: {same}/{len(texts)}; collections: "
          f"{[(c.name, 'restricted' if c.restricted else 'open', c.documents) for c in services.catalog.collections()]}")


if __name__ == "__main__":
    main()
