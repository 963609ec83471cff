"""Alignment over HTTP on the real stack: reports kept by id and downloaded without aligning
again, progress streamed as NDJSON, and the limits that keep one caller from exhausting the
server (own pool, per-caller limit, mechanism cap, deadline, cancellation on disconnect).

The fixture policy (tests/support/registry_fixture.py) is ingested for real; the plans are
written here."""

from __future__ import annotations

import concurrent.futures
import csv
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.keys import Role
from tests.alignment.plan_fixture import fixture_services as _services
from tests.support.registry_fixture import ingest_fixture_policy
from tests.support.servers import serve

ACTIONS = ["share masts and fibre with remote villages", "train a digital volunteer per village",
           "report online scams and hacked accounts", "lease tablets to poor households",
           "teach pensioners two-factor login", "open a hotline for fraud victims",
           "connect commune offices to broadband", "publish a guide to spotting fraud",
           "subsidise data bundles for students", "run digital skills classes for farmers"]
PLACES = ["in the northern district", "in the river communes", "in the provincial town"]


def plan(count: int, salt: str = "") -> str:
    """A plan of ``count`` numbered mechanisms, each worded differently (``salt`` makes a
    second plan differ from the first, so nothing of it is cached)."""
    items = [f"{i + 1}- Mechanism to {ACTIONS[i % len(ACTIONS)]} "
             f"{PLACES[(i // len(ACTIONS)) % len(PLACES)]}{salt}," for i in range(count)]
    return "The working group reviewed the plan, which rests on these mechanisms:\n" + \
        "\n".join(items) + "\n"


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Path:
    root = tmp_path_factory.mktemp("alignment-http")
    services = ingest_fixture_policy(root, embedder)
    services.catalog.close()
    return root


@pytest.fixture(scope="module")
def served(fixture_root: Path, embedder: Any) -> Iterator[tuple[str, Any, Any]]:
    """(base URL, app, services) with the default limits."""
    services = _services(fixture_root, embedder)
    app = create_app(services.settings, services)
    with serve(app) as base:
        yield base, app, services


def _lines(response: httpx.Response) -> list[dict[str, Any]]:
    return [json.loads(line) for line in response.text.splitlines() if line.strip()]


def test_a_stored_report_downloads_in_every_format_without_aligning_again(served):
    base, _, services = served
    response = httpx.post(f"{base}/alignment", json={"text": plan(4)}, timeout=120)
    assert response.status_code == 200, response.text
    data = response.json()
    result_id = data["result_id"]
    assert response.headers["x-result-id"] == result_id
    assert response.headers["location"] == f"/alignment/results/{result_id}"
    texts = [m["text"] for m in data["mechanisms"]]
    runs = services.aligner.runs
    md = httpx.get(f"{base}/alignment/results/{result_id}", params={"format": "md"})
    assert md.headers["content-type"].startswith("text/markdown")
    assert all(text in md.text for text in texts)
    got = httpx.get(f"{base}/alignment/results/{result_id}", params={"format": "csv"})
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert {r[1] for r in rows[1:] if r[0]} == set(texts)
    docx = httpx.get(f"{base}/alignment/results/{result_id}", params={"format": "docx"})
    assert docx.headers["content-disposition"].startswith("attachment")
    from docx import Document

    body = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert texts[0] in body or any(texts[0] in c.text for t in Document(io.BytesIO(docx.content)).tables
                                   for r in t.rows for c in r.cells)
    again = httpx.get(f"{base}/alignment/results/{result_id}").json()
    assert again == data
    # a POST in another format keeps its result too
    as_md = httpx.post(f"{base}/alignment", json={"text": plan(4), "format": "md"}, timeout=120)
    assert as_md.headers["x-result-id"] != result_id
    assert services.aligner.runs == runs + 1, "four downloads, one new alignment"


def test_a_result_outlives_the_worker_that_made_it(served, fixture_root, embedder):
    """Another worker (a second app over the same data directory) reads it from disk."""
    base, _, _ = served
    result_id = httpx.post(f"{base}/alignment", json={"text": plan(3)}, timeout=120).json()["result_id"]
    other = _services(fixture_root, embedder)
    with serve(create_app(other.settings, other)) as second:
        got = httpx.get(f"{second}/alignment/results/{result_id}", params={"format": "md"})
        assert got.status_code == 200 and "share masts" in got.text
    assert other.aligner.runs == 0


def test_unknown_or_malformed_result_ids_are_not_found(served):
    base, _, _ = served
    for rid in ("0" * 32, "not-an-id", "..%2F..%2Fkeys.sqlite3"):
        got = httpx.get(f"{base}/alignment/results/{rid}")
        assert got.status_code == 404, rid
        assert got.json()["error"] == "NotFoundError"
    assert httpx.get(f"{base}/alignment/results/{'0' * 32}", params={"format": "pdf"}).status_code == 422


def test_a_result_made_with_a_key_is_not_given_to_another_key(tmp_path, embedder):
    services = ingest_fixture_policy(tmp_path, embedder)
    alice = services.keys.create(Role.reader, "alice")[1]
    bob = services.keys.create(Role.reader, "bob")[1]
    with serve(create_app(services.settings, services)) as base:
        made = httpx.post(f"{base}/alignment", json={"text": plan(2)}, timeout=120,
                          headers={"Authorization": f"Bearer {alice}"})
        url = f"{base}/alignment/results/{made.json()['result_id']}"
        assert httpx.get(url, headers={"Authorization": f"Bearer {alice}"}).status_code == 200
        assert httpx.get(url, headers={"Authorization": f"Bearer {bob}"}).status_code == 404
        assert httpx.get(url).status_code == 401


