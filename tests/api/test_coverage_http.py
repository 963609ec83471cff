"""GET /alignment/coverage over HTTP on 127.0.0.1 (real uvicorn, MiniLM, chromadb): JSON,
Markdown and CSV; computed in the alignment pool once, then read from the per-generation
cache; unknown plans named; the deadline keeps what was aligned.

The plans are those of ``tests/alignment/coverage_fixture.py``."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from tests.alignment.coverage_fixture import (
    PLAN_IDS,
    SECURITY_ID,
    SERVICES_ID,
    SKILLS_ID,
    STRATEGY,
    ingest_coverage_fixture,
)
from tests.alignment.plan_fixture import fixture_services as _services
from tests.support.servers import serve

URL = "/alignment/coverage"


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Path:
    root = tmp_path_factory.mktemp("coverage-http")
    ingest_coverage_fixture(root, embedder).catalog.close()
    return root


@pytest.fixture(scope="module")
def served(fixture_root: Path, embedder: Any) -> Iterator[tuple[str, Any, Any]]:
    services = _services(fixture_root, embedder)
    app = create_app(services.settings, services)
    with serve(app) as base:
        yield base, app, services


def test_json_then_md_and_csv_from_the_cache(served: tuple[str, Any, Any]) -> None:
    base, app, services = served
    runs = services.aligner.runs
    first = httpx.get(f"{base}{URL}", timeout=180)
    assert first.status_code == 200, first.text
    view = first.json()
    assert [p["doc_id"] for p in view["plans"]] == PLAN_IDS
    assert view["unaddressed"] == [STRATEGY[3]]
    assert view["overlaps"] == [{"plans": [SERVICES_ID, SECURITY_ID], "strategies": [STRATEGY[2]]}]
    assert view["cache"] == {"plans_cached": 0, "plans_aligned": 4}
    assert services.aligner.runs == runs + 3  # the plan without mechanisms costs no alignment
    pool = app.state.expensive_work
    assert pool.stats["completed"] == 1  # computed in the alignment pool
    cache_dir = services.settings.cache_dir / "alignment" / "coverage"
    assert len(list(cache_dir.glob("*.json"))) == 4

    md = httpx.get(f"{base}{URL}", params={"format": "md"}, timeout=30)
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert md.text.index("no plan addresses") < md.text.index("## Plans × strategies")
    assert "- Strategy 3: Broadband for rural communes" in md.text
    got = httpx.get(f"{base}{URL}", params={"format": "csv"}, timeout=30)
    assert got.headers["content-type"].startswith("text/csv")
    assert got.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert len(rows) == 6 * 4
    assert {r["plan_doc_id"] for r in rows} == set(PLAN_IDS)
    assert any(r["plan_title"] == "ផែនការបណ្តុះបណ្តាលមន្ត្រី ២០២៦" for r in rows)
    again = httpx.get(f"{base}{URL}", timeout=30).json()
    # three downloads: nothing aligned, nothing queued in the pool
    assert services.aligner.runs == runs + 3 and pool.stats["admitted"] == 1
    assert again["cache"] == {"plans_cached": 4, "plans_aligned": 0}
    assert {**again, "cache": None} == {**view, "cache": None}


def test_plans_named_and_an_unknown_one(served: tuple[str, Any, Any]) -> None:
    base, _, _ = served
    got = httpx.get(f"{base}{URL}", params={"doc_ids": f"{SKILLS_ID}, {SECURITY_ID}"}, timeout=180)
    assert got.status_code == 200, got.text
    view = got.json()
    assert [p["doc_id"] for p in view["plans"]] == [SKILLS_ID, SECURITY_ID]
    assert view["unaddressed"] == [STRATEGY[1], STRATEGY[3]] and view["overlaps"] == []
    missing = httpx.get(f"{base}{URL}", params={"doc_ids": f"{SKILLS_ID},plans/nope.md"})
    assert missing.status_code == 404
    assert missing.json()["error"] == "DocumentNotFoundError"
    assert "plans/nope.md" in missing.json()["detail"]
    assert httpx.get(f"{base}{URL}", params={"format": "docx"}).status_code == 422
    typo = httpx.get(f"{base}{URL}", params={"doc_id": SKILLS_ID})  # not every plan, silently
    assert typo.status_code == 422 and "'doc_id'" in typo.json()["detail"]


def test_past_the_deadline_504_the_work_stops_and_the_next_call_succeeds(
        tmp_path: Path, embedder: Any) -> None:
    """(That plans aligned before the deadline are kept is tested in
    tests/alignment/test_coverage.py, where the stop is exact.)"""
    ingest_coverage_fixture(tmp_path, embedder).catalog.close()
    services = _services(tmp_path, embedder, alignment_deadline_s=0.05)
    app = create_app(services.settings, services)
    with serve(app) as base:
        late = httpx.get(f"{base}{URL}", params={"doc_ids": f"{SERVICES_ID},{SECURITY_ID}"},
                         timeout=60)
        assert late.status_code == 504, late.text
        assert "POLICYKB_ALIGNMENT_DEADLINE_S" in late.json()["detail"]
        assert "ask again to continue" in late.json()["detail"]
        pool = app.state.expensive_work
        for _ in range(200):  # the work stops at its next mechanism and frees its slot
            if not pool.running():
                break
            time.sleep(0.05)
        assert pool.running() == 0 and pool.stats["completed"] == 0
        assert pool.stats["timed_out"] + pool.stats["cancelled"] == 1  # stopped, not finished
    patient = _services(tmp_path, embedder)  # another server over the same data directory
    with serve(create_app(patient.settings, patient)) as base:
        done = httpx.get(f"{base}{URL}", params={"doc_ids": f"{SERVICES_ID},{SECURITY_ID}"},
                         timeout=180)
        assert done.status_code == 200, done.text
        assert sum(done.json()["cache"].values()) == 2
