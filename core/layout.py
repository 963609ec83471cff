"""The data directory's layout (every path under ``data_dir``) and the ingest lock guarding it.

Why one module: the settings, the container, the pipeline's writability check and
backup/restore each used to spell out ``catalog.sqlite3`` or ``.ingest.lock`` on their own; a
renamed file then broke restores silently. Everything that names a path under the data
directory asks a :class:`DataLayout`, and every writer of the index takes the same
:class:`IngestLock`.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CATALOG = "catalog.sqlite3"
KEYS = "keys.sqlite3"
JOBS = "jobs.sqlite3"
CHROMA = "chroma"
INDEX = "index"
SPARSE = f"{INDEX}/bm25"
LEXICON = f"{INDEX}/lexicon.sqlite3"
UPLOADS = "uploads"
CACHE = "cache"
FEEDBACK = "feedback.jsonl"
INGEST_LOCK = ".ingest.lock"


def sqlite_files(name: str) -> frozenset[str]:
    """A SQLite database with its WAL companions (they move together or not at all)."""
    return frozenset({name, f"{name}-wal", f"{name}-shm"})


#: What an index restore replaces in the data directory; everything else there is carried over.
INDEX_ENTRIES = sqlite_files(CATALOG) | {CHROMA, INDEX, UPLOADS, INGEST_LOCK}
#: The API keys, replaced by a restore only when asked (an archive should not carry credentials).
KEY_ENTRIES = sqlite_files(KEYS)


@dataclass(frozen=True)
class DataLayout:
    """Where each part of an index lives under one data directory."""

    root: Path

    @property
    def catalog(self) -> Path:
        return self.root / CATALOG

    @property
    def keys(self) -> Path:
        """API keys (hashed); beside, not inside, the index so an index restore keeps them."""
        return self.root / KEYS

    @property
    def jobs(self) -> Path:
        return self.root / JOBS

    @property
    def chroma(self) -> Path:
        return self.root / CHROMA

    @property
    def index(self) -> Path:
        return self.root / INDEX

    @property
    def sparse(self) -> Path:
        return self.root / SPARSE

    @property
    def lexicon(self) -> Path:
        """Term translations learned from the index's own twin documents (part of the index:
        rebuilt from it, backed up and restored with it)."""
        return self.root / LEXICON

    @property
    def uploads(self) -> Path:
        """Files received by POST /documents: the document store for uploaded originals."""
        return self.root / UPLOADS

    @property
    def cache(self) -> Path:
        return self.root / CACHE

    @property
    def ocr_cache(self) -> Path:
        return self.cache / "ocr"

    @property
    def feedback(self) -> Path:
        return self.root / FEEDBACK

    @property
    def ingest_lock(self) -> Path:
        return self.root / INGEST_LOCK

    def index_files(self) -> tuple[Path, ...]:
        """What an ingest writes (the writability check looks at each that exists)."""
        return (self.catalog, self.chroma, self.chroma / "chroma.sqlite3", self.index)


class LockTimeoutError(TimeoutError):
    """The ingest lock stayed held for longer than the caller would wait."""


class IngestLock:
    """One writer of an index at a time, across processes (``flock`` on a file in the data
    directory): ingest, delete, export and import all take it, so orphan clean-up never races a
    writer and a backup never copies half an ingest. Searches do not need it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def hold(self, wait_s: float | None = None) -> Iterator[None]:
        """Hold the lock; with ``wait_s``, give up after that many seconds
        (``LockTimeoutError``) instead of waiting for as long as the holder runs."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as handle:
            if wait_s is None:
                fcntl.flock(handle, fcntl.LOCK_EX)
            else:
                deadline = time.monotonic() + wait_s
                while True:
                    try:
                        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() >= deadline:
                            raise LockTimeoutError(f"{self.path} is held") from None
                        time.sleep(0.1)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
