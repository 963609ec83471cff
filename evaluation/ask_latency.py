"""`python -m evaluation.ask_latency --data-dir D`: /ask latency over HTTP for one client (or
``--clients N``), every request computed (search result cache off), on a real `policykb serve`.

``--wait-warm`` first waits (up to ``--warm-timeout`` seconds) until the server has stored the
vectors of every evidence sentence of the index (``index/sentence_vectors.py`` records the
generation it covered), so the warmed path is measured; without it, the first pass shows what
a server answers while warming. Two passes over the questions are reported: the first also
pays each worker's one-time analysis of the passages it meets.

:func:`cpu_profile` measures the same work in-process, without HTTP: CPU per answer (the
answering thread, and the whole process with the inference thread's query embeddings) and the
answering thread's CPU by stage (``docs/ask_speed.md`` shows how it is run and what it gave).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
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
            requests: int, clients: int = 1) -> dict[str, Any]:
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
            out["passes"].append(run_load(server.url, payloads, clients,
                                          max(1, requests // clients)).summary())
        out["server_peak_rss_mb"] = round(server.peak_rss_mb(), 1)
    return out


#: stages of an answer by the function that runs them (cumulative: a stage includes what it
#: calls, so "search" is inside "list answer" when a list question searched for its policy)
STAGES = {
    ("answers/extractive.py", "answer"): "whole answer",
    ("answers/extractive.py", "_list_answer"): "list question check (registry)",
    ("index/searcher.py", "analyze"): "query analysis",
    ("index/searcher.py", "search"): "search",
    ("answers/extractive.py", "_with_policies"): "extra policy search",
    ("answers/ask_evidence.py", "__call__"): "evidence units",
    ("index/searcher.py", "query_vector"): "query vector (2nd embed)",
    ("index/evidence.py", "score_sentences"): "sentence scoring",
    ("index/sentence_vectors.py", "__call__"): "sentence vector lookup",
    ("answers/gates.py", "about_entities"): "entity gate",
    ("answers/compose.py", "compose"): "composition",
}


def dev_questions(answers: Path = Path("evaluation/dev/answers.jsonl"),
                  queries: Path = Path("evaluation/dev/queries.jsonl")) -> list[str]:
    """The 60 answer-set questions, then the dev queries (what the profile runs over)."""
    with answers.open(encoding="utf-8") as fh:
        asked = [json.loads(line)["question"] for line in fh if line.strip()]
    return asked + [q.text for q in load_queries(queries)]


def _percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * p))], 1)


def cpu_profile(answer: Callable[[str], Any], questions: Sequence[str],
                passes: int = 2) -> dict[str, Any]:
    """CPU ms per answer over ``passes`` passes after one warm-up pass, then one profiled
    pass: the answering thread's CPU by stage (``STAGES``), in ms per answer."""
    for q in questions:  # the model, the per-process analysis of passages
        answer(q)
    thread: list[float] = []
    process: list[float] = []
    for _ in range(passes):
        for q in questions:
            t, p = time.thread_time(), time.process_time()
            answer(q)
            thread.append((time.thread_time() - t) * 1000)
            process.append((time.process_time() - p) * 1000)
    profiler = cProfile.Profile(time.thread_time)
    profiler.runcall(lambda: [answer(q) for q in questions])
    stages: dict[str, float] = {}
    for (path, _line, name), row in pstats.Stats(profiler).stats.items():  # type: ignore[attr-defined]
        stage = next((v for (f, n), v in STAGES.items() if path.endswith(f) and name == n), None)
        if stage is not None:
            stages[stage] = stages.get(stage, 0.0) + row[3] * 1000 / len(questions)
    return {"answers": len(thread),
            "thread_cpu_ms": {"p50": _percentile(thread, 0.5), "p95": _percentile(thread, 0.95)},
            "process_cpu_ms": {"p50": _percentile(process, 0.5),
                               "p95": _percentile(process, 0.95)},
            "stages_ms_per_answer (profiled)": {k: round(v, 2) for k, v in
                                                sorted(stages.items(), key=lambda kv: -kv[1])}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--queries", type=Path, default=Path("evaluation/dev/queries.jsonl"))
    parser.add_argument("--requests", type=int, default=40, help="per pass, all clients")
    parser.add_argument("--clients", type=int, default=1, help="closed-loop clients")
    parser.add_argument("--wait-warm", action="store_true")
    parser.add_argument("--warm-timeout", type=float, default=600.0)
    args = parser.parse_args(argv)
    result = measure(args.data_dir, args.queries, wait_warm=args.wait_warm,
                     warm_timeout_s=args.warm_timeout, requests=args.requests,
                     clients=args.clients)
    sys.stdout.write(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
