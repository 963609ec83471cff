"""Earlier versions of a document: archived when a changed file replaces it, readable by number.

Why here and in the catalog's own file: a plan is drafted in versions, and the reader of a diff
or of a citation must be able to open the version that was quoted. The old version's record,
page texts and chunk spans (page, offsets, heading path — enough to rebuild its sections) are
copied into these tables by :func:`archive_replaced`, called inside the catalog's
``replace_source`` transaction: the new version and the archived old one commit together, so a
crash leaves either the old document current and no archive, or the new one current and the old
one archived. History has no vectors and no sparse terms: it is never searched, only read.

The tables are created on the catalog's first write (an index that is only read is never
altered); until then, and for an index written before versions existed, every document is
version 1 and has no history. Deleting a document deletes its history (:func:`forget`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from core.models import ChunkRecord, DocumentRecord, PageRecord
from core.sqlite import connect

SCHEMA = """
CREATE TABLE IF NOT EXISTS document_versions (
    doc_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    n_pages INTEGER NOT NULL,
    ingested_at REAL NOT NULL,
    archived_at REAL NOT NULL,
    content_sha256 TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (doc_id, version)
);
CREATE TABLE IF NOT EXISTS version_pages (
    doc_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    page INTEGER NOT NULL,
    text TEXT NOT NULL,
    method TEXT NOT NULL,
    label TEXT,
    PRIMARY KEY (doc_id, version, page),
    FOREIGN KEY (doc_id, version) REFERENCES document_versions(doc_id, version) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS version_sections (
    doc_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    ordinal INTEGER NOT NULL,
    page INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    heading TEXT NOT NULL,
    PRIMARY KEY (doc_id, version, ordinal),
    FOREIGN KEY (doc_id, version) REFERENCES document_versions(doc_id, version) ON DELETE CASCADE
);
"""

TABLES = ("document_versions", "version_pages", "version_sections")


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the history tables (the catalog's migration step, before its first write)."""
    conn.executescript(SCHEMA)


def content_sha256(title: str, texts: Iterable[str]) -> str:
    """What makes a new version: the title and the page texts (not the file's bytes or the
    pipeline settings, which change the file hash without changing what a reader sees)."""
    digest = hashlib.sha256(title.encode("utf-8"))
    for text in texts:
        digest.update(b"\x00\x0c" + text.encode("utf-8"))
    return digest.hexdigest()


def archive_replaced(conn: sqlite3.Connection, source: str, documents: Sequence[DocumentRecord],
                     pages: Sequence[PageRecord]) -> dict[str, int]:
    """Inside the replacing transaction, before the old rows are deleted: archive every
    document whose content changes and return the version number each new record gets."""
    new_texts: dict[str, list[str]] = {}
    for page in sorted(pages, key=lambda p: p.page):
        new_texts.setdefault(page.doc_id, []).append(page.text)
    numbers: dict[str, int] = {}
    for doc in documents:
        numbers[doc.doc_id] = _next_version(conn, doc, new_texts.get(doc.doc_id, []))
    kept = set(numbers)
    for (gone,) in conn.execute("SELECT doc_id FROM documents WHERE source = ?", (source,)).fetchall():
        if gone not in kept:  # the file no longer yields this document: it is deleted
            forget(conn, gone)
    return numbers


def _next_version(conn: sqlite3.Connection, doc: DocumentRecord, texts: list[str]) -> int:
    old = conn.execute("SELECT * FROM documents WHERE doc_id = ?", (doc.doc_id,)).fetchone()
    if old is None:
        return 1
    row = dict(old)  # the catalog's connection returns sqlite3.Row
    version = int(row.get("version") or 1)
    old_texts = [r[0] for r in conn.execute(
        "SELECT text FROM pages WHERE doc_id = ? ORDER BY page", (doc.doc_id,))]
    old_sha = content_sha256(row["title"], old_texts)
    if old_sha == content_sha256(doc.title, texts):
        return version
    for table in TABLES[::-1]:  # rows already under this number (a hand-edited index) must go
        conn.execute(f"DELETE FROM {table} WHERE doc_id = ? AND version = ?", (doc.doc_id, version))
    conn.execute(
        "INSERT INTO document_versions (doc_id, version, title, n_pages, ingested_at, "
        "archived_at, content_sha256, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (doc.doc_id, version, row["title"], row["n_pages"], row["ingested_at"], time.time(), old_sha,
         json.dumps(row, ensure_ascii=False)))
    conn.execute(
        "INSERT INTO version_pages (doc_id, version, page, text, method, label) "
        "SELECT doc_id, ?, page, text, method, label FROM pages WHERE doc_id = ?",
        (version, doc.doc_id))
    conn.execute(
        "INSERT INTO version_sections (doc_id, version, ordinal, page, start, end, heading) "
        "SELECT doc_id, ?, ordinal, page, start, end, heading FROM chunks WHERE doc_id = ?",
        (version, doc.doc_id))
    return version + 1


