"""The catalog: SQLite rows for documents, their pages and chunks — the index's source of truth.

A document becomes visible only when its rows commit in one transaction, after its vectors are
already in the vector store. A crash before the commit leaves orphan vectors (never shown,
because every search result is joined with this catalog) and the next ingest removes them.

Schema changes are additive and applied on the first write (``_MIGRATIONS``): an older index
opens read-only as it is (a missing column reads as None) and gains the column when it is next
written to, so a server or an evaluation never alters an index it only reads.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from core.errors import IndexUnavailableError
from core.models import ChunkRecord, DocumentRecord, PageRecord
from core.sqlite import connect, copy_database, transaction
from index import versions
from index.catalog_collections import COLLECTIONS_SCHEMA, CollectionsMixin, register_collections
from index.catalog_reads import CatalogReadsMixin
from index.catalog_schema import CHUNK_COLUMNS, DOC_COLUMNS, MIGRATIONS, SCHEMA

__all__ = ["SCHEMA", "Catalog"]


class Catalog(CatalogReadsMixin, CollectionsMixin):
    """Thread-safe access to the SQLite catalog (one connection per thread, WAL mode)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn().executescript(SCHEMA)  # executescript manages its own transaction
        except (OSError, sqlite3.Error) as exc:
            raise IndexUnavailableError(f"cannot open the catalog at {path}: {exc}") from exc

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        self._migrate()
        return transaction(self._conn())

    def _columns(self, table: str) -> set[str]:
        return {r[1] for r in self._conn().execute(f"PRAGMA table_info({table})")}

    def _migrate(self) -> None:
        """Add the columns an index written by an older version lacks (once per process)."""
        if getattr(self, "_migrated", False):
            return
        conn = self._conn()
        for table, column, declaration in MIGRATIONS:
            if column not in self._columns(table):
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
                conn.commit()
        for statement in COLLECTIONS_SCHEMA:
            conn.execute(statement)
        conn.commit()
        versions.ensure_schema(conn)  # history tables (index/versions.py)
        self._migrated = True

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- writes ---------------------------------------------------------------------------

    def replace_source(
        self,
        source: str,
        documents: Sequence[DocumentRecord],
        pages: Sequence[PageRecord],
        chunks: Sequence[ChunkRecord],
    ) -> list[str]:
        """Atomically swap every document read from one file; returns the chunk ids it dropped."""
        now = time.time()
        with self._tx() as conn:
            old_ids = [
                r[0]
                for r in conn.execute(
                    "SELECT c.chunk_id FROM chunks c JOIN documents d USING(doc_id) "
                    "WHERE d.source = ?",
                    (source,),
                )
            ]
            numbers = versions.archive_replaced(conn, source, documents, pages)  # before deletes
            conn.execute("DELETE FROM documents WHERE source = ?", (source,))
            # A document id may have come from another root before: the newest ingest wins.
            for doc in documents:
                old_ids += [
                    r[0]
                    for r in conn.execute(
                        "SELECT chunk_id FROM chunks WHERE doc_id = ?", (doc.doc_id,)
                    )
                ]
                conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc.doc_id,))
            for doc in documents:
                row = doc.to_dict()
                row["metadata"] = json.dumps(doc.metadata, ensure_ascii=False, sort_keys=True)
                row["ocr_pages"] = json.dumps(doc.ocr_pages)
                row["ingested_at"] = doc.ingested_at or now
                row["version"] = numbers[doc.doc_id]
                conn.execute(
                    f"INSERT INTO documents ({','.join(DOC_COLUMNS)}) "
                    f"VALUES ({','.join('?' * len(DOC_COLUMNS))})",
                    [row[c] for c in DOC_COLUMNS],
                )
            register_collections(conn, (doc.collection for doc in documents))
            conn.executemany(
                "INSERT INTO pages (doc_id, page, text, method, label) VALUES (?,?,?,?,?)",
                [(p.doc_id, p.page, p.text, p.method, p.label) for p in pages],
            )
            conn.executemany(
                f"INSERT INTO chunks ({','.join(CHUNK_COLUMNS)}) "
                f"VALUES ({','.join('?' * len(CHUNK_COLUMNS))})",
                [[getattr(c, col) for col in CHUNK_COLUMNS] for c in chunks],
            )
        new_ids = {c.chunk_id for c in chunks}
        return [i for i in old_ids if i not in new_ids]

    def delete_documents(self, doc_ids: Iterable[str]) -> list[str]:
        """Remove documents; returns the chunk ids whose vectors must go too."""
        ids = list(doc_ids)
        removed: list[str] = []
        with self._tx() as conn:
            for doc_id in ids:
                removed += [
                    r[0] for r in conn.execute("SELECT chunk_id FROM chunks WHERE doc_id=?", (doc_id,))
                ]
                # Siblings read from the same file lose their hash, so the next ingest of that
                # file restores the deleted document instead of skipping the file as unchanged.
                conn.execute(
                    "UPDATE documents SET file_hash = '' WHERE source = "
                    "(SELECT source FROM documents WHERE doc_id = ?)",
                    (doc_id,),
                )
                conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
                versions.forget(conn, doc_id)  # deleting a document deletes its history
        return removed

    def rebase_roots(self, old_dir: str, new_dir: str) -> int:
        """Documents ingested from inside ``old_dir`` (uploads) now live under ``new_dir``: a
        restored index keeps finding their original files. Returns how many moved."""
        if old_dir == new_dir:
            return 0
        moved = 0
        with self._tx() as conn:
            for doc_id, root in conn.execute("SELECT doc_id, root FROM documents").fetchall():
                if root == old_dir or root.startswith(old_dir.rstrip("/") + "/"):
                    conn.execute("UPDATE documents SET root = ? WHERE doc_id = ?",
                                 (new_dir + root[len(old_dir):], doc_id))
                    moved += 1
        return moved

    def snapshot_to(self, target: Path) -> None:
        """A consistent copy of the whole catalog at ``target`` while others keep writing
        (SQLite's online backup, not a file copy)."""
        copy_database(self.path, target)

    def set_meta(self, key: str, value: str) -> None:
        with self._tx() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- meta and generation (reads of documents, chunks, pages: catalog_reads.py) ---------

    def get_meta(self, key: str) -> str | None:
        row = self._conn().execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def source_hash(self, source: str) -> str | None:
        """The file hash recorded for a source file, if all its documents are indexed."""
        rows = self._conn().execute(
            "SELECT DISTINCT file_hash FROM documents WHERE source = ?", (source,)
        ).fetchall()
        return rows[0][0] if len(rows) == 1 else None

    def generation(self) -> str:
        """Moves on whenever documents change; derived indexes rebuild when it does."""
        return self.get_meta("generation") or "0"

    def bump_generation(self) -> str:
        with self._tx() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
            value = str(int(row[0]) + 1 if row else 1)
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('generation', ?)", (value,))
        return value
