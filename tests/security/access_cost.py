"""What enforcing collections costs a search: the same queries with every collection allowed
(an admin) and with only ``public`` (a reader), in-process, result cache off, after a warm-up;
and the per-request read of the open collections. Reads the index only.

    HF_HUB_OFFLINE=1 .venv/bin/python -m tests.security.access_cost --data-dir /tmp/pkb-final
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

QUERIES = ["digital government policy", "cybersecurity capacity building", "e-commerce law",
           "ការកសាងសមត្ថភាពសន្តិសុខសាយប័រ", "data protection", "digital skills for civil servants",
           "broadband infrastructure", "រដ្ឋាភិបាលឌីជីថល", "telecommunications regulator",
           "artificial intelligence strategy"]


def main() -> None:
    from core.settings import Settings
    from index.search_types import SearchFilters
    from policykb.services import Services

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    services = Services(Settings(data_dir=args.data_dir, search_cache_size=0, _env_file=None))
    searcher, catalog = services.searcher, services.catalog

    def median_ms(filters: Callable[[], SearchFilters]) -> float:
        times = []
        for _ in range(args.rounds):
            for query in QUERIES:
                started = time.perf_counter()
                searcher.search(query, k=10, filters=filters())
                times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    everything, public = (lambda: SearchFilters()), (lambda: SearchFilters(collections=["public"]))
    for query in QUERIES:  # warm-up: model, indexes, segmenter
        searcher.search(query, k=10, filters=everything())
    started = time.perf_counter()
    for _ in range(1000):
        catalog.open_collections()
    print(f"open_collections(): {(time.perf_counter() - started) * 1000:.1f} us per call")
    for label, filters in (("every collection", everything), ("only public", public),
                           ("every collection", everything), ("only public", public)):
        print(f"search p50, {label}: {median_ms(filters):.1f} ms")


if __name__ == "__main__":
    main()
