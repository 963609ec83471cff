"""Several API worker processes stay consistent with an ingest and a delete made by another
process: `policykb serve --workers 2` as a real subprocess, the CLI in separate processes.

Each worker keeps its own sparse index, search cache and policy registry in memory; they must
all follow the catalog's generation. The test learns which worker answered each request from
the kernel (the server-side socket of the connection, found in /proc/net/tcp, is held by
exactly one worker), so it can insist that both workers answered before and after the change.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import pytest

from evaluation.load import free_port, stop_process_group
from tests.support.paths import SAMPLE_CORPUS

pytestmark = pytest.mark.slow  # three CLI runs and two servers each loading the model

NEW_DOC = "heliograph_policy_en.md"
GONE_DOC = "national_cybersecurity_policy_en.md"
NEW_TEXT = """---
title: National Heliograph Relay Policy 2025-2030
doc_type: policy
date: 2025-05-01
issuing_body: Ministry of Posts and Telecommunications
---
# Goal 1: Heliograph relays for every district

The ministry will connect every district office with a heliograph relay, so that messages
reach remote communes when the fibre network is down.

## Strategy 1: Build heliograph relay towers

Relay towers will be built on hills within sight of each other.

## Strategy 2: Train heliograph operators

Each district will train two heliograph operators every year.
"""


def environment(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "POLICYKB_DATA_DIR": str(data_dir), "POLICYKB_OCR_ENABLED": "false",
            "POLICYKB_RATE_LIMIT_PER_MINUTE": "0", "POLICYKB_READ_ACCESS": "open"}


def cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "policykb", *args], env=environment(data_dir),
                            cwd=data_dir.parent, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


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


def worker_holding(server_port: int, client_port: int, pids: set[int]) -> int | None:
    """The process holding the server side of the TCP connection from ``client_port``."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if (fields[1].endswith(f":{server_port:04X}")
                and fields[2].endswith(f":{client_port:04X}")):
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


class Client:
    """One new TCP connection per request, and which worker answered it."""

    def __init__(self, port: int, server_pid: int) -> None:
        self.port = port
        self.server_pid = server_pid

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, Any]:
        connection = HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            payload = json.dumps(body) if body is not None else None
            connection.request(method, path, body=payload,
                               headers={"content-type": "application/json"})
            response = connection.getresponse()
            data = json.loads(response.read())
            assert response.status == 200, (path, data)
            # Keep-alive: the connection is still open, so its server socket is still held.
            worker = worker_holding(self.port, connection.sock.getsockname()[1],
                                    descendants(self.server_pid))
            assert worker is not None, "could not tell which worker answered"
            return worker, data
        finally:
            connection.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Client, Path]]:
    data_dir = tmp_path / "data"
    shutil.copytree(SAMPLE_CORPUS, tmp_path / "sample")
    cli("ingest", str(tmp_path / "sample"), data_dir=data_dir)
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "policykb", "serve", "--workers", "2", "--host", "127.0.0.1",
         "--port", str(port)], env=environment(data_dir), cwd=tmp_path, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "policykb serve did not come up"
            try:
                connection = HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/health")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        yield Client(port, process.pid), data_dir
    finally:
        stop_process_group(process)
        log.close()


def check_every_worker(client: Client, check: Callable[[Client], list[int]], *,
                       answers: int, total: int = 0, limit: int = 60) -> Counter[int]:
    """Run ``check`` (which asserts and returns the workers that answered its requests) until
    each of the two workers gave ``answers`` answers (and ``total`` were given); fail if one
    never gets a turn. (The
    kernel does not deal connections out in turn: an idle worker tends to take most.)"""
    seen: Counter[int] = Counter()
    for _ in range(limit):
        seen.update(check(client))
        if len(seen) >= 2 and min(seen.values()) >= answers and seen.total() >= total:
            return seen
    raise AssertionError(f"the two workers did not both answer in {limit} rounds: {seen}")


def state(client: Client) -> tuple[list[int], dict[str, Any]]:
    """Searches that find each document, the registry and the document list, sent at once
    (so both workers are likely to take some), each on a new connection; returns the workers
    that answered and what they said."""
    requests = [("POST", "/search", {"query": "heliograph relay operators", "k": 10}),
                ("POST", "/search", {"query": "cybersecurity capacity building for civil "
                                     "servants", "k": 10}),
                ("GET", "/policies", None), ("GET", "/documents", None)]
    with ThreadPoolExecutor(len(requests)) as pool:
        answers = list(pool.map(lambda r: client.request(*r), requests))
    (_, new), (_, old), (_, registry), (_, documents) = answers
    return [worker for worker, _ in answers], {
        "new_hits": [h["doc_id"] for h in new["hits"]],
        "old_hits": [h["doc_id"] for h in old["hits"]] + [
            t["doc_id"] for h in old["hits"] for t in h["twins"]],
        "policies": {p["doc_id"] for p in registry["policies"]},
        "documents": {d["doc_id"] for d in documents},
    }


def test_workers_follow_an_ingest_and_a_delete_by_another_process(
        server: tuple[Client, Path], tmp_path: Path) -> None:
    client, data_dir = server

    def before(c: Client) -> list[int]:
        workers, seen = state(c)
        assert NEW_DOC not in seen["new_hits"] and NEW_DOC not in seen["documents"]
        assert GONE_DOC in seen["old_hits"] and GONE_DOC in seen["policies"]
        assert GONE_DOC in seen["documents"]
        return workers

    # Both workers load the old index (and cache its answers) before anything changes.
    check_every_worker(client, before, answers=3)

    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
    cli("ingest", str(extra), data_dir=data_dir)
    cli("delete", GONE_DOC, data_dir=data_dir)

    def after(c: Client) -> list[int]:
        workers, seen = state(c)
        assert seen["new_hits"][0] == NEW_DOC, seen  # found by BM25 and by its vectors
        assert NEW_DOC in seen["policies"] and NEW_DOC in seen["documents"]
        assert GONE_DOC not in seen["old_hits"], seen  # neither a hit nor a twin
        assert GONE_DOC not in seen["policies"] and GONE_DOC not in seen["documents"]
        return workers

    answered = check_every_worker(client, after, answers=5, total=24)
    assert len(answered) == 2 and answered.total() >= 24