def test_the_stream_reports_each_mechanism_then_the_result(served):
    base, _, services = served
    response = httpx.post(f"{base}/alignment/stream", json={"text": plan(5)}, timeout=120)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    events = _lines(response)
    progress = [e for e in events if e["event"] == "progress"]
    assert [e["done"] for e in progress] == [0, 1, 2, 3, 4, 5]
    assert {e["total"] for e in progress} == {5}
    assert progress[0]["mechanism"]["label"] == "1"
    assert "share masts" in progress[0]["mechanism"]["text"]
    assert events[-1]["event"] == "result"
    report = events[-1]["report"]
    assert report["result_id"] == events[-1]["result_id"]
    assert [m["label"] for m in report["mechanisms"]] == ["1", "2", "3", "4", "5"]
    runs = services.aligner.runs
    got = httpx.get(f"{base}/alignment/results/{events[-1]['result_id']}").json()
    assert got["mechanisms"] == report["mechanisms"]
    assert services.aligner.runs == runs


def test_errors_before_the_stream_starts_are_statuses(served):
    base, _, _ = served
    assert httpx.post(f"{base}/alignment/stream", json={"doc_id": "nope.md"}).status_code == 404
    assert httpx.post(f"{base}/alignment/stream", json={"text": "no list"}).status_code == 422


def test_too_many_mechanisms_is_a_422_naming_the_field_and_the_setting(served):
    base, _, services = served
    runs = services.aligner.runs
    for route in ("/alignment", "/alignment/stream"):
        got = httpx.post(f"{base}{route}", json={"text": plan(31)}, timeout=60)
        assert got.status_code == 422
        detail = got.json()["detail"]
        assert detail.startswith("text: ") and "31 mechanisms" in detail
        assert "POLICYKB_ALIGNMENT_MAX_MECHANISMS" in detail
    assert services.aligner.runs == runs, "refused before any work"


def test_past_the_deadline_the_work_stops_with_504(fixture_root, embedder):
    services = _services(fixture_root, embedder, alignment_deadline_s=0.05)
    app = create_app(services.settings, services)
    kept = services.settings.cache_dir / "alignment" / "results"
    before = set(kept.glob("*.json"))
    with serve(app) as base:
        got = httpx.post(f"{base}/alignment", json={"text": plan(12, " soon")}, timeout=60)
        assert got.status_code == 504
        assert got.json()["error"] == "DeadlineExceededError"
        assert "POLICYKB_ALIGNMENT_DEADLINE_S" in got.json()["detail"]
        work = app.state.expensive_work
        _until(lambda: work.running() == 0)  # the caller's slot is held until the work stops
        streamed = _lines(httpx.post(f"{base}/alignment/stream",
                                     json={"text": plan(12, " later")}, timeout=60))
        assert streamed[-1]["event"] == "error" and streamed[-1]["status"] == 504
        _until(lambda: work.running() == 0)
        assert work.stats["completed"] == 0
        assert set(kept.glob("*.json")) == before, "nothing of the stopped work is kept"


def _until(condition: Any, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)


def test_closing_the_stream_cancels_the_work_between_mechanisms(fixture_root, embedder):
    services = _services(fixture_root, embedder)
    app = create_app(services.settings, services)
    with serve(app) as base:
        with httpx.stream("POST", f"{base}/alignment/stream",
                          json={"text": plan(30, " cancelled")}, timeout=60) as response:
            first = json.loads(next(response.iter_lines()))
            assert first == {"event": "progress", "done": 0, "total": 30,
                             "mechanism": first["mechanism"]}
        work = app.state.expensive_work
        _until(lambda: work.stats["cancelled"] == 1)
        _until(lambda: work.running() == 0)
        assert work.stats["completed"] == 0


def test_a_burst_from_one_caller_is_refused_and_health_stays_quick(fixture_root, embedder):
    """The attack: many alignment requests from one key while /health is probed."""
    services = _services(fixture_root, embedder, rate_limit_burst=100)
    key = services.keys.create(Role.reader, "burst")[1]
    headers = {"Authorization": f"Bearer {key}"}
    app = create_app(services.settings, services)
    with serve(app) as base, concurrent.futures.ThreadPoolExecutor(24) as pool, \
            httpx.Client(base_url=base, headers=headers, timeout=120) as client, \
            httpx.Client(base_url=base, timeout=10) as probe:
        warm = client.post("/alignment", json={"text": plan(2, " warm")})
        assert warm.status_code == 200  # the aligner and registry are built: steady state
        burst = [pool.submit(client.post, "/alignment", json={"text": plan(6, f" burst {i}")})
                 for i in range(20)]
        health = []
        while not all(f.done() for f in burst):
            started = time.perf_counter()
            assert probe.get("/health").status_code == 200
            health.append(time.perf_counter() - started)
            time.sleep(0.05)
        statuses = [f.result().status_code for f in burst]
        assert statuses.count(200) >= 1
        refused = [f.result() for f in burst if f.result().status_code == 429]
        assert len(refused) >= 15, statuses
        assert all(int(r.headers["retry-after"]) >= 1 for r in refused)
        assert "POLICYKB_ALIGNMENT_PER_CALLER" in refused[0].json()["detail"]
        assert health and max(health) < 1.0, health
