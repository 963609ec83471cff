"""The jobs table in its own SQLite file: submitted, claimed by exactly one runner, finished.

Several API worker processes may share one data directory, so every state change is one
``BEGIN IMMEDIATE`` transaction (``core/sqlite.py``): a job is claimed by exactly one runner,
and at most one job runs at a time across all processes (the ingest lock serialises the work
anyway; one at a time also keeps jobs in the order they were submitted: an upload, then its
delete). A job interrupted ``max_attempts`` times fails instead of looping.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.errors import ConfigurationError
from core.sqlite import connect, transaction
from ingest.jobs.owners import owner_alive

logger = logging.getLogger(__name__)

STATES = ("queued", "running", "done", "failed")
KINDS = ("ingest", "delete")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    file_name TEXT,
    doc_id TEXT,
    state TEXT NOT NULL,
    stage TEXT NOT NULL DEFAULT '',
    done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    result TEXT,
    submitted_by TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    heartbeat_at REAL,
    owner TEXT,
    owner_pid INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    collection TEXT
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, seq);
"""
#: columns added after the first release: (name, declaration), added when a queue file opens
_ADDED = (("collection", "TEXT"),)


def new_job_id() -> str:
    return secrets.token_hex(8)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Job:
    job_id: str
    kind: str
    file_name: str | None
    doc_id: str | None
    state: str
    stage: str
    done: int
    total: int
    error: str | None
    result: dict[str, Any] | None
    submitted_by: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    owner_pid: int | None
    attempts: int
    #: the collection an upload goes into (None: a delete, or a job queued before collections)
    collection: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id, "kind": self.kind, "file_name": self.file_name,
            "doc_id": self.doc_id, "state": self.state,
            "progress": {"stage": self.stage, "done": self.done, "total": self.total},
            "error": self.error, "result": self.result, "submitted_by": self.submitted_by,
            "created_at": self.created_at, "started_at": self.started_at,
            "finished_at": self.finished_at, "owner_pid": self.owner_pid,
            "attempts": self.attempts, "collection": self.collection,
        }


_ready: set[Path] = set()  # queue files whose schema this process has checked
_setting_up = threading.Lock()
#: how long a queue file being set up by another process is waited for
_SET_UP_WAIT_S = 10.0

_COLUMNS = ("job_id, kind, file_name, doc_id, state, stage, done, total, error, result, "
            "submitted_by, created_at, started_at, finished_at, owner_pid, attempts, collection")


def _job(row: tuple) -> Job:
    values = list(row)
    values[9] = json.loads(values[9]) if values[9] else None
    return Job(*values)


