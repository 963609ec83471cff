"""`python -m evaluation.ask_latency --data-dir D`: /ask latency over HTTP for one client, every
request computed (search result cache off), on a real `policykb serve`.

``--wait-warm`` first waits (up to ``--warm-timeout`` seconds) until the server has stored the
vectors of every evidence sentence of the index (``index/sentence_vectors.py`` records the
generation it covered), so the warmed path is measured; without it, the first pass shows what
a server answers while warming. Two passes over the questions are reported: the first also
pays each worker's one-time analysis of the passages it meets.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from evaluation.load import ServerProcess, run_load
from evaluation.metrics import load_queries


def warmed(data_dir: Path) -> bool:
    """Whether the sentence-vector file records a warmed generation (read only)."""
    db = data_dir / "index" / "sentence_vectors.sqlite3"
    if not db.exists():
        return False
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT 1 FROM meta WHERE key='generation'").fetchone() is not None
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def measure(data_dir: Path, queries: Path, *, wait_warm: bool, warm_timeout_s: float,
            requests: int) -> dict[str, Any]:
    texts = [q.text for q in load_queries(queries)]
    payloads = [("/ask", {"question": q, "mode": "extractive"}) for q in texts]
    env = {"POLICYKB_SEARCH_CACHE_SIZE": "0", "POLICYKB_RATE_LIMIT_PER_MINUTE": "0"}
    out: dict[str, Any] = {"passes": []}
    with ServerProcess(data_dir, env=env, workers=1) as server:
        started = time.monotonic()
        if wait_warm:
            while not warmed(data_dir) and time.monotonic() - started < warm_timeout_s:
                time.sleep(2)
            out["warmed"] = warmed(data_dir)
            out["warm_wait_s"] = round(time.monotonic() - started, 1)
        run_load(server.url, payloads[:4], 1, 4)
        for _ in range(2):
            out["passes"].append(run_load(server.url, payloads, 1, requests).summary())
        out["server_peak_rss_mb"] = round(server.peak_rss_mb(), 1)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--queries", type=Path, default=Path("evaluation/dev/queries.jsonl"))
    parser.add_argument("--requests", type=int, default=40, help="per pass")
    parser.add_argument("--wait-warm", action="store_true")
    parser.add_argument("--warm-timeout", type=float, default=600.0)
    args = parser.parse_args(argv)
    result = measure(args.data_dir, args.queries, wait_warm=args.wait_warm,
                     warm_timeout_s=args.warm_timeout, requests=args.requests)
    sys.stdout.write(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
