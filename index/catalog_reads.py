"""The catalog's reads of documents, chunks and pages; mixed into ``Catalog``.

Kept apart from ``catalog.py`` (which keeps the connection, the migrations and the writes):
every search result is joined with these reads, the writes happen only during ingestion.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from core.models import ChunkRecord, DocumentRecord, PageRecord
from index.catalog_schema import doc_from_row


class CatalogReadsMixin:
    """Documents, chunks, pages and counts, read on this thread's connection."""

    if TYPE_CHECKING:  # provided by Catalog and CollectionsMixin
        def _conn(self) -> sqlite3.Connection: ...
        def _columns(self, table: str) -> set[str]: ...
        def _collection_sql(self) -> str: ...

    def documents(self) -> list[DocumentRecord]:
        rows = self._conn().execute("SELECT * FROM documents ORDER BY doc_id").fetchall()
        return [doc_from_row(r) for r in rows]

    def get_document(self, doc_id: str) -> DocumentRecord | None:
        row = self._conn().execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return doc_from_row(row) if row else None

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
        return {r["doc_id"]: doc_from_row(r) for r in self._rows_in("documents", "doc_id", doc_ids)}

    def documents_under_root(self, root: str) -> list[DocumentRecord]:
        rows = self._conn().execute("SELECT * FROM documents WHERE root=?", (root,)).fetchall()
        return [doc_from_row(r) for r in rows]

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

    def sparse_rows(self) -> Iterator[tuple[str, str, str, str, str, str, str, str | None, str, str]]:
        """(chunk_id, terms, doc_id, chunk language, doc language, doc type, issuing body, date,
        country code or '', collection)."""
        yield from self._conn().execute(
            "SELECT c.chunk_id, c.search_key, c.doc_id, c.language, d.language, d.doc_type, "
            "COALESCE(d.issuing_body, ''), d.date, "
            "COALESCE(json_extract(d.metadata, '$.country'), ''), "
            f"{self._collection_sql()} "
            "FROM chunks c JOIN documents d USING(doc_id) ORDER BY c.doc_id, c.ordinal"
        )

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
