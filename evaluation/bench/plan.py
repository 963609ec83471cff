"""What a benchmark run measures (full or ``--quick``) and on which machine."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
QUERIES = REPO / "evaluation" / "dev" / "queries.jsonl"
QRELS = REPO / "evaluation" / "dev" / "qrels.tsv"


@dataclass
class Plan:
    quick: bool
    sizes: list[int]
    clients: list[int]
    search_requests: dict[int, int]   # clients -> total requests per level
    ask_requests: dict[int, int]
    load_timeout_s: float
    ocr: bool
    warm_timeout_s: float      # bound on waiting for the server's sentence-vector warm-up (1×)
    grown_warm_timeout_s: float  # the same on synthetic growth (10×, 100×: new sentences)
    mixed_clients: int         # the issue #14 mixed level: closed-loop clients ...
    mixed_seconds: float       # ... for this long ...
    mixed_ask_every: int       # ... where every n-th request of a client is /ask, the rest /search


def plan(quick: bool) -> Plan:
    if quick:
        return Plan(True, [1, 10], [1, 8], {1: 20, 8: 40}, {1: 8, 8: 16}, 20.0, False,
                    120.0, 20.0, 8, 8.0, 4)
    return Plan(False, [1, 10, 100], [1, 8, 32], {1: 100, 8: 240, 32: 320},
                {1: 40, 8: 80, 32: 128}, 90.0, True, 900.0, 300.0, 32, 30.0, 4)


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal:"))
    except (OSError, StopIteration):
        mem_kb = 0
    return {"nproc": os.cpu_count(), "ram_gb": round(mem_kb / 2**20, 1), "cpu": cpu or platform.processor(),
            "python": platform.python_version(), "os": platform.platform()}
