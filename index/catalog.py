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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from core.errors import IndexUnavailableError
from core.models import ChunkRecord, DocumentRecord, PageRecord
from core.sqlite import connect, copy_database, transaction

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
_MIGRATIONS = [("pages", "label", "TEXT")]

_DOC_COLUMNS = [f for f in DocumentRecord.__dataclass_fields__]
_CHUNK_COLUMNS = [f for f in ChunkRecord.__dataclass_fields__]


def _doc_from_row(row: sqlite3.Row) -> DocumentRecord:
    data = dict(row)
    data["metadata"] = json.loads(data["metadata"])
    data["ocr_pages"] = json.loads(data["ocr_pages"])
    return DocumentRecord(**data)


class Catalog:
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
        for table, column, declaration in _MIGRATIONS:
            if column not in self._columns(table):
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
                conn.commit()
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
                conn.execute(
                    f"INSERT INTO documents ({','.join(_DOC_COLUMNS)}) "
                    f"VALUES ({','.join('?' * len(_DOC_COLUMNS))})",
                    [row[c] for c in _DOC_COLUMNS],
                )
            conn.executemany(
                "INSERT INTO pages (doc_id, page, text, method, label) VALUES (?,?,?,?,?)",
                [(p.doc_id, p.page, p.text, p.method, p.label) for p in pages],
            )
            conn.executemany(
                f"INSERT INTO chunks ({','.join(_CHUNK_COLUMNS)}) "
                f"VALUES ({','.join('?' * len(_CHUNK_COLUMNS))})",
                [[getattr(c, col) for col in _CHUNK_COLUMNS] for c in chunks],
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

    # -- reads ----------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self._conn().execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def source_hash(self, source: str) -> str | None:
        """The file hash recorded for a source file, if all its documents are indexed."""
        rows = self._conn().execute(
            "SELECT DISTINCT file_hash FROM documents WHERE source = ?", (source,)
        ).fetchall()
        return rows[0][0] if len(rows) == 1 else None

    def documents(self) -> list[DocumentRecord]:
        rows = self._conn().execute("SELECT * FROM documents ORDER BY doc_id").fetchall()
        return [_doc_from_row(r) for r in rows]

    def get_document(self, doc_id: str) -> DocumentRecord | None:
        row = self._conn().execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return _doc_from_row(row) if row else None

    def _rows_in(self, table: str, column: str, values: Iterable[str],
                 select: str = "*") -> list[sqlite3.Row]:
        """Rows whose ``column`` is one of ``values``, in batches SQLite accepts."""
        ids = list(dict.fromkeys(values))
        rows: list[sqlite3.Row] = []
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            rows += self._conn().execute(
                f"SELECT {select} FROM {table} WHERE {column} IN ({','.join('?' * len(part))})", part
            ).fetchall()
        return rows

    def documents_by_ids(self, doc_ids: Iterable[str]) -> dict[str, DocumentRecord]:
        return {r["doc_id"]: _doc_from_row(r) for r in self._rows_in("documents", "doc_id", doc_ids)}

    def documents_under_root(self, root: str) -> list[DocumentRecord]:
        rows = self._conn().execute("SELECT * FROM documents WHERE root=?", (root,)).fetchall()
        return [_doc_from_row(r) for r in rows]

    def chunks_by_ids(self, chunk_ids: Iterable[str]) -> dict[str, ChunkRecord]:
        return {r["chunk_id"]: ChunkRecord(**dict(r)) for r in self._rows_in("chunks", "chunk_id", chunk_ids)}

    def chunks_of(self, doc_id: str) -> list[ChunkRecord]:
        rows = self._conn().execute(
            "SELECT * FROM chunks WHERE doc_id=? ORDER BY ordinal", (doc_id,)
        ).fetchall()
        return [ChunkRecord(**dict(r)) for r in rows]

    def iter_chunks(self) -> Iterator[ChunkRecord]:
        for row in self._conn().execute("SELECT * FROM chunks ORDER BY doc_id, ordinal"):
            yield ChunkRecord(**dict(row))

    def sparse_rows(self) -> Iterator[tuple[str, str, str, str, str, str, str, str | None, str]]:
        """(chunk_id, terms, doc_id, chunk language, doc language, doc type, issuing body, date,
        country code or '')."""
        yield from self._conn().execute(
            "SELECT c.chunk_id, c.search_key, c.doc_id, c.language, d.language, d.doc_type, "
            "COALESCE(d.issuing_body, ''), d.date, "
            "COALESCE(json_extract(d.metadata, '$.country'), '') "
            "FROM chunks c JOIN documents d USING(doc_id) ORDER BY c.doc_id, c.ordinal"
        )

    def generation(self) -> str:
        """Moves on whenever documents change; derived indexes rebuild when it does."""
        return self.get_meta("generation") or "0"

    def bump_generation(self) -> str:
        with self._tx() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
            value = str(int(row[0]) + 1 if row else 1)
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('generation', ?)", (value,))
        return value

    def all_chunk_ids(self) -> set[str]:
        return {r[0] for r in self._conn().execute("SELECT chunk_id FROM chunks")}

    def page(self, doc_id: str, page: int) -> PageRecord | None:
        row = self._conn().execute(
            "SELECT * FROM pages WHERE doc_id=? AND page=?", (doc_id, page)
        ).fetchone()
        return PageRecord(**dict(row)) if row else None

    def page_labels(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """The printed labels of (doc_id, page) pairs that have one (an index written before
        labels existed has none)."""
        wanted = set(keys)
        if not wanted or "label" not in self._columns("pages"):
            return {}
        rows = self._rows_in("pages", "doc_id", {doc for doc, _ in wanted}, "doc_id, page, label")
        return {(r[0], r[1]): r[2] for r in rows if r[2] and (r[0], r[1]) in wanted}

    def pages_of(self, doc_id: str) -> list[PageRecord]:
        rows = self._conn().execute(
            "SELECT * FROM pages WHERE doc_id=? ORDER BY page", (doc_id,)
        ).fetchall()
        return [PageRecord(**dict(r)) for r in rows]

    def stats(self) -> dict[str, Any]:
        conn = self._conn()
        docs = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        pages = conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
        chunks = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        by_lang = dict(conn.execute("SELECT language, COUNT(*) FROM documents GROUP BY language").fetchall())
        by_type = dict(conn.execute("SELECT doc_type, COUNT(*) FROM documents GROUP BY doc_type").fetchall())
        ocr = conn.execute("SELECT ocr_pages FROM documents").fetchall()
        return {
            "documents": docs,
            "pages": pages,
            "chunks": chunks,
            "pages_ocr": sum(len(json.loads(r[0])) for r in ocr),
            "by_language": by_lang,
            "by_type": by_type,
        }