def forget(conn: sqlite3.Connection, doc_id: str) -> None:
    """Delete a document's history, table by table (not left to the foreign keys' cascade:
    a connection without ``PRAGMA foreign_keys`` would keep the pages)."""
    conn.execute("DELETE FROM version_pages WHERE doc_id = ?", (doc_id,))
    conn.execute("DELETE FROM version_sections WHERE doc_id = ?", (doc_id,))
    conn.execute("DELETE FROM document_versions WHERE doc_id = ?", (doc_id,))


# -- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionInfo:
    """One version of a document, as ``policykb history`` lists it."""

    doc_id: str
    version: int
    ingested_at: float
    content_sha256: str
    n_pages: int
    title: str
    current: bool


@dataclass(frozen=True)
class Section:
    """A span of a version's text under one heading path (or one page, without headings)."""

    page: int
    start: int
    end: int
    heading: str


class CatalogReader(Protocol):
    """What :class:`VersionStore` reads from ``index.catalog.Catalog``."""

    path: Path

    def get_document(self, doc_id: str) -> DocumentRecord | None: ...
    def pages_of(self, doc_id: str) -> list[PageRecord]: ...
    def chunks_of(self, doc_id: str) -> list[ChunkRecord]: ...


class VersionStore:
    """Reads a document's versions: the current one from the catalog's live tables, earlier
    ones from the history tables (one short-lived connection per read: any thread may ask)."""

    def __init__(self, catalog: CatalogReader) -> None:
        self.catalog = catalog

    def _rows(self, sql: str, params: tuple[object, ...]) -> list[sqlite3.Row]:
        with closing(connect(Path(self.catalog.path))) as conn:
            conn.row_factory = sqlite3.Row
            try:
                return conn.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):  # an index never written since versions came
                    return []
                raise

    def versions(self, doc_id: str) -> list[VersionInfo]:
        """Every version of a document, oldest first (empty when it is not indexed)."""
        doc = self.catalog.get_document(doc_id)
        if doc is None:
            return []
        infos = [VersionInfo(doc_id, r["version"], r["ingested_at"], r["content_sha256"],
                             r["n_pages"], r["title"], False)
                 for r in self._rows("SELECT version, ingested_at, content_sha256, n_pages, title "
                                     "FROM document_versions WHERE doc_id = ? ORDER BY version",
                                     (doc_id,))
                 if r["version"] != doc.version]
        texts = [p.text for p in self.catalog.pages_of(doc_id)]
        infos.append(VersionInfo(doc_id, doc.version, doc.ingested_at,
                                 content_sha256(doc.title, texts), doc.n_pages, doc.title, True))
        return infos

    def pages(self, doc_id: str, version: int) -> list[PageRecord]:
        """A version's pages (the current version's from the live tables)."""
        doc = self.catalog.get_document(doc_id)
        if doc is not None and doc.version == version:
            return self.catalog.pages_of(doc_id)
        rows = self._rows("SELECT page, text, method, label FROM version_pages "
                          "WHERE doc_id = ? AND version = ? ORDER BY page", (doc_id, version))
        return [PageRecord(doc_id, r["page"], r["text"], r["method"], r["label"]) for r in rows]

    def sections(self, doc_id: str, version: int) -> list[Section]:
        """A version's chunk spans in reading order, with their heading paths."""
        doc = self.catalog.get_document(doc_id)
        if doc is not None and doc.version == version:
            return [Section(c.page, c.start, c.end, c.heading)
                    for c in self.catalog.chunks_of(doc_id)]
        rows = self._rows("SELECT page, start, end, heading FROM version_sections "
                          "WHERE doc_id = ? AND version = ? ORDER BY ordinal", (doc_id, version))
        return [Section(r["page"], r["start"], r["end"], r["heading"]) for r in rows]
