"""The catalog's tables, the columns added since the first release, and row decoding.

Kept apart from ``catalog.py`` so the schema can be read in one place; the mixins that read
and write these tables (``catalog.py``, ``catalog_reads.py``, ``catalog_collections.py``)
share the column lists.
"""

from __future__ import annotations

import json
import sqlite3

from core.access import DEFAULT_COLLECTION
from core.models import ChunkRecord, DocumentRecord

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    root TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    issuing_body TEXT,
    date TEXT,
    language TEXT NOT NULL,
    period TEXT,
    metadata TEXT NOT NULL,
    n_pages INTEGER NOT NULL,
    n_chunks INTEGER NOT NULL,
    ocr_pages TEXT NOT NULL,
    ingested_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
CREATE TABLE IF NOT EXISTS pages (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    page INTEGER NOT NULL,
    text TEXT NOT NULL,
    method TEXT NOT NULL,
    label TEXT,
    PRIMARY KEY (doc_id, page)
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    page INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    heading TEXT NOT NULL,
    language TEXT NOT NULL,
    text TEXT NOT NULL,
    search_key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, ordinal);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


#: (table, column, declaration) added after the first release; applied before any write.
MIGRATIONS = [("pages", "label", "TEXT"),
               ("documents", "collection", f"TEXT NOT NULL DEFAULT '{DEFAULT_COLLECTION}'"),
               ("documents", "version", "INTEGER NOT NULL DEFAULT 1")]

DOC_COLUMNS = [f for f in DocumentRecord.__dataclass_fields__]
CHUNK_COLUMNS = [f for f in ChunkRecord.__dataclass_fields__]


def doc_from_row(row: sqlite3.Row) -> DocumentRecord:
    data = dict(row)
    data["metadata"] = json.loads(data["metadata"])
    data["ocr_pages"] = json.loads(data["ocr_pages"])
    return DocumentRecord(**data)
