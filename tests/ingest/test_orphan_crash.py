"""Vectors orphaned at the fragile moment — a file's vectors stored, its catalog rows not yet
committed — are never shown by search and are swept by the next ingest.

The older SIGKILL tests kill right after a commit or before any vector is stored, so their "no
orphans" checks pass whatever the sweep does. Here the orphans are real: planted through the
real vector store with ids and metadata shaped exactly as the ingestor writes them, and, through
a real `policykb serve`, left by a process that kills itself between the two writes
(``POLICYKB_FAULT_AFTER_VECTORS=1``, ``ingest/faults.py``).
"""

from __future__ import annotations

import hashlib
import json
import re
import signal
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from api.app import create_app
from tests.support.crash import assert_whole
from tests.support.crash_helpers import index_state, policykb, policykb_serve
from tests.support.jobs import wait_job

PLAN_V1 = """# Rural Broadband Plan

The ministry will extend the fibre backbone to every district town and connect each
commune office to it before the end of the plan.

## Financing

A universal service fund pays for the rural segments that operators would not build alone.
"""
OTHER = """# Digital Skills Note

Provincial training centres will teach civil servants to use the e-government portal and to
keep their passwords safe.
"""
# What a crash left of a second version of plan.md (two chunks) and of a file that never made
# it into the catalog: text no committed document contains, so only an orphan could match.
ORPHAN_V2 = [
    "Seaweed farming cooperatives in Kampot will receive satellite weather forecasts by text "
    "message every morning before the boats go out.",
    "Each seaweed cooperative appoints a forecast officer who relays storm warnings from the "
    "satellite service to the farmers on the water.",
]
ORPHAN_GHOST = ("Lighthouse keepers on Koh Rong will be trained to fly drones that inspect the "
                "undersea telecommunication cables landing on the island.")
SEAWEED_QUERY = "satellite weather forecasts for seaweed farmers"
LIGHTHOUSE_QUERY = "drone inspection of undersea cables by lighthouse keepers"


def planted_ids(doc_id: str, version: bytes, chunks: int) -> list[str]:
    """Chunk ids as the ingestor derives them: ``<id of doc_id>-<file hash[:10]>-<ordinal>``."""
    from ingest.files import stable_id

    file_hash = hashlib.sha256(version).hexdigest()
    return [f"{stable_id(doc_id, length=10)}-{file_hash[:10]}-{n:05d}" for n in range(chunks)]


def returned_chunk_ids(hits: list[dict]) -> set[str]:
    """Every chunk a search response shows: its hits and the twins listed under them."""
    return {h["chunk_id"] for h in hits} | {t["chunk_id"] for h in hits for t in h["twins"]}


@pytest.mark.slow  # one `policykb ingest` and one `policykb status` in their own processes
def test_planted_orphans_are_never_shown_and_the_next_ingest_sweeps_them(
        tmp_path: Path, services, live_server) -> None:
    from ingest.files import stable_id

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plan.md").write_text(PLAN_V1, encoding="utf-8")
    (corpus / "other.md").write_text(OTHER, encoding="utf-8")
    report = services.ingestor.ingest([corpus])
    assert len(report.indexed) == 2 and not report.failed
    committed = services.catalog.all_chunk_ids()
    assert services.store.all_ids() == committed
    vectors_before = services.store.count()

    # The shape the ingestor writes, read back from a real chunk of plan.md.
    real = services.catalog.chunks_of("plan.md")[0]
    assert re.fullmatch(rf"{stable_id('plan.md', length=10)}-[0-9a-f]{{10}}-00000", real.chunk_id)
    ((_, _, shape),) = services.store.rows([real.chunk_id])
    assert shape["doc_id"] == "plan.md" and {"page", "language", "doc_type"} <= set(shape)

    # Plant: plan.md's next version and a never-committed ghost.md, vectors only.
    v2_ids = planted_ids("plan.md", b"plan.md, version 2", len(ORPHAN_V2))
    ghost_ids = planted_ids("ghost.md", b"ghost.md, version 1", 1)
    orphans = set(v2_ids) | set(ghost_ids)
    assert not orphans & committed
    vectors = services.embedder.embed_batch([*ORPHAN_V2, ORPHAN_GHOST], kind="passage")
    services.store.add([*v2_ids, *ghost_ids], vectors,
                       [shape, shape, {**shape, "doc_id": "ghost.md"}])
    assert services.store.count() == vectors_before + 3

    for query, planted in ((SEAWEED_QUERY, set(v2_ids)), (LIGHTHOUSE_QUERY, set(ghost_ids))):
        # The dense retriever is handed the orphans first: they match the query best.
        raw = services.store.query(services.embedder.embed_query(query), 10)
        assert raw[0].chunk_id in planted, [h.chunk_id for h in raw]
        response = services.searcher.search(query, k=10)
        assert response.dense_used and response.hits  # committed chunks are still found
        shown = returned_chunk_ids([h.to_dict() for h in response.hits])
        assert not shown & orphans, shown & orphans
        assert "ghost.md" not in {h.doc_id for h in response.hits}
        assert not any("seaweed" in h.text.lower() for h in response.hits)
    related = services.searcher.related(" ".join([*ORPHAN_V2, ORPHAN_GHOST]), k=10)
    assert not returned_chunk_ids([h.to_dict() for h in related.hits]) & orphans

    with live_server(create_app(services.settings, services)) as base:
        for path, body in (("/search", {"query": SEAWEED_QUERY, "k": 10}),
                           ("/search", {"query": LIGHTHOUSE_QUERY, "k": 10}),
                           ("/related", {"text": ORPHAN_V2[0] + " " + ORPHAN_GHOST, "k": 10})):
            answer = httpx.post(f"{base}{path}", json=body, timeout=60)
            assert answer.status_code == 200, answer.text
            hits = answer.json()["hits"]
            assert hits and not returned_chunk_ids(hits) & orphans, (path, body)
        assert httpx.get(f"{base}/documents/ghost.md", timeout=30).status_code == 404

    # The next ingest, in its own process as a user runs it: nothing to re-index, orphans gone.
    result = policykb("ingest", str(corpus), "--json", data=services.settings.data_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout)
    assert summary["skipped_unchanged"] == 2 and summary["files_indexed"] == 0
    assert not services.store.all_ids() & orphans
    assert services.store.all_ids() == committed
    assert services.store.count() == vectors_before
    status = json.loads(policykb("status", "--json", data=services.settings.data_dir).stdout)
    assert status["vectors"] == status["chunks"] == len(committed)


