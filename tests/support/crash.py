"""Crash tests: a real `policykb serve` subprocess to SIGKILL, and an index inspected from a
separate process (chromadb's embedded client must not be shared with a server from this one).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.paths import REPO
from tests.support.servers import free_port

_INSPECT = r"""
import json, sys
from policykb.services import Services
from core.settings import Settings
services = Services(Settings(data_dir=sys.argv[1], _env_file=None))
catalog, vectors = services.catalog, services.store.all_ids()
docs = {d.doc_id: [d.n_chunks, len(catalog.chunks_of(d.doc_id))] for d in catalog.documents()}
chunk_ids = catalog.all_chunk_ids()
print(json.dumps({"docs": docs, "chunks_without_vector": len(chunk_ids - vectors),
                  "orphan_vectors": len(vectors - chunk_ids)}))
"""


def inspect_index(data: Path) -> dict[str, Any]:
    """Documents (declared and stored chunk counts) and vector consistency of ``data``."""
    out = subprocess.run([sys.executable, "-c", _INSPECT, str(data)], capture_output=True,
                         text=True, timeout=120, cwd=REPO, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def assert_whole(state: dict[str, Any]) -> None:
    """No half document: each has all its chunks, and every chunk has its vector."""
    for doc_id, (declared, stored) in state["docs"].items():
        assert declared == stored > 0, f"{doc_id}: {stored} of {declared} chunks"
    assert state["chunks_without_vector"] == 0


@contextmanager
def serve_process(data: Path, log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`policykb serve` on a free port over ``data``; always killed on the way out."""
    port = free_port()
    env = {**os.environ, "POLICYKB_DATA_DIR": str(data), "POLICYKB_OCR_ENABLED": "false",
           "POLICYKB_RATE_LIMIT_PER_MINUTE": "0", "HF_HUB_OFFLINE": "1"}
    with log.open("ab") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "policykb", "serve", "--port", str(port)],
                                cwd=REPO, env=env, stdout=sink, stderr=sink)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited ({proc.returncode}): {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def sigkill(proc: subprocess.Popen[bytes]) -> None:
    """Kill without warning (no cleanup handler runs) and reap the process."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