class JobQueue:
    """The jobs table in its own SQLite file (``settings.jobs_path``)."""

    def __init__(self, path: Path, *, stale_after_s: float = 120.0, max_attempts: int = 3) -> None:
        self.path = path
        self.stale_after_s = stale_after_s
        self.max_attempts = max_attempts

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        try:
            if self.path not in _ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = connect(self.path)
            if self.path not in _ready:
                # one thread of this process sets the file up; the runner's first poll and a
                # submit raced here, and both asked for WAL mode at once
                with _setting_up:
                    if self.path not in _ready:
                        self._set_up(conn)
                        _ready.add(self.path)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigurationError(f"cannot open the job queue {self.path}: {exc}") from exc
        try:
            with transaction(conn):
                yield conn
        finally:
            conn.close()

    @staticmethod
    def _set_up(conn: sqlite3.Connection) -> None:
        """WAL mode (persistent: once per file), the table and its later columns. Switching to
        WAL takes the file's exclusive lock and SQLite does not wait for it (the busy timeout
        does not cover it), so another process setting the same file up is waited out here."""
        deadline = time.monotonic() + _SET_UP_WAIT_S
        while True:
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        conn.executescript(_SCHEMA)
        present = {r[1] for r in conn.execute("PRAGMA table_info(jobs)")}
        for column, declaration in _ADDED:
            if column not in present:
                try:
                    conn.execute(f"ALTER TABLE jobs ADD COLUMN {column} {declaration}")
                except sqlite3.OperationalError as exc:  # another process was first
                    if "duplicate column" not in str(exc):
                        raise

    # -- submitting and reading -----------------------------------------------------------

    def submit(self, kind: str, *, file_name: str | None = None, doc_id: str | None = None,
               submitted_by: str | None = None, job_id: str | None = None,
               collection: str | None = None) -> Job:
        """Queue a job; ``job_id`` from :func:`new_job_id` when the caller had to name its
        files after the job before queueing it (a staged upload); ``collection``, the one an
        upload goes into, lets job listings show it only to callers who may read it."""
        if kind not in KINDS:
            raise ValueError(f"unknown job kind {kind!r}; expected one of {', '.join(KINDS)}")
        job_id = job_id or new_job_id()
        with self._tx() as conn:
            conn.execute("INSERT INTO jobs (job_id, kind, file_name, doc_id, state, stage, "
                         "submitted_by, created_at, collection) "
                         "VALUES (?, ?, ?, ?, 'queued', 'queued', ?, ?, ?)",
                         (job_id, kind, file_name, doc_id, submitted_by, _now(), collection))
        return self.get(job_id)  # type: ignore[return-value]

    def get(self, job_id: str) -> Job | None:
        with self._tx() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM jobs WHERE job_id = ?",
                               (job_id,)).fetchone()
        return _job(row) if row else None

    def recent(self, limit: int = 50, state: str | None = None) -> list[Job]:
        """Newest first."""
        query = f"SELECT {_COLUMNS} FROM jobs"
        params: tuple = ()
        if state:
            query, params = query + " WHERE state = ?", (state,)
        with self._tx() as conn:
            rows = conn.execute(query + " ORDER BY seq DESC LIMIT ?", (*params, limit)).fetchall()
        return [_job(r) for r in rows]

    def live_job_ids(self) -> set[str]:
        """Ids of the queued and running jobs."""
        with self._tx() as conn:
            rows = conn.execute("SELECT job_id FROM jobs WHERE state IN ('queued', 'running')"
                                ).fetchall()
        return {r[0] for r in rows}

    def prune(self, keep_days: float, keep_last: int) -> int:
        """Forget finished jobs older than ``keep_days`` beyond the newest ``keep_last``
        finished ones (job history is not kept forever); returns how many went."""
        cutoff = datetime.fromtimestamp(time.time() - keep_days * 86_400, UTC).isoformat(
            timespec="seconds")
        with self._tx() as conn:
            cur = conn.execute(
                "DELETE FROM jobs WHERE state IN ('done', 'failed') AND seq NOT IN ("
                "SELECT seq FROM jobs WHERE state IN ('done', 'failed') ORDER BY seq DESC "
                "LIMIT ?) AND COALESCE(finished_at, created_at) < ?", (keep_last, cutoff))
            return cur.rowcount

    def pending_files(self, exclude_job: str | None = None) -> set[str]:
        """File names that a queued or running job (other than ``exclude_job``) will still
        work on."""
        with self._tx() as conn:
            rows = conn.execute("SELECT DISTINCT file_name FROM jobs WHERE file_name IS NOT "
                                "NULL AND state IN ('queued', 'running') AND job_id != ?",
                                (exclude_job or "",)).fetchall()
        return {r[0] for r in rows}

    # -- running --------------------------------------------------------------------------

    def claim(self, owner: str) -> Job | None:
        """The oldest queued job, now running under ``owner``; None when the queue is empty
        or another job is still running (anywhere). Abandoned jobs are re-queued first."""
        with self._tx() as conn:
            self._recover(conn)
            if conn.execute("SELECT 1 FROM jobs WHERE state = 'running' LIMIT 1").fetchone():
                return None
            row = conn.execute("SELECT job_id FROM jobs WHERE state = 'queued' ORDER BY seq "
                               "LIMIT 1").fetchone()
            if row is None:
                return None
            conn.execute(
                "UPDATE jobs SET state = 'running', stage = 'starting', done = 0, total = 0, "
                "started_at = ?, heartbeat_at = ?, owner = ?, owner_pid = ?, "
                "attempts = attempts + 1 WHERE job_id = ?",
                (_now(), time.time(), owner, os.getpid(), row[0]))
        return self.get(row[0])

    def recover(self) -> int:
        """Re-queue jobs whose owner is gone (done at every claim; callable on its own)."""
        with self._tx() as conn:
            return self._recover(conn)

    def _recover(self, conn: sqlite3.Connection) -> int:
        rows = conn.execute("SELECT job_id, owner, heartbeat_at, attempts FROM jobs "
                            "WHERE state = 'running'").fetchall()
        stale_before = time.time() - self.stale_after_s
        recovered = 0
        for job_id, owner, heartbeat, attempts in rows:
            if owner and owner_alive(owner) and (heartbeat or 0) >= stale_before:
                continue
            recovered += 1
            if attempts >= self.max_attempts:
                logger.warning("job %s was interrupted %d times; giving up", job_id, attempts)
                conn.execute("UPDATE jobs SET state = 'failed', finished_at = ?, owner = NULL, "
                             "error = ? WHERE job_id = ?",
                             (_now(), f"interrupted {attempts} times (the server stopped while "
                              "it ran); not retried again", job_id))
            else:
                logger.info("job %s was interrupted (owner %s gone); re-queued", job_id, owner)
                conn.execute("UPDATE jobs SET state = 'queued', stage = 'queued', owner = NULL, "
                             "error = ? WHERE job_id = ?",
                             ("interrupted once (the server stopped); resumed", job_id))
        return recovered

    def heartbeat(self, job_id: str, owner: str) -> None:
        with self._tx() as conn:
            conn.execute("UPDATE jobs SET heartbeat_at = ? WHERE job_id = ? AND owner = ?",
                         (time.time(), job_id, owner))

    def progress(self, job_id: str, owner: str, stage: str, done: int, total: int) -> None:
        with self._tx() as conn:
            conn.execute("UPDATE jobs SET stage = ?, done = ?, total = ?, heartbeat_at = ? "
                         "WHERE job_id = ? AND owner = ?",
                         (stage, done, total, time.time(), job_id, owner))

    def finish(self, job_id: str, owner: str, *, result: dict[str, Any] | None = None,
               error: str | None = None) -> None:
        """Done (or failed, with ``error``); ignored if the job was taken away from ``owner``."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE jobs SET state = ?, stage = ?, error = ?, result = ?, finished_at = ?, "
                "owner = NULL WHERE job_id = ? AND owner = ?",
                ("failed" if error else "done", "failed" if error else "done", error,
                 json.dumps(result, ensure_ascii=False) if result is not None else None,
                 _now(), job_id, owner))
