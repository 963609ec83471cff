"""Helpers for the tests that prove the crash, start-up and multi-worker promises on a real
`policykb serve`: a server with extra environment (a fault switched on, verbose logs, several
workers), the index as a crash left it (seen from a separate process), and which worker
process answered a request.

``tests/support/crash.py`` has the plain server used by the older SIGKILL tests; these add
what those do not need: orphan ids, a dense query, worker identity.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.client import HTTPConnection, HTTPResponse
from pathlib import Path
from typing import Any

import httpx
import pytest

from evaluation.load import free_port, stop_process_group
from tests.support.paths import REPO


def policykb_env(data: Path, **extra: str) -> dict[str, str]:
    """The environment of a `policykb` child on ``data``: OCR and rate limits off, offline."""
    return {**os.environ, "POLICYKB_DATA_DIR": str(data), "POLICYKB_OCR_ENABLED": "false",
            "POLICYKB_RATE_LIMIT_PER_MINUTE": "0", "HF_HUB_OFFLINE": "1", **extra}


def policykb(*args: str, data: Path, timeout: float = 300,
             **extra: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in its own process, as a user would."""
    return subprocess.run([sys.executable, "-m", "policykb", *args], cwd=REPO,
                          env=policykb_env(data, **extra), capture_output=True, text=True,
                          timeout=timeout)


@contextmanager
def policykb_serve(data: Path, log: Path, *serve_args: str, verbose: bool = False,
                   **extra: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`policykb [-v] serve SERVE_ARGS` on a free port, in its own session; yields the base
    URL and the process. Whatever is left of it is stopped on the way out."""
    port = free_port()
    command = [sys.executable, "-m", "policykb", *(["-v"] if verbose else []), "serve",
               "--host", "127.0.0.1", "--port", str(port), *serve_args]
    with log.open("ab") as sink:
        proc = subprocess.Popen(command, cwd=REPO, env=policykb_env(data, **extra), stdout=sink,
                                stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited ({proc.returncode}): {log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server did not start: {log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base, proc
    finally:
        stop_process_group(proc, timeout_s=10)


_INSPECT = r"""
import json, sys
from core.settings import Settings
from policykb.services import Services
services = Services(Settings(data_dir=sys.argv[1], _env_file=None))
catalog, store = services.catalog, services.store
vectors = store.all_ids()
chunk_ids = catalog.all_chunk_ids()
orphans = sorted(vectors - chunk_ids)
state = {
    "docs": {d.doc_id: [d.n_chunks, len(catalog.chunks_of(d.doc_id))] for d in catalog.documents()},
    "chunks_without_vector": len(chunk_ids - vectors),
    "orphans": {i: meta.get("doc_id") for i, _, meta in store.rows(orphans)},
    "dense_top": [],
}
if len(sys.argv) > 2:
    vector = services.embedder.embed_batch([sys.argv[2]], kind="query")[0]
    state["dense_top"] = [hit.chunk_id for hit in store.query(vector, 10)]
print(json.dumps(state))
"""


def index_state(data: Path, dense_query: str | None = None) -> dict[str, Any]:
    """The index in ``data`` as a fresh process sees it: documents with declared and stored
    chunk counts, chunks without a vector, orphan vectors (id -> the doc_id in their
    metadata) and, given ``dense_query``, the ten chunk ids the vector store ranks first for
    it (what the dense retriever of a restarted server would be handed)."""
    args = [sys.executable, "-c", _INSPECT, str(data), *([dense_query] if dense_query else [])]
    out = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=REPO,
                         env=policykb_env(data), check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- which worker process answered --------------------------------------------------------


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (uvicorn's workers are children of `policykb serve`)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _holder_of(server_port: int, client_port: int, pids: set[int]) -> int | None:
    """The process holding the server side of the TCP connection from ``client_port``."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(f":{server_port:04X}") and fields[2].endswith(f":{client_port:04X}"):
            inode = fields[9]
    if inode is None:
        return None
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    if os.readlink(fd) == f"socket:[{inode}]":
                        return pid
                except OSError:
                    continue
        except OSError:
            continue
    return None


def request_on_new_connection(port: int, server_pid: int, method: str, path: str,
                              headers: dict[str, str]) -> tuple[int, HTTPResponse, bytes]:
    """One request on a fresh keep-alive connection; (worker pid, response, body). The kernel
    tells which worker holds the server side while the connection is still open."""
    connection = HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        worker = _holder_of(port, connection.sock.getsockname()[1], descendants(server_pid))
        assert worker is not None, "could not tell which worker answered"
        return worker, response, body
    finally:
        connection.close()
