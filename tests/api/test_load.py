"""Load on loopback: 32 concurrent clients for 2 minutes against a real `policykb serve`
(its own process, one worker, rate limit off, reads need a key), mixing search (most), ask,
the document list and page reads, while one of them uploads a new document, follows its job
to the end and checks that it is searchable.

Zero errors: every answer has the expected status (200; 202 for the upload), none times out.
Zero lost documents: afterwards the document list is the one before plus the upload, every
document keeps its chunk count, and a passage of each sample document still finds it.
Latency p50/p95/p99 per endpoint and throughput are printed and written to
``test-output/load.json``.

Bounded: no request starts after the deadline, each has a timeout, the upload's job is
followed for at most :data:`JOB_TIMEOUT_S`. ``LOAD_TEST_SECONDS`` shortens the run for a quick
local check (``LOAD_TEST_SECONDS=20 .venv/bin/pytest -q tests/api/test_load.py``); `make test`
runs the full 120 s.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from evaluation.load import Call, Recorder, ServerProcess, run_mixed_load
from tests.support.paths import OUTPUT_DIR, SAMPLE_CORPUS

pytestmark = pytest.mark.slow  # two minutes of load by design

DURATION_S = float(os.environ.get("LOAD_TEST_SECONDS", "120"))
CLIENTS = 32
REQUEST_TIMEOUT_S = 60.0
JOB_TIMEOUT_S = 180.0

SEARCHES = [
    "cybersecurity capacity building", "personal data protection law",
    "digital skills training for civil servants", "incident response team",
    "Ministry of Interior ICT strategic plan", "online public services",
    "digital government action plan 2025", "ASEAN cooperation on cyber security",
    "community technology centres", "warning about online scams",
    "សន្តិសុខសាយប័រ", "រដ្ឋាភិបាលឌីជីថល", "ជំនាញឌីជីថល", "ការការពារទិន្នន័យផ្ទាល់ខ្លួន",
]
# Appended to most searches so that many miss the server's search cache (as new questions do).
VARIANTS = ["", "2025", "Cambodia", "ministry", "province", "budget", "training", "law",
            "strategy", "ASEAN", "ក្រសួង", "ខេត្ត", "ច្បាប់", "ផែនការ"]
QUESTIONS = [
    "What are the goals of the national cybersecurity policy?",
    "Who reviewed the draft ICT strategic plan of the Ministry of Interior?",
    "How will civil servants be trained in digital skills?",
    "តើគោលនយោបាយសន្តិសុខសាយប័រមានគោលដៅអ្វីខ្លះ?",
]
# Out of 100 calls: search 70, ask 12, document list 6, page text 12.
MIX = ["search"] * 70 + ["ask"] * 12 + ["documents"] * 6 + ["page"] * 12

UPLOAD_NAME = "load_test_microgrid_plan_en.md"
UPLOAD_PHRASE = "solar microgrids for rural health posts in Mondulkiri"
UPLOAD_TEXT = f"""---
title: Rural Health Post Microgrid Plan 2026
doc_type: plan
date: 2026-02-01
---
# Rural Health Post Microgrid Plan 2026

## Measure 1

The ministry will install {UPLOAD_PHRASE}, so that vaccine refrigerators and the telemedicine
link keep running through the dry season.

## Measure 2

