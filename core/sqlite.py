"""The SQLite helpers every store shares: an autocommit connection, a write transaction, a
consistent copy of a live database.

Why shared: the catalog and the job queue are written by several processes at once (API
workers, a CLI ingest). Each write must take the write lock up front (``BEGIN IMMEDIATE``)
rather than upgrade a read lock half-way and fail with "database is locked"; two copies of
that rule had already drifted apart.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def connect(path: Path, *, timeout: float = 30.0) -> sqlite3.Connection:
    """A connection in autocommit mode: transactions are opened explicitly with
    :func:`transaction`, never implicitly by the ``sqlite3`` module."""
    return sqlite3.connect(path, timeout=timeout, isolation_level=None)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction holding the write lock from its start; rolled back on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def copy_database(source: Path, target: Path, *, timeout: float = 30.0) -> None:
    """A consistent copy of a database other processes may be writing (SQLite's online backup
    API: a plain file copy could catch a page mid-write or miss the WAL)."""
    src = sqlite3.connect(source, timeout=timeout)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
