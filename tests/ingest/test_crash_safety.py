"""SIGKILL in the middle of an ingest: the index still answers, no half document, resumable."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

PARAGRAPH = (
    "Strategy {n}: The ministry will strengthen digital infrastructure in province {n}, "
    "train officials in cybersecurity and data protection, and publish online public services. "
)


def make_corpus(folder: Path, files: int = 60) -> None:
    folder.mkdir()
    for n in range(files):
        body = "\n\n".join(PARAGRAPH.format(n=n) * 3 for _ in range(6))
        (folder / f"plan_{n:03d}.md").write_text(f"# Plan {n}\n\n{body}\n", encoding="utf-8")


def committed_documents(catalog_path: Path) -> int:
    if not catalog_path.exists():
        return 0
    try:
        with sqlite3.connect(catalog_path, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_sigkill_mid_ingest_leaves_consistent_index_and_resumes(tmp_path, make_services):
    from core.settings import Settings

    corpus = tmp_path / "corpus"
    make_corpus(corpus)
    data = tmp_path / "data"
    env = {**os.environ, "POLICYKB_DATA_DIR": str(data), "POLICYKB_OCR_ENABLED": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "policykb", "ingest", str(corpus)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while committed_documents(data / "catalog.sqlite3") < 5 and time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("ingest finished before it could be killed; make the corpus larger")
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    services = make_services(Settings(data_dir=data, ocr_enabled=False, _env_file=None))
    docs = services.catalog.documents()
    assert 5 <= len(docs) < 60
    vector_ids = services.store.all_ids()
    for doc in docs:  # every visible document is whole: all its chunks and all their vectors
        chunks = services.catalog.chunks_of(doc.doc_id)
        assert len(chunks) == doc.n_chunks > 0
        assert {c.chunk_id for c in chunks} <= vector_ids
    hits = services.store.query(services.embedder.embed_query("cybersecurity training"), 5)
    assert hits  # the index answers

    report = services.ingestor.ingest([corpus])
    assert not report.failed
    assert len(report.unchanged) == len(docs)
    assert len(services.catalog.documents()) == 60
    assert services.store.all_ids() == services.catalog.all_chunk_ids()  # orphans cleaned
