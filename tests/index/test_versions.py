"""Version history kept at replace time: real ingestion (MiniLM, chromadb, the SQLite catalog)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.models import ChunkRecord, DocumentRecord, PageRecord
from index.catalog import Catalog
from index.versions import TABLES, VersionStore

V1 = """# Digital Skills Plan

## Mechanism 1: Training

Train provincial officials in spreadsheet auditing and archival scanning.

## Mechanism 2: Connectivity

Extend fibre to district halls.
"""

V2 = """# Digital Skills Plan

## Mechanism 1: Training

Train provincial officials in cloud security operations.

## Mechanism 3: Data sharing

Publish a data exchange layer between ministries.
"""


def _history_rows(catalog: Catalog, doc_id: str) -> int:
    with sqlite3.connect(catalog.path) as conn:
        return sum(conn.execute(f"SELECT COUNT(*) FROM {t} WHERE doc_id = ?", (doc_id,)).fetchone()[0]
                   for t in TABLES)


def test_a_changed_file_keeps_its_old_version_as_history(tmp_path, services):
    folder = tmp_path / "plans"
    folder.mkdir()
    plan = folder / "skills.md"
    plan.write_text(V1, encoding="utf-8")
    services.ingestor.ingest([folder])
    catalog, store = services.catalog, VersionStore(services.catalog)
    assert catalog.get_document("skills.md").version == 1
    assert [v.version for v in store.versions("skills.md")] == [1]

    plan.write_text(V2, encoding="utf-8")
    report = services.ingestor.ingest([folder])
    assert not report.failed
    assert catalog.get_document("skills.md").version == 2
    versions = store.versions("skills.md")
    assert [(v.version, v.current) for v in versions] == [(1, False), (2, True)]
    assert versions[0].content_sha256 != versions[1].content_sha256
    old_text = "\n".join(p.text for p in store.pages("skills.md", 1))
    assert "spreadsheet auditing" in old_text and "cloud security" not in old_text
    assert {s.heading for s in store.sections("skills.md", 1)} >= {
        "Digital Skills Plan > Mechanism 2: Connectivity"}

    # history is never searchable: no hit quotes v1, and the vectors are exactly v2's chunks
    hits = services.searcher.search("spreadsheet auditing archival scanning", k=10).hits
    assert hits and all("spreadsheet" not in h.text for h in hits)
    assert services.store.all_ids() == catalog.all_chunk_ids()

    # an unchanged re-ingest is skipped; a metadata-only change keeps the version too
    services.ingestor.ingest([folder])
    (folder / "skills.md.meta.yaml").write_text("date: 2025-01-02\n", encoding="utf-8")
    services.ingestor.ingest([folder])
    assert catalog.get_document("skills.md").date == "2025-01-02"
    assert [v.version for v in store.versions("skills.md")] == [1, 2]

    services.index_writer.delete(["skills.md"])
    assert store.versions("skills.md") == [] and _history_rows(catalog, "skills.md") == 0
    plan.write_text(V1, encoding="utf-8")
    services.ingestor.ingest([folder])
    assert catalog.get_document("skills.md").version == 1  # a new document starts again


OLD_SCHEMA = """
CREATE TABLE documents (doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, root TEXT NOT NULL,
    file_hash TEXT NOT NULL, title TEXT NOT NULL, doc_type TEXT NOT NULL, issuing_body TEXT,
    date TEXT, language TEXT NOT NULL, period TEXT, metadata TEXT NOT NULL,
    n_pages INTEGER NOT NULL, n_chunks INTEGER NOT NULL, ocr_pages TEXT NOT NULL,
    ingested_at REAL NOT NULL);
CREATE TABLE pages (doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    page INTEGER NOT NULL, text TEXT NOT NULL, method TEXT NOT NULL, PRIMARY KEY (doc_id, page));
CREATE TABLE chunks (chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES
    documents(doc_id) ON DELETE CASCADE, ordinal INTEGER NOT NULL, page INTEGER NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, heading TEXT NOT NULL, language TEXT NOT NULL,
    text TEXT NOT NULL, search_key TEXT NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO documents VALUES ('old.md', 'old.md', '/r', 'h1', 'Old plan', 'plan_draft', NULL,
    NULL, 'en', NULL, '{}', 1, 1, '[]', 1.0);
INSERT INTO pages VALUES ('old.md', 1, 'Goal 1: keep the archive', 'text');
INSERT INTO chunks VALUES ('c1', 'old.md', 0, 1, 0, 24, 'Goal 1', 'en',
    'Goal 1: keep the archive', 'goal 1 keep archiv');
"""


def _records(text: str, chunk_ids: list[str]) -> tuple[list[DocumentRecord], list[PageRecord],
                                                        list[ChunkRecord]]:
    doc = DocumentRecord("old.md", "old.md", "/r", "h2", "Old plan", "plan_draft", "en",
                         n_pages=1, n_chunks=len(chunk_ids))
    chunks = [ChunkRecord(c, "old.md", i, 1, 0, len(text), "Goal 1", "en", text, text.lower())
              for i, c in enumerate(chunk_ids)]
    return [doc], [PageRecord("old.md", 1, text, "text")], chunks


def test_an_old_catalog_migrates_and_a_failed_write_archives_nothing(tmp_path: Path):
    path = tmp_path / "catalog.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(OLD_SCHEMA)
    catalog = Catalog(path)
    store = VersionStore(catalog)
    # read before any write: version 1, no history tables yet, nothing altered
    assert catalog.get_document("old.md").version == 1
    assert [(v.version, v.current) for v in store.versions("old.md")] == [(1, True)]
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "document_versions" not in tables

    # a write that fails half-way (a duplicate chunk id) rolls the archive back with it
    with pytest.raises(sqlite3.IntegrityError):
        catalog.replace_source("old.md", *_records("Goal 1: publish the archive", ["n1", "n1"]))
    assert catalog.get_document("old.md").version == 1
    assert [v.version for v in store.versions("old.md")] == [1]
    assert catalog.page("old.md", 1).text == "Goal 1: keep the archive"

    dropped = catalog.replace_source("old.md", *_records("Goal 1: publish the archive", ["n1"]))
    assert dropped == ["c1"]
    assert catalog.get_document("old.md").version == 2
    assert [p.text for p in store.pages("old.md", 1)] == ["Goal 1: keep the archive"]
    assert [s.heading for s in store.sections("old.md", 1)] == ["Goal 1"]

    # a backup (SQLite's online copy, what `policykb export` takes) carries the history
    catalog.snapshot_to(tmp_path / "copy.sqlite3")
    copy = VersionStore(Catalog(tmp_path / "copy.sqlite3"))
    assert [(v.version, v.current) for v in copy.versions("old.md")] == [(1, False), (2, True)]
    assert [p.text for p in copy.pages("old.md", 1)] == ["Goal 1: keep the archive"]