# -- through a real server killed between the two writes ------------------------------------

SEED = (b"# Rural Connectivity Note\n\nThe ministry will bring 4G coverage to every district "
        b"of Mondulkiri and train district staff in cybersecurity.\n")
NAME = "seaweed forecasts.md"
PLAN = ("# Seaweed Forecast Programme\n\n" + "\n\n".join(
    f"## Measure {n}\n\n{ORPHAN_V2[n % 2]} Cooperative {n} reports to the provincial "
    f"department of agriculture each quarter." for n in range(12))).encode()


def search_hits(base: str, headers: dict[str, str], path: str, body: dict) -> list[dict]:
    response = httpx.post(f"{base}{path}", headers=headers, json=body, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()["hits"]


@pytest.mark.slow  # three server starts and two inspections, each loading the model
def test_a_server_killed_between_vectors_and_catalog_never_shows_them_and_sweeps_them(
        tmp_path: Path) -> None:
    from api.keys import KeyStore
    from core.layout import DataLayout, IngestLock

    data = tmp_path / "data"
    _, secret = KeyStore(DataLayout(data).keys).create("editor")
    editor = {"Authorization": f"Bearer {secret}"}
    log = tmp_path / "server.log"

    with policykb_serve(data, log) as (base, _):
        response = httpx.post(f"{base}/documents", headers=editor,
                              files={"file": ("seed.md", SEED)}, timeout=60)
        assert wait_job(base, editor, response.json()["job_id"])["state"] == "done"

    # The fault switched on: the upload's job stores the vectors, then the server dies.
    with policykb_serve(data, log, POLICYKB_FAULT_AFTER_VECTORS="1") as (base, proc):
        response = httpx.post(f"{base}/documents", headers=editor,
                              files={"file": (NAME, PLAN)}, timeout=60)
        assert response.status_code == 202, response.text
        job_id = response.json()["job_id"]
        assert proc.wait(timeout=180) == -signal.SIGKILL
    assert "POLICYKB_FAULT_AFTER_VECTORS=1: killing process" in log.read_text()

    crashed = index_state(data, dense_query=SEAWEED_QUERY)  # as the crash left it
    assert_whole(crashed)
    assert set(crashed["docs"]) == {"seed.md"}
    orphans = set(crashed["orphans"])
    assert orphans and set(crashed["orphans"].values()) == {NAME}
    assert crashed["dense_top"][0] in orphans  # a dense query is handed the orphans first

    with ExitStack() as held:
        # Restart while the ingest lock is held (as by `policykb export`): the resumed job waits
        # before its sweep, so every search below runs with the orphans still stored.
        held.enter_context(IngestLock(DataLayout(data).ingest_lock).hold())
        with policykb_serve(data, log, verbose=True) as (base, _):
            deadline = time.monotonic() + 60
            while (job := httpx.get(f"{base}/jobs/{job_id}", headers=editor).json())[
                    "state"] != "running":
                assert time.monotonic() < deadline, job
                time.sleep(0.1)
            assert job["attempts"] == 2 and job["progress"]["stage"] == "starting"
            for path, body in (("/search", {"query": SEAWEED_QUERY, "k": 10}),
                               ("/related", {"text": ORPHAN_V2[0], "k": 10})):
                hits = search_hits(base, editor, path, body)
                assert NAME not in {h["doc_id"] for h in hits}, hits
                assert not returned_chunk_ids(hits) & orphans
            assert httpx.get(f"{base}/documents/{quote(NAME)}", headers=editor).status_code == 404
            job = httpx.get(f"{base}/jobs/{job_id}", headers=editor).json()
            assert job["progress"]["stage"] == "starting"  # still waiting: nothing was swept

            held.close()  # the lock is free: the job sweeps, re-embeds and commits
            resumed = wait_job(base, editor, job_id)
            assert resumed["state"] == "done" and resumed["result"]["chunks"] == len(orphans)
            assert search_hits(base, editor, "/search",
                               {"query": SEAWEED_QUERY, "k": 10})[0]["doc_id"] == NAME
    assert f"removing {len(orphans)} orphan vectors" in log.read_text()

    final = index_state(data)
    assert_whole(final)
    assert final["orphans"] == {} and set(final["docs"]) == {"seed.md", NAME}
