"""Printed page labels in the catalog: stored by ingestion, and an index written before labels
existed still opens (read as None) and is migrated only when it is next written to."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.models import DocumentRecord, PageRecord
from index.catalog import Catalog

OLD_PAGES = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, root TEXT NOT NULL, file_hash TEXT NOT NULL,
    title TEXT NOT NULL, doc_type TEXT NOT NULL, issuing_body TEXT, date TEXT,
    language TEXT NOT NULL, period TEXT, metadata TEXT NOT NULL, n_pages INTEGER NOT NULL,
    n_chunks INTEGER NOT NULL, ocr_pages TEXT NOT NULL, ingested_at REAL NOT NULL);
CREATE TABLE pages (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    page INTEGER NOT NULL, text TEXT NOT NULL, method TEXT NOT NULL,
    PRIMARY KEY (doc_id, page));
INSERT INTO documents VALUES ('old.pdf', 'old.pdf', '/r', 'h', 'Old plan', 'policy', NULL, NULL,
    'en', NULL, '{}', 1, 0, '[]', 0);
INSERT INTO pages VALUES ('old.pdf', 1, 'Page one of the old plan.', 'pypdf');
"""


def _columns(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[1] for r in conn.execute("PRAGMA table_info(pages)")}


def test_old_index_opens_unchanged_then_migrates_on_write(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(OLD_PAGES)
    catalog = Catalog(path)
    page = catalog.page("old.pdf", 1)
    assert page is not None and page.label is None
    assert catalog.page_labels([("old.pdf", 1)]) == {}
    assert "label" not in _columns(path)  # reading never alters an index

    doc = DocumentRecord(doc_id="new.pdf", source="new.pdf", root="/r", file_hash="h2",
                         title="New plan", doc_type="policy", language="en", n_pages=2)
    catalog.replace_source("new.pdf", [doc], [PageRecord("new.pdf", 1, "Cover", "pypdf"),
                                              PageRecord("new.pdf", 2, "Body", "pypdf", "12")], [])
    assert "label" in _columns(path)
    assert catalog.page_labels([("new.pdf", 1), ("new.pdf", 2), ("old.pdf", 1)]) == {("new.pdf", 2): "12"}
    stored = catalog.page("new.pdf", 2)
    assert stored is not None and stored.label == "12"
    assert [p.label for p in catalog.pages_of("new.pdf")] == [None, "12"]
    catalog.close()
    # a second process opening the migrated index sees the same labels
    again = Catalog(path)
    assert again.page_labels([("new.pdf", 2)]) == {("new.pdf", 2): "12"}
    again.close()
