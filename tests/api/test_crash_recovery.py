"""SIGKILL a real `policykb serve` during an upload and during an ingest job: after a restart
the index answers, holds no half document, and the interrupted work is resumed.

The server is a real subprocess on its own data directory; the index is inspected between
runs by a separate Python process (chromadb's embedded client must not be shared with the
server from this one).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.support.crash import assert_whole, inspect_index, serve_process, sigkill
from tests.support.jobs import wait_job

pytestmark = pytest.mark.slow  # SIGKILL tests: four server starts and a long embedding run

SEED = (b"# Rural Connectivity Note\n\nThe ministry will bring 4G coverage to every district "
        b"of Mondulkiri and train district staff in cybersecurity.\n")


def upload(base: str, headers: dict, name: str, body: bytes) -> dict:
    response = httpx.post(f"{base}/documents", headers=headers, files={"file": (name, body)},
                          timeout=60)
    assert response.status_code == 202, response.text
    return response.json()


def found(base: str, headers: dict, query: str) -> list[str]:
    response = httpx.post(f"{base}/search", headers=headers, json={"query": query, "k": 10},
                          timeout=60)
    assert response.status_code == 200, response.text
    return [hit["doc_id"] for hit in response.json()["hits"]]


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, dict]:
    from api.keys import KeyStore

    folder = tmp_path / "data"
    _, secret = KeyStore(folder / "keys.sqlite3").create("editor")
    return folder, {"Authorization": f"Bearer {secret}"}


def test_sigkill_during_an_upload(data, tmp_path):
    folder, editor = data
    log = tmp_path / "server.log"
    uploads = folder / "uploads"
    with serve_process(folder, log) as (base, proc):
        seed = upload(base, editor, "seed.md", SEED)
        assert wait_job(base, editor, seed["job_id"])["state"] == "done"

        boundary = b"slowboundary"
        paragraph = b"Provincial e-government services will be extended to every commune. " * 50

        def slow_body() -> Iterator[bytes]:
            yield (b"--" + boundary + b"\r\nContent-Disposition: form-data; name=\"file\"; "
                   b"filename=\"big plan.md\"\r\nContent-Type: text/markdown\r\n\r\n# Big plan\n")
            for _ in range(3000):  # ~10 MB at ~1 MB/s: still streaming when the kill comes
                yield paragraph * 20
                time.sleep(0.05)
            yield b"\r\n--" + boundary + b"--\r\n"

        outcome: list[object] = []

        def send() -> None:
            try:
                outcome.append(httpx.post(f"{base}/documents", content=slow_body(), timeout=60,
                                          headers={**editor, "Content-Type": "multipart/form-data; "
                                                   "boundary=" + boundary.decode()}))
            except httpx.HTTPError as exc:
                outcome.append(exc)

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        deadline = time.monotonic() + 30
        while not any(p.stat().st_size > 300_000 for p in (uploads / ".incoming").glob("*.part")):
            assert time.monotonic() < deadline, "the upload never started streaming"
            time.sleep(0.05)
        sigkill(proc)
        sender.join(timeout=30)
        assert outcome and isinstance(outcome[0], httpx.HTTPError)  # cut off, not answered

    assert list((uploads / ".incoming").glob("*.part"))  # the kill did land mid-stream
    assert not (uploads / "big plan.md").exists()  # and left no half file under its name

    with serve_process(folder, log) as (base, _):
        assert httpx.get(f"{base}/health", headers=editor).json()["documents"] == 1  # keyed
        assert "seed.md" in found(base, editor, "4G coverage in Mondulkiri")
        assert [d["doc_id"] for d in httpx.get(f"{base}/documents", headers=editor).json()] == ["seed.md"]
        assert [j["file_name"] for j in httpx.get(f"{base}/jobs", headers=editor).json()] == ["seed.md"]
        assert list((uploads / ".incoming").iterdir()) == []  # the leftover was swept
        again = upload(base, editor, "big plan.md", b"# Big plan\n\n" + paragraph)
        assert wait_job(base, editor, again["job_id"])["state"] == "done"
        assert "big plan.md" in found(base, editor, "e-government services in every commune")
    assert_whole(inspect_index(folder))


def long_plan(sections: int = 200) -> bytes:
    parts = ["# National Digital Skills Programme\n"]
    for n in range(sections):
        parts.append(f"## Measure {n}\n\nProvince {n} will open a digital skills centre where civil "
                     f"servants of department {n} learn data protection, e-procurement and the "
                     f"national cybersecurity framework; trainers {n} report each quarter.\n")
    return "\n".join(parts).encode()


def test_sigkill_during_an_ingest_job_resumes_it(data, tmp_path):
    folder, editor = data
    log = tmp_path / "server.log"
    name = "skills programme.md"
    with serve_process(folder, log) as (base, proc):
        seed = upload(base, editor, "seed.md", SEED)
        assert wait_job(base, editor, seed["job_id"])["state"] == "done"
        job = upload(base, editor, name, long_plan())
        deadline = time.monotonic() + 90
        while True:
            seen = httpx.get(f"{base}/jobs/{job['job_id']}", headers=editor).json()
            progress = seen["progress"]
            if seen["state"] == "running" and progress["stage"] == "embed" and progress["done"] > 0:
                break
            assert seen["state"] in ("queued", "running"), seen
            assert time.monotonic() < deadline, f"embedding never started: {seen}"
            time.sleep(0.05)
        assert progress["done"] < progress["total"]
        sigkill(proc)
        killed_pid = proc.pid

    state = inspect_index(folder)  # as the crash left it, before anything repairs it
    assert_whole(state)
    assert name not in state["docs"] and "seed.md" in state["docs"]

    with serve_process(folder, log) as (base, _):
        assert "seed.md" in found(base, editor, "4G coverage in Mondulkiri")  # answers at once
        docs = {d["doc_id"]: d for d in httpx.get(f"{base}/documents", headers=editor).json()}
        assert name not in docs or docs[name]["n_chunks"] == state["docs"].get(name, [0])[0]
        resumed = wait_job(base, editor, job["job_id"])
        assert resumed["state"] == "done", resumed
        assert resumed["attempts"] == 2 and resumed["owner_pid"] != killed_pid
        assert resumed["result"]["status"] == "indexed" and resumed["result"]["chunks"] > 64
        assert name in found(base, editor, "digital skills centre for civil servants")
        detail = httpx.get(f"{base}/documents/{quote(name)}", headers=editor).json()
        assert detail["n_chunks"] == resumed["result"]["chunks"]

    final = inspect_index(folder)
    assert_whole(final)
    assert final["orphan_vectors"] == 0 and set(final["docs"]) == {"seed.md", name}
