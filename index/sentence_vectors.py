"""Evidence-sentence vectors computed once and kept beside the index, shared by every worker.

Why: an extractive answer embeds its ~24 best candidate sentences with the passage model,
which cost ~630 of /ask's ~680 ms per request. A sentence's vector depends only on its text
(its heading and words) and the model, so it is stored under a hash of both in a SQLite file
(``index/sentence_vectors.sqlite3``): a request looks its sentences up (well under a
millisecond) and embeds only the ones never seen, which are stored for the next request
(lazy). :meth:`SentenceVectors.warm` embeds every sentence of the index ahead of time (in the
background at server start and after an ingest) and records the catalog generation it
covered, so an unchanged index is never walked twice. The file is a cache: deleting it only
costs the time to rebuild it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

Embed = Callable[[list[str]], np.ndarray]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_LOOKUP_CHUNK = 500  # SQLite's variable limit is far above; keeps statements small


class SentenceVectors:
    """A callable ``texts -> vectors`` (what ``score_sentences`` takes as ``embed``) that
    computes each distinct text once per model and keeps the result on disk.

    ``embed`` computes vectors for texts not stored yet; ``model`` names the model: the
    file is emptied when another model (or dimension) opens it, never mixing vectors.
    """

    def __init__(self, path: Path, embed: Embed, model: str, memory: int = 8192) -> None:
        self.path = path
        self.embed = embed
        self.model = model
        self._local = threading.local()
        # the vectors requests read lately, in memory: a vector depends only on its key (text
        # and this instance's model), so nothing here goes stale; ``memory`` bounds the count
        self.memory = memory
        self._recent: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._recent_lock = threading.Lock()
        self.hits = 0  # for tests and benchmarks: texts served from the file
        self.misses = 0  # texts embedded on request
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._conn() as conn:
            conn.executescript(_SCHEMA)
            stored = conn.execute("SELECT value FROM meta WHERE key='model'").fetchone()
            if stored is None or stored[0] != model:
                conn.execute("DELETE FROM vectors")
                conn.execute("DELETE FROM meta")
                conn.execute("INSERT INTO meta VALUES ('model', ?)", (model,))

    def _conn(self) -> sqlite3.Connection:
        """One connection per thread (sqlite3 objects must stay in their thread)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def key(self, text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16,
                               person=b"pkb-sentence").digest()

    def __call__(self, texts: list[str]) -> np.ndarray:
        """The vectors of ``texts`` in order: stored ones read, the rest embedded and stored."""
        keys = [self.key(t) for t in texts]
        found = self._remembered(keys)
        if len(found) < len(set(keys)):
            stored = self._lookup(set(keys) - found.keys())
            self._remember(stored)
            found.update(stored)
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())
        if missing:
            vectors = np.asarray(self.embed([t for _, t in missing]), dtype=np.float32)
            new = {k: v for (k, _), v in zip(missing, vectors, strict=True)}
            self._store(new)
            self._remember(new)
            found.update(new)
        self.misses += len(missing)
        self.hits += len(texts) - len(missing)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([found[k] for k in keys])

    def _remembered(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        with self._recent_lock:
            out = {k: self._recent[k] for k in keys if k in self._recent}
            for k in out:
                self._recent.move_to_end(k)
        return out

    def _remember(self, vectors: dict[bytes, np.ndarray]) -> None:
        if not self.memory or not vectors:
            return
        with self._recent_lock:
            self._recent.update(vectors)
            while len(self._recent) > self.memory:
                self._recent.popitem(last=False)

    def _lookup(self, keys: set[bytes]) -> dict[bytes, np.ndarray]:
        out: dict[bytes, np.ndarray] = {}
        wanted = list(keys)
        conn = self._conn()
        for i in range(0, len(wanted), _LOOKUP_CHUNK):
            part = wanted[i:i + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(part))
            for key, blob in conn.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})",
                                          part):
                out[bytes(key)] = np.frombuffer(blob, dtype=np.float32)
        return out

    def _store(self, vectors: dict[bytes, np.ndarray]) -> None:
        if not vectors:
            return
        try:
            conn = self._conn()
            with conn:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?)",
                                 [(k, np.ascontiguousarray(v, dtype=np.float32).tobytes())
                                  for k, v in vectors.items()])
        except sqlite3.OperationalError as exc:  # read-only or busy data dir: serve anyway
            logger.warning("sentence vectors not stored in %s: %s", self.path, exc)

    def count(self) -> int:
        return int(self._conn().execute("SELECT COUNT(*) FROM vectors").fetchone()[0])

    def warmed_generation(self) -> str | None:
        row = self._conn().execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return str(row[0]) if row else None

    def warm(self, texts: Iterable[str], generation: str, *, batch: int = 32,
             embed: Embed | None = None, stop: threading.Event | None = None) -> int:
        """Embed every text not stored yet, ``batch`` at a time (``embed`` may be a slower,
        lower-priority path than the request one); then record ``generation`` as covered.
        Returns how many were embedded. One process warms at a time (a file lock): other
        workers skip, and a warm already done for ``generation`` is not repeated."""
        if self.warmed_generation() == generation:
            return 0
        with _try_lock(self.path.with_suffix(".warm.lock")) as locked:
            if not locked:
                return 0
            todo = self._missing(texts)
            embed = embed or self.embed
            for i in range(0, len(todo), batch):
                if stop is not None and stop.is_set():
                    return i
                part = todo[i:i + batch]
                vectors = np.asarray(embed(part), dtype=np.float32)
                self._store({self.key(t): v for t, v in zip(part, vectors, strict=True)})
            with self._conn() as conn:
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (generation,))
            logger.info("sentence vectors: %d embedded for generation %s", len(todo), generation)
            return len(todo)

    def _missing(self, texts: Iterable[str]) -> list[str]:
        unique = {self.key(t): t for t in texts}
        stored = self._lookup(set(unique))
        return [t for k, t in unique.items() if k not in stored]


@contextlib.contextmanager
def _try_lock(path: Path) -> Iterator[bool]:
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
