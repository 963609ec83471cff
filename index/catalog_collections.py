"""The catalog's collections: which collection each document is in, and which are open.

A collection is open (every reader sees it) or restricted (only keys naming it, and admins).
``public`` always exists and is open. A name first met at ingest or upload is created
restricted: a typo or a new confidential folder fails closed, and opening it is a deliberate
``policykb collections open NAME``.

Kept apart from ``catalog.py`` (which mixes this in) because it is one concern with its own
table. Like every schema change it is applied on the first write: an older index read as it is
has no ``collections`` table and no ``documents.collection`` column, and then holds only
public documents.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.access import DEFAULT_COLLECTION, collection_name

__all__ = ["COLLECTIONS_SCHEMA", "CollectionInfo", "CollectionsMixin", "register_collections"]

COLLECTIONS_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS collections (name TEXT PRIMARY KEY, "
    "restricted INTEGER NOT NULL, created REAL NOT NULL)",
    f"INSERT OR IGNORE INTO collections (name, restricted, created) "
    f"VALUES ('{DEFAULT_COLLECTION}', 0, 0)",
)


@dataclass(frozen=True)
class CollectionInfo:
    name: str
    restricted: bool
    documents: int
    chunks: int
    created: float = 0.0


def register_collections(conn: sqlite3.Connection, names: Iterable[str]) -> None:
    """Create the collections ``names`` that do not exist yet, restricted (inside the caller's
    transaction: a document never lands in a collection the table does not know)."""
    now = time.time()
    conn.executemany(
        "INSERT OR IGNORE INTO collections (name, restricted, created) VALUES (?, 1, ?)",
        [(name, now) for name in set(names)])


class CollectionsMixin:
    """Collection reads and the one write (opening or restricting); mixed into ``Catalog``."""

    if TYPE_CHECKING:  # provided by Catalog
        def _conn(self) -> sqlite3.Connection: ...
        def _tx(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _columns(self, table: str) -> set[str]: ...

    def _has_collections(self) -> bool:
        return self._conn().execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='collections'"
        ).fetchone() is not None

    def _collection_sql(self) -> str:
        """The documents' collection as SQL (an older catalog without the column: public)."""
        if "collection" in self._columns("documents"):
            return f"COALESCE(d.collection, '{DEFAULT_COLLECTION}')"
        return f"'{DEFAULT_COLLECTION}'"

    def collections(self) -> list[CollectionInfo]:
        """Every collection with its document and chunk counts, by name."""
        conn = self._conn()
        declared: dict[str, tuple[bool, float]] = {DEFAULT_COLLECTION: (False, 0.0)}
        if self._has_collections():
            declared.update({r[0]: (bool(r[1]), float(r[2])) for r in conn.execute(
                "SELECT name, restricted, created FROM collections")})
        column = self._collection_sql()
        docs = dict(conn.execute(
            f"SELECT {column}, COUNT(*) FROM documents d GROUP BY 1").fetchall())
        chunks = dict(conn.execute(
            f"SELECT {column}, COUNT(*) FROM chunks c JOIN documents d USING(doc_id) "
            "GROUP BY 1").fetchall())
        names = sorted(set(declared) | set(docs))
        # a collection with documents but no row (written by hand) fails closed: restricted
        return [CollectionInfo(name, declared.get(name, (True, 0.0))[0], int(docs.get(name, 0)),
                               int(chunks.get(name, 0)), declared.get(name, (True, 0.0))[1])
                for name in names]

    def collection_names(self) -> set[str]:
        return {c.name for c in self.collections()}

    def open_collections(self) -> set[str]:
        """The collections every reader may read (always including ``public``)."""
        if not self._has_collections():
            return {DEFAULT_COLLECTION}
        return {r[0] for r in self._conn().execute(
            "SELECT name FROM collections WHERE restricted = 0")}

    def set_collection_access(self, name: str, restricted: bool) -> bool:
        """Open or restrict ``name`` (created if new); returns whether anything changed."""
        name = collection_name(name)
        with self._tx() as conn:
            before = conn.execute("SELECT restricted FROM collections WHERE name = ?",
                                  (name,)).fetchone()
            conn.execute(
                "INSERT INTO collections (name, restricted, created) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET restricted = excluded.restricted",
                (name, int(restricted), time.time()))
        return before is None or bool(before[0]) != restricted

    def collection_of(self, doc_id: str) -> str | None:
        """The collection of one document; None when there is no such document."""
        row = self._conn().execute(
            f"SELECT {self._collection_sql()} FROM documents d WHERE doc_id = ?",
            (doc_id,)).fetchone()
        return None if row is None else str(row[0])