Each health post will name two staff to maintain the microgrid batteries and report faults
through the provincial help desk.
""".encode()


def doc_path(doc_id: str) -> str:
    return f"/documents/{quote(doc_id, safe='')}"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Any:
    """`policykb ingest` of a copy of the sample corpus, an editor key, then `policykb serve`."""
    from api.keys import KeyStore
    from core.settings import Settings

    root = tmp_path_factory.mktemp("load")
    shutil.copytree(SAMPLE_CORPUS, root / "sample")
    data_dir = root / "data"
    env = {"POLICYKB_DATA_DIR": str(data_dir), "POLICYKB_OCR_ENABLED": "false",
           "POLICYKB_RATE_LIMIT_PER_MINUTE": "0", "POLICYKB_READ_ACCESS": "keys"}
    ingest = subprocess.run([sys.executable, "-m", "policykb", "ingest", str(root / "sample")],
                            env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
    assert ingest.returncode == 0, ingest.stderr[-2000:]
    _, secret = KeyStore(Settings(data_dir=data_dir, _env_file=None).keys_path).create(
        "editor", "load test")
    with ServerProcess(data_dir, env=env, log_path=root / "server.log") as proc:
        yield proc, {"Authorization": f"Bearer {secret}"}


def documents(http: httpx.Client) -> dict[str, int]:
    """doc_id -> chunk count, as the API lists them."""
    response = http.get("/documents")
    assert response.status_code == 200, response.text
    return {d["doc_id"]: d["n_chunks"] for d in response.json()}


def found_ids(http: httpx.Client, query: str) -> set[str]:
    response = http.post("/search", json={"query": query, "k": 10})
    assert response.status_code == 200, response.text
    return {d for hit in response.json()["hits"]
            for d in (hit["doc_id"], *(t["doc_id"] for t in hit["twins"]))}


def probes(http: httpx.Client, doc_ids: list[str]) -> dict[str, str]:
    """doc_id -> a passage from the middle of its first page (its distinctive phrase)."""
    out = {}
    for doc_id in doc_ids:
        response = http.get(f"{doc_path(doc_id)}/pages/1")
        assert response.status_code == 200, response.text
        text = " ".join(response.json()["text"].split())
        start = len(text) // 3
        out[doc_id] = text[start:start + 160]
    return out


def mix(doc_ids: list[str]):
    """The call client ``c`` makes ``i``-th: each client walks one seeded schedule from its
    own offset, so every run sends the same requests."""
    rng = random.Random(20260201)
    schedule: list[Call] = []
    for _ in range(997):
        kind = rng.choice(MIX)
        if kind == "search":
            query = f"{rng.choice(SEARCHES)} {rng.choice(VARIANTS)}".strip()
            schedule.append(Call("search", "POST", "/search", json={"query": query, "k": 10}))
        elif kind == "ask":
            schedule.append(Call("ask", "POST", "/ask", json={"question": rng.choice(QUESTIONS)}))
        elif kind == "documents":
            schedule.append(Call("documents", "GET", "/documents"))
        else:
            schedule.append(Call("page", "GET", f"{doc_path(rng.choice(doc_ids))}/pages/1"))

    def next_call(c: int, i: int) -> Call:
        return schedule[(c * 31 + i) % len(schedule)]

    return next_call


def upload_and_follow(outcome: dict[str, Any]):
    """Client 0's first task: POST /documents, poll the job to `done`, find the new document."""

    def run(http: httpx.Client, recorder: Recorder) -> None:
        started = time.monotonic()
        sent = recorder.call(http, Call("upload", "POST", "/documents", expect=202, files={
            "file": (UPLOAD_NAME, UPLOAD_TEXT, "text/markdown")}))
        if sent is None or sent.status_code != 202:
            return
        job_id = sent.json()["job_id"]
        job: dict[str, Any] = {}
        while time.monotonic() - started < JOB_TIMEOUT_S:
            answer = recorder.call(http, Call("job", "GET", f"/jobs/{job_id}"))
            job = answer.json() if answer is not None and answer.status_code == 200 else job
            if job.get("state") in ("done", "failed"):
                break
            time.sleep(0.5)
        outcome["job"] = job
        outcome["job_done_s"] = round(time.monotonic() - started, 1)
        if job.get("state") != "done":
            recorder.fail("upload", f"job {job_id} ended as {job.get('state')}: {job}")
            return
        answer = recorder.call(http, Call("search", "POST", "/search",
                                          json={"query": UPLOAD_PHRASE, "k": 10}))
        hits = answer.json()["hits"] if answer is not None and answer.status_code == 200 else []
        outcome["searchable"] = UPLOAD_NAME in {h["doc_id"] for h in hits}
        outcome["searchable_s"] = round(time.monotonic() - started, 1)
        if not outcome["searchable"]:
            recorder.fail("upload", f"{UPLOAD_NAME} done but not found by {UPLOAD_PHRASE!r}")

    return run


def test_32_clients_for_two_minutes(server, capsys) -> None:
    proc, headers = server
    with httpx.Client(base_url=proc.url, headers=headers, timeout=REQUEST_TIMEOUT_S) as http:
        before = documents(http)
        health_before = http.get("/health").json()
        passages = probes(http, sorted(before))
        found_before = {d for d, text in passages.items() if d in found_ids(http, text)}
    assert len(before) >= 6 and UPLOAD_NAME not in before
    assert len(found_before) >= len(before) // 2, (found_before, passages)  # a real check

    outcome: dict[str, Any] = {}
    result = run_mixed_load(proc.url, mix(sorted(before)), CLIENTS, DURATION_S, headers=headers,
                            request_timeout_s=REQUEST_TIMEOUT_S, first=upload_and_follow(outcome))

    with httpx.Client(base_url=proc.url, headers=headers, timeout=REQUEST_TIMEOUT_S) as http:
        after = documents(http)
        health_after = http.get("/health").json()
        found_after = {d for d in found_before if d in found_ids(http, passages[d])}
    summary = {**result.summary(), "duration_s": DURATION_S, "upload": {
        k: v for k, v in outcome.items() if k != "job"} | {
        "chunks": (outcome.get("job", {}).get("result") or {}).get("chunks")},
        "documents_before": len(before), "documents_after": len(after),
        "server_peak_rss_mb": round(proc.peak_rss_mb(), 1)}
    with capsys.disabled():
        report(summary)

    assert not result.errors, f"{len(result.errors)} errors, first: {result.errors[:5]}"
    assert outcome.get("searchable") is True, outcome
    new_chunks = summary["upload"]["chunks"]
    assert after == {**before, UPLOAD_NAME: new_chunks}, "documents lost or changed"
    assert health_after["chunks"] == health_before["chunks"] + new_chunks
    assert found_after == found_before, f"no longer found: {found_before - found_after}"
    assert summary["endpoints"]["search"]["requests"] > summary["endpoints"]["ask"]["requests"] > 0
    assert {"documents", "page", "upload", "job"} <= set(summary["endpoints"])


def report(summary: dict[str, Any]) -> None:
    OUTPUT_DIR.mkdir(exist_ok=True)
    (OUTPUT_DIR / "load.json").write_text(json.dumps(summary, indent=2))
    lines = [f"\nload: {summary['clients']} clients, {summary['seconds']} s, "
             f"{summary['requests']} requests, {summary['errors']} errors, "
             f"{summary['throughput_rps']} req/s (test-output/load.json)"]
    for name, s in summary["endpoints"].items():
        lines.append(f"  {name:<10} n={s['requests']:<6} {s['throughput_rps']:>7} req/s  "
                     f"p50 {s['p50_ms']:>7} ms  p95 {s['p95_ms']:>7} ms  p99 {s['p99_ms']:>7} ms")
    lines.append(f"  upload: {summary['upload']}; documents {summary['documents_before']} -> "
                 f"{summary['documents_after']}; server peak RSS {summary['server_peak_rss_mb']} MB")
    print("\n".join(lines))
